import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { FakeClock } from '../../common/clock.js';
import { readWav, writeWav } from '../../src/media/wav.js';
import { Player, PcmSource } from '../../src/media/player.js';
import { Recorder } from '../../src/media/recorder.js';
import { ToneGenerator } from '../../src/media/tones/generator.js';
import { TONE_PLANS } from '../../src/media/tones/plans.js';
import { musicOnHold } from '../../src/media/moh.js';
import { encode, decode } from '../../src/media/g711.js';
import { detectDtmf } from '../../src/media/dtmf/goertzel-detector.js';
import { levelDbm0 } from '../../src/media/levels.js';
import { ParseError } from '../../common/errors.js';

const ramp = Int16Array.from({ length: 1000 }, (_, i) => Math.round(30000 * Math.sin(i / 7)));
const root = new URL('../../', import.meta.url);

test('WAV PCM 16-bit round trip is exact', () => {
  const w = readWav(writeWav(ramp));
  assert.is(w.sampleRate, 8000);
  assert.is(w.format, 'pcm16');
  assert.equal(Array.from(w.samples), Array.from(ramp));
});

test('WAV A-law (format 6) and µ-law (format 7) hold the G.711 codes', () => {
  for (const [format, law] of [['alaw', 'PCMA'], ['mulaw', 'PCMU']] as const) {
    const file = writeWav(ramp, { format });
    assert.is(file.readUInt16LE(20), format === 'alaw' ? 6 : 7);
    assert.is(file.length, 12 + 26 + 12 + 8 + 1000, 'one byte per sample, fact chunk present');
    const w = readWav(file);
    assert.is(w.format, format);
    assert.equal(Array.from(w.samples), Array.from(decode(law, encode(law, ramp))));
  }
});

test('WAV reader: 8-bit unsigned, stereo mixed to mono, odd chunks skipped, garbage rejected', () => {
  const data = Buffer.from([128, 128, 255, 1, 0, 0]); // 3 stereo frames of 8-bit
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(2, 2);
  fmt.writeUInt32LE(8000, 4);
  fmt.writeUInt32LE(16000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(8, 14);
  const chunk = (id: string, body: Buffer) => Buffer.concat([Buffer.from(id, 'ascii'), Buffer.from(new Uint32Array([body.length]).buffer), body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('LIST', Buffer.from('abc')), chunk('data', data)]);
  const file = Buffer.concat([Buffer.from('RIFF'), Buffer.from(new Uint32Array([body.length]).buffer), body]);
  const w = readWav(file);
  assert.is(w.channels, 2);
  assert.equal(Array.from(w.samples), [0, Math.round(((127 << 8) + (-127 << 8)) / 2), -32768]);
  assert.throws(() => readWav(Buffer.from('not a wav file at all')), (e: unknown) => e instanceof ParseError);
});

test('a player produces one 20 ms frame per 20 ms of clock, pads the tail, and reports the end', () => {
  const clock = new FakeClock();
  const player = new Player(clock, new PcmSource(ramp));
  const frames: Int16Array[] = [];
  let ended = 0;
  player.onFrame((f) => frames.push(Int16Array.from(f)));
  player.onEnd(() => ended++);
  player.start();
  clock.advance(100);
  assert.is(frames.length, 5);
  clock.advance(1000);
  assert.is(frames.length, 7, '1000 samples = 6.25 frames → 7');
  assert.is(ended, 1);
  assert.is(player.playing, false);
  assert.equal(Array.from(frames[6]!.subarray(40)), new Array(120).fill(0));
  assert.equal(Array.from(frames[0]!), Array.from(ramp.subarray(0, 160)));
  assert.is(clock.pending(), 0);
});

test('a looped source has no gap at the seam', () => {
  const src = new PcmSource(Int16Array.from({ length: 200 }, (_, i) => i + 1), true);
  const a = Int16Array.from(src.nextFrame()!);
  const b = Int16Array.from(src.nextFrame()!);
  assert.is(a[159], 160);
  assert.equal(Array.from(b.subarray(0, 41)), [...Array.from({ length: 40 }, (_, i) => 161 + i), 1]);
});

test('recorder: records a tone from a player, stops at its cap, writes a WAV that reads back', () => {
  const clock = new FakeClock();
  const player = new Player(clock, new ToneGenerator(TONE_PLANS.FR.dial));
  const rec = new Recorder(1000);
  let full = false;
  rec.onFull(() => (full = true));
  rec.recordFrom(player);
  player.start();
  clock.advance(1500);
  assert.is(rec.durationMs, 1000);
  assert.ok(full);
  const back = readWav(rec.toWav('alaw')).samples;
  assert.is(back.length, 8000);
  assert.ok(Math.abs(levelDbm0(back) - -10) < 0.3);
  player.stop();
});

test('music on hold: the committed file is the generator\'s output, loops seamlessly, never dials', () => {
  const moh = musicOnHold();
  const file = readWav(readFileSync(new URL('assets/prompts/moh/default.wav', root)));
  assert.is(file.format, 'alaw');
  assert.equal(Array.from(file.samples.subarray(0, 4000)), Array.from(decode('PCMA', encode('PCMA', moh.subarray(0, 4000)))));
  assert.is(file.samples.length, moh.length);
  assert.ok(Math.abs(moh[0]!) < 200 && Math.abs(moh[moh.length - 1]!) < 200, 'starts and ends near zero');
  const level = levelDbm0(moh);
  assert.ok(level > -24 && level < -14, `MoH level ${level} dBm0`);
  assert.is(detectDtmf(file.samples), '');
});

test('prompts: every text in prompts.tsv exists in English, French and Russian as short 8 kHz A-law, and none dials', () => {
  const ids = readFileSync(new URL('scripts/prompts/prompts.tsv', root), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t')[0]!);
  assert.ok(ids.length >= 10);
  for (const lang of ['en', 'fr', 'ru']) {
    const files = readdirSync(new URL(`assets/prompts/${lang}/`, root));
    for (const id of ids) {
      assert.ok(files.includes(`${id}.wav`), `${lang}/${id}.wav`);
      const w = readWav(readFileSync(new URL(`assets/prompts/${lang}/${id}.wav`, root)));
      assert.is(w.sampleRate, 8000);
      assert.is(w.format, 'alaw');
      const seconds = w.samples.length / 8000;
      assert.ok(seconds > 0.3 && seconds < 12, `${lang}/${id}: ${seconds} s`);
      assert.ok(levelDbm0(w.samples) > -30, `${lang}/${id} is audible`);
      assert.is(detectDtmf(w.samples), '', `${lang}/${id} talk-off`);
    }
  }
});

test.run();
