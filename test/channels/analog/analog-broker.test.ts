/**
 * The analog phone's in-call features through the whole exchange (issue 10): the sim
 * board's line-card emulator behind a real pty, the analog phone 101 driven through the
 * simulator API, SIP phones 202 and 203 played by our test phones. Each party speaks a tone
 * of its own — 101 1400 Hz, 202 1000 Hz, 203 620 Hz — and what each hears is measured at
 * that party: the emulated phone's ear (`hears`, `hears_hz`) and the SIP phones' RTP.
 *
 * - brokering: 101 talks with 202, flashes (202 hears music), dials 203 and talks with it;
 *   each flash swaps who 101 hears, and the one left hears music (not 101, not the other);
 * - flash + 3: a three-way conference where each party hears the other two and not itself;
 * - hang up with a held call: the phone rings again showing it; lifting talks with it.
 * Real time (the emulator is another process): each wait is "until the party hears it, or fail".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { waitFor, waitUntil as until } from '../../helpers/net.js';
import { playTone, toneEar, type ToneEar } from '../../helpers/tones.js';
import { harnessPhone, register, unregister, type HarnessPhone } from '../sip/call-harness.js';

const CONFIG = new URL('../../fixtures/config/transfer.yaml', import.meta.url).pathname;
const HZ = { '101': 1400, '202': 1000, '203': 620 } as const;
type FxsView = { hook: string; ringing: boolean; caller_id: string | null; hears: string; hears_hz: number[] };
type PortView = { kind: string; port: number; state: string };
let ex: Exchange;
let admin: ApiClient;

test.before(async () => {
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${tempDir()}/data`, config: CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex.close());

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}
const fxs1 = async (): Promise<FxsView> => (await admin.get('/api/sim/fxs/1')).body as FxsView;
const port1 = async (): Promise<PortView> => ((await admin.get('/api/lines')).body.ports as PortView[]).find((p) => p.kind === 'fxs' && p.port === 1)!;
/** The analog phone speaks its tone (or stops, to dial: its tone would mask the DTMF). */
const speak101 = (on: boolean) => ok(admin.post('/api/sim/fxs/1/play', on ? { tone_hz: HZ['101'] } : { stop: true }));

interface Party {
  phone: HarnessPhone;
  ear: ToneEar;
  /** Starts the party's tone once its call is up (a phone sends RTP only once it knows where to). */
  speak(): void;
  stop(): void;
}

async function party(ext: '202' | '203'): Promise<Party> {
  const phone = await harnessPhone(ex, ext);
  await register(phone, ext);
  const ear = toneEar(phone.rtp);
  let stopTone: (() => void) | undefined;
  return {
    phone, ear,
    speak: () => void (stopTone ??= playTone(phone.rtp, HZ[ext])),
    stop: () => stopTone?.(),
  };
}

/** `p` hears exactly `whom` (each clearly present) and none of `notWhom`. */
async function partyHears(p: Party, whom: number[], notWhom: number[], what: string): Promise<void> {
  await waitFor(() => whom.every((hz) => p.ear.share(hz) > 0.03) && notWhom.every((hz) => p.ear.share(hz) < 0.01), 8000, what);
}
/** `p` hears music on hold: sound, but none of the parties' tones. */
async function hearsMusic(p: Party, what: string): Promise<void> {
  await waitFor(() => p.ear.level() > 150 && Object.values(HZ).every((hz) => p.ear.share(hz) < 0.01), 8000, what);
}
const phoneHears = (hz: number[], not: number[], what: string) =>
  until(fxs1, (v) => hz.every((f) => v.hears_hz.includes(f)) && not.every((f) => !v.hears_hz.includes(f)), what, 8000);

async function setUp() {
  const p202 = await party('202');
  const p203 = await party('203');
  const close = async (): Promise<void> => {
    p202.stop();
    p203.stop();
    await admin.post('/api/sim/fxs/1/play', { stop: true });
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'every call to end');
    await admin.post('/api/sim/fxs/1/hook', { state: 'on' });
    await until(port1, (p) => p.state === 'idle', 'port 1 idle');
    for (const [p, ext] of [[p202, '202'], [p203, '203']] as const) {
      p.ear.close();
      await unregister(p.phone, ext);
      await Promise.all([p.phone.sip.stop(), p.phone.rtp.close()]);
    }
  };
  return { p202, p203, close };
}

