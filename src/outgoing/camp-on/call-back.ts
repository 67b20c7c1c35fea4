/**
 * Ringing an employee back for camp-on: every device of theirs rings with the distinctive
 * call-back ring (LegPurpose `callback`: SIP Alert-Info, the call-back cadence on analog),
 * showing the number they waited for. The first to answer wins (the others are withdrawn
 * with answered-elsewhere) and becomes the caller of a call that dials that number on the
 * line taken for it (`connect`). Nobody answering in time, a decline, or the request being
 * withdrawn releases the line for the next in the queue.
 */
import type { Clock } from '../../../common/clock.js';
import type { Channel, HangupCause } from '../../channels/channel.js';
import type { Config, Employee } from '../../config/schema.js';
import type { CampOnRequest } from './request.js';
import type { RecallOutcome } from './queue.js';

export interface CallBackDeps {
  clock: Clock;
  config(): Readonly<Config> | null;
  /** The legs that ring the employee's devices with the call-back ring (not called yet). */
  legs(employee: Employee): Channel[];
  /** `answered` (one of those legs, up) is the caller of a new call that dials on `line`. */
  connect(answered: Channel, line: Channel, request: CampOnRequest): void;
}

/** The queue's `recall`: ring back, then connect, or release the line. */
export function callBack(d: CallBackDeps) {
  return (req: CampOnRequest, line: Channel, ringMs: number, signal: AbortSignal): Promise<RecallOutcome> =>
    new Promise((resolve) => {
      const employee = d.config()?.employees.find((e) => e.extension === req.extension);
      const legs = employee ? d.legs(employee) : [];
      const ringing = new Set(legs);
      const causes: HangupCause[] = [];
      let done = false;
      const finish = (outcome: RecallOutcome, winner?: Channel): void => {
        if (done) return;
        done = true;
        d.clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        for (const leg of ringing) if (leg !== winner) leg.hangup(winner ? 'answered-elsewhere' : outcome === 'unanswered' ? 'no-answer' : 'cancelled');
        if (winner) d.connect(winner, line, req);
        else line.hangup('cancelled'); // the line was only taken, never dialled: free again
        resolve(outcome);
      };
      const onAbort = (): void => finish('unanswered');
      const timer = d.clock.setTimeout(() => finish('unanswered'), ringMs);
      signal.addEventListener('abort', onAbort, { once: true });
      if (legs.length === 0) return finish('unreachable');
      for (const leg of legs) {
        leg.on('state', (to) => {
          if (to === 'up') finish('connected', leg);
        });
        leg.once('hangup', (cause) => {
          ringing.delete(leg);
          causes.push(cause);
          // Declined: the employee does not want it now. Busy or unreachable: they wait on.
          if (!done && ringing.size === 0) finish(causes.includes('rejected') || causes.includes('no-answer') ? 'unanswered' : 'unreachable');
        });
      }
      for (const leg of legs) if (!done) leg.call({ number: req.number });
    });
}
