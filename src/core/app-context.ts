/**
 * The contract between the core and a call application (src/apps): what an application is
 * given to run a call (AppContext: its channel, its cancellation and the verbs' plumbing),
 * whom it can ring (DialTarget), and how other calls see a ringing one (RingingCall). Kept
 * apart from the Session that implements it, so the call object stays one small piece.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel, DialogKey, HangupCause, Party, TransferRequest } from '../channels/channel.js';
import type { Config, Employee } from '../config/schema.js';
import type { Bridge, DtmfPolicy } from './bridge.js';
import type { AdoptedHow, CallRecord, TransferRecord } from './call-record.js';
import type { ConferenceRooms } from './conferences.js';
import type { EventBus } from './events.js';
import type { ParkingLot } from './parking.js';
import type { LiveStateStore } from '../store/live-state.js';
import type { Availability } from './availability.js';
import type { LegPurpose } from './dial-targets.js';
import type { RemoteNumbers } from './dialplan.js';
import type { OfficeServices } from './office-services.js';
import type { OutgoingServices } from '../outgoing/services.js';

/** Someone the application can ring: create their legs now (each SIP contact, the FXS port, a line). */
export interface DialTarget {
  /** The extension or number (for logs and the record). */
  extension: string;
  legs(): Channel[];
}

/** What a call handed to a new caller while it rang (AppContext.handDial) does when its application ends unanswered: the cause it ends with. */
export type Unanswered = (ctx: AppContext, cause: HangupCause) => Promise<HangupCause>;

/** A transfer that moves a channel into another call, as that call's record notes it too (CDR). */
export type TransferNote = Omit<TransferRecord, 'at'>;

