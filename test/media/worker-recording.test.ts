/**
 * Recording inside a media worker (the `record` request): a real worker, a real RTP
 * sender on loopback playing 1 kHz. The WAV holds the tone; closing the leg mid-recording
 * (a hang-up) still finishes the file; a folder that does not exist fails the recording.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MediaWorkerPool } from '../../src/media/worker/pool.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { readWav } from '../../src/media/wav.js';
import { classifyTone } from '../../src/media/tones/classify.js';
import { waitFor } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { playTone } from '../helpers/tone.js';


test('a worker-hosted leg records the caller\'s 1 kHz; closing the leg mid-recording leaves a complete WAV', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  const phone = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const leg = await pool.open({ host: '127.0.0.1', port: 0, codec: 'PCMU' });
  let stop = (): void => {};
  try {
    leg.setRemote({ address: '127.0.0.1', port: phone.localPort });
    phone.setRemote({ address: '127.0.0.1', port: leg.localPort, codec: 'PCMU' });
    const dir = tempDir();
    const path = join(dir, 'caller.wav');
    const rec = leg.recordTo(path, { maxMs: 60_000 });
    stop = playTone(phone, 1000);
    await waitFor(async () => ((await leg.fetchStats())?.packetsReceived ?? 0) > 60, 5000, 'a second and more of tone');
    await leg.close(); // the hang-up: the worker finishes the file before it frees the leg
    const r = await rec.done;
    assert.is(r.end, 'stopped');
    assert.ok(r.durationMs >= 1000, `recorded ${r.durationMs} ms`);
    const bytes = readFileSync(path);
    assert.is(bytes.readUInt32LE(4), bytes.length - 8);
    assert.is(bytes.readUInt32LE(40), bytes.length - 44);
    const wav = readWav(bytes);
    assert.is(wav.samples.length, (r.durationMs * 8000) / 1000);
    const hz = classifyTone(wav.samples.subarray(wav.samples.length - 4000)).dominantHz!;
    assert.ok(Math.abs(hz - 1000) <= 10, `the caller's tone is in the file (${hz} Hz)`);
    assert.equal(readdirSync(dir), ['caller.wav'], 'no temporary file left');
  } finally {
    stop();
    await phone.close();
    await leg.close();
    await pool.close();
  }
});

test('stop() finishes a worker recording; a folder that does not exist rejects it', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  const leg = await pool.open({ host: '127.0.0.1', port: 0, codec: 'PCMU' });
  try {
    const bad = leg.recordTo('/nonexistent-folder/x.wav', { maxMs: 1000 });
    const err = await bad.done.catch((e: unknown) => e);
    assert.instance(err, Error);
    assert.match((err as Error).message, /ENOENT/);
    const path = join(tempDir(), 'empty.wav');
    const rec = leg.recordTo(path, { maxMs: 1000 });
    rec.stop();
    const r = await rec.done;
    assert.equal([r.end, r.path], ['stopped', path]);
    assert.is(readFileSync(path).length >= 44, true, 'a valid (maybe empty) WAV');
    readWav(readFileSync(path));
  } finally {
    await leg.close();
    await pool.close();
  }
});

test.run();
