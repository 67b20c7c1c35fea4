/**
 * The Channel seam (DESIGN seam 3): one leg of a call, whatever the technology — a SIP
 * dialog, an analog extension (FXS), a city line (FXO), a DECT handset, the door station.
 * The switching core sees only this interface; it never learns what is behind it.
 *
 * A leg is `inbound` when the device called the exchange (a phone lifted, an INVITE came
 * in, a city line rang) and `outbound` when the exchange calls the device.
 */
import { EventEmitter } from 'node:events';
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import type { MediaEndpoint } from '../media/endpoint.js';
import type { AnalogPhoneControl } from './analog-phone.js';

/**
 * The life of a leg.
 *
 * - `idle` → `dialing` | `proceeding` | `alerting` | `up` | `released`
 * - `dialing` (inbound: collecting digits) → `proceeding` | `alerting` | `up` | `released`
 * - `proceeding` (routed/sent, callee not ringing yet) → `alerting` | `up` | `released`
 * - `alerting` (the callee rings) → `up` | `released`
 * - `up` (talking; hold is a flag of `up`, not a state) → `released`
 * - `released` is final.
 */
export type ChannelState = 'idle' | 'dialing' | 'proceeding' | 'alerting' | 'up' | 'released';

export const CHANNEL_TRANSITIONS: TransitionTable<ChannelState> = {
  idle: ['dialing', 'proceeding', 'alerting', 'up', 'released'],
  dialing: ['proceeding', 'alerting', 'up', 'released'],
  proceeding: ['alerting', 'up', 'released'],
  alerting: ['up', 'released'],
  up: ['released'],
  released: [],
};

export type ChannelTech = 'sip' | 'fxs' | 'fxo' | 'dect' | 'door';
export type Direction = 'inbound' | 'outbound';

/**
 * Why a leg ended, in the exchange's words; each technology maps it to its own signal
 * (SIP status codes in channels/sip, tones on analog lines).
 */
export type HangupCause =
  | 'normal' //          someone hung up after talking
  | 'busy' //            the callee is busy (SIP 486, busy tone)
  | 'no-answer' //       rang until the timeout (SIP 480)
  | 'rejected' //        the callee declined (SIP 603)
  | 'not-found' //       no such number (SIP 404)
  | 'unavailable' //     exists but cannot be reached now: not registered, unplugged (SIP 480)
  | 'cancelled' //       the caller gave up before an answer (SIP 487 to the caller)
  | 'answered-elsewhere' // another leg of a fork answered (SIP CANCEL with Reason)
  | 'barred' //          the caller may not call this number (SIP 403)
  | 'congestion' //      no resources: no free line, media cap (SIP 503)
  | 'failure'; //        a fault: a device that stopped answering, a protocol error (SIP 500)

/**
 * How a DTMF digit travelled: RFC 4733 telephone-events in RTP, SIP INFO
 * (application/dtmf-relay), or tones in the audio (analog lines, phones without either).
 */
export type DtmfVia = 'rfc4733' | 'info' | 'inband';

export interface Party {
  /** The number to show and to call back: an extension or an external number. */
  number: string;
  name?: string;
}

export interface ChannelEvents {
  state: [to: ChannelState, from: ChannelState];
  /**
   * Digits dialled on an inbound leg while `dialing`, or DTMF during the call, with the
   * form they arrived in (undefined: in-band, as analog lines detect them).
   */
  digits: [digits: string, via?: DtmfVia];
  /** An inbound leg knows whom it wants to reach (SIP request URI, FXS dial complete, FXO DID). */
  destination: [number: string];
  hangup: [cause: HangupCause];
  hold: [held: boolean];
  /**
   * The leg's media endpoint was replaced mid-call (a re-INVITE moving the RTP, a DECT
   * handover): whoever connected the old endpoint connects the new one.
   */
  media: [endpoint: MediaEndpoint | undefined];
  /** The device asks to transfer the call (SIP REFER, RFC 3515; an analog phone's flash, dial, hang up is the application's: analog-consult.ts). */
  transfer: [request: TransferRequest];
  /** A hook flash (analog recall): the owning application decides what it means. */
  flash: [];
}

/** What a device asked to transfer its call to. */
export interface TransferRequest {
  /** The number (or SIP user) to transfer to. */
  target: string;
  /** Attended transfer: the dialog of the call that replaces this one (RFC 3891 Replaces). */
  replaces?: DialogKey;
  /**
   * How the transfer goes, for the device that asked (SIP: NOTIFY with a message/sipfrag
   * body, RFC 3515 §2.4.5). Called with `trying`, maybe `ringing`, then once with the end:
   * `answered` or the cause the target failed with.
   */
  report?(progress: TransferProgress): void;
}

export type TransferProgress = 'trying' | 'ringing' | 'answered' | { failed: HangupCause };

/** Identifies one SIP dialog (RFC 3261 §12: Call-ID plus both tags). */
export interface DialogKey {
  callId: string;
  localTag: string;
  remoteTag: string;
}

