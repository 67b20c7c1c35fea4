/**
 * Tones for the audio tests of SIP test phones: a phone plays a steady sine into its call,
 * and an ear measures what it receives — the share of the power each frequency carries
 * over the last 100 ms — so a test can say "hears 202 and 203, not itself" of a mix.
 */
import type { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { goertzel } from '../../src/channels/analog/tone-detector.js';
import { concatSamples } from '../../src/media/samples.js';

/** A SIP phone plays a steady tone of `hz` into its call until stopped. */
export function playTone(rtp: Pick<RtpEndpoint, 'writeFrame'>, hz: number): () => void {
  let n = 0;
  const timer = setInterval(() => {
    const f = new Int16Array(160);
    for (let i = 0; i < 160; i++, n++) f[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * n) / 8000));
    rtp.writeFrame(f);
  }, 20);
  return () => clearInterval(timer);
}

export interface ToneEar {
  /** Root mean square of the last 100 ms (0: silence, or nothing received). */
  level(): number;
  /** The share (0–1) of the last 100 ms's power at `hz`. */
  share(hz: number): number;
  close(): void;
}

/** Listen to what `rtp` receives (decoded), keeping the last 100 ms. */
export function toneEar(rtp: Pick<RtpEndpoint, 'onFrame'>): ToneEar {
  const frames: Int16Array[] = [];
  const off = rtp.onFrame((f) => {
    frames.push(Int16Array.from(f));
    if (frames.length > 5) frames.shift();
  });
  const samples = (): Int16Array => concatSamples(frames);
  const power = (x: Int16Array): number => {
    let e = 0;
    for (const s of x) e += s * s;
    return x.length ? e / x.length : 0;
  };
  return {
    level: () => Math.sqrt(power(samples())),
    share: (hz) => {
      const x = samples();
      const p = power(x);
      // A sine of amplitude A has power A²/2 and Goertzel power ≈ A²/4 (tone-detector.ts).
      return p > 0 ? Math.min(1, (2 * goertzel(x, hz)) / p) : 0;
    },
    close: off,
  };
}
