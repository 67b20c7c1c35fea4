/**
 * The queue engine's routing decision (issue 14's target: p99 ≤ 1 ms with 500 agents, 50
 * queues and 1,000 waiting callers) and the delay of the statistics update it publishes
 * (`queue.stats` for /api/events: ≤ 100 ms after a change).
 *
 * Every agent talks, 1,000 callers wait (20 per queue, each agent in two queues). One
 * decision: an agent's call ends (no wrap-up), the engine's pass finds the best-placed
 * caller who may have them among every waiting caller and reserves the agent — with the
 * real availability check (core/availability.ts, 1,000 live channels in the registry).
 * The offer's answer comes back, a new caller joins: the queues stay full.
 *
 * Usage: npx tsx bench/acd/run.ts [decisions=20000]
 */
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { validateConfig } from '../../src/config/validate.js';
import { EventBus } from '../../src/core/events.js';
import { ChannelRegistry } from '../../src/core/channels.js';
import { availability } from '../../src/core/availability.js';
import { MemoryLiveState } from '../../src/store/live-state.js';
import { Acd } from '../../src/acd/acd.js';
import { controlAgent } from '../../src/acd/agent-control.js';
import type { Caller } from '../../src/acd/engine.js';
import { FakeChannel } from '../../test/helpers/fake-channel.js';

const DECISIONS = Number(process.argv[2] ?? 20_000);
const AGENTS = 500;
const QUEUES = 50;
const WAITING = 1000;
const agentExt = (i: number): string => String(2000 + i);

const employees = Array.from({ length: AGENTS }, (_, i) => ({ name: `Agent ${i}`, extension: agentExt(i), role: i === 0 ? 'admin' : 'user', ...(i === 0 ? { password: 'bench-admin-password' } : {}), devices: [{ type: 'sip' }] }));
const strategies = ['longest_idle', 'round_robin', 'fewest_calls', 'skills', 'weighted_random'];
const queues = Array.from({ length: QUEUES }, (_, q) => ({
  name: `Queue ${q}`, extension: String(700 + q), strategy: strategies[q % strategies.length], wrap_up_s: 0,
  // Each agent in two queues: 20 agents per queue.
  agents: Array.from({ length: 20 }, (_, k) => ({ extension: agentExt((q * 10 + k) % AGENTS), skills: { fr: 1 + (k % 5), en: 1 + ((k * 3) % 5) } })),
}));
const config = validateConfig({ site: { name: 'Bench', country: 'fr' }, employees, queues });

const clock = new FakeClock();
const events = new EventBus(() => clock.now());
const channels = new ChannelRegistry();
for (let i = 0; i < 1000; i++) {
  const leg = new FakeChannel('outbound', `9${i}`);
  leg.call({ number: '0612345678' });
  leg.deviceAnswers();
  channels.add(leg);
}
const liveState = new MemoryLiveState();
const acd = new Acd({
  clock, log: silentLogger(), events, config: () => config,
  availability: (ext) => availability({ config: () => config, channelsOf: (e) => channels.byOwner(e), liveState, reachable: () => true }, ext),
});
const engine = acd.engine;
const talking: Caller[] = [];
let n = 0;
const join = (): void => {
  const q = queues[n % QUEUES]!;
  engine.enqueue({ queue: q.extension, number: `06${String(n++).padStart(8, '0')}`, priority: n % 7 === 0 ? 60 : 0, skills: n % 2 ? { fr: 1 } : { en: 1 }, offer: (ag, c) => {
    talking.push(c);
    return Promise.resolve({ answered: ag[0], failed: [] });
  } });
};
for (let i = 0; i < AGENTS; i++) controlAgent(engine, agentExt(i), 'login', { by: 'bench' });
// Fill every agent, then 1,000 waiting.
for (let i = 0; i < AGENTS + WAITING; i++) join();
await new Promise((r) => setImmediate(r));
const waitingNow = (): number => queues.reduce((s, q) => s + engine.waiting(q.extension).length, 0);
console.log(`agents talking ${talking.length}, callers waiting ${waitingNow()}`);

const decisions: number[] = [];
const statsDelays: number[] = [];
let changedAt = 0;
events.on('queue.stats', () => {
  if (changedAt) statsDelays.push(performance.now() - changedAt);
  changedAt = 0;
});
for (let i = 0; i < DECISIONS; i++) {
  const c = talking.splice(Math.floor((i * 7919) % talking.length), 1)[0]!;
  clock.advance(1000);
  const t0 = performance.now();
  engine.ended(c); // the agent is free: the pass hands them to a waiting caller
  decisions.push(performance.now() - t0);
  changedAt = t0;
  join();
  await new Promise((r) => setImmediate(r)); // the offer's answer, the statistics
}
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
console.log(`callers waiting at the end ${waitingNow()}`);
console.log(`routing decision (${decisions.length}): p50 ${fmt(pct(decisions, 0.5))}  p99 ${fmt(pct(decisions, 0.99))}  max ${fmt(Math.max(...decisions))}`);
console.log(`queue.stats after a change (${statsDelays.length}): p50 ${fmt(pct(statsDelays, 0.5))}  p99 ${fmt(pct(statsDelays, 0.99))}  max ${fmt(Math.max(...statsDelays))}`);
acd.close();
