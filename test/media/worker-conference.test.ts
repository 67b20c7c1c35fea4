/**
 * Conferences mixed inside a media worker (issue 10): four phones on loopback, two of whose
 * legs live in one worker, one in the other worker (joined by the loopback RTP pair) and
 * one on the main thread (joined by a frame link). Each phone talks a tone of its own and
 * must hear the three others and not itself; a leg that leaves stops being heard while the
 * others go on; a playback on the conference is heard by every member and can be cancelled.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemClock } from '../../common/clock.js';
import { MediaWorkerPool } from '../../src/media/worker/pool.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { Player } from '../../src/media/player.js';
import { ToneGenerator } from '../../src/media/tones/generator.js';
import { conference } from '../../src/media/conference.js';
import { WorkerConference } from '../../src/media/worker/conference.js';
import type { MediaEndpoint } from '../../src/media/endpoint.js';
import { waitFor } from '../helpers/net.js';

const clock = new SystemClock();
const tone = (hz: number, levelDbm0 = -12) => new ToneGenerator({ levelDbm0, segments: [{ durationMs: Infinity, freqs: [hz] }], repeat: false });

function power(x: number[], hz: number): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * (s1 * s1 + s2 * s2 - c * s1 * s2)) / (x.length * x.length);
}

/** A phone on loopback talking `hz`, and the exchange's leg for it. */
async function phone(hz: number, leg: MediaEndpoint & { localPort: number; setRemote: RtpEndpoint['setRemote'] }) {
  const rtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  rtp.setRemote({ address: '127.0.0.1', port: leg.localPort, codec: 'PCMU' });
  leg.setRemote({ address: '127.0.0.1', port: rtp.localPort, codec: 'PCMU' });
  const voice = new Player(clock, tone(hz));
  voice.onFrame((f) => rtp.writeFrame(f));
  voice.start();
  const heard: number[] = [];
  const off = rtp.onFrame((f) => {
    heard.push(...f);
    if (heard.length > 16000) heard.splice(0, heard.length - 8000);
  });
  return {
    hz, rtp, leg, heard,
    /** What it heard in the last half second, from now on. */
    async listen(): Promise<number[]> {
      heard.length = 0;
      await waitFor(() => heard.length >= 6000, 5000, `${hz} Hz phone to hear half a second`);
      return heard.slice(-4000);
    },
    async close() {
      voice.stop();
      off();
      await rtp.close();
    },
  };
}

type Phone = Awaited<ReturnType<typeof phone>>;

async function hearsOthersNotItself(people: Phone[], absent: number[] = []): Promise<void> {
  const tails = await Promise.all(people.map((p) => p.listen()));
  people.forEach((p, i) => {
    const tail = tails[i]!;
    let weakest = Infinity;
    for (const q of people) {
      if (q === p) continue;
      const heard = power(tail, q.hz);
      assert.ok(heard > 1e5, `${p.hz} hears ${q.hz} (${heard.toExponential(1)})`);
      weakest = Math.min(weakest, heard);
    }
    const self = power(tail, p.hz);
    assert.ok(self < weakest * 1e-3, `${p.hz} hears itself at ${(10 * Math.log10(self / weakest)).toFixed(0)} dB`);
    for (const hz of absent) assert.ok(power(tail, hz) < weakest * 1e-3, `${p.hz} no longer hears ${hz}`);
  });
}

test('mixed in the worker hosting most members: legs of that worker, of another worker and of the main thread each hear every other, never themselves', async () => {
  const pool = new MediaWorkerPool({ size: 2 });
  const people: Phone[] = [];
  try {
    const a = await pool.open({ host: '127.0.0.1', port: 0 });
    const b = await pool.open({ host: '127.0.0.1', port: 0 }, a);
    const c = await pool.open({ host: '127.0.0.1', port: 0 }); // the least loaded: the other worker
    assert.is.not(c.worker, a.worker, 'c lives in the other worker');
    const d = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 }); // a leg on this thread
    people.push(await phone(400, a), await phone(700, b), await phone(1100, c), await phone(1600, d));
    const conf = conference([a, b, c, d], { clock });
    assert.ok(conf instanceof WorkerConference && conf.host === a.worker, 'mixed in the worker of a and b');
    await hearsOthersNotItself(people);

    conf.set([a, b, c]); // d leaves; the others go on in place
    await hearsOthersNotItself(people.slice(0, 3), [1600]);

    const prompt = conf.play({ kind: 'tone', spec: { levelDbm0: -12, segments: [{ durationMs: Infinity, freqs: [2000] }], repeat: false } });
    let ended = false;
    prompt.onEnd(() => (ended = true));
    const withPrompt = await Promise.all(people.slice(0, 3).map((p) => p.listen()));
    for (const tail of withPrompt) assert.ok(power(tail, 2000) > 1e5, 'every member hears the playback');
    prompt.stop();
    await hearsOthersNotItself(people.slice(0, 3), [2000]);
    assert.not.ok(ended, 'a cancelled playback does not report an end');
    conf.close();
    await d.close();
  } finally {
    for (const p of people) await p.close();
    await pool.close();
  }
});

test('a playback to one worker leg runs in its worker, ends by itself, and a conference playback ends gone when the conference closes', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const a = await pool.open({ host: '127.0.0.1', port: 0 });
    const p = await phone(400, a);
    const short = a.playInWorker({ kind: 'samples', samples: new Int16Array(160 * 10).fill(3000), loop: false });
    const end = await new Promise<boolean>((r) => short.onEnd(r));
    assert.is(end, false, 'the prompt ended by itself');
    const b = await pool.open({ host: '127.0.0.1', port: 0 }, a);
    const c = await pool.open({ host: '127.0.0.1', port: 0 }, a);
    const conf = conference([a, b, c], { clock });
    const music = conf.play({ kind: 'moh' });
    const gone = new Promise<boolean>((r) => music.onEnd(r));
    conf.close();
    assert.is(await gone, true, 'the playback is gone with its conference');
    await p.close();
  } finally {
    await pool.close();
  }
});

test.run();
