/**
 * A city line of the line-card emulator (a separate process behind a pty, the real driver)
 * rings the office's number, and the number's route follows the office mode: by day the
 * analog extension 102, once an admin forces night over the API the reception's 101. Real
 * time (the emulator runs on it); the mode is forced, not waited for.
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

test.before(async () => {
  const cfg = example();
  cfg.employees.push({ name: 'Workshop', extension: '102', devices: [{ type: 'fxs', port: 2 }] });
  cfg.numbers[0] = { number: '0140000001', line: 'City 1', routes: { day: { type: 'employee', target: '102' }, night: { type: 'receptionist', target: '101' } } };
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

/** Ring City 1 with `cid`; resolves with the extension (port) that rang, after the caller gave up. */
async function ringCity(cid: string): Promise<number> {
  assert.is((await admin.post('/api/sim/fxo/1/ring', { caller_id: cid })).status, 200);
  const rang = await until(async () => [(await fxs(1)).ringing && (await fxs(1)).caller_id === cid, (await fxs(2)).ringing && (await fxs(2)).caller_id === cid], (v) => v.some(Boolean), `an extension to ring with ${cid}`);
  assert.is((await admin.post('/api/sim/fxo/1/hangup')).status, 200);
  await until(() => port(1), (p) => p.state === 'idle', 'the line idle again', 10_000);
  return rang.indexOf(true) + 1;
}

test('by day the city number rings 102; forced to night from the API, the same call rings the receptionist 101', async () => {
  assert.is(await ringCity('0611111111'), 2);
  assert.is((await admin.put('/api/mode', { mode: 'night' })).status, 200);
  assert.is(await ringCity('0622222222'), 1);
  const decided = events.filter((e) => e.type === 'route.step' && (e.data as ExchangeEvents['route.step']).step === 'decided').map((e) => (e.data as ExchangeEvents['route.step']).path);
  assert.equal(decided, [['number:0140000001', 'mode:day'], ['number:0140000001', 'mode:night:forced']]);
  assert.is((await admin.put('/api/mode', { mode: 'schedule' })).status, 200);
});

test.run();
