/**
 * The emulator's DTMF ear (drivers/emu/linecard/dtmf-ear.ts), the instrument the analog
 * DTMF tests read: fed a signal of known levels and timing built here from first
 * principles (not with the exchange's generator), it must report each digit once with
 * the right duration, pause and per-tone level.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dtmfFreqs, FRAME, Listener } from '../../drivers/emu/linecard/audio.js';

/** Peak of a 0 dBm0 sine per G.711: +3.14 dBm0 is the A-law maximum, 32 256 in 16-bit units (G.711 §5). */
const DBM0_PEAK = 32256 * 10 ** (-3.14 / 20);

/** `digits` as tones of `onMs` at (low, high) dBm0 with `offMs` pauses, cut into 20 ms frames. */
function frames(digits: string, onMs: number, offMs: number, low: number, high: number): Int16Array[] {
  const samples: number[] = [];
  for (const d of digits) {
    const [fl, fh] = dtmfFreqs(d);
    for (let i = 0; i < (onMs * 8000) / 1000; i++) {
      const t = i / 8000;
      samples.push(Math.round(DBM0_PEAK * (10 ** (low / 20) * Math.sin(2 * Math.PI * fl * t) + 10 ** (high / 20) * Math.sin(2 * Math.PI * fh * t))));
    }
    for (let i = 0; i < (offMs * 8000) / 1000; i++) samples.push(0);
  }
  const out: Int16Array[] = [];
  for (let o = 0; o < samples.length; o += FRAME) out.push(Int16Array.from(samples.slice(o, o + FRAME)));
  return out;
}

test('each digit once, with its tone length, the pause before it and the level of each tone', () => {
  const ear = new Listener();
  for (const f of frames('1#1', 80, 100, -8, -6)) ear.push(f);
  assert.is(ear.digits, '1#1', 'the same key twice, separated by a pause, is two digits');
  const heard = ear.dtmf.heard;
  assert.equal(heard.map((t) => [t.digit, t.ms, t.gap_ms]), [['1', 80, null], ['#', 80, 100], ['1', 80, 100]]);
  for (const t of heard) {
    assert.ok(Math.abs(t.low_dbm0 - -8) <= 0.6, `low tone at ${t.low_dbm0} dBm0`);
    assert.ok(Math.abs(t.high_dbm0 - -6) <= 0.6, `high tone at ${t.high_dbm0} dBm0`);
  }
});

test('a quieter tone reads quieter, and the reading follows the level dB for dB', () => {
  const ear = new Listener();
  for (const f of frames('5', 100, 40, -20, -12)) ear.push(f);
  const [t] = ear.dtmf.heard;
  assert.ok(t, 'heard');
  assert.ok(Math.abs(t!.low_dbm0 - -20) <= 0.6 && Math.abs(t!.high_dbm0 - -12) <= 0.6, JSON.stringify(t));
  assert.is(t!.ms, 100);
});

test('clear() forgets what was heard (a new call on the port)', () => {
  const ear = new Listener();
  for (const f of frames('9', 80, 80, -8, -6)) ear.push(f);
  ear.clear();
  assert.equal(ear.dtmf.heard, []);
  assert.is(ear.digits, '');
});

test.run();
