/**
 * The queues API and what survives a restart, through a running exchange (real HTTP, a
 * real SQLite file):
 *
 * - roles: an admin sees every queue, a supervisor theirs, another user none (403 on one);
 *   an agent logs themself in, out, pauses; a supervisor logs agents in and out but may not
 *   pause them; a stranger may do nothing;
 * - staffing: Erlang C for 100 calls/h, 180 s, 80 % in 20 s → 8 agents (≈ 88 %), the table
 *   for 6 … 10; without parameters, the queue's measured figures;
 * - the figures (service level, ASA, abandon rate) and the reports (day, 15 min, CSV) from
 *   stored outcomes, still there after a restart, with the agents' log-ins and pauses;
 * - `*46` + a department logs a member out of its hunt group: a call to the department
 *   skips them (`route.step` skipped, logged-out) and `*45` + the department brings them back.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { creds, harnessPhone, offerFor, register, unregister } from '../channels/sip/call-harness.js';
import WebSocket from 'ws';

/** The events a client's /api/events stream carries (the hello left out). */
async function stream(client: ApiClient): Promise<{ events: Array<{ type: string; data: any }>; close(): void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (client as any).cookie } });
  const got: Array<{ type: string; data: any }> = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (m) => {
      const e = JSON.parse(String(m));
      if (e.type === 'hello') resolve();
      else got.push(e);
    });
    ws.on('error', reject);
  });
  return { events: got, close: () => ws.close() };
}

const config = {
  site: { name: 'Queue API', country: 'fr' },
  employees: ['201', '202', '203', '204', '205'].map((e) => ({ name: `E ${e}`, extension: e, role: e === '201' ? 'admin' : 'user', password: `change-me-${e}`, devices: [{ type: 'sip', secret: `s3cret-${e}` }] })),
  departments: [{ name: 'Sales', extension: '600', members: ['202', '203'], ring_timeout_s: 5 }],
  queues: [{ name: 'Support', extension: '700', agents: [{ extension: '202' }, { extension: '203' }], supervisors: ['204'], service_level_s: 20, join_empty: true, wrap_up_s: 0 }],
};

let dir: string;
let ex: Exchange;
const start = async (): Promise<Exchange> =>
  startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger(), seedDemo: false });
const as = async (ext: string): Promise<ApiClient> => {
  const c = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await c.login(ext, `change-me-${ext}`), 200);
  return c;
};

test.before(async () => {
  dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(config));
  ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
});
test.after(() => ex.close());

test('roles: admin sees all, a supervisor theirs, others none; who may log agents in, out and pause', async () => {
  const admin = await as('201');
  const agent = await as('202');
  const sup = await as('204');
  const other = await as('205');
  assert.equal(((await admin.get('/api/queues')).body as { queues: Array<{ extension: string }> }).queues.map((q) => q.extension), ['700']);
  assert.equal(((await sup.get('/api/queues')).body as { queues: unknown[] }).queues.length, 1);
  assert.equal(((await other.get('/api/queues')).body as { queues: unknown[] }).queues, []);
  assert.is((await other.get('/api/queues/700')).status, 403);
  assert.is((await admin.get('/api/queues/799')).status, 404);
  const q = (await sup.get('/api/queues/700')).body as Record<string, unknown>;
  for (const k of ['waiting', 'longest_wait_s', 'agents', 'service_level', 'sl2', 'asa_s', 'abandon_rate', 'occupancy']) assert.ok(k in q, `GET /api/queues/700 has ${k}`);

  let r = await agent.post('/api/queues/agents/202/login');
  assert.is(r.status, 200);
  assert.is(r.body.state, 'available');
  assert.is((await other.post('/api/queues/agents/202/logout')).status, 403);
  assert.is((await sup.post('/api/queues/agents/203/login')).status, 200);
  assert.is((await sup.post('/api/queues/agents/203/pause', { reason: 'lunch' })).status, 403, 'a supervisor logs in and out, nothing more');
  r = await agent.post('/api/queues/agents/202/pause', { reason: 'lunch' });
  assert.is(r.body.state, 'paused');
  assert.is(r.body.reason, 'lunch');
  assert.is((await agent.post('/api/queues/agents/202/pause', { reason: 'x\r\ny' })).status, 400);
  assert.is((await admin.post('/api/queues/agents/205/login')).status, 404, 'not an agent of any queue');
  const view = (await admin.get('/api/queues/700')).body as { agents_by_state: Record<string, number>; me: unknown };
  assert.is(view.agents_by_state.paused, 1);
  assert.is(view.agents_by_state.available, 1);
});

