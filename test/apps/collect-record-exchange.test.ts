/**
 * The collect-digits and record verbs on real calls through a running exchange (sim board:
 * the line-card emulator behind a pty; SIP test phones on loopback). The verbs run on the
 * caller's live channel with a fake clock of their own, so each timeout is the test's move,
 * never a sleep:
 *
 * - SIP 201 keys 1 2 3 as RFC 4733 events: collected, ended by the inter-digit timeout;
 *   nothing keyed: no-input at the first-digit timeout;
 * - analog 101 keys 4 2 # on its phone (tones on the line, the card's DTMF receiver):
 *   collected, ended by the terminator;
 * - 201 plays 1 kHz while recorded (in its media worker) and hangs up mid-recording: the
 *   WAV is complete and holds the tone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { collectDigits } from '../../src/apps/collect.js';
import { record } from '../../src/apps/record.js';
import type { Channel } from '../../src/channels/channel.js';
import { sdp } from '../../src/sip/index.js';
import { readWav } from '../../src/media/wav.js';
import { classifyTone } from '../../src/media/tones/classify.js';
import { connectCall, harnessPhone, register, sendInDialog, unregister } from '../channels/sip/call-harness.js';
import { ApiClient } from '../helpers/http.js';
import { waitFor } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { playTone } from '../helpers/tone.js';
import { EXAMPLE_PATH } from '../config/example.js';

let ex: Exchange;
let admin: ApiClient;

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());

/** The verbs' context: the exchange's channel, our clock. */
function verbContext() {
  return { clock: new FakeClock(), log: silentLogger(), signal: new AbortController().signal };
}
const channelOf = (owner: string): Promise<Channel> => waitFor(() => ex.switch.channels.byOwner(owner).find((c) => c.state === 'up'), 5000, `${owner}'s channel up`);
const idle = () => waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'every call to end');

test('RFC 4733 from a SIP phone: 1 2 3 collected, the inter-digit timeout ends it; no key: no-input', async () => {
  const call = await connectCall(ex);
  try {
    const te = sdp.audioStream(sdp.parseSdp(call.answer.body))!.codecs.find((c) => c.name === 'telephone-event')!;
    call.caller.rtp.setRemote({ address: '127.0.0.1', port: call.callerLegPort, codec: 'PCMU', telephoneEventPayloadType: te.payload });
    const ctx = verbContext();
    const ch = await channelOf('201');
    const keys: string[] = [];
    ch.on('digits', (d) => keys.push(d));
    const got = collectDigits(ctx, ch, { max_digits: 6, inter_digit_timeout_ms: 2000 });
    for (const d of ['1', '2', '3'] as const) await call.caller.rtp.sendDigit(d, 80);
    await waitFor(() => keys.length === 3, 5000, 'the three keys to reach the exchange');
    ctx.clock.advance(1999);
    ctx.clock.advance(1);
    assert.equal(await got, { digits: '123', end: 'timeout', via: 'rfc4733' });

    const none = collectDigits(ctx, ch, { first_digit_timeout_ms: 5000 });
    ctx.clock.advance(5000);
    assert.equal(await none, { digits: '', end: 'no-input' });
    assert.is(ctx.clock.pending(), 0);
    await sendInDialog(ex, call.caller.sip, call.callerDialog, 'BYE');
    await idle();
  } finally {
    await call.close();
  }
});

test('in-band tones from an analog phone: 101 keys 4 2 #, collected up to the terminator', async () => {
  const callee = await harnessPhone(ex, '202');
  await register(callee, '202');
  try {
    await admin.post('/api/sim/fxs/1/hook', { state: 'off' });
    await waitFor(async () => ((await admin.get('/api/sim/fxs/1')).body as { hears: string }).hears === 'dial_tone', 5000, '101 hears dial tone');
    await admin.post('/api/sim/fxs/1/dial', { digits: '202' });
    const ch = await channelOf('101');
    const ctx = verbContext();
    const got = collectDigits(ctx, ch, { max_digits: 4 });
    const r = await admin.post('/api/sim/fxs/1/dial', { digits: '42#' });
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.equal(await got, { digits: '42', end: 'terminator', via: 'inband' });
    assert.is(ctx.clock.pending(), 0);
    await admin.post('/api/sim/fxs/1/hook', { state: 'on' });
    await idle();
  } finally {
    await unregister(callee, '202');
    await Promise.all([callee.sip.stop(), callee.rtp.close()]);
  }
});

test('record: 201\'s 1 kHz is in the WAV, which is complete after 201 hangs up mid-recording', async () => {
  const call = await connectCall(ex);
  const stopTone = playTone(call.caller.rtp, 1000);
  try {
    const ch = await channelOf('201');
    assert.type((ch.media as { recordTo?: unknown }).recordTo, 'function', 'the leg is hosted by a media worker: it records there');
    const dir = tempDir();
    const path = join(dir, 'message.wav');
    const done = record(verbContext(), ch, path, { max_duration_s: 60, silence_timeout_s: 0 });
    await new Promise((r) => setTimeout(r, 1500)); // 201 talks for a while (real audio over loopback)
    assert.not.ok(readdirSync(dir).includes('message.wav'), 'not under its final name while recording');
    await sendInDialog(ex, call.caller.sip, call.callerDialog, 'BYE'); // hangs up mid-recording
    const r = await done;
    assert.is(r.end, 'hangup');
    assert.ok(r.durationMs >= 500, `${r.durationMs} ms recorded`);
    const bytes = readFileSync(path);
    assert.is(bytes.readUInt32LE(4), bytes.length - 8, 'RIFF size');
    assert.is(bytes.readUInt32LE(40), bytes.length - 44, 'data size');
    const wav = readWav(bytes);
    assert.equal([wav.sampleRate, wav.channels, wav.format], [8000, 1, 'pcm16']);
    const hz = classifyTone(wav.samples.subarray(-4000)).dominantHz!;
    assert.ok(Math.abs(hz - 1000) <= 10, `the caller's tone (${hz} Hz)`);
    assert.equal(readdirSync(dir), ['message.wav'], 'no temporary file left');
    await idle();
  } finally {
    stopTone();
    await call.close();
  }
});

test.run();
