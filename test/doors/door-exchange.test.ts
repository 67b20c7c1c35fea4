/**
 * The door intercom through the whole exchange (issue 17): the sim board's front door — its
 * button on emulated GPIO 17, its lock relay on emulated GPIO 27 behind the relay guard
 * process, its door station on FXS port 6 of the emulated line card (it answers by itself
 * and hangs up on busy tone) — with sipp as the SIP phones and the simulator API as the
 * visitor and the analog phone. The relay is read from the emulated pin, as a meter on the
 * lock would read it. Real time throughout.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { createLogger, silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveSipp, sipp, type SippRun, sippListening } from '../helpers/sipp.js';
import { example } from '../config/example.js';

const SECRET = { '201': 's3cret-201', '202': 's3cret-202' } as const;
type Ext = keyof typeof SECRET;
const DOOR = 'Front door';
const OPEN_S = 2;
const enabled = haveSipp();
let ex: Exchange;
let admin: ApiClient;
let remote: string;
const phonePort: Record<Ext, number> = { '201': 0, '202': 0 };
const runs: SippRun[] = [];

type Pins = { relay: 'energised' | 'released'; button: boolean | null };
type Attempt = { by: string; how: string; result: string };
const pins = async (): Promise<Pins> => (await admin.get(`/api/sim/doors/${encodeURIComponent(DOOR)}`)).body as Pins;
const door = async (): Promise<{ openings: Attempt[]; relay: string; wiring: string; last_ring: number | null }> =>
  ((await admin.get('/api/doors')).body.doors as Array<{ name: string }>).find((d) => d.name === DOOR) as never;
const idle = (): Promise<unknown> => waitFor(() => ex.switch.activeCalls().length === 0, 15_000, 'no call left in the exchange');

/** The phone `ext` answers the next call with `scenario` (keys its code after the answer, hangs up after `talkMs`). */
async function phone(ext: Ext, scenario: string, talkMs = 1500): Promise<SippRun> {
  const run = sipp({ scenario, remote, localPort: phonePort[ext], extra: ['-d', String(talkMs), '-mp', String(await freePort())] });
  runs.push(run);
  await sippListening(phonePort[ext], `sipp listening as ${ext}`);
  return run;
}
async function register(ext: Ext): Promise<void> {
  const r = await sipp({ scenario: 'uas-register.xml', remote, localPort: phonePort[ext], service: ext, auth: { user: ext, password: SECRET[ext] } }).done;
  assert.is(r.code, 0, r.output);
}
async function press(): Promise<void> {
  const r = await admin.post(`/api/sim/doors/${encodeURIComponent(DOOR)}/press`, {});
  assert.is(r.status, 200, JSON.stringify(r.body));
}

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    const config = example();
    config.doors = [{
      name: DOOR, button: { input: 'front-door-button' }, audio: { fxs: 6 }, relay: 'front-door-lock', open_s: OPEN_S,
      ring: { day: ['201', '101'], night: ['202'] }, code: '1590', allowed: ['201', '101'],
    }];
    writeFileSync(`${dir}/office.json`, JSON.stringify(config));
    ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.json`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'info', logger: process.env.DOOR_DEBUG ? createLogger('info') : silentLogger() });
    remote = `127.0.0.1:${ex.sip.port}`;
    admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
    phonePort['201'] = await freePort();
    phonePort['202'] = await freePort();
    await register('201');
    await register('202');
  });
  test.after(() => ex?.close());
  test.after.each(async () => {
    for (const run of runs.splice(0)) {
      run.child.kill('SIGKILL');
      await run.done;
    }
    await admin.post('/api/sim/fxs/1/hook', { state: 'on' });
    await idle();
  });

  test('the button rings 201, who answers and keys 1590 # (RFC 4733): the lock relay is energised for open_s, then released; the door station hangs up after', async () => {
    assert.is((await pins()).relay, 'released', 'locked at rest');
    const p201 = await phone('201', 'uas-answer-code-1590.xml', 4000);
    await press();
    const on = await waitFor(async () => ((await pins()).relay === 'energised' ? Date.now() : undefined), 15_000, 'the relay energised');
    const off = await waitFor(async () => ((await pins()).relay === 'released' ? Date.now() : undefined), OPEN_S * 1000 + 3000, 'the relay released');
    assert.ok(off - on >= OPEN_S * 1000 - 300 && off - on <= OPEN_S * 1000 + 1500, `open for ${off - on} ms`);
    const d = await door();
    assert.equal(d.openings[0], { ...d.openings[0]!, by: '201', how: 'rfc4733', result: 'opened' });
    assert.ok(d.last_ring !== null);
    assert.is(d.wiring, 'fail_secure');
    assert.is((await p201.done).code, 0, '201 answered, keyed, hung up');
    await idle();
    // The door station hears the busy tone and hangs up, ready for the next visitor.
    await waitFor(async () => ((await admin.get('/api/sim/fxs/6')).body as { hook: string }).hook === 'on', 8000, `the door station on-hook again (${JSON.stringify((await admin.get('/api/sim/fxs/6')).body)})`);
  });

  test('a wrong code (2222 #) opens nothing and is recorded', async () => {
    const p201 = await phone('201', 'uas-answer-code-2222.xml', 1500);
    await press();
    const r = await p201.done;
    assert.is(r.code, 0, r.output.split('\n').filter((l) => l.trim() && !/pcap|max pkt|base port|---/.test(l)).slice(-25).join('\n'));
    assert.is((await pins()).relay, 'released');
    await waitFor(async () => (await door()).openings[0]?.result === 'wrong-code', 5000, 'the attempt recorded');
    assert.is((await door()).openings[0]!.by, '201');
  });

  test('at night the door rings 202, who is not allowed to open: the right code opens nothing', async () => {
    assert.is((await admin.put('/api/mode', { mode: 'night' })).status, 200);
    try {
      const p202 = await phone('202', 'uas-answer-code-1590.xml', 1500);
      await press();
      assert.is((await p202.done).code, 0, '202 rang (the night list), answered, keyed');
      await waitFor(async () => (await door()).openings[0]?.result === 'not-allowed', 5000, 'the refusal recorded');
      assert.is((await pins()).relay, 'released');
    } finally {
      await admin.put('/api/mode', { mode: 'schedule' });
    }
  });

  test('the analog phone 101 answers the door call and opens with in-band DTMF keyed on its keypad', async () => {
    await press();
    await waitFor(async () => ((await admin.get('/api/sim/fxs/1')).body as { ringing: boolean }).ringing, 15_000, '101 rings');
    assert.is((await admin.post('/api/sim/fxs/1/hook', { state: 'off' })).status, 200);
    await waitFor(() => ex.switch.activeCalls().some((c) => c.state === 'connected'), 5000, 'the door call connected');
    assert.is((await admin.post('/api/sim/fxs/1/dial', { digits: '1590#' })).status, 200);
    await waitFor(async () => (await pins()).relay === 'energised', 8000, 'the relay energised');
    assert.equal((await door()).openings[0], { ...(await door()).openings[0]!, by: '101', how: 'inband', result: 'opened' });
    await admin.post('/api/sim/fxs/1/hook', { state: 'on' });
  });

  test('the door station\'s own tones open nothing: the visitor plays the code into the door microphone', async () => {
    await press();
    await waitFor(async () => ((await admin.get('/api/sim/fxs/1')).body as { ringing: boolean }).ringing, 15_000, '101 rings');
    await admin.post('/api/sim/fxs/1/hook', { state: 'off' });
    await waitFor(() => ex.switch.activeCalls().some((c) => c.state === 'connected'), 5000, 'the door call connected');
    const before = (await door()).openings.length;
    assert.is((await admin.post('/api/sim/fxs/6/play', { digits: '1590#' })).status, 200);
    await new Promise((r) => setTimeout(r, 2500));
    assert.is((await pins()).relay, 'released');
    assert.is((await door()).openings.length, before, 'not even an attempt');
  });

  test('opening from the web UI: an admin may, a user who is not allowed may not', async () => {
    const r = await admin.post(`/api/doors/${encodeURIComponent(DOOR)}/open`, {});
    assert.is(r.status, 200, JSON.stringify(r.body));
    await waitFor(async () => (await pins()).relay === 'energised', 5000, 'the relay energised');
    assert.equal((await door()).openings[0], { ...(await door()).openings[0]!, by: '201', how: 'web', result: 'opened' });
    await waitFor(async () => (await pins()).relay === 'released', OPEN_S * 1000 + 3000, 'released after open_s');
    assert.is((await admin.post('/api/doors/Nowhere/open', {})).status, 404);
  });
}

test.run();
