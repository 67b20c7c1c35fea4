/**
 * The switching core: takes every inbound channel, decides where its call goes (dial plan,
 * configuration snapshot), runs the destination's application (src/apps/registry.ts) as a
 * cancellable script, and publishes what happens on the observer channel. It sees Channels
 * only: the technologies register leg factories and never appear here by name.
 *
 * The model (Asterisk's bridging core, jambonz's verbs): channels live in a registry
 * (channels.ts); the applications move them in and out of bridges (bridge.ts; the holding
 * bridge plays music on hold); a call is a Session (session.ts) whose CallRecord
 * (call-record.ts) says what happened to the caller's channel.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel } from '../channels/channel.js';
import type { Config, Employee } from '../config/schema.js';
import type { MixerBudget } from '../media/mixer.js';
import type { DoorConfig } from '../config/door-schema.js';
import type { DoorOpener } from '../doors/door-opener.js';
import { applicationFor } from '../apps/registry.js';
import { Bridge } from './bridge.js';
import type { CallRecord, CallRecordSink } from './call-record.js';
import { ChannelRegistry } from './channels.js';
import { ConferenceRooms, type RoomView } from './conferences.js';
import { ParkingLot } from './parking.js';
import { PARK_CODE, resolveDialled, type Destination, type RemoteNumbers } from './dialplan.js';
import type { EventBus } from './events.js';
import type { OfficeServices } from './office-services.js';
import { LiveView, type LiveSnapshot } from './live-view.js';
import { Session, type RingingCall } from './session.js';
import { OutgoingLines, type OutsideLineProvider } from '../outgoing/line-assignment.js';
import { ALWAYS_DAY, type OfficeModeSource } from '../outgoing/office-mode.js';
import { MemoryLiveState, type LiveStateStore } from '../store/live-state.js';
import { availability, type Availability } from './availability.js';
import { createOutgoingServices, type OutgoingServices } from '../outgoing/services.js';
import { startCampOnCallBack } from '../apps/camp-on-callback.js';
import { DialTargets, type DeviceLegFactory, type LegPurpose } from './dial-targets.js';
import { LampBoard, extensionsOf } from './lamps.js';
import { featureCode } from '../config/feature-codes.js';
import { CallReplacement } from './replaces.js';

export type { DeviceLegFactory, LegPurpose } from './dial-targets.js';

export type { ReplaceVerdict } from './replaces.js';

export type { OutsideLineProvider } from '../outgoing/line-assignment.js';

export interface SwitchDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  /** The configuration in force; each call routes on the snapshot it started with. */
  config: () => Readonly<Config> | null;
  /** The board's mixing budget for bridges of three or more. */
  budget?: MixerBudget;
  /** The CDR store, written synchronously as each call ends (see Session.end). */
  records?: CallRecordSink;
  /** Conference members the board mixes at once, across every room (board `media.conference_max`; default 30). */
  conferenceMax?: number;
  /** The office mode in force (schedules); call barring depends on it. Default: always day. */
  officeMode?: OfficeModeSource;
  /** Live state (forwarding, DND, call waiting); in memory when absent (unit tests). */
  liveState?: LiveStateStore;
  /** Incoming distribution's services (the office mode machine, the `*55` PIN); barring follows its mode unless `officeMode` says otherwise. */
  office?: OfficeServices;
  /** The data folder: the site's own prompts, voicemail (AppContext.dataFolder). */
  dataFolder?: string;
  /** The door intercoms (src/doors): a SIP door station's call, whatever it dials, is a door call. */
  doors?: DoorStations;
}

/** The door intercoms as the switch sees them: which extension is a SIP door station's. */
export interface DoorStations {
  forStation(extension: string): { door: DoorConfig; opener: DoorOpener } | undefined;
}

export class Switch {
  /** The other sites' numbers (boot/network.ts sets it while the site is in a network). */
  remote?: RemoteNumbers;
  /** The ways out (city lines, later SIP trunks) and the trunk groups' hunt state. */
  readonly outgoing = new OutgoingLines();
  private mode: OfficeModeSource;
  private doors: DoorStations | undefined;
  private readonly sessions = new Set<Session>();
  /** Every live channel the core knows. */
  readonly channels = new ChannelRegistry();
  /** INVITE with Replaces (RFC 3891): a leg taking over one of these channels' dialogs. */
  readonly replaces = new CallReplacement(this.channels);
  /** The exchange's holding bridge: whoever waits in it hears music on hold. */
  readonly holding: Bridge;
  /** The park slots: which call waits in which. */
  readonly parking: ParkingLot;
  /** The conference rooms in use (meet-me and ad-hoc). */
  readonly conferences: ConferenceRooms;
  private readonly live: LiveView;
  /** Set by close(): calls that come in during shutdown are refused, never routed. */
  private closed = false;
  /** What phones and users set: forwarding, do-not-disturb, call waiting. */
  readonly liveState: LiveStateStore;
  /** The toll-fraud counters and the camp-on queue (src/outgoing/services.ts). */
  readonly outside: OutgoingServices;
  /** Busy lamps: each employee's calls as BLF keys and the console see them (core/lamps.ts). */
  readonly lamps: LampBoard;
  /** What a call dials: employees' devices (the technologies' leg factories), outside lines. */
  private readonly targets: DialTargets;

