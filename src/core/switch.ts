/**
 * The switching core: takes every inbound leg, decides where its call goes (dial plan,
 * configuration snapshot), offers it to the right legs through the call applications,
 * and publishes what happens on the observer channel. It sees Channels only: the
 * technologies register leg factories and never appear here by name.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel, ChannelTech, DtmfVia, HangupCause, Party } from '../channels/channel.js';
import type { Config, Device, Employee } from '../config/schema.js';
import { ringGroup, type RingTarget } from '../apps/ring-group.js';
import { Call } from './call.js';
import { resolveDialled, type Destination } from './dialplan.js';
import type { EventBus } from './events.js';

/** How long an employee's phones ring before the caller hears "no answer". */
export const EMPLOYEE_RING_MS = 30_000;

/** Creates the outbound legs that reach one device of an employee (one per technology). */
export interface DeviceLegFactory {
  readonly tech: ChannelTech;
  /** Legs ringing this device now; empty when it cannot be reached (not registered, port fault). */
  legsFor(employee: Employee, device: Device): Channel[];
}

/** Reaches the public network: city lines (FXO) now, SIP trunks later. */
export interface OutsideLineProvider {
  /** An outbound leg on a free line that will dial `number`, or undefined when every line is busy. */
  seize(number: string, caller: Party): Channel | undefined;
}

/** How long an outside call may stay unanswered before the exchange gives up. */
export const OUTSIDE_RING_MS = 120_000;

/** Connects the sound of two legs once a call is answered (the media layer provides it). */
export interface MediaConnector {
  connect(a: Channel, b: Channel): void;
  disconnect(a: Channel, b: Channel): void;
  /**
   * Whether the connected media path already delivers a digit that arrived on `from` in
   * form `via` to `to` (RFC 4733 relayed between two RTP legs, tones inside the audio).
   * When it does not, the core asks `to` to send the digit itself.
   */
  carriesDigits?(from: Channel, to: Channel, via: DtmfVia): boolean;
}

export interface SwitchDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  /** The configuration in force; each call routes on the snapshot it started with. */
  config: () => Readonly<Config> | null;
  media?: MediaConnector;
}

export class Switch {
  private readonly factories = new Map<ChannelTech, DeviceLegFactory>();
  private readonly lines: OutsideLineProvider[] = [];
  private readonly calls = new Set<Call>();
  /** Set by close(): calls that come in during shutdown are refused, never routed. */
  private closed = false;

  constructor(private readonly deps: SwitchDeps) {}

  addLegFactory(factory: DeviceLegFactory): void {
    this.factories.set(factory.tech, factory);
  }

  addOutsideLines(provider: OutsideLineProvider): void {
    this.lines.push(provider);
  }

  /** Calls in progress (for the UI and graceful shutdown). */
  activeCalls(): Call[] {
    return [...this.calls];
  }

  /** What `digits` mean now (analog channels ask while the user is still dialling). */
  classify(digits: string, final: boolean): Destination {
    const config = this.deps.config();
    return config ? resolveDialled(config, digits, { final }) : { kind: 'invalid' };
  }

  /** A new inbound leg: route it as soon as it knows its destination. */
  accept(a: Channel): Call {
    const call = new Call(a, this.deps.clock.now());
    this.calls.add(call);
    call.on('ended', (cause) => {
      this.calls.delete(call);
      if (call.b) this.deps.media?.disconnect(call.a, call.b);
      this.deps.events.emit('call.ended', { call: call.id, cause, from: a.caller.number, to: call.destination });
    });
    call.on('answered', (b) => {
      if (call.state !== 'connected') return; // ended meanwhile (a listener hung up): no bridge
      this.deps.media?.connect(call.a, b);
      this.relayDigits(call, call.a, b);
      this.relayDigits(call, b, call.a);
      this.deps.events.emit('call.answered', { call: call.id, by: b.owner, tech: b.tech });
    });
    a.once('destination', (number) => {
      call.destination = number;
      if (this.closed) return call.end('congestion'); // shutting down: 503 / a congestion tone
      void this.route(call, number).catch((err) => {
        this.deps.log.error({ err, call: call.id }, 'routing failed');
        call.end('failure');
      });
    });
    return call;
  }