test('/api/events: a queue\'s figures and agents reach its supervisors and the agent, not other users', async () => {
  const sup = await as('204');
  const agent = await as('203');
  const other = await as('205');
  const [s1, s2, s3] = await Promise.all([stream(sup), stream(agent), stream(other)]);
  try {
    assert.is((await agent.post('/api/queues/agents/203/logout')).status, 200);
    await waitFor(() => s1.events.some((e) => e.type === 'queue.stats') && s2.events.some((e) => e.type === 'queue.agent'), 3000, 'the supervisor and the agent are told');
    const stats = s1.events.find((e) => e.type === 'queue.stats')!.data;
    assert.is(stats.extension, '700');
    assert.ok('service_level' in stats && 'waiting' in stats);
    assert.is(s2.events.find((e) => e.type === 'queue.agent')!.data.state, 'logged_out');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!s3.events.some((e) => e.type.startsWith('queue.')), 'another user sees no queue event');
    assert.ok(!s2.events.some((e) => e.type === 'queue.stats'), 'an agent who does not supervise sees no figures');
  } finally {
    for (const s of [s1, s2, s3]) s.close();
    await agent.post('/api/queues/agents/203/login');
  }
});

test('staffing: Erlang C says 8 agents for 100 calls/h of 180 s at 80 % in 20 s, with the table N-2 … N+2', async () => {
  const sup = await as('204');
  const r = await sup.get('/api/queues/700/staffing?calls_per_hour=100&handle_s=180&target_s=20&target_level=0.8');
  assert.is(r.status, 200);
  assert.is(r.body.agents, 8);
  assert.ok(Math.abs(r.body.service_level - 0.88) < 0.01, String(r.body.service_level));
  assert.is(r.body.occupancy, 0.625);
  assert.equal(r.body.table.map((x: { agents: number }) => x.agents), [6, 7, 8, 9, 10]);
  assert.ok(Math.abs(r.body.table[1].service_level - 0.74) < 0.01);
  assert.is((await sup.get('/api/queues/700/staffing')).status, 400, 'no measured calls yet');
  assert.is((await sup.get('/api/queues/700/staffing?calls_per_hour=abc')).status, 400);
});

