/**
 * Application `queue` (user doc: queue.md): a caller waits in a call queue until an agent
 * takes the call (src/acd: the engine picks the agent by the queue's strategy, skills and
 * priorities, and never rings one who is busy, paused, wrapping up or logged out).
 *
 * 1. Nobody logged in and `join_empty` false: straight to `overflow`.
 * 2. The call is answered, hears the entry announcement (and the recording notice); the
 *    caller's own manager is rung first when the exchange knows one (queue-sticky.ts); then
 *    music or the playlist, with the position and estimated wait every
 *    `position_interval_s` (queue-wait.ts).
 * 3. The engine offers the call to an agent: their phones ring (`ring_timeout_s`); the one
 *    who answers is connected (the talk verb: transfers work as on any call); the agent's
 *    wrap-up starts when their leg leaves the call — also when they transferred it.
 * 4. `max_wait_s` waited, or the last agent logged out (`leave_when_empty`): `overflow`
 *    (another queue, a department, an employee, a mailbox, a number, or a message and hang
 *    up). `voicemail_key`: a message in `voicemail_box`. `callback_key`: the caller hangs up
 *    and keeps their place; when their turn comes, the agent is rung, then the caller
 *    called back (acd/callback.ts).
 * Every step is a `route.step` event; the figures go to the queue's statistics.
 */
import type { Channel, HangupCause } from '../channels/channel.js';
import type { Queue } from '../config/schema.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import type { Caller, OfferFailure, OfferOutcome, QueueEngine } from '../acd/engine.js';
import { basePriority } from '../acd/queue-priority.js';
import { dial, DialFailed } from './dial.js';
import { talk } from './transfer.js';
import { runNumber } from './registry.js';
import { routeTo } from './number.js';
import { leaveMessage } from './voicemail.js';
import { playPrompt, routeStep } from './route-steps.js';
import { sayPrompts, waitWithMusic } from './queue-wait.js';
import { stickyFirst } from './queue-sticky.js';
import { callbackNumber } from './queue-callback.js';
import { recordTalk } from '../acd/queue-recording.js';
import { callSkills } from '../acd/skills-history.js';

/** Queues overflowing into queues: the import refuses a queue overflowing to itself; this bounds longer loops. */
const MAX_OVERFLOWS = 4;

type WaitEnd = { kind: 'connected'; leg: Channel } | { kind: 'gone' } | { kind: 'timeout' } | { kind: 'empty' } | { kind: 'key'; key: string };

export async function queue(ctx: AppContext, dest: Extract<Destination, { kind: 'queue' }>): Promise<HangupCause> {
  return runQueue(ctx, dest.queue, [], dest.skills);
}

