/**
 * Each strategy's order through the real engine on the fake clock: which agent the first
 * caller's offer goes to, given the agents' idle times, counts, weights, skills — and
 * round_robin remembering where it stopped. Plus the agent state machine's refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentsConfig, engineOn, flush } from './harness.js';
import { controlAgent } from '../../src/acd/agent-control.js';
import { transition, IllegalAgentTransition } from '../../src/acd/agent-state.js';
import type { OfferOutcome } from '../../src/acd/engine.js';

const AGENTS = ['201', '202', '203', '204'];

/** An engine with one queue; every agent logged in at 1 s intervals (201 first: idle the longest). */
function setup(strategy: string, agents: Array<string | { extension: string; [k: string]: unknown }> = AGENTS, extra: Record<string, unknown> = {}) {
  const h = engineOn(agentsConfig([{ extension: '700', strategy, agents: agents as never, wrap_up_s: 0, ...extra }]));
  for (const a of agents) {
    controlAgent(h.engine, typeof a === 'string' ? a : a.extension, 'login', { by: 'test' });
    h.clock.advance(1000);
  }
  const offers: string[][] = [];
  /** A caller whose offers are answered by the first agent rung, and whose talk ends after `talkMs`. */
  const call = async (talkMs = 1000, skills = {}): Promise<string[]> => {
    let answered: string | undefined;
    const c = h.engine.enqueue({ queue: '700', number: '0600000000', priority: 0, skills, offer: async (ag) => {
      offers.push(ag);
      answered = ag[0];
      return { answered: ag[0], failed: ag.slice(1).map((x) => ({ agent: x, why: 'no-answer' as const })) } satisfies OfferOutcome;
    } });
    await flush();
    h.clock.advance(talkMs);
    if (answered) h.engine.ended(c);
    await flush();
    return offers[offers.length - 1] ?? [];
  };
  return { ...h, call, offers };
}

test('linear always starts from the top of the list; ring_all rings every free agent at once', async () => {
  const s = setup('linear');
  assert.equal(await s.call(), ['201']);
  assert.equal(await s.call(), ['201']);
  const r = setup('ring_all');
  assert.equal(await r.call(), AGENTS);
});

test('longest_idle: the agent idle since longest, and after a call they go to the back', async () => {
  const s = setup('longest_idle');
  assert.equal(await s.call(), ['201']);
  assert.equal(await s.call(), ['202']);
  assert.equal(await s.call(), ['203']);
  assert.equal(await s.call(), ['204']);
  assert.equal(await s.call(), ['201']);
});

test('round_robin remembers where it stopped, across callers and a log-out', async () => {
  const s = setup('round_robin');
  assert.equal(await s.call(), ['201']);
  assert.equal(await s.call(), ['202']);
  controlAgent(s.engine, '203', 'logout', { by: 'test' });
  assert.equal(await s.call(), ['204']);
  assert.equal(await s.call(), ['201']);
});

test('fewest_calls and least_talk_time count this queue\'s calls and talk', async () => {
  const f = setup('fewest_calls');
  assert.equal(await f.call(), ['201']);
  assert.equal(await f.call(), ['202']);
  assert.equal(await f.call(), ['203']);
  assert.equal(await f.call(), ['204']);
  assert.equal(await f.call(), ['201'], 'all equal again: the longest idle');
  const t = setup('least_talk_time');
  assert.equal(await t.call(60_000), ['201']);
  assert.equal(await t.call(1_000), ['202']);
  assert.equal(await t.call(30_000), ['203']);
  assert.equal(await t.call(5_000), ['204']);
  assert.equal(await t.call(1_000), ['202'], '202 talked least (1 s)');
  assert.equal(await t.call(1_000), ['202'], 'still least (2 s)');
  assert.equal(await t.call(1_000), ['202'], 'still least (3 s)');
  assert.equal(await t.call(1_000), ['202'], '4 s < 5 s');
  assert.equal(await t.call(1_000), ['204'], '204 (5 s) is least now');
});

