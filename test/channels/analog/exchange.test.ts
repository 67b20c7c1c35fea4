/**
 * Analog telephony through the whole exchange: startExchange on the sim board (the real
 * line-card driver talking to the emulator process over a real pty), the example
 * configuration plus a second analog extension, everything driven through the HTTP
 * simulator API as the web UI's simulator panel does. Real time: each wait is "until the
 * emulated phone or line reports it, or fail".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent } from '../../../src/core/events.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { waitUntil as until } from '../../helpers/net.js';
import { example } from '../../config/example.js';

let ex: Exchange;
let admin: ApiClient;
let user: ApiClient;
const events: ExchangeEvent[] = [];

type FxsView = { hook: string; ringing: boolean; caller_id: string | null; caller_name: string | null; hears: string };
type FxoView = { seized: boolean; ringing: boolean; dialled: string; hears: string; reversed: boolean };
type PortView = { kind: string; port: number; state: string; assigned: string | null; peer: { number: string } | null };

const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;
const fxo = async (n: number): Promise<FxoView> => (await admin.get(`/api/sim/fxo/${n}`)).body as FxoView;
async function port(kind: 'fxs' | 'fxo', n: number): Promise<PortView> {
  const r = await admin.get('/api/lines');
  return (r.body.ports as PortView[]).find((p) => p.kind === kind && p.port === n)!;
}
async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

test.before(async () => {
  const cfg = example();
  cfg.employees[1].password = 'semyon-secret-1';
  cfg.employees.push({ name: 'Workshop', extension: '102', devices: [{ type: 'fxs', port: 2 }] });
  // The city number rings an analog phone we can watch (the SIP department case belongs to the SIP tests).
  cfg.numbers[0].route = { type: 'employee', target: '102' };
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  const base = `http://127.0.0.1:${ex.http.port}`;
  admin = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  user = new ApiClient(base);
  assert.is(await user.login('202', 'semyon-secret-1'), 200);
});
test.after(() => ex?.close());

test('GET /api/lines lists every port of the 2×6 card, assigned from the configuration, idle', async () => {
  const r = await user.get('/api/lines');
  assert.is(r.status, 200);
  assert.equal(r.body.cards.map((c: { id: string; status: string }) => [c.id, c.status]), [['lc1', 'online']]);
  const ports = r.body.ports as PortView[];
  assert.is(ports.filter((p) => p.kind === 'fxs').length, 6);
  assert.is(ports.filter((p) => p.kind === 'fxo').length, 2);
  assert.ok(ports.every((p) => p.state === 'idle'), JSON.stringify(ports));
  assert.is((await port('fxs', 1)).assigned, '101');
  assert.is((await port('fxs', 2)).assigned, '102');
  assert.is((await port('fxo', 1)).assigned, 'City 1');
  assert.is((await port('fxo', 2)).assigned, null);
});

test('analog 101 lifts and hears dial tone', async () => {
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(() => fxs(1), (v) => v.hears === 'dial_tone', '101 hears dial tone');
  assert.is((await port('fxs', 1)).state, 'dialing');
});

test('101 dials 102: 102 rings with caller ID 101 and name, 101 hears ringback', async () => {
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '102' }));
  const rung = await until(() => fxs(2), (v) => v.ringing && v.caller_id === '101', '102 rings with caller ID 101');
  assert.is(rung.caller_name, 'Reception');
  await until(() => fxs(1), (v) => v.hears === 'ringback', '101 hears ringback');
  assert.is((await port('fxs', 2)).state, 'ringing');
});

test('102 answers: each hears the other', async () => {
  await ok(admin.post('/api/sim/fxs/2/hook', { state: 'off' }));
  await until(() => port('fxs', 1), (p) => p.state === 'talking', '101 talking');
  assert.equal((await port('fxs', 1)).peer, { number: '102' });
  assert.is((await fxs(2)).ringing, false);
  await ok(admin.post('/api/sim/fxs/1/play', { tone_hz: 1000 }));
  await until(() => fxs(2), (v) => v.hears === 'tone:1000', '102 hears 101 play 1000 Hz');
  await ok(admin.post('/api/sim/fxs/2/play', { tone_hz: 1400 }));
  await until(() => fxs(1), (v) => v.hears === 'tone:1400', '101 hears 102 play 1400 Hz');
  assert.ok(events.some((e) => e.type === 'call.answered' && (e.data as { by: string }).by === '102'));
});

test('hook flash puts the call on hold (the other side hears music on hold, not 101 and not silence) and a second flash takes it back', async () => {
  await ok(admin.post('/api/sim/fxs/1/flash'));
  await until(() => port('fxs', 1), (p) => (p as { held?: boolean }).held === true, '101 holds');
  await until(() => fxs(2), (v) => v.hears.startsWith('tone:') && v.hears !== 'tone:1000', '102 hears music while held (not 101\'s 1000 Hz)', 8000);
  await ok(admin.post('/api/sim/fxs/1/flash'));
  await until(() => fxs(2), (v) => v.hears === 'tone:1000', '102 hears 101 again');
});

test('each side hangs up in turn and both return to idle', async () => {
  await ok(admin.post('/api/sim/fxs/1/play', { stop: true }));
  await ok(admin.post('/api/sim/fxs/2/play', { stop: true }));
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(() => port('fxs', 1), (p) => p.state === 'idle', '101 idle');
  await until(() => fxs(2), (v) => v.hears === 'busy', '102 hears busy after 101 hung up');
  await ok(admin.post('/api/sim/fxs/2/hook', { state: 'on' }));
  await until(() => port('fxs', 2), (p) => p.state === 'idle', '102 idle');
  assert.ok(events.some((e) => e.type === 'call.ended' && (e.data as { to: string }).to === '102'));
});

test('city line 1 rings with caller ID 0612345678: 102 is offered the call with that caller ID; the caller hangs up with a polarity reversal', async () => {
  await ok(admin.post('/api/sim/fxo/1/ring', { caller_id: '0612345678' }));
  await until(() => fxs(2), (v) => v.ringing && v.caller_id === '0612345678', '102 rings with the city caller ID');
  assert.is((await port('fxo', 1)).state, 'offered');
  assert.is((await fxo(1)).seized, false, 'not seized before an answer');
  await ok(admin.post('/api/sim/fxs/2/hook', { state: 'off' }));
  await until(() => fxo(1), (v) => v.seized, 'the exchange seizes the line when 102 answers');
  assert.equal((await port('fxo', 1)).peer, { number: '0612345678' });
  await ok(admin.post('/api/sim/fxo/1/hangup', { signal: 'reversal' }));
  await until(() => fxo(1), (v) => !v.seized, 'the exchange releases the line');
  await until(() => fxs(2), (v) => v.hears === 'busy', '102 hears busy');
  await ok(admin.post('/api/sim/fxs/2/hook', { state: 'on' }));
  await until(() => port('fxs', 2), (p) => p.state === 'idle', '102 idle');
  assert.is((await port('fxo', 1)).state, 'idle');
});

test('a city call the caller abandons before an answer stops ringing the phone', async () => {
  await ok(admin.post('/api/sim/fxo/1/ring', { caller_id: '0611111111' }));
  await until(() => fxs(2), (v) => v.ringing && v.caller_id === '0611111111', '102 rings');
  await ok(admin.post('/api/sim/fxo/1/hangup'));
  await until(() => fxs(2), (v) => !v.ringing, '102 stops ringing', 10_000);
  await until(() => port('fxo', 1), (p) => p.state === 'idle', 'line idle', 10_000);
  assert.is((await fxo(1)).seized, false);
});

test('101 dials 0 + a national number: the city line receives the digits; the far end hangs up with only a busy tone', async () => {
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(() => fxs(1), (v) => v.hears === 'dial_tone', 'dial tone');
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '00612345678' }));
  await until(() => fxo(1), (v) => v.seized && v.dialled === '0612345678', 'the line receives 0612345678');
  await until(() => port('fxo', 1), (p) => p.state === 'talking', 'line talking');
  assert.equal((await port('fxs', 1)).peer, { number: '00612345678' });
  await ok(admin.post('/api/sim/fxo/1/answer', { reversal: false }));
  await ok(admin.post('/api/sim/fxo/1/hangup', { signal: 'busy' }));
  await until(() => fxo(1), (v) => !v.seized, 'the busy tone makes the exchange release the line', 10_000);
  await until(() => fxs(1), (v) => v.hears === 'busy', '101 hears busy');
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(() => port('fxs', 1), (p) => p.state === 'idle', '101 idle');
});

test('an outside call answered with a polarity reversal ends on the next reversal', async () => {
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(() => fxs(1), (v) => v.hears === 'dial_tone', 'dial tone');
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '00140000009' }));
  await until(() => port('fxo', 1), (p) => p.state === 'talking', 'line talking');
  await ok(admin.post('/api/sim/fxo/1/answer'));
  await until(() => fxo(1), (v) => v.reversed, 'answer reversal');
  await new Promise((r) => setTimeout(r, 300));
  assert.is((await port('fxo', 1)).state, 'talking', 'the answer reversal does not end the call');
  await ok(admin.post('/api/sim/fxo/1/hangup', { signal: 'reversal' }));
  await until(() => fxo(1), (v) => !v.seized, 'released on the second reversal');
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(() => port('fxs', 1), (p) => p.state === 'idle', '101 idle');
});

test('an invalid number gets the reorder tone', async () => {
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(() => fxs(1), (v) => v.hears === 'dial_tone', 'dial tone');
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '9' }));
  await until(() => fxs(1), (v) => v.hears === 'congestion', '101 hears congestion');
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(() => port('fxs', 1), (p) => p.state === 'idle', '101 idle');
});

test('unplugging the idle card shows it offline, and it recovers by itself when plugged back', async () => {
  await ok(admin.post('/api/sim/cards/lc1/unplug'));
  await until(() => port('fxs', 1), (p) => p.state === 'offline', 'ports offline', 4000);
  assert.is((await admin.get('/api/lines')).body.cards[0].status, 'offline');
  await ok(admin.post('/api/sim/cards/lc1/replug'));
  // How soon is the driver's business, tested on its fake clock (test/drivers/linecard-reconnect.test.ts).
  await until(() => port('fxs', 1), (p) => p.state === 'idle', 'ports idle again', 10_000);
  assert.ok(events.some((e) => e.type === 'card.status' && (e.data as { status: string }).status === 'offline'));
  assert.ok(events.some((e) => e.type === 'line.state' && (e.data as { state: string }).state === 'offline'));
  // And it works: a lift gets dial tone again.
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(() => fxs(1), (v) => v.hears === 'dial_tone', 'dial tone after replug');
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
});

test('the simulator API is for admins and validates its input', async () => {
  assert.is((await user.post('/api/sim/fxs/1/hook', { state: 'off' })).status, 403);
  assert.is((await user.get('/api/sim/fxs/1')).status, 403);
  assert.is((await new ApiClient(admin.base).get('/api/lines')).status, 401);
  const bad = await admin.post('/api/sim/fxs/1/hook', { state: 'sideways' });
  assert.is(bad.status, 400);
  assert.match(bad.body.error, /state/, JSON.stringify(bad.body));
  assert.is((await admin.post('/api/sim/fxs/1/dial', { digits: 'call mum' })).status, 400);
  assert.is((await admin.post('/api/sim/fxs/1/dial', {})).status, 400);
  assert.is((await admin.post('/api/sim/fxs/1/play', {})).status, 400);
  assert.is((await admin.post('/api/sim/fxo/1/ring', { caller_id: 'x' })).status, 400);
  assert.is((await admin.post('/api/sim/fxs/0/hook', { state: 'off' })).status, 400);
  assert.is((await admin.post('/api/sim/fxs/7/hook', { state: 'off' })).status, 404);
  const conflict = await admin.post('/api/sim/fxs/3/dial', { digits: '1' });
  assert.is(conflict.status, 409, 'dialling on an on-hook phone');
  assert.match(conflict.body.error, /on-hook/);
});

test.run();