/** What an application gets to run a call: its channel, its cancellation, and the verbs' plumbing. */
export interface AppContext {
  readonly clock: Clock;
  readonly log: Logger;
  /** The channel the application owns (the caller's). */
  readonly caller: Channel;
  /**
   * The employee whose rights apply to what the application dials (call barring): the
   * caller's owner, or the transferor's during a transfer.
   */
  readonly onBehalfOf?: string;
  /** Aborted when the call ends (the caller hung up, shutdown); its reason is the HangupCause. */
  readonly signal: AbortSignal;
  readonly config: Readonly<Config> | null;
  /** The other sites' numbers now (network/, docs/network.md); absent outside a network. */
  remoteNumbers?(): RemoteNumbers | undefined;
  readonly record: CallRecord;
  /** The exchange's holding bridge (music on hold). */
  readonly holding: Bridge;
  /**
   * Start calling `leg` for this call: it shows the caller (or `shown`: a screened caller's
   * name, src/apps/screening.ts), places its media near the caller's, and belongs to the call.
   */
  offer(leg: Channel, shown?: Party): void;
  /** `leg` (undefined: the exchange itself, a conference) answered and the caller was connected: recorded and published (`call.answered`). */
  answered(leg: Channel | undefined): void;
  /**
   * A transfer moved the call to `channel` (one of the call's legs): from now on it is the
   * caller — its hang-up ends the call, new legs show its identity — and the previous
   * caller's channel becomes a leg the call owns.
   */
  adoptCaller(channel: Channel): void;
  /** Attended transfer: the live channel of the SIP dialog a Replaces names. */
  findReplaced(key: DialogKey): Channel | undefined;
  /** While bridged, `channel` may be replaced by another call's channel (`replace`); returns the off switch. */
  onReplace(channel: Channel, replace: (by: Channel, transfer?: TransferNote) => void): () => void;
  /** Every live channel of an owner (an employee's other calls). */
  channelsOf(owner: string): Channel[];
  /** While bridged, the exchange may ask to transfer `channel`'s peer on its behalf (`transfer`); returns the off switch. */
  onTransferAsk(channel: Channel, transfer: (request: TransferRequest) => void): () => void;
  /** Ask the call that owns `channel` to transfer `channel`'s peer as if its device had (the three-way code); false when it cannot. */
  askTransfer(channel: Channel, request: TransferRequest): boolean;
  /** Ask the call that owns `channel` to put `by` in its place (`transfer`: why, for that call's record); false when it cannot. */
  replace(channel: Channel, by: Channel, transfer?: TransferNote): boolean;
  /** While bridged, another call may take the party `channel` talks with (`handOver`); returns the off switch. */
  onHandOver(channel: Channel, give: () => Channel | undefined): () => void;
  /** Take the party `channel` talks with in its call into this one (a three-way conference): that party, or undefined. */
  handOver(channel: Channel): Channel | undefined;
  /** `channel` came from another call in place of `replaced`: this call owns it now (its caller, if `replaced` was). */
  take(channel: Channel, replaced: Channel): void;
  /**
   * Blind transfer of a call still ringing (an analog phone hung up during its consultation):
   * the call whose caller is `caller` and whose dial still rings takes `by` (up already: the
   * held party) as its caller instead — `by` hears ringback from the exchange and talks with
   * whoever answers; nobody is called again. If that call's application ends unanswered,
   * `unanswered` runs on it (a recall of the transferor). False when that call is not ringing.
   * The caller's call must let `by` go (handOff). That call's record notes `transfer`.
   */
  handDial(caller: Channel, by: Channel, unanswered: Unanswered, transfer?: TransferNote): boolean;
  /** `channel` went to another call: this one forgets it (if it was the caller, `successor` becomes the caller). */
  handOff(channel: Channel, successor: Channel): void;
  /**
   * While set, the caller hanging up asks `successor` first: a live channel it returns (a
   * party of a consultation the exchange runs for the call, apps/announce.ts) becomes the
   * caller and the call goes on — a consultation outlives the held party, as on any PBX;
   * the record keeps when and how the caller hung up. Undefined ends the call as ever.
   * Returns the off switch.
   */
  onCallerGone(successor: (cause: HangupCause) => Channel | undefined): () => void;
  /** A new bridge owned by this call (closed when the call ends). */
  newBridge(opts?: { dtmf?: DtmfPolicy }): Bridge;
  /** Whom to ring to reach an employee (`purpose`: a page, answered by the device itself). */
  employee(e: Employee, purpose?: LegPurpose): DialTarget;
  /** A line out for `number` (normalised), chosen by the trunk groups `opts.owner` may use. */
  outsideLine(number: string, opts?: OutsideCallOptions): DialTarget;
  /** The office mode in force now (day, night…: call barring depends on it). */
  officeMode(): string;
  /**
   * A channel that exists already joins this call as one of its legs (a colleague picking
   * it up, someone retrieving it from park): it belongs to the call and is recorded with
   * `how`, but nobody calls it.
   */
  adopt(leg: Channel, how: AdoptedHow): void;
  /**
   * While the call rings: `take(by)` connects `by` instead of the ringing legs (call pickup;
   * the dial verb registers it). Returns the unregister function.
   */
  pickable(take: (by: Channel) => boolean): () => void;
  /** Every call of the exchange ringing now, oldest first (for call pickup). */
  ringingCalls(): RingingCall[];
  /** The exchange's park slots. */
  readonly parking: ParkingLot;
  /** The conference rooms in use (meet-me, ad-hoc). */
  readonly conferences: ConferenceRooms;
  readonly events: EventBus;
  /** What phones and users set (forwarding, do-not-disturb, call waiting): store/live-state.ts. */
  readonly liveState: LiveStateStore;
  /** Whether an employee can take a call now (core/availability.ts). */
  availability(extension: string): Availability;
  /** Incoming distribution: the office mode, who is available, the mode PIN (absent in unit tests of other verbs). */
  readonly office?: OfficeServices;
  /** Outside calls beyond this one: the toll-fraud counters and the camp-on queue (absent in unit tests of other verbs). */
  readonly outgoing?: OutgoingServices;
  /** The channels `channel` is bridged with now, in any call (a consultation's other party: trunk-to-trunk checks). */
  bridgedWith?(channel: Channel): Channel[];
  /** The exchange's data folder (the site's own prompts in `prompts/`, voicemail); absent in unit tests: bundled prompts only. */
  readonly dataFolder?: string;
}

/** How an outside call goes out: whose trunk groups and caller ID apply, and whether it withholds caller ID (`#31#`). */
export interface OutsideCallOptions {
  owner: string;
  withhold: boolean;
  /** This line only (a tie line's trunk, by name), not the trunk groups `owner` may use. */
  line?: string;
  /** Present the caller's own number, not the group's or line's caller ID (a carried call with `caller_id: caller`). */
  presentCaller?: boolean;
}

/** A call whose legs ring now, as call pickup sees it. */
export interface RingingCall {
  readonly record: CallRecord;
  /** The legs alerting now (their owners are who the call rings). */
  readonly ringing: Channel[];
  /** Connect `by` to the caller instead of the ringing legs; false when it is too late. */
  pickUp(by: Channel): boolean;
}
