/**
 * A discrete-event simulation through the real queue engine on the fake clock: Poisson
 * arrivals, exponential handling, agents who answer at once and never wrap up, callers who
 * never give up (the M/M/N assumptions) — the share answered within 20 s matches Erlang C
 * within 2 points at three loads. And the Erlang C function against published values
 * (100 calls/h, 180 s handling, 20 s target: 7 agents ≈ 74 %, 8 agents ≈ 88 %).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentsConfig, engineOn, flush, seeded } from './harness.js';
import { controlAgent } from '../../src/acd/agent-control.js';
import { serviceLevel } from '../../src/acd/erlang-c.js';

/** A tiny binary heap of timed events. */
class Events {
  private h: Array<{ t: number; fn: () => void; seq: number }> = [];
  private seq = 0;
  push(t: number, fn: () => void): void {
    this.h.push({ t, fn, seq: this.seq++ });
    let i = this.h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(p, i)) break;
      [this.h[p], this.h[i]] = [this.h[i]!, this.h[p]!];
      i = p;
    }
  }
  pop(): { t: number; fn: () => void } | undefined {
    const top = this.h[0];
    const last = this.h.pop();
    if (this.h.length && last) {
      this.h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.h.length && this.less(l, m)) m = l;
        if (r < this.h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [this.h[m], this.h[i]] = [this.h[i]!, this.h[m]!];
        i = m;
      }
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    const x = this.h[a]!;
    const y = this.h[b]!;
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
}

async function simulate(agents: number, erlangs: number, calls: number, seed: number): Promise<number> {
  const handleS = 180;
  const names = Array.from({ length: agents }, (_, i) => String(201 + i));
  const h = engineOn(agentsConfig([{ extension: '700', strategy: 'longest_idle', agents: names, wrap_up_s: 0, max_wait_s: 0 }]));
  names.forEach((a) => controlAgent(h.engine, a, 'login', { by: 'test' }));
  const rnd = seeded(seed);
  const exp = (mean: number): number => -Math.log(1 - rnd()) * mean;
  const events = new Events();
  const meanGapMs = (handleS * 1000) / erlangs;
  let t = 0;
  const waits: number[] = [];
  const warmup = Math.floor(calls / 10);
  for (let i = 0; i < calls; i++) {
    t += exp(meanGapMs);
    const n = i;
    events.push(t, () => {
      h.engine.enqueue({ queue: '700', number: String(n), priority: 0, skills: {}, offer: async (ag, c) => {
        if (n >= warmup) waits.push(h.clock.monotonic() - c.enteredAt);
        events.push(h.clock.monotonic() + exp(handleS * 1000), () => h.engine.ended(c));
        return { answered: ag[0], failed: [] };
      } });
    });
  }
  for (let e = events.pop(); e; e = events.pop()) {
    const dt = Math.max(0, e.t - h.clock.monotonic());
    h.clock.advance(dt);
    e.fn();
    await flush();
  }
  return waits.filter((w) => w <= 20_000).length / waits.length;
}

for (const [agents, erlangs] of [[7, 5], [10, 8], [18, 15]] as const) {
  test(`simulation: ${agents} agents, ${erlangs} erlangs — service level within 2 points of Erlang C`, async () => {
    const predicted = serviceLevel(agents, (erlangs * 3600) / 180, 180, 20); // erlangs at 180 s a call, as calls per hour
    const measured = await simulate(agents, erlangs, 100_000, 1234 + agents);
    console.log(`  ${agents} agents, ${erlangs} erlangs: measured ${(measured * 100).toFixed(1)} %, Erlang C ${(predicted * 100).toFixed(1)} %`);
    assert.ok(Math.abs(measured - predicted) <= 0.02, `measured ${(measured * 100).toFixed(1)} %, Erlang C ${(predicted * 100).toFixed(1)} %`);
  });
}

test.run();
