/**
 * A DECT handset opens the door (issues 16 and 17) through the whole exchange on the sim
 * board: the visitor presses the front door's button (emulated GPIO), the door rings 301 — the
 * board's emulated handset behind its base's pty —, 301 answers with "talk" and keys 1590 #
 * on the handset (DECT signalling, not tones in the audio): the lock relay (emulated GPIO,
 * behind the relay guard) is energised for open_s and the attempt is recorded as 301's. A
 * wrong code opens nothing. Real time throughout, driven by the simulator API.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { waitFor } from '../helpers/net.js';
import { example } from '../config/example.js';

const DOOR = 'Front door';
const OPEN_S = 2;
const H301 = '0077A1000301';
let ex: Exchange;
let admin: ApiClient;

type Attempt = { by: string; how: string; result: string };
type Handset = { ringing: boolean; hook: string; bearers: unknown[] };
const relay = async (): Promise<string> => ((await admin.get(`/api/sim/doors/${encodeURIComponent(DOOR)}`)).body as { relay: string }).relay;
const openings = async (): Promise<Attempt[]> =>
  ((await admin.get('/api/doors')).body.doors as Array<{ name: string; openings: Attempt[] }>).find((d) => d.name === DOOR)!.openings;
const handset = async (): Promise<Handset> => (await admin.get(`/api/sim/dect/handsets/${H301}`)).body as Handset;
async function act(action: string, body: unknown): Promise<void> {
  const r = await admin.post(`/api/sim/dect/handsets/${H301}/${action}`, body);
  assert.is(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
}

/** The visitor presses the button; 301 rings, answers, and the door call is connected. */
async function answerDoorCall(): Promise<void> {
  const r = await admin.post(`/api/sim/doors/${encodeURIComponent(DOOR)}/press`, {});
  assert.is(r.status, 200, JSON.stringify(r.body));
  await waitFor(async () => (await handset()).ringing, 15_000, 'handset 301 rings');
  await act('hook', { state: 'off' });
  await waitFor(() => ex.switch.activeCalls().some((c) => c.state === 'connected'), 8000, 'the door call connected');
}

test.before(async () => {
  const dir = tempDir();
  const config = example();
  config.employees.push({ name: 'Warehouse One', extension: '301', devices: [{ type: 'dect', ipei: '0077A 1000301' }] });
  config.doors = [{
    name: DOOR, button: { input: 'front-door-button' }, audio: { fxs: 6 }, relay: 'front-door-lock', open_s: OPEN_S,
    ring: ['301'], code: '1590', allowed: ['301'],
  }];
  writeFileSync(`${dir}/office.json`, JSON.stringify(config));
  ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.json`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  await waitFor(async () => ((await admin.get('/api/dect')).body.handsets as Array<{ ipei: string; located: number | null }>).some((h) => h.ipei === H301 && h.located), 20_000, 'handset 301 located');
});
test.after(() => ex?.close());
test.after.each(async () => {
  await admin.post(`/api/sim/dect/handsets/${H301}/hook`, { state: 'on' });
  await waitFor(async () => (await handset()).bearers.length === 0, 10_000, '301 has no bearer');
  await waitFor(() => ex.switch.activeCalls().length === 0, 15_000, 'no call left in the exchange');
});

test('301 answers the door call on its DECT handset and keys 1590 #: the lock opens for open_s, recorded as 301\'s', async () => {
  assert.is(await relay(), 'released', 'locked at rest');
  await answerDoorCall();
  await act('dial', { digits: '1590#' });
  const on = await waitFor(async () => ((await relay()) === 'energised' ? Date.now() : undefined), 8000, 'the relay energised');
  assert.equal((await openings())[0], { ...(await openings())[0]!, by: '301', how: 'info', result: 'opened' });
  const off = await waitFor(async () => ((await relay()) === 'released' ? Date.now() : undefined), OPEN_S * 1000 + 3000, 'the relay released');
  assert.ok(off - on >= OPEN_S * 1000 - 300, `open for ${off - on} ms`);
});

test('a wrong code keyed on the handset (2222 #) opens nothing and is recorded', async () => {
  await answerDoorCall();
  await act('dial', { digits: '2222#' });
  await waitFor(async () => (await openings())[0]?.result === 'wrong-code', 8000, 'the wrong code recorded');
  assert.is((await openings())[0]!.by, '301');
  assert.is(await relay(), 'released');
});

test.run();
