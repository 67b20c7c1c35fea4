import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  linearToMulaw, linearToAlaw, mulawToLinear, alawToLinear, encode, decode, transcode,
  ALAW_TO_MULAW, MULAW_TO_ALAW, MULAW_DECODE, ALAW_DECODE,
} from '../../src/media/g711.js';
import { levelDbm0 } from '../../src/media/levels.js';

test('µ-law reference codes: zero is 0xFF, full scale is 0x80 / 0x00 (G.711 Table 2, bits inverted)', () => {
  assert.is(linearToMulaw(0), 0xff);
  assert.is(linearToMulaw(-1), 0x7f, 'negative zero');
  assert.is(linearToMulaw(32767), 0x80);
  assert.is(linearToMulaw(-32768), 0x00);
  assert.is(mulawToLinear(0xff), 0);
  assert.is(mulawToLinear(0x80), 32124);
  assert.is(mulawToLinear(0x00), -32124);
});

test('A-law reference codes: even-bit inversion 0x55, zero is 0xD5, full scale 0xAA / 0x2A (G.711 Table 1)', () => {
  assert.is(linearToAlaw(0), 0xd5);
  assert.is(linearToAlaw(-1), 0x55);
  assert.is(linearToAlaw(-8), 0x55);
  assert.is(linearToAlaw(32767), 0xaa);
  assert.is(linearToAlaw(-32768), 0x2a);
  assert.is(alawToLinear(0xd5), 8, 'decoder outputs the middle of the first interval');
  assert.is(alawToLinear(0xaa), 32256);
  assert.is(alawToLinear(0x2a), -32256);
});

test('the G.711 Table 5 digital milliwatt decodes to 0 dBm0 at 1 kHz in both laws', () => {
  const mu = decode('PCMU', Uint8Array.from([0x1e, 0x0b, 0x0b, 0x1e, 0x9e, 0x8b, 0x8b, 0x9e]));
  const a = decode('PCMA', Uint8Array.from([0x34, 0x21, 0x21, 0x34, 0xb4, 0xa1, 0xa1, 0xb4]));
  assert.ok(Math.abs(levelDbm0(mu)) < 0.15, `µ-law DMW at ${levelDbm0(mu)} dBm0`);
  assert.ok(Math.abs(levelDbm0(a)) < 0.15, `A-law DMW at ${levelDbm0(a)} dBm0`);
});

/** Largest round-trip error allowed for a sample: half the quantisation step of its segment. */
function checkRoundTrip(enc: (s: number) => number, dec: (c: number) => number, table: Int16Array, clip: number) {
  const sorted = Array.from(new Set(table)).sort((x, y) => x - y);
  let worst = 0;
  for (let s = -32768; s <= 32767; s++) {
    const c = enc(s);
    const back = dec(c);
    if (Math.abs(s) > clip) continue; // beyond the top decision value every law clips
    // The step of this code: distance to its neighbouring reconstruction values.
    const i = sorted.indexOf(back);
    const step = Math.max((sorted[i + 1] ?? back) - back, back - (sorted[i - 1] ?? back));
    const err = Math.abs(back - s);
    if (err > step / 2 + 8) throw new Error(`sample ${s} → code ${c.toString(16)} → ${back}: error ${err} > step ${step}/2`);
    worst = Math.max(worst, err / step);
  }
  return worst;
}

test('round trip error stays within half a quantisation step in every segment', () => {
  assert.ok(checkRoundTrip(linearToMulaw, mulawToLinear, MULAW_DECODE as Int16Array, 32124) <= 0.6);
  assert.ok(checkRoundTrip(linearToAlaw, alawToLinear, ALAW_DECODE as Int16Array, 32256) <= 0.6);
});

test('encoding is monotonic and decode(encode(decode(c))) is exact for every code', () => {
  let prevMu = -Infinity;
  let prevA = -Infinity;
  for (let s = -32768; s <= 32767; s += 7) {
    const mu = mulawToLinear(linearToMulaw(s));
    const a = alawToLinear(linearToAlaw(s));
    assert.ok(mu >= prevMu && a >= prevA, `monotonic at ${s}`);
    prevMu = mu;
    prevA = a;
  }
  for (let c = 0; c < 256; c++) {
    if (c !== 0x7f) assert.is(linearToMulaw(mulawToLinear(c)), c, `µ-law code ${c}`); // 0x7F is −0 → +0
    assert.is(linearToAlaw(alawToLinear(c)), c, `A-law code ${c}`);
  }
});

test('A↔µ transcoding tables keep the sign and stay within one step of the source value', () => {
  for (let c = 0; c < 256; c++) {
    const lin = alawToLinear(c);
    const viaMu = mulawToLinear(ALAW_TO_MULAW[c]!);
    assert.ok(Math.sign(lin) === Math.sign(viaMu) || Math.abs(lin) <= 8, `A ${c}`);
    assert.ok(Math.abs(lin - viaMu) <= Math.max(16, Math.abs(lin) * 0.07), `A ${c}: ${lin} vs ${viaMu}`);
    const linMu = mulawToLinear(c);
    const viaA = alawToLinear(MULAW_TO_ALAW[c]!);
    assert.ok(Math.abs(linMu - viaA) <= Math.max(16, Math.abs(linMu) * 0.07), `µ ${c}: ${linMu} vs ${viaA}`);
  }
  // A round trip through the other law must not drift: a second pass changes nothing.
  for (let c = 0; c < 256; c++) {
    const once = MULAW_TO_ALAW[ALAW_TO_MULAW[c]!]!;
    assert.is(MULAW_TO_ALAW[ALAW_TO_MULAW[once]!]!, once);
  }
});

test('block encode/decode/transcode agree with the per-sample functions', () => {
  const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(20000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
  const mu = encode('PCMU', pcm);
  const a = encode('PCMA', pcm);
  for (let i = 0; i < 160; i++) {
    assert.is(mu[i], linearToMulaw(pcm[i]!));
    assert.is(a[i], linearToAlaw(pcm[i]!));
  }
  assert.equal(Array.from(transcode('PCMA', 'PCMU', a)), Array.from(a, (c) => ALAW_TO_MULAW[c]!));
  assert.is(transcode('PCMU', 'PCMU', mu), mu, 'same law: no copy');
  const back = decode('PCMU', mu);
  assert.ok(Math.abs(levelDbm0(back) - levelDbm0(pcm)) < 0.1);
});

test.run();
