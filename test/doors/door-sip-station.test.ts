/**
 * The SIP door station through the whole exchange (issue 17): a door station registered like
 * a phone (extension 190, an employee's device of its own) presses its button — it calls the
 * exchange, whatever number it dials — and the door's phones ring; 201 (sipp) answers and
 * keys the code as RFC 4733: the sim board's lock relay (emulated GPIO 27 behind the relay
 * guard) is energised for open_s and released. The station's own keys open nothing.
 * Real time throughout.
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

const DOOR = 'Side door';
const STATION = '190';
const STATION_SECRET = 's3cret-door-190';
const OPEN_S = 2;
/** The second door: the board's GPIO button, a SIP door station (191) for the audio. */
const GPIO_DOOR = 'Front door';
const STATION_191 = '191';
const enabled = haveSipp();
let ex: Exchange;
let admin: ApiClient;
let remote: string;
let port201 = 0;
let port191 = 0;
const runs: SippRun[] = [];

type Attempt = { by: string; how: string; result: string };
const relayPin = async (name = DOOR): Promise<string> => ((await admin.get(`/api/sim/doors/${encodeURIComponent(name)}`)).body as { relay: string }).relay;
const door = async (): Promise<{ openings: Attempt[]; last_ring: number | null }> =>
  ((await admin.get('/api/doors')).body.doors as Array<{ name: string }>).find((d) => d.name === DOOR) as never;
const idle = (): Promise<unknown> => waitFor(() => ex.switch.activeCalls().length === 0, 15_000, 'no call left in the exchange');
const tail = (output: string): string => output.split('\n').filter((l) => l.trim() && !/pcap|max pkt|base port|---/.test(l)).slice(-30).join('\n');

function run(o: Parameters<typeof sipp>[0]): SippRun {
  const r = sipp(o);
  runs.push(r);
  return r;
}

/** The door station's button: it calls `dialled` (what its installer set), talks for `talkMs`, hangs up. */
function stationCalls(dialled: string, talkMs: number, scenario = 'uac-call-remote-bye.xml'): Promise<{ code: number | null; output: string }> {
  return (async () => run({
    scenario, remote, localPort: await freePort(), keys: { caller: STATION, callee: dialled },
    auth: { user: STATION, password: STATION_SECRET }, extra: ['-d', String(talkMs), '-mp', String(await freePort())], timeoutS: 30,
  }).done)();
}

async function phone201(scenario: string, talkMs: number): Promise<SippRun> {
  const r = run({ scenario, remote, localPort: port201, extra: ['-d', String(talkMs), '-mp', String(await freePort())], timeoutS: 30 });
  await sippListening(port201, 'sipp listening as 201');
  return r;
}

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    const config = example();
    config.employees.push({ name: 'Side door station', extension: STATION, devices: [{ type: 'sip', secret: STATION_SECRET }] });
    config.employees.push({ name: 'Front door station', extension: STATION_191, devices: [{ type: 'sip', secret: 's3cret-door-191' }] });
    // The sim board has one lock relay: both doors drive it (the pins are read per door).
    config.doors = [
      { name: DOOR, button: { sip: STATION }, audio: { sip: STATION }, relay: 'front-door-lock', open_s: OPEN_S, ring: ['201'], code: '1590', allowed: ['201'] },
      { name: GPIO_DOOR, button: { input: 'front-door-button' }, audio: { sip: STATION_191 }, relay: 'front-door-lock', open_s: OPEN_S, ring: ['201'], code: '1590', allowed: ['201'] },
    ];
    writeFileSync(`${dir}/office.json`, JSON.stringify(config));
    ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.json`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'info', logger: process.env.DOOR_DEBUG ? createLogger('debug') : silentLogger() });
    remote = `127.0.0.1:${ex.sip.port}`;
    admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
    port201 = await freePort();
    const r = await sipp({ scenario: 'uas-register.xml', remote, localPort: port201, service: '201', auth: { user: '201', password: 's3cret-201' } }).done;
    assert.is(r.code, 0, r.output);
    port191 = await freePort();
    const r191 = await sipp({ scenario: 'uas-register.xml', remote, localPort: port191, service: STATION_191, auth: { user: STATION_191, password: 's3cret-door-191' } }).done;
    assert.is(r191.code, 0, r191.output);
  });
  test.after(() => ex?.close());
  test.after.each(async () => {
    for (const r of runs.splice(0)) {
      r.child.kill('SIGKILL');
      await r.done;
    }
    await idle();
  });

  test('the SIP door station calls (whatever it dials): 201 rings, answers, keys 1590 # — the relay opens for open_s', async () => {
    assert.is(await relayPin(), 'released');
    const p201 = await phone201('uas-answer-code-1590.xml', 4000);
    const station = stationCalls('999', 0);
    const on = await waitFor(async () => ((await relayPin()) === 'energised' ? Date.now() : undefined), 15_000, 'the relay energised');
    const off = await waitFor(async () => ((await relayPin()) === 'released' ? Date.now() : undefined), OPEN_S * 1000 + 3000, 'the relay released');
    assert.ok(off - on >= OPEN_S * 1000 - 300 && off - on <= OPEN_S * 1000 + 1500, `open for ${off - on} ms`);
    const d = await door();
    assert.equal(d.openings[0], { ...d.openings[0]!, by: '201', how: 'rfc4733', result: 'opened' });
    assert.ok(d.last_ring !== null, 'the ring recorded');
    const r201 = await p201.done;
    assert.is(r201.code, 0, tail(r201.output));
    const rs = await station;
    assert.is(rs.code, 0, `the station got the exchange's BYE when 201 hung up\n${tail(rs.output)}`);
  });

  test('the station keys the code into its own call (a visitor playing tones at the door): nothing opens, not even an attempt', async () => {
    const before = (await door()).openings.length;
    const p201 = await phone201('uas-answer.xml', 0);
    const rs = await stationCalls('201', 2500, 'uac-call-code-1590.xml');
    assert.is(rs.code, 0, tail(rs.output));
    const r201 = await p201.done;
    assert.is(r201.code, 0, `201 answered and got the BYE\n${tail(r201.output)}`);
    assert.is(await relayPin(), 'released');
    assert.is((await door()).openings.length, before, 'no attempt recorded');
  });

  test('a GPIO button with the SIP station\'s audio: the press calls station 191, which answers by itself (Call-Info answer-after=0); 201 rings and opens', async () => {
    const station = run({ scenario: 'uas-auto-answer.xml', remote, localPort: port191, extra: ['-mp', String(await freePort())], timeoutS: 30 });
    await sippListening(port191, 'sipp listening as 191');
    const p201 = await phone201('uas-answer-code-1590.xml', 3000);
    const r = await admin.post(`/api/sim/doors/${encodeURIComponent(GPIO_DOOR)}/press`, {});
    assert.is(r.status, 200, JSON.stringify(r.body));
    await waitFor(async () => ((await relayPin(GPIO_DOOR)) === 'energised' ? true : undefined), 15_000, 'the relay energised');
    const r201 = await p201.done;
    assert.is(r201.code, 0, tail(r201.output));
    const rs = await station.done;
    assert.is(rs.code, 0, `the station answered by itself and got the BYE after 201 hung up\n${tail(rs.output)}`);
    const d = ((await admin.get('/api/doors')).body.doors as Array<{ name: string; openings: Attempt[] }>).find((x) => x.name === GPIO_DOOR)!;
    assert.equal(d.openings[0], { ...d.openings[0]!, by: '201', how: 'rfc4733', result: 'opened' });
  });
}

test.run();
