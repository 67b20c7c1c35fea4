/**
 * DTMF towards analog legs (issue 9) over fake ports and the fake clock: the digits the
 * core relays to an FXO or FXS leg (`sendDigits`) become Q.23 tones in the audio the port
 * sends, at Q.23/Q.24 levels and timing, one digit after another, replacing the other
 * party's sound only while a digit plays. The exchange's own Q.24 receiver checks what was
 * sent; the emulator's independent detector checks it again over the pty in analog-sip.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock, type Clock } from '../../../common/clock.js';
import { FxoLine } from '../../../src/channels/fxo/fxo-line.js';
import { FxsExtension } from '../../../src/channels/fxs/fxs-extension.js';
import { inboundRouteFor } from '../../../src/channels/fxo/inbound-route.js';
import { ANALOG_DTMF, DtmfSender, MAX_BURST, MAX_QUEUED_DIGITS } from '../../../src/channels/analog/dtmf-sender.js';
import { detectDtmf } from '../../../src/media/dtmf/goertzel-detector.js';
import { DBM0_RMS } from '../../../src/media/levels.js';
import type { AudioFrame } from '../../../drivers/hal.js';
import type { Channel } from '../../../src/channels/channel.js';
import { FakeFxoPort, FakeFxsPort, toneFrame } from '../../helpers/fake-ports.js';
import { log, office, RecordingRouter } from '../analog-config.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** A city line with an outgoing call that is up (dial tone heard, number dialled). */
async function lineTalking() {
  const clock = new FakeClock();
  const port = new FakeFxoPort(1, 0);
  const line = new FxoLine({ port, clock, log, router: new RecordingRouter(), country: () => 'fr', inboundRoute: (n) => inboundRouteFor(office, n) });
  line.assign('City 1');
  const leg: Channel = line.seizeFor('0800123456')!;
  leg.call({ number: '201' });
  await flush();
  for (let t = 0; t < 500; t += 20) port.hear(toneFrame([440], true, 3000, (t / 20) * 160));
  await flush();
  assert.is(leg.state, 'up');
  port.sent.length = 0;
  return { clock, port, leg };
}

const concat = (frames: readonly AudioFrame[]): Int16Array => {
  const out = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => out.set(f, i * 160));
  return out;
};
/** Level in dBm0 of the sine at `hz` in `x` (a single-bin DFT over the whole block). */
function toneLevel(x: Int16Array, hz: number): number {
  let re = 0, im = 0;
  for (let n = 0; n < x.length; n++) {
    re += x[n]! * Math.cos((2 * Math.PI * hz * n) / 8000);
    im += x[n]! * Math.sin((2 * Math.PI * hz * n) / 8000);
  }
  const amplitude = (2 * Math.hypot(re, im)) / x.length;
  return 20 * Math.log10(amplitude / Math.SQRT2 / DBM0_RMS);
}
const isSilent = (f: AudioFrame): boolean => f.every((s) => s === 0);

test('an FXO leg plays relayed digits as tones on the line: queued in order, Q.24 timing, Q.23 levels with the high group louder', async () => {
  const { clock, port, leg } = await lineTalking();
  leg.sendDigits!('15');
  leg.sendDigits!('9#'); // arrives while 1 plays: queued, never overlapped
  for (let t = 0; t < 2000; t += 20) clock.advance(20);
  const perDigit = (ANALOG_DTMF.toneMs + ANALOG_DTMF.pauseMs) / 20;
  assert.is(port.sent.length, 4 * perDigit, 'each digit is tone + pause, nothing more, no overlap');
  assert.is(detectDtmf(concat(port.sent)), '159#', 'the exchange\'s Q.24 receiver hears exactly the digits, once each');
  for (let d = 0; d < 4; d++) {
    const frames = port.sent.slice(d * perDigit, (d + 1) * perDigit);
    const on = frames.filter((f) => !isSilent(f)).length;
    assert.is(on * 20, ANALOG_DTMF.toneMs, 'tone ≥ 40 ms');
    assert.ok(frames.slice(on).every(isSilent), 'then a pause ≥ 40 ms');
    assert.ok(ANALOG_DTMF.toneMs >= 40 && ANALOG_DTMF.pauseMs >= 40);
  }
  const one = concat(port.sent.slice(0, ANALOG_DTMF.toneMs / 20));
  const low = toneLevel(one, 697), high = toneLevel(one, 1209);
  assert.ok(low > -9 && low < -7, `low group ≈ −8 dBm0: ${low.toFixed(2)}`);
  assert.ok(high > -7 && high < -5, `high group ≈ −6 dBm0: ${high.toFixed(2)}`);
  assert.ok(high - low > 1 && high - low < 3, `twist: the high group ≈ 2 dB louder: ${(high - low).toFixed(2)}`);
});