  constructor(private readonly deps: SwitchDeps) {
    const office = deps.office;
    this.mode = deps.officeMode ?? (office ? { currentMode: () => office.mode.mode } : ALWAYS_DAY);
    this.doors = deps.doors;
    this.holding = new Bridge({ clock: deps.clock, kind: 'holding' });
    this.parking = new ParkingLot(deps.events);
    this.live = new LiveView(deps.clock, deps.events, this.holding);
    this.conferences = new ConferenceRooms({
      clock: deps.clock, events: deps.events, boardMax: deps.conferenceMax ?? 30, bridgeCreated: (b) => this.live.watchBridge(b),
      ...(deps.budget ? { budget: deps.budget } : {}),
    });
    this.channels.onAdded((ch) => this.live.channelAdded(ch));
    this.liveState = deps.liveState ?? new MemoryLiveState();
    this.outside = createOutgoingServices({
      clock: deps.clock, log: deps.log, events: deps.events, config: deps.config, lines: this.outgoing,
      free: (ext) => this.availability(ext) === 'free',
      callBackLegs: (e) => this.targets.employee(e, { callback: true }).legs(),
      connect: (answered, line, req) => startCampOnCallBack({ ...deps, newSession: (a) => this.newSession(a) }, answered, line, req.number),
    });
    this.targets = new DialTargets({ config: deps.config, outgoing: this.outgoing, limits: this.outside.limits });
    this.lamps = new LampBoard({
      channels: this.channels, events: deps.events, availability: (ext) => this.availability(ext),
      isEmployee: (ext) => extensionsOf(deps.config()).has(ext),
      pickupCode: () => featureCode(deps.config(), 'pickup'), log: deps.log,
    });
  }

  /** Whether an employee can take a call now: free, busy, dnd or unreachable (core/availability.ts). */
  availability(extension: string): Availability {
    return availability(
      {
        config: this.deps.config, liveState: this.liveState,
        channelsOf: (ext) => this.channels.byOwner(ext),
        reachable: (e) => this.targets.reachable(e),
      },
      extension,
    );
  }

  addLegFactory(factory: DeviceLegFactory): void {
    this.targets.addLegFactory(factory);
  }

  addOutsideLines(provider: OutsideLineProvider): void {
    this.outgoing.add(provider);
  }

  /** The doors started after the switch (boot/doors.ts). */
  setDoors(doors: DoorStations): void {
    this.doors = doors;
  }

  /** Wire the office mode (the schedules) in: outside calls are barred by the mode in force. */
  setOfficeMode(source: OfficeModeSource): void {
    this.mode = source;
  }

  /** The records of the calls in progress (for the UI and graceful shutdown). */
  activeCalls(): CallRecord[] {
    return [...this.sessions].map((s) => s.record);
  }

  /** Bridges with members now, across every call (for the UI and tests). */
  bridges(): Bridge[] {
    return [...[...this.sessions].flatMap((s) => s.liveBridges()), ...this.conferences.bridges()];
  }

  /** Channels, bridges and calls now, and the conference rooms in use (GET /api/calls). */
  liveView(): LiveSnapshot & { conferences: RoomView[] } {
    return { ...this.live.snapshot(this.channels.all(), this.activeCalls(), this.bridges()), conferences: this.conferences.list() };
  }

  /** What `digits` mean now (analog channels ask while the user is still dialling). */
  classify(digits: string, final: boolean): Destination {
    const config = this.deps.config();
    return config ? resolveDialled(config, digits, { final, ...(this.remote ? { remote: this.remote } : {}) }) : { kind: 'invalid' };
  }

  /**
   * A new inbound channel: route its call as soon as it knows its destination. `given`: where
   * it goes when the channel already knows (a SIP trunk's DID), instead of the dial plan.
   */
  accept(a: Channel, given?: Destination): CallRecord {
    const session = this.newSession(a);
    a.once('destination', (number) => {
      session.record.destination = number;
      if (this.closed) return session.end('congestion'); // shutting down: 503 / a congestion tone
      this.run(session, number, given);
    });
    return session.record;
  }

  /**
   * Park `channel` (a call's other party, answered already or not) in the next free slot
   * (or `opts.slot`): it hears music until someone dials the slot, and after the park
   * timeout rings `opts.parker`, then the site's operator. The channel becomes the caller of
   * a call of its own; whatever owned it before must have let go of it (a transfer does).
   */
  park(channel: Channel, opts: { parker: string; slot?: string }): CallRecord {
    const session = this.newSession(channel);
    session.record.destination = opts.slot ?? PARK_CODE;
    this.run(session, session.record.destination, { kind: 'park', parker: opts.parker, ...(opts.slot ? { slot: opts.slot } : {}) });
    return session.record;
  }

