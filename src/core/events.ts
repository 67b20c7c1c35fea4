/**
 * The observer channel (as mediasoup's): everything the exchange does that someone may
 * want to watch — the web UI's live view, the audit trail, tests — is published here.
 * Nothing subscribes to it to drive behaviour; listeners that throw are logged and
 * ignored so a broken observer cannot stop a call.
 */
import type { Logger } from '../../common/log.js';
import type { CallRecordData } from './call-record.js';

/** Every event type with its payload. Later issues add theirs here. */
export interface ExchangeEvents {
  'exchange.ready': { http: string; sip: string };
  'exchange.stopping': Record<string, never>;
  'config.applied': { revision: number; actor: string };
  'config.rejected': { actor: string; errors: string[] };
  'auth.login': { extension: string; ok: boolean; ip: string };
  /** Too many failed logins (web) or digest authentications (SIP): `key` (an address or an extension) waits until `until` (epoch ms). */
  'security.lockout': { service: 'sip' | 'web'; kind: 'address' | 'extension'; key: string; until: number };
  'call.started': { call: string; from: string; to: string; tech: string; kind: string };
  'call.answered': { call: string; by: string; tech: string };
  /** The call is over; `record` is what happened to the caller's channel (call-record.ts), what the CDR is written from. */
  'call.ended': { call: string; cause: string; from: string; to: string; record: CallRecordData };
  /** A DTMF digit one leg of a connected call sent (`from`: that leg's owner), and its form. */
  'call.dtmf': { call: string; from: string; digit: string; via: 'rfc4733' | 'info' | 'inband' };
  /** A call waits in park slot `slot` (the slot is announced by this event); `parker` is rung when nobody takes it back. */
  'call.parked': { slot: string; call: string; parker: string; from: string };
  /** The park slot is free again: the call was retrieved, recalled, or its party hung up. */
  'call.unparked': { slot: string; call: string };
  /** A colleague answered a call ringing someone else (`*8`, `*8` + extension). */
  'call.picked-up': { call: string; by: string; ringing: string[] };
  /** The live view (live-view.ts): a channel the core now knows, its state changes, its end. Users see their own channels' only. */
  'channel.added': { channel: string; owner: string; tech: string; direction: string; state: string; caller: string };
  'channel.state': { channel: string; owner: string; state: string; from: string };
  'channel.removed': { channel: string; owner: string; cause: string };
  /** A channel joined or left a bridge (`kind` holding: put on / taken off hold); `members` is who is in it now. Users see bridges they are or were in. */
  'bridge.members': { bridge: string; kind: string; change: 'joined' | 'left'; channel: string; owner: string; members: Array<{ channel: string; owner: string }> };
  /** A line card's link or health changed (online, offline, rebooted, fault). */
  'card.status': { card: string; status: 'online' | 'offline' | 'rebooted' | 'fault'; reason?: string; model?: string; firmware?: string };
  /** An analog port changed state (idle, dialing, ringing, talking, offline, fault…). */
  'line.state': { kind: 'fxs' | 'fxo'; port: number; card: string; state: string; assigned: string | null; peer: string | null };
}

export type EventType = keyof ExchangeEvents;

export interface ExchangeEvent<K extends EventType = EventType> {
  type: K;
  /** Epoch milliseconds from the exchange's clock. */
  at: number;
  data: ExchangeEvents[K];
}

type AnyListener = (e: ExchangeEvent) => void;

export class EventBus {
  private readonly listeners = new Set<AnyListener>();

  constructor(private readonly now: () => number, private readonly log?: Logger) {}

  emit<K extends EventType>(type: K, data: ExchangeEvents[K]): void {
    const event = { type, at: this.now(), data } as ExchangeEvent;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log?.warn({ err, type }, 'event listener failed');
      }
    }
  }

  /** Subscribe to every event; returns the unsubscribe function. */
  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribe to one event type. */
  on<K extends EventType>(type: K, listener: (data: ExchangeEvents[K], e: ExchangeEvent<K>) => void): () => void {
    return this.subscribe((e) => {
      if (e.type === type) listener(e.data as ExchangeEvents[K], e as ExchangeEvent<K>);
    });
  }
}
