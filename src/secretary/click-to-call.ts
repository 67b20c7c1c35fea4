/**
 * Click-to-call (`POST /api/notes/:id/call`): the exchange rings the director's phones
 * first, showing whom it will call; when one answers, that phone becomes the caller of a
 * call to the number, dialled as the director would (their barring applies; an outside
 * number gets the outside-line prefix). Nobody answering within CLICK_RING_MS ends it.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel } from '../channels/channel.js';
import type { Config, Employee } from '../config/schema.js';
import { OUTSIDE_PREFIX } from '../core/dialplan.js';
import type { Switch } from '../core/switch.js';

export const CLICK_RING_MS = 30_000;

/** The number as the director's phone would dial it. */
export function dialledForm(config: Readonly<Config>, number: string): string {
  if (number.startsWith('+')) return number;
  const internal = config.employees.some((e) => e.extension === number) || config.departments.some((d) => d.extension === number);
  return internal ? number : `${OUTSIDE_PREFIX}${number}`;
}

export interface ClickToCallDeps {
  sw: Pick<Switch, 'employeeLegs' | 'originate'>;
  clock: Clock;
  log: Logger;
}

/** Ring `director`, then dial `number` from the phone that answered; resolves with the call's id, or undefined when nobody answered. */
export function clickToCall(deps: ClickToCallDeps, config: Readonly<Config>, director: Employee, number: string, label: string): Promise<string | undefined> {
  const dialled = dialledForm(config, number);
  const legs = deps.sw.employeeLegs(director);
  if (legs.length === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const ringing = new Set<Channel>(legs);
    let done = false;
    const finish = (winner: Channel | undefined): void => {
      if (done) return;
      done = true;
      deps.clock.clearTimeout(timer);
      for (const l of ringing) if (l !== winner) l.hangup(winner ? 'answered-elsewhere' : 'no-answer');
      if (!winner) return resolve(undefined);
      deps.log.info({ director: director.extension, number: dialled }, 'click-to-call: the director answered, dialling');
      resolve(deps.sw.originate(winner, dialled).id);
    };
    const timer = deps.clock.setTimeout(() => finish(undefined), CLICK_RING_MS);
    for (const leg of legs) {
      leg.on('state', (to) => {
        if (to === 'up') finish(leg);
      });
      leg.once('hangup', () => {
        ringing.delete(leg);
        if (ringing.size === 0) finish(undefined);
      });
      // The phone shows whom it will call (the name); the party is the director's own, so the
      // call that follows is recorded from the director, as if dialled on the phone.
      leg.call({ number: director.extension, name: label });
    }
  });
}
