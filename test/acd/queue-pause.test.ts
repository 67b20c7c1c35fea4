/**
 * A pause in one queue (acd/agent-control.ts) on the engine and a real SQLite store: the
 * person stays available for their other queues; unpausing one queue of a person paused
 * everywhere leaves the others paused; logging out of a queue ends its pause; the pause
 * survives a restart (a new engine on the same store); skills remembered per caller
 * number come back within the look-back only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { controlAgent, agentView } from '../../src/acd/agent-control.js';
import { AgentRepository } from '../../src/acd/agent-repo.js';
import { SkillsHistoryRepository, callSkills } from '../../src/acd/skills-history.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { agentsConfig, engineOn, flush } from './harness.js';

const config = agentsConfig([{ extension: '700', strategy: 'linear', agents: ['201'] }, { extension: '710', strategy: 'linear', agents: ['201'] }]);
const by = 'test';

test('paused in 700 only: 710\'s caller rings 201, 700\'s waits; unpaused there, 700\'s rings too', async () => {
  const { engine } = engineOn(config);
  controlAgent(engine, '201', 'login', { by });
  controlAgent(engine, '201', 'pause', { queue: '700', reason: 'lunch', by });
  const rung: string[] = [];
  const offer = (q: string) => async () => { rung.push(q); return { failed: [{ agent: '201', why: 'busy' as const }] }; };
  engine.enqueue({ queue: '700', number: '0611', priority: 0, skills: {}, offer: offer('700') });
  await flush();
  assert.equal(rung, [], 'not offered in 700');
  engine.enqueue({ queue: '710', number: '0622', priority: 0, skills: {}, offer: offer('710') });
  await flush();
  assert.equal(rung, ['710']);
  controlAgent(engine, '201', 'unpause', { queue: '700', by });
  await flush();
  assert.ok(rung.includes('700'), 'offered in 700 once unpaused there');
});

test('paused everywhere, unpaused in one queue: still paused in the other; *48 alone ends every pause; log-out ends the queue\'s', () => {
  const { engine } = engineOn(config);
  controlAgent(engine, '201', 'login', { by });
  controlAgent(engine, '201', 'pause', { reason: 'meeting', by });
  let v = agentView(controlAgent(engine, '201', 'unpause', { queue: '710', by }));
  assert.equal([v.state, v.paused_in], ['available', { '700': 'meeting' }]);
  v = agentView(controlAgent(engine, '201', 'unpause', { by }));
  assert.equal([v.state, v.paused_in], ['available', undefined]);
  controlAgent(engine, '201', 'pause', { queue: '710', by });
  v = agentView(controlAgent(engine, '201', 'logout', { queue: '710', by }));
  assert.equal([v.queues, v.paused_in], [['700'], undefined]);
  assert.throws(() => controlAgent(engine, '201', 'pause', { queue: '710', by }), /not logged in to queue 710/);
});

test('a pause in one queue survives a restart (the store)', () => {
  const db = openDatabase(tempDir());
  try {
    const first = engineOn(config, { store: new AgentRepository(db) }).engine;
    controlAgent(first, '201', 'login', { by });
    controlAgent(first, '201', 'pause', { queue: '710', reason: 'training', by });
    const again = engineOn(config, { store: new AgentRepository(db) }).engine;
    assert.equal(agentView(again.agents.get('201')), { extension: '201', state: 'available', queues: ['700', '710'], paused_in: { '710': 'training' } });
  } finally {
    closeDatabase(db);
  }
});

test('skills from the history: what the call says wins and is remembered; recalled within the look-back only; none for a withheld caller', () => {
  const db = openDatabase(tempDir());
  try {
    const h = new SkillsHistoryRepository(db);
    const q = { skills_history_days: 30 };
    const day = 86_400_000;
    assert.equal(callSkills(q, '+33611111111', { ru: 3 }, h, 0), { skills: { ru: 3 }, from: 'call' });
    assert.equal(callSkills(q, '+33611111111', {}, h, 29 * day), { skills: { ru: 3 }, from: 'history' });
    assert.equal(callSkills(q, '+33611111111', { en: 2 }, h, 29 * day), { skills: { en: 2 }, from: 'call' }, 'the call says otherwise now');
    assert.equal(callSkills(q, '+33611111111', {}, h, 60 * day), { skills: {}, from: 'none' }, 'older than 30 days');
    assert.equal(callSkills({ skills_history_days: 0 }, '+33611111111', {}, h, 29 * day + 1), { skills: {}, from: 'none' }, 'off');
    callSkills(q, 'anonymous', { fr: 1 }, h, 0);
    assert.equal(callSkills(q, 'anonymous', {}, h, 1), { skills: {}, from: 'none' });
  } finally {
    closeDatabase(db);
  }
});

test.run();
