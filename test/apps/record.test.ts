/**
 * Verb record on the fake clock with a fake endpoint (the main-thread recorder): the WAV
 * file holds what was said, its header is complete whatever ends it (#, silence, maximum
 * duration, hang-up, cancellation), no temporary file is left; and its schema.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { record, recordSchema } from '../../src/apps/record.js';
import { VerbOptionsError } from '../../src/apps/verb-options.js';
import { readWav } from '../../src/media/wav.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint } from '../helpers/fake-endpoint.js';
import { appSession } from '../helpers/app-session.js';
import { tempDir } from '../helpers/tmp.js';

function talking(owner = '201') {
  const c = new FakeChannel('inbound', owner);
  const media = new FakeEndpoint();
  c.setMedia(media);
  c.deviceAnswers();
  return { c, media };
}

/** The caller speaks `frames` frames of `level`, one per 20 ms of the fake clock. */
function speak(s: ReturnType<typeof appSession>, media: FakeEndpoint, frames: number, level = 3000): void {
  for (let i = 0; i < frames; i++) {
    media.speak(level);
    s.clock.advance(20);
  }
}

function wavOf(path: string) {
  const bytes = readFileSync(path);
  assert.is(bytes.toString('ascii', 0, 4), 'RIFF');
  assert.is(bytes.readUInt32LE(4), bytes.length - 8, 'RIFF size written');
  assert.is(bytes.readUInt32LE(40), bytes.length - 44, 'data size written');
  return readWav(bytes);
}

test('# stops the recording: the WAV is 8 kHz 16-bit mono with every sample said, and no .part file is left', async () => {
  const s = appSession();
  const { c, media } = talking();
  const dir = tempDir();
  const path = join(dir, 'msg.wav');
  const done = record(s.ctx, c, path);
  speak(s, media, 50);
  assert.not.ok(readdirSync(dir).includes('msg.wav'), 'nothing under the final name while recording');
  c.pressDigits('#', 'rfc4733');
  const r = await done;
  assert.equal(r, { path, durationMs: 1000, end: 'terminator' });
  const wav = wavOf(path);
  assert.equal([wav.sampleRate, wav.channels, wav.format, wav.samples.length], [8000, 1, 'pcm16', 8000]);
  assert.ok(wav.samples.every((x) => x === 3000));
  assert.equal(readdirSync(dir), ['msg.wav']);
  assert.is(s.clock.pending(), 0);
  assert.is(media.listening, 0, 'the recorder stopped listening');
});

test('silence timeout and maximum duration end the recording by themselves', async () => {
  const s = appSession();
  const { c, media } = talking();
  const dir = tempDir();
  const quiet = record(s.ctx, c, join(dir, 'a.wav'), { silence_timeout_s: 1 });
  speak(s, media, 25);
  speak(s, media, 49, 0);
  speak(s, media, 10); // a voice again: the silence count starts over
  speak(s, media, 50, 3);
  const a = await quiet;
  assert.is(a.end, 'silence');
  assert.is(a.durationMs, (25 + 49 + 10 + 50) * 20);
  const long = record(s.ctx, c, join(dir, 'b.wav'), { max_duration_s: 2, silence_timeout_s: 0 });
  speak(s, media, 150);
  const b = await long;
  assert.equal([b.end, b.durationMs], ['max-duration', 2000]);
  assert.is(wavOf(b.path).samples.length, 16000);
});

test('a hang-up mid-recording keeps what was said in a complete file; cancellation too', async () => {
  const s = appSession();
  const { c, media } = talking();
  const dir = tempDir();
  const done = record(s.ctx, c, join(dir, 'hup.wav'));
  speak(s, media, 30);
  c.deviceHangsUp();
  const r = await done;
  assert.equal([r.end, r.durationMs], ['hangup', 600]);
  assert.is(wavOf(r.path).samples.length, 4800);

  const other = talking('202');
  const stop = new AbortController();
  const cancelled = record(s.ctx, other.c, join(dir, 'cancel.wav'), {}, { signal: stop.signal });
  speak(s, other.media, 5);
  stop.abort();
  assert.is((await cancelled).end, 'cancelled');
  assert.equal(readdirSync(dir).sort(), ['cancel.wav', 'hup.wav']);
});

test('a leg that stops sending audio still ends at the maximum duration on the call clock', async () => {
  const s = appSession();
  const { c, media } = talking();
  const done = record(s.ctx, c, join(tempDir(), 'stall.wav'), { max_duration_s: 10 });
  speak(s, media, 10);
  s.clock.advance(12_000);
  const r = await done;
  assert.equal([r.end, r.durationMs], ['max-duration', 200]);
});

test('schema: defaults, and bad options refused with their paths; a relative path is refused', async () => {
  assert.equal(recordSchema.parse({}), { max_duration_s: 180, silence_timeout_s: 5, terminator: '#' });
  const s = appSession();
  const { c } = talking();
  const err = await record(s.ctx, c, '/tmp/x.wav', { max_duration_s: 0, silence_timeout_s: -1 }).catch((e: unknown) => e);
  assert.instance(err, VerbOptionsError);
  assert.equal((err as VerbOptionsError).issues.map((i) => i.path), ['max_duration_s', 'silence_timeout_s']);
  assert.instance(await record(s.ctx, c, 'msg.wav').catch((e: unknown) => e), TypeError);
  const missing = await record(s.ctx, c, '/nonexistent-folder/x.wav').catch((e: unknown) => e);
  assert.instance(missing, Error, 'a folder that does not exist is an error, not a hang');
});

test.run();
