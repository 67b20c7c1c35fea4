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
import type { Channel, ChannelTech, DialogKey, Party } from '../channels/channel.js';
import type { Config, Device, Employee } from '../config/schema.js';
import type { MixerBudget } from '../media/mixer.js';
import { applicationFor } from '../apps/registry.js';
import { Bridge } from './bridge.js';
import type { CallRecord, CallRecordSink } from './call-record.js';
import { ChannelRegistry } from './channels.js';
import { ParkingLot } from './parking.js';
import { PARK_CODE, resolveDialled, type Destination } from './dialplan.js';
import type { EventBus } from './events.js';
import { LiveView, type LiveSnapshot } from './live-view.js';
import { Session, type DialTarget, type RingingCall } from './session.js';

/** Creates the outbound legs that reach one device of an employee (one per technology). */
export interface DeviceLegFactory {
  readonly tech: ChannelTech;
  /** Legs ringing this device now; empty when it cannot be reached (not registered, port fault). */
  legsFor(employee: Employee, device: Device): Channel[];
}

/** The outcome of an INVITE with Replaces (Switch.replaceWith). */
export type ReplaceVerdict = 'replaced' | 'not-found' | 'forbidden' | 'busy';

/** Reaches the public network: city lines (FXO) now, SIP trunks later. */
export interface OutsideLineProvider {
  /** An outbound leg on a free line that will dial `number`, or undefined when every line is busy. */
  seize(number: string, caller: Party): Channel | undefined;
}

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
}

export class Switch {
  private readonly factories = new Map<ChannelTech, DeviceLegFactory>();
  private readonly lines: OutsideLineProvider[] = [];
  private readonly sessions = new Set<Session>();
  /** Every live channel the core knows. */
  readonly channels = new ChannelRegistry();
  /** The exchange's holding bridge: whoever waits in it hears music on hold. */
  readonly holding: Bridge;
  /** The park slots: which call waits in which. */
  readonly parking: ParkingLot;
  private readonly live: LiveView;
  /** Set by close(): calls that come in during shutdown are refused, never routed. */
  private closed = false;

  constructor(private readonly deps: SwitchDeps) {
    this.holding = new Bridge({ clock: deps.clock, kind: 'holding' });
    this.parking = new ParkingLot(deps.events);
    this.live = new LiveView(deps.clock, deps.events, this.holding);
    this.channels.onAdded((ch) => this.live.channelAdded(ch));
  }

  addLegFactory(factory: DeviceLegFactory): void {
    this.factories.set(factory.tech, factory);
  }

  addOutsideLines(provider: OutsideLineProvider): void {
    this.lines.push(provider);
  }

  /** The records of the calls in progress (for the UI and graceful shutdown). */
  activeCalls(): CallRecord[] {
    return [...this.sessions].map((s) => s.record);
  }

  /** Bridges with members now, across every call (for the UI and tests). */
  bridges(): Bridge[] {
    return [...this.sessions].flatMap((s) => s.liveBridges());
  }

  /** Channels, bridges and calls now (GET /api/calls). */
  liveView(): LiveSnapshot {
    return this.live.snapshot(this.channels.all(), this.activeCalls(), this.bridges());
  }

  /** What `digits` mean now (analog channels ask while the user is still dialling). */
  classify(digits: string, final: boolean): Destination {
    const config = this.deps.config();
    return config ? resolveDialled(config, digits, { final }) : { kind: 'invalid' };
  }

  /** A new inbound channel: route its call as soon as it knows its destination. */
  accept(a: Channel): CallRecord {
    const session = this.newSession(a);
    a.once('destination', (number) => {
      session.record.destination = number;
      if (this.closed) return session.end('congestion'); // shutting down: 503 / a congestion tone
      this.run(session, number);
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
        parking: this.parking,
        ...(this.deps.budget ? { budget: this.deps.budget } : {}),
        ...(this.deps.records ? { records: this.deps.records } : {}),
        bridgeCreated: (b) => this.live.watchBridge(b),
        employee: (e) => this.employeeTarget(e),
        outsideLine: (n, caller) => this.lineTarget(n, caller.caller),
        ringingCalls: () => this.ringingCalls(),
      },
      a,
    );
    this.sessions.add(session);
    session.onEnded(() => this.sessions.delete(session));
    return session;
  }

  private run(session: Session, number: string, dest?: Destination): void {
    void this.route(session, number, dest).catch((err: unknown) => {
      this.deps.log.error({ err, call: session.id }, 'routing failed');
      session.end('failure');
    });
  }

  /**
   * An INVITE with Replaces (RFC 3891 §3): `leg` (answered here) takes the place of the
   * dialog's channel in its call, which hangs the old one up. `not-found` when no live call
   * is that dialog, `forbidden` when it is another employee's (only one's own call may be
   * taken over: another phone of the same extension), `busy` when its call is not talking.
   */
  replaceWith(leg: Channel, key: DialogKey): ReplaceVerdict {
    const verdict = this.mayReplace(key, leg.owner);
    if (verdict !== 'replaced') return verdict;
    const old = this.channels.byReplaces(key)!;
    leg.answer();
    if (leg.state !== 'up' || !this.channels.replace(old, leg)) leg.hangup('congestion');
    return 'replaced';
  }

  /** What replaceWith would answer for a leg of `owner` now (checked before the leg's media is opened). */
  mayReplace(key: DialogKey, owner: string): ReplaceVerdict {
    const old = this.channels.byReplaces(key);
    if (!old || old.state !== 'up') return 'not-found';
    if (old.owner !== owner) return 'forbidden';
    return this.channels.canReplace(old) ? 'replaced' : 'busy';
  }

  /**
   * Shutdown: end every call now — the legs send what their technology says (SIP: BYE
   * when answered, CANCEL when ringing out, 503 to an unanswered caller; analog: the line
   * released) — and refuse the calls that still arrive. Safe to call more than once.
   */
  close(): void {
    this.closed = true;
    for (const s of [...this.sessions]) s.end('congestion');
    this.holding.close();
  }

  private async route(session: Session, number: string, given?: Destination): Promise<void> {
    const config = this.deps.config();
    const a = session.caller;
    const dest: Destination = given ?? (config ? resolveDialled(config, number, { final: true }) : { kind: 'invalid' });
    this.deps.log.info({ call: session.id, from: a.caller.number, to: number, kind: dest.kind }, 'call routed');
    this.deps.events.emit('call.started', { call: session.id, from: a.caller.number, to: number, tech: a.tech, kind: dest.kind });
    const cause = await applicationFor(dest)(session.context(), dest);
    session.end(cause);
  }

  private employeeTarget(employee: Employee): DialTarget {
    return {
      extension: employee.extension,
      legs: () => employee.devices.flatMap((d) => this.factories.get(d.type)?.legsFor(employee, d) ?? []),
    };
  }

  private lineTarget(number: string, caller: Party): DialTarget {
    return {
      extension: number,
      legs: () => {
        for (const p of this.lines) {
          const leg = p.seize(number, caller);
          if (leg) return [leg];
        }
        return [];
      },
    };
  }
}