test('figures and reports from stored outcomes; they, the log-ins and the pause survive a restart', async () => {
  // Calls through the running exchange's engine (its offers answered by the test): answered after 5, 10, 30 s; abandoned after 10 and 40 s.
  const engine = ex.acd.engine;
  const admin = await as('201');
  const phones = await Promise.all(['202', '203'].map(async (e) => {
    const ph = await harnessPhone(ex, e);
    await register(ph, e); // reachable: the engine offers only to agents whose phones can ring
    return [e, ph] as const;
  }));
  await admin.post('/api/queues/agents/203/pause', { reason: 'test' });
  for (const w of [5_000, 10_000, 30_000]) {
    await admin.post('/api/queues/agents/202/pause', { reason: 'test' });
    const c = engine.enqueue({ queue: '700', number: '0600000001', priority: 0, skills: {}, offer: async (ag) => ({ answered: ag[0], failed: [] }) });
    c.enteredAt -= w; // as if it came in `w` ms ago
    await admin.post('/api/queues/agents/202/unpause');
    await waitFor(() => c.state === 'connected', 3000, 'the caller answered');
    engine.ended(c);
  }
  await admin.post('/api/queues/agents/202/pause', { reason: 'test' });
  for (const w of [10_000, 40_000]) {
    const c = engine.enqueue({ queue: '700', number: '0600000002', priority: 0, skills: {}, offer: async () => ({ failed: [] }) });
    c.enteredAt -= w;
    engine.leave(c, 'abandoned');
  }
  for (const [e, ph] of phones) {
    await unregister(ph, e);
    await Promise.all([ph.sip.stop(), ph.rtp.close()]);
  }
  const view = (await admin.get('/api/queues/700')).body as { answered: number; abandoned: number; service_level: number; sl2: number; abandon_rate: number; asa_s: number };
  assert.is(view.answered, 3);
  assert.is(view.abandoned, 2);
  assert.is(view.abandon_rate, 0.4);
  assert.is(view.sl2, 0.6, '(2 answered within 20 s + 1 abandoned within 20 s) / 5');
  assert.is(view.service_level, 0.5, '2 answered within 20 s / (3 answered + 1 abandoned after 20 s)');
  const day = (await admin.get('/api/queues/700/report?interval=day')).body as { rows: Array<{ answered: number; abandoned: number }> };
  assert.is(day.rows.length, 1);
  assert.is(day.rows[0]!.answered, 3);
  const csv = await admin.request('GET', '/api/queues/700/report?interval=15min&format=csv');
  assert.match(String(csv.headers.get('content-type')), /text\/csv/);
  assert.match(String(csv.body), /^from,to,offered,answered,abandoned/);
  assert.is((await admin.get('/api/queues/700/report?interval=week')).status, 400);

  await ex.close();
  ex = await start();
  const again = await as('201');
  const after = (await again.get('/api/queues/700')).body as { answered: number; abandoned: number; service_level: number; agents: Array<{ extension: string; state: string; reason?: string }> };
  assert.is(after.answered, 3, 'the live figures are computed from the stored outcomes');
  assert.is(after.service_level, 0.5);
  assert.equal(after.agents.map((a) => [a.extension, a.state, a.reason]), [['202', 'paused', 'test'], ['203', 'paused', 'test']]);
  const rows = ((await again.get('/api/queues/700/report?interval=month')).body as { rows: Array<{ abandoned: number }> }).rows;
  assert.is(rows[0]!.abandoned, 2);

  // 203 leaves the company: their log-in and pause are forgotten, not passed to a newcomer with the extension.
  const without = structuredClone(config);
  without.employees = without.employees.filter((e) => e.extension !== '203');
  without.departments[0]!.members = ['202'];
  without.queues[0]!.agents = [{ extension: '202' }];
  assert.is((await again.request('PUT', '/api/config', without)).status, 200);
  assert.is((await again.request('PUT', '/api/config', config)).status, 200);
  const newcomer = ((await again.get('/api/queues/700')).body as { agents: Array<{ extension: string; state: string }> }).agents.find((a) => a.extension === '203');
  assert.is(newcomer!.state, 'logged_out');
});

test('*46 + a department: its hunt group skips the member; *45 + the department brings them back', async () => {
  const events: ExchangeEvent[] = [];
  const off = ex.events.subscribe((e) => events.push(e));
  const p = Object.fromEntries(await Promise.all(['202', '203', '205'].map(async (e) => [e, await harnessPhone(ex, e)] as const)));
  try {
    for (const e of ['202', '203', '205']) await register(p[e]!, e);
    const code = await p['202']!.sip.sendAuthenticated({ method: 'INVITE', target: '*46600', from: '202', body: offerFor(p['202']!.rtp.localPort) }, creds('202'));
    assert.is(code.final.status, 200, '*46600 is confirmed');
    const skipped = (): string[] => events.filter((e) => e.type === 'route.step' && (e.data as { step: string }).step === 'skipped').map((e) => `${(e.data as { extension: string }).extension}:${(e.data as { reason: string }).reason}`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the code call to end');
    const call = await p['205']!.sip.sendAuthenticated({ method: 'INVITE', target: '600', from: '205', body: offerFor(p['205']!.rtp.localPort) }, creds('205'));
    assert.is(call.final.status, 200, '203 answers the department');
    assert.ok(skipped().includes('202:logged-out'), `skipped: ${skipped().join(', ')}`);
    assert.ok(!p['202']!.received.some((q) => q.method === 'INVITE' && q.from.uri.user === '205'), '202 was not rung');
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to end');
    const back = await p['202']!.sip.sendAuthenticated({ method: 'INVITE', target: '*45600', from: '202', body: offerFor(p['202']!.rtp.localPort) }, creds('202'));
    assert.is(back.final.status, 200);
    assert.is(ex.acd.departmentLoggedOut('600', '202'), false);
    const wrong = await p['205']!.sip.sendAuthenticated({ method: 'INVITE', target: '*46600', from: '205', body: offerFor(p['205']!.rtp.localPort) }, creds('205'));
    assert.is(wrong.final.status, 404, 'not a member of 600: refused');
  } finally {
    off();
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    for (const [e, ph] of Object.entries(p)) {
      await unregister(ph, e);
      await Promise.all([ph.sip.stop(), ph.rtp.close()]);
    }
  }
});

test.run();
