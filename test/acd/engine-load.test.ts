/**
 * The engine under load on the fake clock: fairness of longest_idle and round_robin over
 * 10,000 calls to equal agents (Jain's index), and 50 callers arriving at once for 10
 * agents whose phones answer late, not at all or busy — no agent rung for two calls at
 * once, no caller answered twice, nobody left reserved or ringing, every caller served.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentsConfig, engineOn, flush, jain, seeded } from './harness.js';
import { controlAgent } from '../../src/acd/agent-control.js';
import type { Caller, OfferOutcome } from '../../src/acd/engine.js';

const TEN = Array.from({ length: 10 }, (_, i) => String(201 + i));

for (const strategy of ['longest_idle', 'round_robin'] as const) {
  test(`${strategy}: 10,000 calls to 10 equal agents are shared fairly (Jain ≥ 0.95)`, async () => {
    const h = engineOn(agentsConfig([{ extension: '700', strategy, agents: TEN, wrap_up_s: 0 }]));
    TEN.forEach((a) => controlAgent(h.engine, a, 'login', { by: 'test' }));
    const rnd = seeded(7);
    const taken = new Map<string, number>();
    let answered = 0;
    for (let i = 0; i < 10_000; i++) {
      h.engine.enqueue({ queue: '700', number: String(i), priority: 0, skills: {}, offer: async (ag, c) => {
        taken.set(ag[0]!, (taken.get(ag[0]!) ?? 0) + 1);
        answered++;
        h.clock.setTimeout(() => h.engine.ended(c), 30_000 + Math.floor(rnd() * 60_000));
        return { answered: ag[0], failed: [] };
      } });
      await flush();
      for (let s = 0; s < 9; s++) {
        h.clock.advance(1000);
        await flush();
      }
    }
    h.clock.advance(3_600_000);
    await flush();
    assert.is(answered, 10_000, 'every call was answered');
    const counts = TEN.map((a) => taken.get(a) ?? 0);
    const j = jain(counts);
    assert.ok(j >= 0.95, `Jain ${j.toFixed(4)} for ${counts.join(', ')}`);
  });
}

test('50 simultaneous arrivals, 10 agents: no agent rung twice at once, no double answer, nobody left reserved', async () => {
  const h = engineOn(agentsConfig([{ extension: '700', strategy: 'longest_idle', agents: TEN, wrap_up_s: 5, ring_timeout_s: 15, retry_s: 0, auto_pause_after: 0 }]));
  TEN.forEach((a) => controlAgent(h.engine, a, 'login', { by: 'test' }));
  const rnd = seeded(99);
  const ringingNow = new Set<string>();
  const answeredBy = new Map<string, string>();
  let violations = 0;
  const callers: Caller[] = [];
  for (let i = 0; i < 50; i++) {
    const id = `caller${i}`;
    const c: Caller = h.engine.enqueue({ queue: '700', number: id, priority: 0, skills: {}, offer: (ag, me) => new Promise<OfferOutcome>((resolve) => {
      for (const a of ag) {
        if (ringingNow.has(a)) violations++;
        ringingNow.add(a);
      }
      const roll = rnd();
      const after = Math.floor(rnd() * 10_000);
      h.clock.setTimeout(() => {
        ag.forEach((a) => ringingNow.delete(a));
        if (roll < 0.2) return resolve({ failed: ag.map((a) => ({ agent: a, why: 'no-answer' as const })) });
        if (roll < 0.3) return resolve({ failed: ag.map((a) => ({ agent: a, why: 'busy' as const })) });
        if (answeredBy.has(id)) violations++;
        answeredBy.set(id, ag[0]!);
        resolve({ answered: ag[0], failed: [] });
        h.clock.setTimeout(() => h.engine.ended(me), 20_000 + Math.floor(rnd() * 40_000));
      }, after);
    }) });
    callers.push(c);
  }
  await flush();
  for (let t = 0; t < 3600 && answeredBy.size < 50; t++) {
    h.clock.advance(1000);
    await flush();
  }
  h.clock.advance(120_000);
  await flush();
  assert.is(violations, 0, 'an agent rung for two calls at once, or a caller answered twice');
  assert.is(answeredBy.size, 50, 'every caller reached an agent');
  assert.ok(callers.every((c) => c.state === 'left'), 'every talk ended');
  const states = h.engine.agents.all().map((a) => a.state);
  assert.ok(states.every((s) => s === 'available'), `agents ${states.join(', ')}`);
});

test('an agent busy on another call (core/availability) is never offered; free again, they are', async () => {
  const h = engineOn(agentsConfig([{ extension: '700', agents: ['201', '202'], wrap_up_s: 0 }]));
  h.busy.set('201', 'busy');
  h.busy.set('202', 'dnd');
  ['201', '202'].forEach((a) => controlAgent(h.engine, a, 'login', { by: 'test' }));
  const offered: string[] = [];
  h.engine.enqueue({ queue: '700', number: '1', priority: 0, skills: {}, offer: async (ag) => (offered.push(...ag), { answered: ag[0], failed: [] }) });
  await flush();
  assert.equal(offered, []);
  h.busy.delete('201');
  h.engine.dispatch();
  await flush();
  assert.equal(offered, ['201']);
});

test('auto-pause after N unanswered offers in a row, with an event; paused, logged out and wrapping-up agents are not offered', async () => {
  const paused: string[] = [];
  const h = engineOn(agentsConfig([{ extension: '700', agents: ['201', '202'], wrap_up_s: 30, auto_pause_after: 2, retry_s: 0 }]), { autoPaused: (a) => paused.push(a) });
  controlAgent(h.engine, '201', 'login', { by: 'test' });
  const offered: string[] = [];
  const c = h.engine.enqueue({ queue: '700', number: '1', priority: 0, skills: {}, offer: async (ag) => (offered.push(...ag), { failed: ag.map((a) => ({ agent: a, why: 'no-answer' as const })) }) });
  await flush();
  assert.equal(offered, ['201', '201']);
  assert.equal(paused, ['201']);
  assert.is(h.engine.agents.get('201').state, 'paused');
  assert.is(h.engine.agents.get('201').reason, 'no-answer');
  h.engine.leave(c, 'abandoned');
  // 202 answers one call, wraps up 30 s: a second caller waits for the wrap-up.
  controlAgent(h.engine, '202', 'login', { by: 'test' });
  const seen: number[] = [];
  const first = h.engine.enqueue({ queue: '700', number: '2', priority: 0, skills: {}, offer: async (ag) => ({ answered: ag[0], failed: [] }) });
  await flush();
  h.engine.ended(first);
  h.engine.enqueue({ queue: '700', number: '3', priority: 0, skills: {}, offer: async (ag) => (seen.push(h.clock.monotonic()), { answered: ag[0], failed: [] }) });
  const t0 = h.clock.monotonic();
  await flush();
  assert.equal(seen, []);
  assert.is(h.engine.agents.get('202').state, 'wrap_up');
  h.clock.advance(29_999);
  await flush();
  assert.equal(seen, []);
  h.clock.advance(1);
  await flush();
  assert.equal(seen, [t0 + 30_000]);
});

test('priority: a VIP (higher base) goes first; waiting raises the score so nobody starves', async () => {
  const h = engineOn(agentsConfig([{ extension: '700', agents: ['201'], wrap_up_s: 0 }]));
  const order: string[] = [];
  const spec = (n: string, priority: number) => ({ queue: '700', number: n, priority, skills: {}, offer: async (ag: string[]) => (order.push(n), { answered: ag[0], failed: [] }) });
  const old = h.engine.enqueue(spec('old', 0));
  h.clock.advance(100_000); // waited 100 s
  const vip = h.engine.enqueue(spec('vip', 60)); // +60: still behind 100 s of waiting
  const vip2 = h.engine.enqueue(spec('vip2', 600));
  assert.is(h.engine.position(vip2), 1);
  assert.is(h.engine.position(old), 2);
  assert.is(h.engine.position(vip), 3);
  controlAgent(h.engine, '201', 'login', { by: 'test' });
  for (const c of [vip2, old, vip]) {
    await flush();
    h.engine.ended(c);
  }
  await flush();
  assert.equal(order, ['vip2', 'old', 'vip']);
});

test.run();
