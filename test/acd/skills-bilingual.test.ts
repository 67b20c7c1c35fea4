/**
 * Skills routing against FIFO on a bilingual office (fake clock, the real engine): French
 * and English callers arrive in turn for two French and two English speakers. With the
 * `skills` strategy every French caller reaches a French speaker and every English caller an
 * English one; with plain FIFO (`longest_idle`) about half reach the wrong language. When
 * no French speaker is free for `relax_after_s`, a French caller goes to whoever is free
 * (the requirement relaxes) instead of waiting for ever.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentsConfig, engineOn, flush, seeded } from './harness.js';
import { controlAgent } from '../../src/acd/agent-control.js';

const AGENTS: Array<{ extension: string; skills: Record<string, number> }> = [
  { extension: '201', skills: { fr: 8 } },
  { extension: '202', skills: { fr: 5, en: 2 } },
  { extension: '203', skills: { en: 9 } },
  { extension: '204', skills: { en: 6 } },
];
const SPEAKS: Record<string, string[]> = { '201': ['fr'], '202': ['fr', 'en'], '203': ['en'], '204': ['en'] };

async function run(strategy: 'skills' | 'longest_idle'): Promise<{ matched: number; total: number; waitsFr: number[] }> {
  const h = engineOn(agentsConfig([{ extension: '700', strategy, agents: AGENTS, wrap_up_s: 0, relax_after_s: 60 }]));
  AGENTS.forEach((a) => controlAgent(h.engine, a.extension, 'login', { by: 'test' }));
  const rnd = seeded(5);
  let matched = 0;
  let total = 0;
  const waitsFr: number[] = [];
  for (let i = 0; i < 400; i++) {
    const lang = i % 2 === 0 ? 'fr' : 'en';
    h.engine.enqueue({ queue: '700', number: String(i), priority: 0, skills: { [lang]: 1 }, offer: async (ag, c) => {
      total++;
      if (SPEAKS[ag[0]!]!.includes(lang)) matched++;
      if (lang === 'fr') waitsFr.push(h.clock.monotonic() - c.enteredAt);
      h.clock.setTimeout(() => h.engine.ended(c), 20_000 + Math.floor(rnd() * 40_000));
      return { answered: ag[0], failed: [] };
    } });
    await flush();
    for (let s = 0; s < 15; s++) {
      h.clock.advance(1000);
      h.engine.dispatch();
      await flush();
    }
  }
  for (let s = 0; s < 600; s++) {
    h.clock.advance(1000);
    h.engine.dispatch();
    await flush();
  }
  return { matched, total, waitsFr };
}

test('skills: French callers reach French speakers, English callers English ones; FIFO mixes them', async () => {
  const skills = await run('skills');
  const fifo = await run('longest_idle');
  assert.is(skills.total, 400);
  assert.is(fifo.total, 400);
  assert.ok(skills.matched >= 396, `skills matched ${skills.matched} of 400 (only relaxed calls may go to the other language)`);
  assert.ok(fifo.matched < 340, `FIFO matched ${fifo.matched} of 400`);
});

test('relaxation: with both French speakers busy, a French caller goes to a free English speaker after relax_after_s, not before', async () => {
  const h = engineOn(agentsConfig([{ extension: '700', strategy: 'skills', agents: AGENTS, wrap_up_s: 0, relax_after_s: 30 }]));
  AGENTS.forEach((a) => controlAgent(h.engine, a.extension, 'login', { by: 'test' }));
  const got: Array<[string, string, number]> = [];
  const offer = (who: string) => async (ag: string[], c: { enteredAt: number }) => (got.push([who, ag[0]!, h.clock.monotonic() - c.enteredAt]), { answered: ag[0], failed: [] });
  h.engine.enqueue({ queue: '700', number: '1', priority: 0, skills: { fr: 1 }, offer: offer('fr1') });
  h.engine.enqueue({ queue: '700', number: '2', priority: 0, skills: { fr: 1 }, offer: offer('fr2') });
  await flush();
  assert.equal(got.map(([w, a]) => [w, a]), [['fr1', '201'], ['fr2', '202']]);
  h.engine.enqueue({ queue: '700', number: '3', priority: 0, skills: { fr: 3 }, offer: offer('fr3') });
  await flush();
  for (let s = 0; s < 29; s++) {
    h.clock.advance(1000);
    h.engine.dispatch();
    await flush();
  }
  assert.is(got.length, 2, 'no French speaker free: fr3 waits');
  // Step 1 (30 s): the level drops to 1 — still nobody; step 2 (60 s): the skill is dropped.
  for (let s = 0; s < 31; s++) {
    h.clock.advance(1000);
    h.engine.dispatch();
    await flush();
  }
  assert.is(got.length, 3);
  assert.is(got[2]![0], 'fr3');
  assert.ok(['203', '204'].includes(got[2]![1]), `relaxed to an English speaker (${got[2]![1]})`);
  assert.ok(got[2]![2] >= 60_000, `after ${got[2]![2]} ms`);
});

test.run();