/** 101 calls 202 and talks; flashes (202 on music), dials 203, who answers; 101 talks with 203. */
async function consult(p202: Party, p203: Party): Promise<void> {
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '202' }));
  await waitFor(() => p202.phone.acks.length > 0, 8000, '202 to answer 101');
  p202.speak();
  await speak101(true);
  await phoneHears([HZ['202']], [], '101 hears 202');
  await partyHears(p202, [HZ['101']], [HZ['202']], '202 hears 101');

  await speak101(false);
  await ok(admin.post('/api/sim/fxs/1/flash', {}));
  await until(fxs1, (v) => v.hears === 'dial_tone', '101 hears dial tone after the flash');
  await hearsMusic(p202, '202 hears music on hold after the flash');
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '203' }));
  await waitFor(() => p203.phone.acks.length > 0, 8000, '203 to answer the consultation');
  p203.speak();
  await speak101(true);
  await phoneHears([HZ['203']], [HZ['202']], '101 hears 203, not 202');
  await partyHears(p203, [HZ['101']], [HZ['203'], HZ['202']], '203 hears 101 only');
  await hearsMusic(p202, '202 still hears music while 101 consults');
}

test('brokering: each flash swaps whom 101 talks with, and the party left hears music', async () => {
  const { p202, p203, close } = await setUp();
  try {
    await consult(p202, p203);
    await ok(admin.post('/api/sim/fxs/1/flash', {}));
    await phoneHears([HZ['202']], [HZ['203']], 'flash: 101 hears 202 again');
    await partyHears(p202, [HZ['101']], [HZ['203']], '202 hears 101 again');
    await hearsMusic(p203, '203 hears music now');

    await ok(admin.post('/api/sim/fxs/1/flash', {}));
    await phoneHears([HZ['203']], [HZ['202']], 'flash again: 101 hears 203');
    await partyHears(p203, [HZ['101']], [HZ['202']], '203 hears 101 again');
    await hearsMusic(p202, '202 back on music');
  } finally {
    await close();
  }
});

test('flash + 3: a three-way conference where each party hears the other two and never itself', async () => {
  const { p202, p203, close } = await setUp();
  try {
    await consult(p202, p203);
    await speak101(false); // its tone would mask the 3
    await ok(admin.post('/api/sim/fxs/1/flash', {}));
    await ok(admin.post('/api/sim/fxs/1/dial', { digits: '3' }));
    await waitFor(() => ex.switch.bridges().some((b) => b.size === 3 && b.mode === 'mix'), 5000, 'one bridge of three, mixed');
    await speak101(true);
    await phoneHears([HZ['202'], HZ['203']], [HZ['101']], '101 hears 202 and 203, not itself');
    await partyHears(p202, [HZ['101'], HZ['203']], [HZ['202']], '202 hears 101 and 203, not itself');
    await partyHears(p203, [HZ['101'], HZ['202']], [HZ['203']], '203 hears 101 and 202, not itself');
    assert.is(ex.switch.activeCalls().length, 1, 'one call now');
  } finally {
    await close();
  }
});

test('hang up with a held call: 101 rings again showing 202, and lifting talks with 202', async () => {
  const { p202, close } = await setUp();
  try {
    await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
    await ok(admin.post('/api/sim/fxs/1/dial', { digits: '202' }));
    await waitFor(() => p202.phone.acks.length > 0, 8000, '202 to answer 101');
    p202.speak();
    await ok(admin.post('/api/sim/fxs/1/flash', {}));
    await hearsMusic(p202, '202 on music');
    await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
    await until(fxs1, (v) => v.ringing, '101 rings again (recall)');
    const shown = await until(fxs1, (v) => v.caller_id !== null, '101 shows who rings', 10_000);
    assert.is(shown.caller_id, '202', 'the recall shows the held party');
    await hearsMusic(p202, '202 hears music while 101 rings');
    await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
    await phoneHears([HZ['202']], [], '101 talks with 202 again');
  } finally {
    await close();
  }
});

test.run();