/** One string for a dialog, as the channel registry indexes it. */
export function dialogKeyString(k: DialogKey): string {
  return `${k.callId};${k.localTag};${k.remoteTag}`;
}

/**
 * Where an outbound leg should set up its media so that bridging it will be cheapest:
 * `near` is the media endpoint it will most likely be bridged with (a SIP leg opens its RTP
 * in that endpoint's media worker, so the call relays there). A hint: a leg that cannot use
 * it ignores it, and it never hands the leg another channel to drive.
 */
export interface PlacementHint {
  near?: MediaEndpoint | undefined;
}

/** Commands every leg accepts. Each is idempotent where repeating it makes sense. */
export interface ChannelCommands {
  /**
   * Outbound leg: start calling the device (SIP INVITE, ring the analog phone).
   * @param caller who is calling, as the device should show it.
   * @param placement where its media should live (see PlacementHint).
   */
  call(caller: Party, placement?: PlacementHint): void;
  /** Inbound leg: tell the device the callee is ringing (SIP 180, ringback tone). */
  ringing(): void;
  /**
   * Inbound leg: early media — connect the caller's audio before the answer (SIP 183 with
   * SDP, RFC 3960), so a prompt or the callee's own ringback reaches them. Optional: a leg
   * without it gets `ringing()` instead.
   */
  progress?(): void;
  /** Inbound leg: the callee answered; connect the caller (SIP 200, stop ringback). */
  answer(): void;
  /** End the leg with a cause; a released leg ignores it. */
  hangup(cause: HangupCause): void;
  /**
   * Play DTMF digits to the device during the call, in the form the leg negotiated (SIP:
   * RFC 4733 when telephone-event was agreed, else INFO; analog: tones on the line). The
   * core calls it when the media path does not already carry a digit from the other leg.
   * Optional: a leg without it cannot receive DTMF.
   */
  sendDigits?(digits: string): void;
}

export interface Channel extends ChannelCommands {
  readonly id: string;
  readonly tech: ChannelTech;
  readonly direction: Direction;
  readonly state: ChannelState;
  /** Who is calling (inbound: the device's owner or the line's caller ID). */
  readonly caller: Party;
  /** The employee/line this leg belongs to (for CDR, the UI and presence). */
  readonly owner: string;
  /**
   * The leg's sound as 20 ms frames (DESIGN seam 4), once it has any: an analog port
   * always, a SIP leg once its RTP session is set up. The core connects two legs' media
   * when a call is answered.
   */
  readonly media: MediaEndpoint | undefined;
  /** Capability: the SIP dialog this leg is, once it has one (for Replaces and pickup). */
  readonly sipDialog?: DialogKey | undefined;
  /**
   * Capability: tell the device whom it talks with now (after a transfer; SIP: an UPDATE or
   * re-INVITE with P-Asserted-Identity and Remote-Party-ID). A leg without it shows what it showed.
   */
  connectedLine?(party: Party): void;
  /** Capability: the leg is a call on an analog phone's port (hold, a second call: analog-phone.ts). */
  readonly analogPhone?: AnalogPhoneControl;
  on<E extends keyof ChannelEvents>(event: E, listener: (...args: ChannelEvents[E]) => void): this;
  once<E extends keyof ChannelEvents>(event: E, listener: (...args: ChannelEvents[E]) => void): this;
  off<E extends keyof ChannelEvents>(event: E, listener: (...args: ChannelEvents[E]) => void): this;
}

let nextId = 1;

/**
 * The state machine and event plumbing shared by every technology's channel. Subclasses
 * implement the commands and call `moveTo()` / `released()` as their protocol dictates.
 */
export abstract class BaseChannel extends EventEmitter<ChannelEvents> implements Channel {
  readonly id: string;
  private readonly machine: StateMachine<ChannelState>;
  private hangupCause: HangupCause | undefined;
  media: MediaEndpoint | undefined;

  protected constructor(
    readonly tech: ChannelTech,
    readonly direction: Direction,
    readonly owner: string,
    public caller: Party,
  ) {
    super();
    this.id = `${tech}-${nextId++}`;
    this.machine = new StateMachine<ChannelState>(`channel ${this.id}`, CHANNEL_TRANSITIONS, 'idle');
    this.machine.onTransition((from, to) => this.emit('state', to, from));
  }

  get state(): ChannelState {
    return this.machine.state;
  }

  /** Why the leg ended, once released. */
  get cause(): HangupCause | undefined {
    return this.hangupCause;
  }

  protected moveTo(to: ChannelState): void {
    if (this.machine.state !== to) this.machine.transition(to);
  }

  /** Move to `released` once, and tell the listeners why. */
  protected released(cause: HangupCause): void {
    if (this.machine.state === 'released') return;
    this.hangupCause = cause;
    this.machine.transition('released');
    this.emit('hangup', cause);
  }

  abstract call(caller: Party, placement?: PlacementHint): void;
  abstract ringing(): void;
  abstract answer(): void;
  abstract hangup(cause: HangupCause): void;
}