  /**
   * Shutdown: end every call now — the legs send what their technology says (SIP: BYE
   * when answered, CANCEL when ringing out, 503 to an unanswered caller; analog: the line
   * released) — and refuse the calls that still arrive. Safe to call more than once.
   */
  close(): void {
    this.closed = true;
    for (const call of [...this.calls]) call.end('congestion');
  }

  private async route(call: Call, number: string): Promise<void> {
    const config = this.deps.config();
    const dest: Destination = config ? resolveDialled(config, number, { final: true }) : { kind: 'invalid' };
    this.deps.log.info({ call: call.id, from: call.a.caller.number, to: number, kind: dest.kind }, 'call routed');
    this.deps.events.emit('call.started', { call: call.id, from: call.a.caller.number, to: number, tech: call.a.tech, kind: dest.kind });
    let result: { failed: HangupCause } | { answered: Channel };
    switch (dest.kind) {
      case 'employee':
        if (dest.employee.extension === call.a.owner) return call.end('busy'); // calling oneself
        result = await ringGroup(call, this.deps.clock, [this.target(dest.employee)], 'all_at_once', EMPLOYEE_RING_MS);
        break;
      case 'department': {
        const d = dest.department;
        const members = d.members
          .filter((m) => m !== call.a.owner)
          .map((m) => config!.employees.find((e) => e.extension === m))
          .filter((e): e is Employee => e !== undefined);
        result = await ringGroup(call, this.deps.clock, members.map((e) => this.target(e)), d.strategy, d.ring_timeout_s * 1000);
        break;
      }
      case 'outside': {
        const barred = outsideBarring(config!, call.a.owner, dest);
        if (barred) {
          this.deps.log.warn({ call: call.id, from: call.a.owner, to: number, reason: barred }, 'outside call barred');
          return call.end('barred');
        }
        const caller = call.a.caller;
        const target: RingTarget = {
          extension: dest.number,
          legs: () => {
            for (const p of this.lines) {
              const leg = p.seize(dest.number, caller);
              if (leg) return [leg];
            }
            return [];
          },
        };
        result = await ringGroup(call, this.deps.clock, [target], 'all_at_once', OUTSIDE_RING_MS);
        if ('failed' in result && result.failed === 'unavailable') result = { failed: 'congestion' }; // every line busy
        break;
      }
      default:
        result = { failed: 'not-found' };
    }
    if ('failed' in result) call.end(result.failed);
  }

  /**
   * DTMF during a connected call: publish each digit, and make it reach the other leg in
   * the form that leg negotiated (issue 4 interworking) when the media path does not
   * carry it already — INFO becomes RFC 4733 or tones, RFC 4733 towards an analog line
   * becomes tones, RFC 4733 towards a SIP phone without telephone-event becomes INFO.
   */
  private relayDigits(call: Call, from: Channel, to: Channel): void {
    const onDigits = (digits: string, via: DtmfVia = 'inband'): void => {
      if (call.state !== 'connected') return;
      for (const digit of digits) this.deps.events.emit('call.dtmf', { call: call.id, from: from.owner, digit, via });
      if (!(this.deps.media?.carriesDigits?.(from, to, via) ?? false)) to.sendDigits?.(digits);
    };
    from.on('digits', onDigits);
    call.once('ended', () => from.off('digits', onDigits));
  }

  private target(employee: Employee): RingTarget {
    return {
      extension: employee.extension,
      legs: () => employee.devices.flatMap((d) => this.factories.get(d.type)?.legsFor(employee, d) ?? []),
    };
  }
}

/**
 * Call barring for outside calls: why `owner` may not call `dest`, or undefined when it
 * may. Emergency numbers are never barred. Legs that are not an employee's (a city line
 * calling out again) follow the strictest rule.
 */
export function outsideBarring(config: Readonly<Config>, owner: string, dest: Extract<Destination, { kind: 'outside' }>): string | undefined {
  if (dest.emergency) return undefined;
  const allowed = config.employees.find((e) => e.extension === owner)?.outside_calls ?? 'none';
  if (allowed === 'none') return 'outside calls not allowed';
  if (dest.international && allowed !== 'international') return 'international calls not allowed';
  return undefined;
}

/** The caller identity an employee's leg presents. */
export function employeeParty(e: Employee): Party {
  return { number: e.extension, name: e.name };
}
