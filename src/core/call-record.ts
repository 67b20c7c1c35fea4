/**
 * The call record: what happened to the caller's channel — every leg the exchange offered
 * the call to and which answered, every bridge it joined, the times (start, answer, end),
 * why it ended and the disposition. It lives in memory while the call runs and is
 * published with `call.ended`; the CDR store writes it from there.
 */
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import type { Channel, HangupCause } from '../channels/channel.js';

/**
 * - `routing` (deciding where the call goes) → `ringing` | `connected` | `ended`
 * - `ringing` (legs are being offered the call) → `connected` | `ended`
 * - `connected` (the caller was answered) → `ended`
 * - `ended` is final.
 */
export type CallState = 'routing' | 'ringing' | 'connected' | 'ended';

const CALL_TRANSITIONS: TransitionTable<CallState> = {
  routing: ['ringing', 'connected', 'ended'],
  ringing: ['connected', 'ended'],
  connected: ['ended'],
  ended: [],
};

export type Disposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'barred' | 'failed';

export interface LegRecord {
  channel: string;
  owner: string;
  tech: string;
  offeredAt: number;
  answeredAt?: number;
  endedAt?: number;
  cause?: HangupCause;
}

export interface CallRecordData {
  id: string;
  /** The caller's channel. */
  channel: string;
  from: string;
  to: string;
  tech: string;
  legs: LegRecord[];
  bridges: Array<{ bridge: string; at: number }>;
  /** Every transfer of the call: who asked (extension) and to which number. */
  transfers: Array<{ by: string; to: string; at: number }>;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  cause?: HangupCause;
  disposition?: Disposition;
}

let nextCallId = 1;

export class CallRecord {
  readonly id = `call-${nextCallId++}`;
  private readonly machine = new StateMachine<CallState>(`call ${this.id}`, CALL_TRANSITIONS, 'routing');
  private readonly legRecords = new Map<string, LegRecord>();
  private readonly joined: Array<{ bridge: string; at: number }> = [];
  private readonly transfers: Array<{ by: string; to: string; at: number }> = [];
  /** The number the caller dialled. */
  destination = '';
  answeredAt: number | undefined;
  endedAt: number | undefined;
  cause: HangupCause | undefined;

  constructor(readonly caller: Channel, readonly startedAt: number) {}

  get state(): CallState {
    return this.machine.state;
  }

  offered(leg: Channel, at: number): void {
    if (this.state === 'routing') this.machine.transition('ringing');
    this.legRecords.set(leg.id, { channel: leg.id, owner: leg.owner, tech: leg.tech, offeredAt: at });
  }

  legEnded(leg: Channel, cause: HangupCause, at: number): void {
    const r = this.legRecords.get(leg.id);
    if (r && r.endedAt === undefined) Object.assign(r, { endedAt: at, cause });
  }

  /** The caller was answered by `leg` (or by the exchange itself when `leg` is undefined). */
  answered(leg: Channel | undefined, at: number): void {
    if (this.state === 'connected' || this.state === 'ended') return;
    this.machine.transition('connected');
    this.answeredAt = at;
    const r = leg && this.legRecords.get(leg.id);
    if (r) r.answeredAt = at;
  }

  joinedBridge(bridge: string, at: number): void {
    this.joined.push({ bridge, at });
  }

  /** `by` asked to transfer the call to `to` (blind or attended). */
  transferred(by: string, to: string, at: number): void {
    this.transfers.push({ by, to, at });
  }

  ended(cause: HangupCause, at: number): void {
    if (this.state === 'ended') return;
    this.cause = cause;
    this.endedAt = at;
    this.machine.transition('ended');
  }

  get disposition(): Disposition | undefined {
    if (this.state !== 'ended') return undefined;
    if (this.answeredAt !== undefined) return 'answered';
    switch (this.cause) {
      case 'busy':
      case 'no-answer':
      case 'cancelled':
      case 'barred':
        return this.cause;
      case 'normal':
        return 'cancelled';
      default:
        return 'failed';
    }
  }

  toJSON(): CallRecordData {
    const d: CallRecordData = {
      id: this.id, channel: this.caller.id, from: this.caller.caller.number, to: this.destination, tech: this.caller.tech,
      legs: [...this.legRecords.values()].map((l) => ({ ...l })), bridges: [...this.joined], transfers: this.transfers.map((t) => ({ ...t })), startedAt: this.startedAt,
    };
    if (this.answeredAt !== undefined) d.answeredAt = this.answeredAt;
    if (this.endedAt !== undefined) d.endedAt = this.endedAt;
    if (this.cause !== undefined) d.cause = this.cause;
    const disposition = this.disposition;
    if (disposition) d.disposition = disposition;
    return d;
  }
}