test('while a digit plays the other party\'s sound is replaced; it passes again once the digit and its pause are out', async () => {
  const { clock, port, leg } = await lineTalking();
  const speech = new Int16Array(160).fill(1234);
  leg.media!.writeFrame(speech);
  assert.is(port.sent.length, 1);
  leg.sendDigits!('5');
  const written = 12;
  for (let i = 0; i < written; i++) {
    leg.media!.writeFrame(speech); // the core's frame of this 20 ms
    clock.advance(20);
  }
  const after = port.sent.slice(1);
  const perDigit = (ANALOG_DTMF.toneMs + ANALOG_DTMF.pauseMs) / 20;
  assert.is(after.indexOf(speech), perDigit, 'the digit and its pause reach the line whole, before any more of the other party');
  assert.ok(after.slice(perDigit).every((f) => f === speech), 'then the other party is heard again');
  assert.ok(after.length - perDigit < written, 'what the other party said while the digit played was dropped, not queued behind it');
  assert.is(detectDtmf(concat(after.slice(0, perDigit))), '5');
});

/** A clock whose one interval fires only when told, as a busy event loop fires it late. */
function lateClock() {
  const c = { now: 0, tick: undefined as (() => void) | undefined };
  const clock: Clock = {
    now: () => c.now, monotonic: () => c.now,
    setTimeout: () => ({ id: 0 }), clearTimeout: () => {},
    setInterval: (fn) => ((c.tick = fn), { id: 1 }), clearInterval: () => (c.tick = undefined),
  };
  return { c, clock };
}
const TONE_FRAMES = ANALOG_DTMF.toneMs / 20;
const PER_DIGIT = (ANALOG_DTMF.toneMs + ANALOG_DTMF.pauseMs) / 20;

test('a digit\'s tone goes to the card in one piece, so a tick the event loop delays cannot cut a digit in two; the pause follows frame by frame', () => {
  const { c, clock } = lateClock();
  const out: Int16Array[] = [];
  const sender = new DtmfSender(clock, (f) => out.push(f));
  sender.send('7');
  assert.is(out.length, TONE_FRAMES, 'the whole tone at once');
  assert.ok(TONE_FRAMES <= 4, 'it fits the card\'s 5-frame queue beside the frame playing');
  assert.is(detectDtmf(concat(out)), '7');
  c.now = 60; // ticks at 20 and 40 never came: nothing was missing on the card
  c.tick!();
  assert.is(out.length, TONE_FRAMES, 'no pause frame before the tone has played');
  c.now = 80;
  c.tick!();
  assert.is(out.length, TONE_FRAMES + 1, 'the first pause frame when it is due, not ahead');
  for (let t = 100; t <= 200; t += 20) { c.now = t; c.tick?.(); }
  assert.is(out.length, PER_DIGIT, 'the digit and its pause, no more');
  assert.is(sender.playing, false);
  assert.is(c.tick, undefined, 'the timer is gone once the digit is out');
});

