/**
 * What a call dials, as the switch builds it for the applications (AppContext `employee`,
 * `outsideLine`): an employee's devices, rung through the leg factory of each device's
 * technology, and an outside line, seized by the line assignment and counted against the
 * toll-fraud limits of whoever's rights it uses. The technologies register their factories
 * here and never appear by name.
 */
import type { Channel, ChannelTech, Party } from '../channels/channel.js';
import type { Config, Device, Employee } from '../config/schema.js';
import type { OutgoingLines } from '../outgoing/line-assignment.js';
import type { OutsideCallLimits } from '../outgoing/limits.js';
import type { DialTarget, OutsideCallOptions } from './app-context.js';

/**
 * What legs are for, when not a plain call: `page` — the device answers by itself (SIP
 * auto-answer headers; an FXS loudspeaker opens its audio without ringing) and only
 * listens (SIP: the exchange offers sendonly).
 */
export interface LegPurpose {
  page?: boolean;
  /** The exchange calls the employee back (camp-on: a line is free): the phone rings distinctively (SIP Alert-Info, another cadence on analog). */
  callback?: boolean;
  /**
   * The exchange calls a SIP door station for its audio (a GPIO button was pressed, src/doors):
   * the device answers by itself, as for a page, but talks both ways.
   */
  intercom?: boolean;
}

/** Creates the outbound legs that reach one device of an employee (one per technology). */
export interface DeviceLegFactory {
  readonly tech: ChannelTech;
  /** Legs ringing this device now; empty when it cannot be reached (not registered, port fault). */
  legsFor(employee: Employee, device: Device, purpose?: LegPurpose): Channel[];
  /** Whether `device` could ring now (registered, port online), without ringing it (core/availability.ts). */
  reachable?(employee: Employee, device: Device): boolean;
}

export interface DialTargetsDeps {
  /** The configuration in force when a line is seized (its trunk groups, caller ID). */
  config: () => Readonly<Config> | null;
  /** The ways out and the trunk groups' hunt state. */
  outgoing: OutgoingLines;
  /** The toll-fraud counters a seized line counts against. */
  limits: OutsideCallLimits;
}

export class DialTargets {
  private readonly factories = new Map<ChannelTech, DeviceLegFactory>();

  constructor(private readonly deps: DialTargetsDeps) {}

  addLegFactory(factory: DeviceLegFactory): void {
    this.factories.set(factory.tech, factory);
  }

  /** Whether any of the employee's devices could ring now (a technology that cannot tell counts as reachable). */
  reachable(employee: Employee): boolean {
    return employee.devices.some((d) => this.factories.get(d.type)?.reachable?.(employee, d) ?? true);
  }

  /** The employee's devices, rung when the dial verb asks for legs. */
  employee(employee: Employee, purpose?: LegPurpose): DialTarget {
    return {
      extension: employee.extension,
      legs: () => employee.devices.flatMap((d) => this.factories.get(d.type)?.legsFor(employee, d, purpose) ?? []),
    };
  }

  /** An outside line for `number`, seized when the dial verb asks for legs. */
  line(number: string, caller: Party, opts: OutsideCallOptions): DialTarget {
    return {
      extension: number,
      legs: () => {
        const leg = this.deps.outgoing.seize(this.deps.config(), number, caller, opts);
        if (leg) this.deps.limits.taken(opts.owner, leg); // counted against whose rights it uses
        return leg ? [leg] : [];
      },
    };
  }
}
