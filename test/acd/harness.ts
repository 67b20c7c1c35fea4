/**
 * The queue engine on the fake clock, for its unit tests and the simulation: a
 * configuration with one or more queues of agents (employees), every agent free for the
 * exchange unless a test says otherwise, and a seeded random source.
 */
import { FakeClock } from '../../common/clock.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Config } from '../../src/config/schema.js';
import { QueueEngine, type EngineDeps, type Outcome } from '../../src/acd/engine.js';
import type { Availability } from '../../src/core/availability.js';
import type { QueueAgent } from '../../src/acd/queue-schema.js';

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function agentsConfig(queues: Array<{ extension: string; strategy?: string; agents: Array<string | Partial<QueueAgent> & { extension: string }>; [k: string]: unknown }>): Config {
  const exts = new Set<string>();
  for (const q of queues) for (const a of q.agents) exts.add(typeof a === 'string' ? a : a.extension);
  return validateConfig({
    site: { name: 'Test', country: 'fr' },
    employees: [{ name: 'Admin', extension: '100', role: 'admin', password: 'correct-horse-1' }, ...[...exts].map((e) => ({ name: `Agent ${e}`, extension: e }))],
    queues: queues.map((q) => ({ name: `Queue ${q.extension}`, ...q, agents: q.agents.map((a) => (typeof a === 'string' ? { extension: a } : a)) })),
  });
}

export function engineOn(config: Config, extra: Partial<EngineDeps> = {}) {
  const clock = new FakeClock();
  const busy = new Map<string, Availability>();
  const outcomes: Outcome[] = [];
  const engine = new QueueEngine({
    clock, config: () => config, availability: (e) => busy.get(e) ?? 'free', random: seeded(42), outcome: (o) => outcomes.push(o), ...extra,
  });
  return { clock, engine, busy, outcomes };
}

/** Let promise callbacks run (the engine settles offers in them). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Jain's fairness index of `xs` (1: perfectly even). */
export function jain(xs: number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  const sq = xs.reduce((a, b) => a + b * b, 0);
  return (sum * sum) / (xs.length * sq);
}
