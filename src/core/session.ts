/**
 * One call in progress, as the core runs it: the caller's channel, the application that
 * owns it (a cancellable script of verbs, src/apps), the channels the application created
 * for it, the bridges it joined, and the call record. `end()` cancels the application
 * (AbortSignal), hangs up what the call owns and publishes `call.ended` with the record.
 * Which channel is the caller, and who follows it when it goes, is caller-succession.ts's.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel, HangupCause, Party } from '../channels/channel.js';
import type { AppContext, DialTarget, OutsideCallOptions, RingingCall } from './app-context.js';
import type { Config, Employee } from '../config/schema.js';
import type { MixerBudget } from '../media/mixer.js';
import { Bridge, type DtmfPolicy } from './bridge.js';
import { CallRecord, type AdoptedHow, type CallRecordSink } from './call-record.js';
import { CallerSuccession } from './caller-succession.js';
import { channelParty } from './shown-party.js';
import type { ChannelRegistry } from './channels.js';
import type { ConferenceRooms } from './conferences.js';
import type { EventBus } from './events.js';
import type { ParkingLot } from './parking.js';
import type { LiveStateStore } from '../store/live-state.js';
import type { Availability } from './availability.js';
import type { LegPurpose } from './dial-targets.js';
import type { RemoteNumbers } from './dialplan.js';
import type { OfficeServices } from './office-services.js';
import type { OutgoingServices } from '../outgoing/services.js';

export type { AppContext, DialTarget, OutsideCallOptions, RingingCall, Unanswered } from './app-context.js';

export interface SessionDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  channels: ChannelRegistry;
  holding: Bridge;
  budget?: MixerBudget;
  config: Readonly<Config> | null;
  /** The other sites' numbers now (the switch's, set while the site is in a network). */
  remoteNumbers?: () => RemoteNumbers | undefined;
  /** The CDR store: given the record synchronously when the call ends, before `call.ended` is published. */
  records?: CallRecordSink;
  /** Told of every bridge the call creates (the live view watches its members). */
  bridgeCreated?: (bridge: Bridge) => void;
  employee(e: Employee, purpose?: LegPurpose): DialTarget;
  outsideLine(number: string, caller: Channel, opts?: OutsideCallOptions): DialTarget;
  /** The office mode in force (default: always day). */
  officeMode?: () => string;
  ringingCalls(): RingingCall[];
  parking: ParkingLot;
  liveState: LiveStateStore;
  availability(extension: string): Availability;
  office?: OfficeServices;
  conferences: ConferenceRooms;
  outgoing?: OutgoingServices;
  bridgedWith?(channel: Channel): Channel[];
  /** The data folder (AppContext.dataFolder). */
  dataFolder?: string;
}

export class Session {
  readonly record: CallRecord;
  private readonly controller = new AbortController();
  private readonly owned = new Set<Channel>();
  private readonly bridges = new Set<Bridge>();
  private readonly endedListeners: Array<(cause: HangupCause) => void> = [];
  /** Set while the dial verb rings legs: connects another channel instead (pickup). */
  private take: ((by: Channel) => boolean) | undefined;
  /** Who the caller is now, and who follows it (transfers, handDial, onCallerGone). */
  private readonly succession: CallerSuccession;

  constructor(private readonly deps: SessionDeps, caller: Channel) {
    this.record = new CallRecord(caller, deps.clock.now());
    deps.channels.add(caller);
    this.succession = new CallerSuccession({
      clock: deps.clock,
      holding: deps.holding,
      record: this.record,
      owned: this.owned,
      country: () => deps.config?.site.country,
      ringing: () => this.take !== undefined,
      end: (cause) => this.end(cause),
    }, caller);
  }

  /** The caller's channel now (a transfer may have moved the call to another: adoptCaller). */
  get caller(): Channel {
    return this.succession.caller;
  }

  get id(): string {
    return this.record.id;
  }

  onEnded(listener: (cause: HangupCause) => void): void {
    this.endedListeners.push(listener);
  }

  context(): AppContext {
    const d = this.deps;
    const session = this;
    return {
      clock: d.clock, log: d.log, signal: this.controller.signal, config: d.config, record: this.record, holding: d.holding,
      parking: d.parking, conferences: d.conferences, events: d.events, liveState: d.liveState,
      availability: (ext) => d.availability(ext),
      ...(d.office ? { office: d.office } : {}),
      ...(d.remoteNumbers ? { remoteNumbers: d.remoteNumbers } : {}),
      ...(d.outgoing ? { outgoing: d.outgoing } : {}),
      ...(d.bridgedWith ? { bridgedWith: (ch: Channel) => d.bridgedWith!(ch) } : {}),
      ...(d.dataFolder ? { dataFolder: d.dataFolder } : {}),
      get caller() {
        return session.caller;
      },
      offer: (leg, shown) => this.offer(leg, shown),
      answered: (leg) => this.answered(leg),
      adoptCaller: (ch) => this.succession.adopt(ch),
      findReplaced: (key) => d.channels.byReplaces(key),
      onReplace: (ch, replace) => d.channels.onReplace(ch, replace),
      replace: (ch, by, transfer) => d.channels.replace(ch, by, transfer),
      onHandOver: (ch, give) => d.channels.onHandOver(ch, give),
      handOver: (ch) => d.channels.handOver(ch),
      channelsOf: (owner) => d.channels.byOwner(owner),
      onTransferAsk: (ch, transfer) => d.channels.onTransferAsk(ch, transfer),
      askTransfer: (ch, request) => d.channels.askTransfer(ch, request),
      take: (ch, replaced) => {
        d.channels.add(ch);
        this.owned.add(ch);
        if (replaced === this.caller) this.succession.adopt(ch);
      },
      handOff: (ch, successor) => {
        if (ch === this.caller) this.succession.adopt(successor);
        this.owned.delete(ch);
      },
      onCallerGone: (successor) => this.succession.onCallerGone(successor),
      newBridge: (opts) => this.newBridge(opts?.dtmf),
      employee: (e, purpose) => d.employee(e, purpose),
      outsideLine: (n, opts) => d.outsideLine(n, this.caller, opts),
      officeMode: () => d.officeMode?.() ?? 'day',
      adopt: (leg, how) => this.adopt(leg, how),
      pickable: (take) => {
        this.take = take;
        // While the dial verb rings, the call can also be handed to another caller (handDial).
        const offHand = d.channels.onHandDial(this.caller, (by, unanswered, transfer) => this.succession.handDial(by, unanswered, transfer));
        return () => {
          if (this.take === take) this.take = undefined;
          offHand();
        };
      },
      handDial: (caller, by, unanswered, transfer) => d.channels.handDial(caller, by, unanswered, transfer),
      ringingCalls: () => d.ringingCalls(),
    };
  }

