/**
 * The call record: what happened to the caller's channel — every leg the exchange offered
 * the call to and which answered, every bridge it joined, the times (start, answer, end),
 * why it ended and the disposition. It lives in memory while the call runs and is
 * published with `call.ended`; the CDR store writes it from there.
 */
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import type { Channel, HangupCause, Party } from '../channels/channel.js';

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

export type Disposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'barred' | 'failed' | 'transferred';

/** One transfer of the call (SIP REFER, analog flash-dial-hang up): who moved it where. */
export interface TransferRecord {
  at: number;
  /** The owner of the channel that asked for the transfer. */
  by: string;
  /** The number it was transferred to. */
  target: string;
  kind: 'blind' | 'attended';
}

/** Where the CDR store takes the record of a call that ended; called synchronously from Session.end(). */
export interface CallRecordSink {
  /** Persist `record` before returning (the call's end is published only after); throws when it could not. */
  write(record: CallRecordData): void;
}

/**
 * How a channel that already existed joined a call: a colleague picked it up, someone
 * retrieved it from park, a three-way conference brought it from the conferencing phone's other call.
 */
export type AdoptedHow = 'pickup' | 'retrieve' | 'conference';

export interface LegRecord {
  channel: string;
  owner: string;
  tech: string;
  offeredAt: number;
  answeredAt?: number;
  endedAt?: number;
  cause?: HangupCause;
  /** Set on a leg that was not offered the call but took it (pickup, park retrieve). */
  how?: AdoptedHow;
}

export interface CallRecordData {
  id: string;
  /** The caller's channel. */
  channel: string;
  from: string;
  /** The caller's name as their channel shows it (an employee's name, a line's caller ID name). */
  fromName?: string;
  /** Whose the caller's channel is: an employee's extension, or the city line a call came in on. */
  owner: string;
  to: string;
  tech: string;
  legs: LegRecord[];
  bridges: Array<{ bridge: string; at: number }>;
  /** Every transfer of the call, oldest first (absent: none, or a producer that does not record them). */
  transfers?: TransferRecord[];
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  cause?: HangupCause;
  disposition?: Disposition;
  /** The caller hung up before the call ended (a consultation the exchange ran for it went on): when, and how. */
  callerLeftAt?: number;
  callerLeftCause?: HangupCause;
}

let nextCallId = 1;

export class CallRecord {
  readonly id = `call-${nextCallId++}`;
  private readonly machine = new StateMachine<CallState>(`call ${this.id}`, CALL_TRANSITIONS, 'routing');
  private readonly legRecords = new Map<string, LegRecord>();
  private readonly joined: Array<{ bridge: string; at: number }> = [];
  private readonly transfers: TransferRecord[] = [];
  /** The number the caller dialled. */
  destination = '';
  /**
   * Who the call is from when the caller's channel shows someone else: a call the exchange
   * made to an employee (a camp-on call-back shows the number it will dial) is the employee's.
   */
  from: Party | undefined;
  answeredAt: number | undefined;
  endedAt: number | undefined;
  cause: HangupCause | undefined;
  callerLeftAt: number | undefined;
  callerLeftCause: HangupCause | undefined;

  constructor(readonly caller: Channel, readonly startedAt: number) {}

  get state(): CallState {
    return this.machine.state;
  }

  offered(leg: Channel, at: number): void {
    if (this.state === 'routing') this.machine.transition('ringing');
    this.legRecords.set(leg.id, { channel: leg.id, owner: leg.owner, tech: leg.tech, offeredAt: at });
  }

  /** `leg` joined the call without being offered it (see AdoptedHow). */
  adopted(leg: Channel, how: AdoptedHow, at: number): void {
    this.legRecords.set(leg.id, { channel: leg.id, owner: leg.owner, tech: leg.tech, offeredAt: at, how });
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

  /** The channels the call was offered to (the live view's channel → call map). */
  legChannels(): IterableIterator<string> {
    return this.legRecords.keys();
  }

  joinedBridge(bridge: string, at: number): void {
    this.joined.push({ bridge, at });
  }

  /** `by` asked to transfer the call to `target` (blind, or attended to the party it consulted). */
  transferred(by: string, target: string, kind: TransferRecord['kind'], at: number): void {
    this.transfers.push({ at, by, target, kind });
  }

  /** The caller hung up while the call goes on without them (a consultation outlives the held party). */
  callerLeft(cause: HangupCause, at: number): void {
    if (this.state === 'ended' || this.callerLeftAt !== undefined) return;
    this.callerLeftAt = at;
    this.callerLeftCause = cause;
  }

  /** How many transfers the call went through so far. */
  get transferCount(): number {
    return this.transfers.length;
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
      id: this.id, channel: this.caller.id, from: (this.from ?? this.caller.caller).number, owner: this.caller.owner, to: this.destination, tech: this.caller.tech,
      legs: [...this.legRecords.values()].map((l) => ({ ...l })), bridges: [...this.joined], transfers: this.transfers.map((t) => ({ ...t })), startedAt: this.startedAt,
    };
    const fromName = (this.from ?? this.caller.caller).name;
    if (fromName) d.fromName = fromName;
    if (this.answeredAt !== undefined) d.answeredAt = this.answeredAt;
    if (this.endedAt !== undefined) d.endedAt = this.endedAt;
    if (this.cause !== undefined) d.cause = this.cause;
    const disposition = this.disposition;
    if (disposition) d.disposition = disposition;
    if (this.callerLeftAt !== undefined) d.callerLeftAt = this.callerLeftAt;
    if (this.callerLeftCause !== undefined) d.callerLeftCause = this.callerLeftCause;
    return d;
  }
}