export async function runQueue(ctx: AppContext, q: Queue, path: string[], routeSkills?: Record<string, number>, hops = 0): Promise<HangupCause> {
  const acd = ctx.office?.acd;
  const here = [...path, `queue:${q.extension}`];
  if (!acd) {
    ctx.log.warn({ call: ctx.record.id, queue: q.extension }, 'queue without the call-centre services');
    return 'not-found';
  }
  if (!q.join_empty && acd.loggedIn(q) === 0) return overflow(ctx, q, here, 'empty', hops);
  ctx.caller.answer();
  if (q.entry_announcement && (await playPrompt(ctx, q.entry_announcement)) !== 'done') return 'cancelled';
  if (q.record && (await playPrompt(ctx, q.record_announcement)) !== 'done') return 'cancelled';
  const taken = await stickyFirst(ctx, q, here); // the caller's own manager first, when the exchange knows one
  if (taken !== undefined) return taken;

  const number = ctx.caller.caller.number;
  // The number dialled (DNIS) and the route (a menu choice) say what the call needs; else the caller's history does.
  const needs = callSkills(q, number, { ...(q.skills_by_number[ctx.record.destination ?? ''] ?? {}), ...(routeSkills ?? {}) }, acd.skillsHistory, ctx.clock.now());
  const skills = needs.skills;
  if (needs.from === 'history') ctx.log.info({ call: ctx.record.id, queue: q.extension, from: number, skills }, 'queue call needs the skills of the caller\'s last call');
  const stop = new AbortController();
  let end: WaitEnd | undefined;
  const finish = (e: WaitEnd): void => {
    if (end) return;
    end = e;
    stop.abort();
  };
  const caller = acd.engine.enqueue({
    queue: q.extension, number, priority: basePriority(q, number, acd.customers), skills, call: ctx.record.id,
    offer: (agents) => ringAgents(ctx, q, agents, here, (leg) => finish({ kind: 'connected', leg })),
  });
  routeStep(ctx, 'queued', here, { extension: q.extension });
  ctx.events.emit('queue.caller', { queue: q.extension, call: ctx.record.id, change: 'joined', supervisors: q.supervisors });

  const onGone = (): void => finish({ kind: 'gone' });
  ctx.signal.addEventListener('abort', onGone, { once: true });
  ctx.caller.once('hangup', onGone);
  const keys = new Set([q.voicemail_key, q.callback_key].filter((k): k is string => k !== undefined));
  const onDigits = (digits: string): void => {
    const key = [...digits].find((d) => keys.has(d));
    if (key && caller.state === 'waiting') finish({ kind: 'key', key });
  };
  ctx.caller.on('digits', onDigits);
  // Max wait and the empty queue are looked at each second; a caller being offered is not interrupted.
  const watch = ctx.clock.setInterval(() => {
    if (caller.state !== 'waiting') return;
    const waited = ctx.clock.monotonic() - caller.enteredAt;
    if (q.max_wait_s > 0 && waited >= q.max_wait_s * 1000) finish({ kind: 'timeout' });
    else if (q.leave_when_empty && acd.loggedIn(q) === 0) finish({ kind: 'empty' });
  }, 1000);
  try {
    await waitWithMusic(ctx, q, stop.signal, { position: () => acd.engine.position(caller), estimate: () => acd.estimatedWait(caller) });
    if (!end && ctx.caller.state === 'released') finish({ kind: 'gone' });
    if (!end) await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    ctx.clock.clearInterval(watch);
    ctx.caller.off('digits', onDigits);
    ctx.caller.off('hangup', onGone);
    ctx.signal.removeEventListener('abort', onGone);
  }
  const e = end!;
  switch (e.kind) {
    case 'connected':
      return connected(ctx, acd.engine, caller, e.leg, q.record && acd.recordingsDir ? recordTalk(acd.log, acd.recordingsDir, q.extension, ctx.record.id, ctx.clock.now(), { caller: ctx.caller, agent: e.leg }) : undefined);
    case 'gone':
      acd.engine.leave(caller, 'abandoned');
      return 'cancelled';
    case 'timeout':
    case 'empty':
      acd.engine.leave(caller, e.kind === 'timeout' ? 'overflow' : 'empty');
      return overflow(ctx, q, here, e.kind === 'timeout' ? 'max-wait' : 'empty', hops);
    case 'key':
      if (e.key === q.voicemail_key && q.voicemail_box) {
        acd.engine.leave(caller, 'voicemail');
        routeStep(ctx, 'key', here, { key: e.key, route: { type: 'voicemail', target: q.voicemail_box } });
        const box = ctx.config?.employees.find((x) => x.extension === q.voicemail_box);
        return box ? leaveMessage(ctx, box) : 'not-found';
      }
      return keepPlace(ctx, q, caller, here);
  }
}