  /** The legs ringing for this call now that another channel could pick it up instead. */
  ringingLegs(): Channel[] {
    return this.take && this.record.state === 'ringing' ? [...this.owned].filter((l) => l.state === 'alerting') : [];
  }

  /** Call pickup: connect `by` instead of the ringing legs (false when nothing rings any more). */
  pickUp(by: Channel): boolean {
    return this.take !== undefined && this.ringingLegs().length > 0 && this.take(by);
  }

  /**
   * The call's application returned `cause`: the cause to end the call with — after the
   * `unanswered` continuation, when the call was handed to a new caller and nobody answered.
   */
  async afterApplication(cause: HangupCause): Promise<HangupCause> {
    const unanswered = this.succession.takeUnanswered();
    if (!unanswered || this.record.state === 'connected' || this.record.state === 'ended') return cause;
    return unanswered(this.context(), cause);
  }

  /** End the call: the application is cancelled, every channel it holds hung up. Idempotent. */
  end(cause: HangupCause): void {
    if (this.record.state === 'ended') return;
    const now = this.deps.clock.now();
    this.record.ended(cause, now);
    // The verbs withdraw what they were doing: dial hangs up its ringing legs with `cause`.
    this.controller.abort(cause);
    this.succession.stopRingback();
    for (const b of this.bridges) b.close();
    // What answered is the call's to hang up; a leg still ringing is the verb's (hung up once, above).
    for (const leg of this.owned) if (leg.state === 'up') leg.hangup('normal');
    this.caller.hangup(cause);
    this.deps.holding.remove(this.caller);
    // The record is committed here, in this tick, before anyone hears of the end (the event,
    // and for SIP the 200 to the BYE, which in-dialog.ts sends after the leg released): a
    // crash after that moment cannot lose it. A store that fails must not keep the call up.
    const record = this.record.toJSON();
    try {
      this.deps.records?.write(record);
    } catch (err) {
      this.deps.log.error({ err, call: this.id }, 'could not store the call detail record');
    }
    this.deps.events.emit('call.ended', { call: this.id, cause, from: this.caller.caller.number, to: this.record.destination, record });
    for (const l of this.endedListeners) l(cause);
  }

  private offer(leg: Channel, shown?: Party): void {
    this.own(leg);
    this.record.offered(leg, this.deps.clock.now());
    leg.call(shown ?? this.callerParty(), { near: this.caller.media });
  }

  private adopt(leg: Channel, how: AdoptedHow): void {
    this.own(leg);
    this.record.adopted(leg, how, this.deps.clock.now());
  }

  /** `leg` belongs to this call: hung up with it, its end recorded. */
  private own(leg: Channel): void {
    this.owned.add(leg);
    this.deps.channels.add(leg);
    leg.once('hangup', (cause) => {
      this.owned.delete(leg);
      this.record.legEnded(leg, cause, this.deps.clock.now());
    });
  }

  /** Who the call's new legs show: the caller, or after a transfer the party of the leg the call follows now. */
  private callerParty(): Party {
    return channelParty(this.deps.config, this.caller);
  }

  private answered(leg: Channel | undefined): void {
    this.succession.stopRingback();
    if (this.record.state === 'ended') return;
    this.record.answered(leg, this.deps.clock.now());
    this.deps.events.emit('call.answered', { call: this.id, by: leg?.owner ?? 'exchange', tech: leg?.tech ?? 'exchange' });
  }

  private newBridge(dtmf: DtmfPolicy = 'pass'): Bridge {
    const b = new Bridge({ clock: this.deps.clock, dtmf, ...(this.deps.budget ? { budget: this.deps.budget } : {}) });
    this.bridges.add(b);
    this.deps.bridgeCreated?.(b);
    b.on('joined', (ch) => {
      if (ch === this.caller) this.record.joinedBridge(b.id, this.deps.clock.now());
    });
    b.on('dtmf', (from, digit, via) => {
      if (this.record.state === 'connected') this.deps.events.emit('call.dtmf', { call: this.id, from: from.owner, digit, via });
    });
    return b;
  }

  /** Bridges of this call now (for the UI and tests). */
  liveBridges(): Bridge[] {
    return [...this.bridges].filter((b) => b.size > 0);
  }
}
