/**
 * An analog door station whose button lifts its own line (issue 17, `button: { fxs: N }`):
 * the port is a hot line — off-hook dials the door at once, no dial tone — through the whole
 * exchange on the sim board: the simulator presses the button of the station on FXS 6 (it
 * lifts the line), the analog phone 101 rings, answers and keys the code in-band; the lock
 * relay (emulated GPIO 27 behind the relay guard) is energised; when 101 hangs up the station
 * hears the busy tone and hangs up, ready for the next visitor. Real time throughout.
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

const DOOR = 'Back door';
let ex: Exchange;
let admin: ApiClient;

const phone = async (port: number): Promise<{ hook: string; ringing: boolean; caller_name: string | null }> => (await admin.get(`/api/sim/fxs/${port}`)).body as never;
const relay = async (): Promise<string> => ((await admin.get(`/api/sim/doors/${encodeURIComponent(DOOR)}`)).body as { relay: string }).relay;
const door = async (): Promise<{ last_ring: number | null; openings: Array<{ by: string; how: string; result: string }> }> =>
  ((await admin.get('/api/doors')).body.doors as Array<{ name: string }>).find((d) => d.name === DOOR) as never;

test.before(async () => {
  const dir = tempDir();
  const config = example();
  config.doors = [{ name: DOOR, button: { fxs: 6 }, audio: { fxs: 6 }, relay: 'front-door-lock', open_s: 1, ring: ['101'], code: '1590', allowed: ['101'] }];
  writeFileSync(`${dir}/office.json`, JSON.stringify(config));
  ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.json`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());

for (const visitor of ['first', 'second']) {
  test(`the ${visitor} visitor: the button lifts the station's line, 101 rings, answers and opens with in-band DTMF; the station hangs up after`, async () => {
    const before = (await door()).openings.length;
    assert.is((await admin.post(`/api/sim/doors/${encodeURIComponent(DOOR)}/press`, {})).status, 200);
    await waitFor(async () => (await phone(1)).ringing, 15_000, '101 rings');
    assert.ok((await door()).last_ring !== null, 'the ring recorded');
    assert.is((await admin.post('/api/sim/fxs/1/hook', { state: 'off' })).status, 200);
    await waitFor(() => ex.switch.activeCalls().some((c) => c.state === 'connected'), 5000, 'the door call connected');
    assert.is((await admin.post('/api/sim/fxs/1/dial', { digits: '1590#' })).status, 200);
    await waitFor(async () => (await relay()) === 'energised', 8000, 'the relay energised');
    assert.equal((await door()).openings[0], { ...(await door()).openings[0]!, by: '101', how: 'inband', result: 'opened' });
    assert.is((await door()).openings.length, before + 1);
    await admin.post('/api/sim/fxs/1/hook', { state: 'on' });
    await waitFor(() => ex.switch.activeCalls().length === 0, 10_000, 'the door call over');
    await waitFor(async () => (await phone(6)).hook === 'on', 10_000, 'the door station on-hook again');
    // The exchange counts the on-hook once it outlasted a hook flash: the line is idle, ready for the next visitor.
    await waitFor(async () => ((await admin.get('/api/lines')).body.ports as Array<{ kind: string; port: number; state: string }>).some((p) => p.kind === 'fxs' && p.port === 6 && p.state === 'idle'), 10_000, 'FXS 6 idle again');
    await waitFor(async () => (await relay()) === 'released', 5000, 'the lock at rest');
  });
}

test.run();
