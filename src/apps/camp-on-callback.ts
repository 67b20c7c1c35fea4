/**
 * Camp-on, the call the exchange makes once the employee answers its distinctive call-back
 * ring (src/outgoing/camp-on/call-back.ts rings them): the answering phone becomes the caller
 * of a new call, recorded as the employee's own, whose application dials the number on the
 * line taken for it; the two then talk like any outside call (transfers included).
 * The offer and the cancel code are camp-on.ts's.
 */
import type { Logger } from '../../common/log.js';
import type { Channel, HangupCause } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../core/events.js';
import { extensionParty } from '../core/shown-party.js';
import type { AppContext, Session } from '../core/session.js';
import { dial, DialFailed } from './dial.js';
import { OUTSIDE_RING_MS, runNumber } from './registry.js';
import { talk, type NumberRouter } from './transfer.js';

export interface CampOnCallBackDeps {
  log: Logger;
  events: EventBus;
  config(): Readonly<Config> | null;
  /** A new call of the switch's whose caller is `caller`. */
  newSession(caller: Channel): Session;
}

/** `answered` (the employee's phone, answering its call-back ring) calls `number` on `line`, taken for it. */
export function startCampOnCallBack(d: CampOnCallBackDeps, answered: Channel, line: Channel, number: string): void {
  const session = d.newSession(answered);
  session.record.destination = number;
  session.record.from = extensionParty(d.config(), answered.owner); // the employee's call, not the number its phone showed
  d.log.info({ call: session.id, from: answered.owner, to: number, line: line.owner }, 'camp-on call-back answered: dialling');
  d.events.emit('call.started', { call: session.id, from: answered.owner, to: number, tech: answered.tech, kind: 'camp-on' });
  const app = callBackApplication(line, runNumber, OUTSIDE_RING_MS);
  void app(session.context()).then(
    (cause) => session.end(cause),
    (err: unknown) => {
      d.log.error({ err, call: session.id }, 'camp-on call-back failed');
      session.end('failure');
    },
  );
}

/** The call-back answered: dial the number on `line` (taken for it) and talk. */
export function callBackApplication(line: Channel, runNumber: NumberRouter, ringMs: number): (ctx: AppContext) => Promise<HangupCause> {
  return async (ctx) => {
    try {
      const answered = await dial(ctx, [{ extension: line.owner, legs: () => (line.state === 'released' ? [] : [line]) }], { timeout_ms: ringMs });
      return await talk(ctx, [ctx.caller, answered], runNumber);
    } catch (err) {
      if (err instanceof DialFailed) return err.cause === 'unavailable' ? 'congestion' : err.cause;
      throw err;
    }
  };
}