test('random spreads the calls; weighted_random follows the weights', async () => {
  const r = setup('random');
  const seen = new Map<string, number>();
  for (let i = 0; i < 400; i++) for (const a of await r.call(10)) seen.set(a, (seen.get(a) ?? 0) + 1);
  for (const a of AGENTS) assert.ok((seen.get(a) ?? 0) > 60, `${a} got ${seen.get(a)} of 400`);
  const w = setup('weighted_random', [{ extension: '201', weight: 3 }, { extension: '202', weight: 1 }]);
  const count = new Map<string, number>();
  for (let i = 0; i < 800; i++) for (const a of await w.call(10)) count.set(a, (count.get(a) ?? 0) + 1);
  const ratio = (count.get('201') ?? 0) / (count.get('202') ?? 1);
  assert.ok(ratio > 2.2 && ratio < 4, `3:1 weights gave ${count.get('201')}:${count.get('202')}`);
});

test('skills: the best level in the skill asked for, then the longest idle; relaxed after relax_after_s', async () => {
  const s = setup('skills', [
    { extension: '201', skills: { en: 5 } },
    { extension: '202', skills: { fr: 3 } },
    { extension: '203', skills: { fr: 8 } },
    { extension: '204', skills: { fr: 8, en: 2 } },
  ], { relax_after_s: 20 });
  assert.equal(await s.call(1000, { fr: 1 }), ['203'], 'fr 8, idle longer than 204');
  assert.equal(await s.call(1000, { fr: 1 }), ['204']);
  assert.equal(await s.call(1000, { en: 3 }), ['201']);
  // Nobody has ru: the caller waits, then after 20 s the level drops to 1 (still nobody), after 40 s any agent.
  const got: string[][] = [];
  const c = s.engine.enqueue({ queue: '700', number: '0600000001', priority: 0, skills: { ru: 5 }, offer: async (ag) => (got.push(ag), { answered: ag[0], failed: [] }) });
  await flush();
  s.clock.advance(20_000);
  s.engine.dispatch();
  await flush();
  assert.equal(got, [], 'nobody speaks Russian at any level');
  s.clock.advance(20_000);
  s.engine.dispatch();
  await flush();
  assert.equal(got.length, 1, 'the requirement is gone: someone takes the call');
  assert.is(c.state, 'connected');
});

test('a caller nobody can take never holds up the ones behind (no head-of-line blocking)', async () => {
  const h = engineOn(agentsConfig([{ extension: '700', strategy: 'skills', agents: [{ extension: '201', skills: { fr: 5 } }, { extension: '202', skills: { en: 5 } }], relax_after_s: 600 }]));
  const offered: Array<[string, string]> = [];
  const offer = (who: string) => async (ag: string[]) => (offered.push([who, ag[0]!]), { answered: ag[0], failed: [] });
  h.engine.enqueue({ queue: '700', number: '1', priority: 0, skills: { ru: 1 }, offer: offer('russian') });
  h.engine.enqueue({ queue: '700', number: '2', priority: 0, skills: { fr: 1 }, offer: offer('french') });
  h.engine.enqueue({ queue: '700', number: '3', priority: 0, skills: { en: 1 }, offer: offer('english') });
  controlAgent(h.engine, '201', 'login', { by: 'test' });
  controlAgent(h.engine, '202', 'login', { by: 'test' });
  await flush();
  assert.equal(offered.sort(), [['english', '202'], ['french', '201']]);
});

test('the agent state machine refuses illegal moves', () => {
  const a = { extension: '201', state: 'logged_out' as const, since: 0 } as { extension: string; state: import('../../src/acd/agent-state.js').AgentState; since: number };
  assert.throws(() => transition(a, 'ringing', 1), (e: unknown) => e instanceof IllegalAgentTransition);
  transition(a, 'available', 1);
  transition(a, 'reserved', 2);
  assert.throws(() => transition(a, 'wrap_up', 3), (e: unknown) => e instanceof IllegalAgentTransition);
  transition(a, 'ringing', 3);
  transition(a, 'on_call', 4);
  transition(a, 'wrap_up', 5);
  transition(a, 'available', 6);
});

test.run();
