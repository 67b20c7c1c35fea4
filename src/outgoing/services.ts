/**
 * The exchange's outside-call services beyond one call: the toll-fraud counters and the
 * camp-on queue, built once by the switch and given to every call (AppContext `outgoing`).
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel } from '../channels/channel.js';
import type { Config, Employee } from '../config/schema.js';
import type { EventBus } from '../core/events.js';
import { extensionParty } from '../core/shown-party.js';
import { callBack } from './camp-on/call-back.js';
import { CampOnQueue } from './camp-on/queue.js';
import type { CampOnRequest } from './camp-on/request.js';
import type { OutgoingLines } from './line-assignment.js';
import { OutsideCallLimits } from './limits.js';
import { outsideCallPolicy } from './policy.js';

export interface OutgoingServices {
  readonly limits: OutsideCallLimits;
  readonly campOn: CampOnQueue;
}

export interface OutgoingServicesDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  config(): Readonly<Config> | null;
  lines: OutgoingLines;
  /** Whether the employee could take a call now. */
  free(extension: string): boolean;
  /** The legs ringing an employee's devices for a call-back (distinctive ring). */
  callBackLegs(employee: Employee): Channel[];
  /** Run the call of a call-back: `answered` is its caller, `line` the line taken for it. */
  connect(answered: Channel, line: Channel, request: CampOnRequest): void;
}

export function createOutgoingServices(d: OutgoingServicesDeps): OutgoingServices {
  const limits = new OutsideCallLimits(d.clock);
  const campOn = new CampOnQueue({
    clock: d.clock, log: d.log.child({ component: 'camp-on' }), events: d.events, config: d.config,
    seize: (config, number, owner, withhold) => {
      const leg = d.lines.seize(config, number, extensionParty(config, owner), { owner, withhold });
      if (leg) limits.taken(owner, leg); // a call-back is an outside call of the employee's
      return leg;
    },
    free: d.free,
    limited: (owner) => limits.check(outsideCallPolicy(d.config()), owner)?.limit,
    recall: callBack({ clock: d.clock, config: d.config, legs: d.callBackLegs, connect: d.connect }),
    lines: () => d.lines.lines(),
  });
  return { limits, campOn };
}
