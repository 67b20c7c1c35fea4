/**
 * A voice menu on a city line of the line-card emulator (a separate process behind a pty,
 * the real driver): the line rings, the menu answers, and the caller's keys arrive as
 * DTMF tones on the line (the emulator's far end plays them; the exchange's FXO line
 * hears them with its in-band receiver). Key 2 reaches the workshop 102; 1 0 1 keyed
 * during the greeting reaches the reception 101 directly; 9, the PIN and an outside number
 * (DISA) go out on City 2, which dials it. Real time: the emulator runs on
 * it, and the keys interrupt the greeting, so nothing waits for a timeout.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent, ExchangeEvents } from '../../../src/core/events.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { waitUntil as until } from '../../helpers/net.js';
import { example } from '../../config/example.js';

let ex: Exchange;
let admin: ApiClient;
const events: ExchangeEvent[] = [];
type FxsView = { ringing: boolean; caller_id: string | null };
type PortView = { kind: string; port: number; state: string };
const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;
const port = async (n: number): Promise<PortView> => ((await admin.get('/api/lines')).body.ports as PortView[]).find((p) => p.kind === 'fxo' && p.port === n)!;
const menuSteps = (): string[] =>
  events.filter((e) => e.type === 'route.step').map((e) => e.data as ExchangeEvents['route.step'])
    .filter((d) => ['menu', 'key', 'dialled', 'disa'].includes(d.step)).map((d) => `${d.step} ${d.key ?? d.extension}`);

type FxoView = { seized: boolean; ringing: boolean; dialled: string };
const fxo = async (n: number): Promise<FxoView> => (await admin.get(`/api/sim/fxo/${n}`)).body as FxoView;
/** Ring City 1 once the emulator has let go of the previous call too (its view lags the exchange's). */
async function ring(cid: string): Promise<void> {
  await until(() => fxo(1), (f) => !f.seized && !f.ringing, 'City 1 free at the far end', 10_000);
  assert.is((await admin.post('/api/sim/fxo/1/ring', { caller_id: cid })).status, 200);
}

test.before(async () => {
  const cfg = example();
  cfg.employees.push({ name: 'Workshop', extension: '102', devices: [{ type: 'fxs', port: 2 }] });
  cfg.lines.push({ name: 'City 2', type: 'fxo', port: 2 });
  cfg.menus = [{
    extension: '700', greeting: 'menu-main', choices: { '2': { type: 'employee', target: '102' }, '9': { type: 'disa' } },
    disa: { pins: [{ pin: '246813', rights_of: '201' }] },
  }];
  cfg.numbers[0] = { number: '0140000001', line: 'City 1', route: { type: 'menu', target: '700' } };
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());

/** Ring City 1, wait for the menu, key `digits` as tones from the far end; resolves with the extension port that rang. */
async function callMenu(cid: string, digits: string): Promise<number> {
  const before = menuSteps().length;
  await ring(cid);
  await until(async () => menuSteps().slice(before), (s) => s.includes('menu 700'), 'the menu to answer', 10_000);
  await until(() => port(1), (p) => p.state === 'talking', 'the line answered', 5_000);
  assert.is((await admin.post('/api/sim/fxo/1/play', { digits })).status, 200);
  const rang = await until(async () => [(await fxs(1)).ringing, (await fxs(2)).ringing], (v) => v.some(Boolean), `an extension to ring after ${digits}`, 10_000);
  assert.is((await admin.post('/api/sim/fxo/1/hangup')).status, 200);
  await until(() => port(1), (p) => p.state === 'idle', 'the line idle again', 10_000);
  return rang.indexOf(true) + 1;
}

test('key 2 as a tone on the city line rings the workshop 102', async () => {
  assert.is(await callMenu('0611111111', '2'), 2);
  assert.ok(menuSteps().includes('key 2'), menuSteps().join('; '));
});

test('1 0 1 keyed during the greeting as tones rings the reception 101', async () => {
  assert.is(await callMenu('0622222222', '101'), 1);
  assert.ok(menuSteps().includes('dialled 101'), menuSteps().join('; '));
});

test('9, the PIN and # then 0 0612345678 # as tones: City 2 dials the number with 201\'s rights', async () => {
  const before = menuSteps().length;
  await ring('0633333333');
  await until(async () => menuSteps().slice(before), (s) => s.includes('menu 700'), 'the menu to answer', 10_000);
  await until(() => port(1), (p) => p.state === 'talking', 'the line answered', 5_000);
  assert.is((await admin.post('/api/sim/fxo/1/play', { digits: '9' })).status, 200);
  await until(async () => menuSteps().slice(before), (s) => s.includes('key 9'), 'outside-line access chosen', 5_000);
  assert.is((await admin.post('/api/sim/fxo/1/play', { digits: '246813#' })).status, 200);
  await until(async () => menuSteps().slice(before), (s) => s.includes('disa 201'), 'the PIN accepted', 8_000);
  assert.is((await admin.post('/api/sim/fxo/1/play', { digits: '00612345678#' })).status, 200);
  const out = await until(() => fxo(2), (f) => f.seized && f.dialled === '0612345678', 'City 2 to dial the number', 15_000);
  assert.is(out.dialled, '0612345678');
  assert.not.ok(JSON.stringify(events).includes('246813'), 'the PIN is in no event');
  assert.is((await admin.post('/api/sim/fxo/1/hangup')).status, 200);
  await until(() => port(2), (p) => p.state === 'idle', 'City 2 released with the call', 10_000);
});

test.run();