/** Ring `agents` for the caller; `won` is told the leg that answered. */
async function ringAgents(ctx: AppContext, q: Queue, agents: string[], path: string[], won: (leg: Channel) => void): Promise<OfferOutcome> {
  const fail = (why: OfferFailure): OfferOutcome => ({ failed: agents.map((agent) => ({ agent, why })) });
  if (ctx.signal.aborted || ctx.caller.state === 'released') return fail('caller-gone');
  const targets = agents
    .map((ext) => ctx.config?.employees.find((x) => x.extension === ext))
    .filter((x) => x !== undefined)
    .map((x) => ctx.employee(x));
  for (const t of agents) routeStep(ctx, 'ringing', path, { extension: t });
  try {
    const leg = await dial(ctx, targets, { timeout_ms: q.ring_timeout_s * 1000 });
    routeStep(ctx, 'answered', path, { extension: leg.owner });
    won(leg);
    return { answered: leg.owner, failed: agents.filter((a) => a !== leg.owner).map((agent) => ({ agent, why: 'no-answer' as const })) };
  } catch (err) {
    if (!(err instanceof DialFailed)) throw err;
    if (ctx.signal.aborted) return fail('caller-gone');
    return fail(err.cause === 'busy' ? 'busy' : err.cause === 'unavailable' ? 'unreachable' : 'no-answer');
  }
}

/** The caller talks with the agent; the agent's wrap-up starts when their leg leaves the call (a transfer too). */
async function connected(ctx: AppContext, engine: QueueEngine, caller: Caller, leg: Channel, stopRecording?: () => void): Promise<HangupCause> {
  let done = false;
  const release = (): void => {
    if (done) return;
    done = true;
    stopRecording?.();
    engine.ended(caller);
  };
  leg.once('hangup', release);
  try {
    return await talk(ctx, [ctx.caller, leg], runNumber);
  } finally {
    leg.off('hangup', release);
    if (leg.state === 'released' || ctx.signal.aborted) release();
    else leg.once('hangup', release); // the talk moved on (a transfer) with the agent still there
  }
}

/** The caller asked to be called back: they keep their place; the engine calls them when it comes. */
async function keepPlace(ctx: AppContext, q: Queue, caller: Caller, path: string[]): Promise<HangupCause> {
  const acd = ctx.office!.acd!;
  const cb = acd.callbacks;
  if (!cb) {
    acd.engine.leave(caller, 'abandoned');
    return 'normal';
  }
  routeStep(ctx, 'key', path, { key: q.callback_key!, route: { type: 'callback' } });
  caller.notBefore = Infinity; // holds the place, but is offered nobody while the number is confirmed
  const number = await callbackNumber(ctx);
  delete caller.notBefore;
  if (!number) {
    acd.engine.leave(caller, 'abandoned');
    return ctx.signal.aborted ? 'cancelled' : 'normal';
  }
  acd.engine.keepPlace(caller, cb.offerFor(q, number, ctx.record.id, caller));
  ctx.events.emit('queue.caller', { queue: q.extension, call: ctx.record.id, change: 'callback', supervisors: q.supervisors });
  await sayPrompts(ctx, ['queue-callback-confirm']);
  return 'normal';
}

/** Where the caller goes when they waited too long or nobody is logged in. */
async function overflow(ctx: AppContext, q: Queue, path: string[], why: 'max-wait' | 'empty', hops: number): Promise<HangupCause> {
  const f = q.overflow;
  routeStep(ctx, 'overflow', path, { reason: why, ...(f ? { route: { type: f.type, ...(f.target ? { target: f.target } : {}) } } : {}) });
  const next = [...path, why];
  if (!f) {
    if (ctx.caller.state === 'up') await playPrompt(ctx, 'no-answer');
    return 'no-answer';
  }
  if (f.type === 'hangup') {
    ctx.caller.answer();
    if (f.message) await playPrompt(ctx, f.message);
    return 'normal';
  }
  if (f.type === 'queue') {
    const other = ctx.config?.queues?.find((x) => x.extension === f.target);
    if (!other || hops >= MAX_OVERFLOWS) return 'no-answer';
    return runQueue(ctx, other, next, undefined, hops + 1);
  }
  return routeTo(ctx, { type: f.type, target: f.target! }, next, hops + 1);
}
