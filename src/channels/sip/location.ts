/**
 * The location service (RFC 3261 §10.3): which contacts each extension has registered,
 * until when. Several contacts per extension ring together (a desk phone and a softphone).
 * Expiry runs on the injected clock; a binding is refreshed by re-registering the same
 * contact URI, and replaced when the same device (same Call-ID) moves to a new contact.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { TransportProtocol } from '../../sip/transport/types.js';

export interface Binding {
  extension: string;
  /** The Contact URI the phone registered (where to send requests). */
  contact: string;
  /** Where the REGISTER came from: requests go there when the phone is behind NAT (RFC 3581 symmetry). */
  source: { protocol: TransportProtocol; address: string; port: number };
  callId: string;
  cseq: number;
  /** Epoch ms when the binding lapses. */
  expiresAt: number;
  userAgent?: string;
}

/** RFC 3261 §10.3 step 6: the registrar may cap a contact's count per address of record. */
export const MAX_CONTACTS_PER_EXTENSION = 5;

export type BindingChange = { kind: 'added' | 'refreshed' | 'removed' | 'expired'; binding: Binding };

export class LocationService {
  private readonly bindings = new Map<string, Binding[]>();
  private readonly timers = new Map<Binding, TimerHandle>();
  private readonly listeners = new Set<(c: BindingChange) => void>();

  constructor(private readonly clock: Clock) {}

  /** Current (unexpired) bindings of an extension, newest first. */
  contacts(extension: string): Binding[] {
    return [...(this.bindings.get(extension) ?? [])];
  }

  /** Every extension with at least one binding (for the UI; never exposed unauthenticated). */
  registered(): string[] {
    return [...this.bindings.keys()];
  }

  onChange(listener: (c: BindingChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * RFC 3261 §10.3 steps 6–7: a REGISTER from the same Call-ID as a binding's must carry a
   * higher CSeq than the one that made the binding, or it is out of order (a delayed copy
   * of an older registration) and must not be applied. `contact` undefined: `Contact: *`,
   * which is checked against every binding of the extension.
   */
  isOutOfOrder(extension: string, contact: string | undefined, callId: string, cseq: number): boolean {
    const list = this.bindings.get(extension) ?? [];
    const stale = (b: Binding | undefined): boolean => b !== undefined && b.callId === callId && cseq <= b.cseq;
    if (contact === undefined) return list.some(stale);
    return stale(this.existing(list, contact, callId));
  }

  /**
   * Add or refresh a binding for `expiresS` seconds; 0 removes it.
   * @returns false when the extension already has the maximum number of other contacts.
   */
  upsert(b: Omit<Binding, 'expiresAt'>, expiresS: number): boolean {
    const list = this.bindings.get(b.extension) ?? [];
    const existing = this.existing(list, b.contact, b.callId);
    if (expiresS === 0) {
      if (existing) this.remove(existing, 'removed');
      return true;
    }
    if (!existing && list.length >= MAX_CONTACTS_PER_EXTENSION) return false;
    const binding: Binding = { ...b, expiresAt: this.clock.now() + expiresS * 1000 };
    if (existing) this.remove(existing, undefined);
    const next = this.bindings.get(b.extension) ?? [];
    next.unshift(binding);
    this.bindings.set(b.extension, next);
    this.timers.set(binding, this.clock.setTimeout(() => this.remove(binding, 'expired'), expiresS * 1000));
    this.notify({ kind: existing ? 'refreshed' : 'added', binding });
    return true;
  }

  /** Remove every binding of an extension (`Contact: *` with Expires: 0, RFC 3261 §10.2.2). */
  removeAll(extension: string): void {
    for (const b of this.contacts(extension)) this.remove(b, 'removed');
  }

  /** Forget an extension that no longer exists in the configuration. */
  drop(extension: string): void {
    this.removeAll(extension);
  }

  close(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    this.bindings.clear();
  }

  /** The binding a registration updates: the same contact URI, or the same device (Call-ID) from a new address. */
  private existing(list: Binding[], contact: string, callId: string): Binding | undefined {
    return list.find((x) => x.contact === contact) ?? list.find((x) => x.callId === callId);
  }

  private remove(b: Binding, kind: 'removed' | 'expired' | undefined): void {
    this.clock.clearTimeout(this.timers.get(b));
    this.timers.delete(b);
    const list = (this.bindings.get(b.extension) ?? []).filter((x) => x !== b);
    if (list.length) this.bindings.set(b.extension, list);
    else this.bindings.delete(b.extension);
    if (kind) this.notify({ kind, binding: b });
  }

  private notify(c: BindingChange): void {
    for (const l of this.listeners) l(c);
  }
}