  /**
   * `leg`, an employee's phone that answered the exchange's own call (click-to-call:
   * src/secretary/click-to-call.ts; a queue's callback: acd/callback.ts), becomes the caller
   * of a new call to `number`, dialled as if from that phone (its owner's barring applies).
   */
  originate(leg: Channel, number: string): CallRecord {
    const session = this.newSession(leg);
    session.record.destination = number;
    this.run(session, number);
    return session.record;
  }

  /** The legs that ring an employee's devices now, for a call the exchange places itself (click-to-call, a queue's callback). */
  employeeLegs(employee: Employee, purpose?: LegPurpose): Channel[] {
    return this.targets.employee(employee, purpose).legs();
  }

  /**
   * A door call: `station` (the door station's channel, answered: an FXS door station the
   * exchange rang when the button was pressed) is the caller, the door's phones ring.
   */
  doorCall(station: Channel, door: DoorConfig, opener: DoorOpener): CallRecord {
    const session = this.newSession(station);
    session.record.destination = door.name;
    this.run(session, door.name, { kind: 'door', door, opener });
    return session.record;
  }

  /** Calls ringing now that another phone could pick up, oldest first. */
  ringingCalls(): RingingCall[] {
    return [...this.sessions]
      .map((s) => ({ s, ringing: s.ringingLegs() }))
      .filter(({ ringing }) => ringing.length > 0)
      .sort((x, y) => x.s.record.startedAt - y.s.record.startedAt)
      .map(({ s, ringing }) => ({ record: s.record, ringing, pickUp: (by: Channel) => s.pickUp(by) }));
  }

  private newSession(a: Channel): Session {
    const session = new Session(
      {
        clock: this.deps.clock, log: this.deps.log, events: this.deps.events, channels: this.channels, holding: this.holding, config: this.deps.config(),
        parking: this.parking, conferences: this.conferences,
        ...(this.deps.budget ? { budget: this.deps.budget } : {}),
        ...(this.deps.records ? { records: this.deps.records } : {}),
        ...(this.deps.office ? { office: this.deps.office } : {}),
        ...(this.deps.dataFolder ? { dataFolder: this.deps.dataFolder } : {}),
        bridgeCreated: (b) => this.live.watchBridge(b),
        employee: (e, purpose) => this.targets.employee(e, purpose),
        outsideLine: (n, caller, opts) => this.targets.line(n, caller.caller, opts ?? { owner: caller.owner, withhold: false }),
        officeMode: () => this.mode.currentMode(),
        ringingCalls: () => this.ringingCalls(),
        liveState: this.liveState,
        availability: (ext) => this.availability(ext),
        outgoing: this.outside,
        bridgedWith: (ch) => this.bridges().filter((b) => b.has(ch)).flatMap((b) => b.channels()).filter((c) => c !== ch),
        remoteNumbers: () => this.remote,
      },
      a,
    );
    this.sessions.add(session);
    session.onEnded(() => {
      this.sessions.delete(session);
      this.outside.campOn.kick(); // a line may be free now for someone waiting
    });
    return session;
  }

  private run(session: Session, number: string, dest?: Destination): void {
    void this.route(session, number, dest).catch((err: unknown) => {
      this.deps.log.error({ err, call: session.id }, 'routing failed');
      session.end('failure');
    });
  }

  /**
   * Shutdown: end every call now — the legs send what their technology says (SIP: BYE
   * when answered, CANCEL when ringing out, 503 to an unanswered caller; analog: the line
   * released) — and refuse the calls that still arrive. Safe to call more than once.
   */
  close(): void {
    this.closed = true;
    this.outside.campOn.close();
    for (const s of [...this.sessions]) s.end('congestion');
    this.conferences.close();
    this.holding.close();
  }

  private async route(session: Session, number: string, given?: Destination): Promise<void> {
    const config = this.deps.config();
    const a = session.caller;
    const station = given ? undefined : this.doors?.forStation(a.owner);
    const dest: Destination = given ?? (station ? { kind: 'door', ...station } : config ? resolveDialled(config, number, { final: true, ...(this.remote ? { remote: this.remote } : {}) }) : { kind: 'invalid' });
    this.deps.log.info({ call: session.id, from: a.caller.number, to: number, kind: dest.kind }, 'call routed');
    if (dest.kind === 'outside' && dest.network) this.deps.events.emit('network.fallback', { call: session.id, ...dest.network, number: dest.number });
    this.deps.events.emit('call.started', { call: session.id, from: a.caller.number, to: number, tech: a.tech, kind: dest.kind });
    const cause = await applicationFor(dest)(session.context(), dest);
    session.end(await session.afterApplication(cause));
  }
}