test('after a stall the sender hands out one pause frame at a time and keeps every frame (a burst would fill the card\'s queue before the next tone, which it would then cut)', () => {
  const { c, clock } = lateClock();
  const out: Int16Array[] = [];
  const sender = new DtmfSender(clock, (f) => out.push(f));
  sender.send('*#');
  assert.is(out.length, TONE_FRAMES);
  c.now = 300; // the event loop stalled for 300 ms (15 frames)
  c.tick!();
  assert.is(out.length, TONE_FRAMES + MAX_BURST, 'one pause frame, not the missed ones at once');
  for (let n = 1; n < PER_DIGIT - TONE_FRAMES; n++) {
    c.now = 300 + 20 * n;
    c.tick!();
    assert.is(out.length, TONE_FRAMES + 1 + n, 'then one frame per tick, on the re-based clock');
  }
  c.now += 20;
  c.tick!();
  assert.is(out.length, PER_DIGIT + TONE_FRAMES, 'the next digit\'s tone in one piece, once the pause is out');
  for (let t = 0; t < 40; t++) { c.now += 20; c.tick?.(); }
  assert.is(out.length, 2 * PER_DIGIT, 'both digits, every tone and pause frame, none lost');
  assert.is(detectDtmf(concat(out)), '*#');
  assert.throws(() => new DtmfSender(clock, () => {}, { toneMs: 120 }), /40 to 80 ms/, 'a tone longer than the card can queue is refused');
});

test('digits are only played during the call: none before the answer, queued ones dropped on hang-up; not-DTMF characters are ignored', async () => {
  const { clock, port, leg } = await lineTalking();
  leg.sendDigits!('x1');
  leg.sendDigits!('234');
  clock.advance(20);
  leg.hangup('normal');
  const played = TONE_FRAMES;
  assert.is(port.sent.length, played, 'the 1 played until the hang-up');
  for (let t = 0; t < 2000; t += 20) clock.advance(20);
  assert.is(port.sent.length, played, 'nothing plays after the hang-up');

  const clock2 = new FakeClock();
  const phone = new FakeFxsPort(1, 2);
  const ext = new FxsExtension({ port: phone, clock: clock2, log, router: new RecordingRouter(), country: () => 'fr' });
  ext.assign({ number: '101' });
  const ringing: Channel = ext.offer();
  ringing.call({ number: '201' });
  ringing.sendDigits!('1');
  clock2.advance(1000);
  assert.is(phone.sent.length, 0, 'a ringing phone hears no digits');
});

test('a burst longer than the queue keeps the first digits and drops the rest (a stuck sender cannot queue minutes of tones)', async () => {
  const { clock, port, leg } = await lineTalking();
  leg.sendDigits!('1'.repeat(MAX_QUEUED_DIGITS + 10));
  for (let t = 0; t < 60_000; t += 20) clock.advance(20);
  const perDigit = (ANALOG_DTMF.toneMs + ANALOG_DTMF.pauseMs) / 20;
  assert.is(port.sent.length, MAX_QUEUED_DIGITS * perDigit);
});

test('an FXS leg plays relayed digits to the handset; holding it (as a hook flash\'s application does) drops the ones still waiting', async () => {
  const clock = new FakeClock();
  const port = new FakeFxsPort(1, 2);
  const router = new RecordingRouter();
  const ext = new FxsExtension({ port, clock, log, router, country: () => 'fr' });
  ext.assign({ number: '101', name: 'Reception' });
  port.lift();
  port.dial('102');
  const leg = router.accepted[0]!.leg as Channel;
  leg.answer();
  assert.is(leg.state, 'up');
  leg.sendDigits!('*0');
  for (let t = 0; t < 1000; t += 20) clock.advance(20);
  assert.is(detectDtmf(concat(port.sent)), '*0');

  port.sent.length = 0;
  leg.sendDigits!('123');
  clock.advance(100); // 1 is still playing
  leg.analogPhone!.setHeld(true);
  await flush();
  for (let t = 0; t < 2000; t += 20) clock.advance(20);
  assert.is(detectDtmf(concat(port.sent)), '1', 'the digit on the line when the call was held, no more');
});

test.run();
