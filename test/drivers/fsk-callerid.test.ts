import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import {
  buildCallerIdMessage, buildDtmfClip, buildMwiMessage, fskDemodulate, fskModulate, FskReceiver,
  parseCallerIdMessage, parseDtmfClip,
} from '../../drivers/linecard/fsk-callerid.js';
import { decode, encode } from '../../common/g711.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../fixtures/linecard/${name}`, import.meta.url)));
const expectedText = (name: string): string => readFileSync(new URL(`../fixtures/linecard/${name}`, import.meta.url), 'utf8');

test('building the GR-30 examples reproduces the minimodem vectors (the MDMF one carries a wrong checksum)', () => {
  const built = buildCallerIdMessage({ dateTime: { month: 3, day: 24, hour: 9, minute: 2 }, name: 'JOHN DOE', number: '8005551212' });
  const vector = fixture('testdata-callerid-mdmf.bytes');
  assert.equal([...built.subarray(0, -1)], [...vector.subarray(0, -1)]);
  // Upstream's last byte is 0x7d; the two's complement of the sum is 0x84 (minimodem never checks it).
  assert.is(vector[vector.length - 1], 0x7d);
  assert.is(built[built.length - 1], 0x84);
  assert.throws(() => parseCallerIdMessage(vector), /checksum/);
  const sdmf = buildCallerIdMessage({ dateTime: { month: 9, day: 30, hour: 12, minute: 24 }, number: '6095551212' }, 'sdmf');
  assert.equal([...sdmf], [...fixture('testdata-callerid-sdmf.bytes')]);
});

/** Render a decoded message the way minimodem's callerid mode prints it. */
function asMinimodem(bytes: Uint8Array): string {
  const m = parseCallerIdMessage(bytes, { verifyChecksum: false });
  if (m.kind !== 'callerId') throw new Error('not a call');
  const p = (n: number): string => String(n).padStart(2, '0');
  const lines = ['CALLER-ID'];
  if (m.dateTime) lines.push(`Time:  ${p(m.dateTime.month)}/${p(m.dateTime.day)} ${p(m.dateTime.hour)}:${p(m.dateTime.minute)}`);
  if (m.name) lines.push(`Name:  ${m.name}`);
  if (m.number) lines.push(`Phone: ${m.number.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1-$2-$3')}`);
  return lines.join('\n') + '\n';
}

for (const kind of ['mdmf', 'sdmf']) {
  test(`minimodem ${kind} vector: Bell 202 modulate → demodulate → decode matches minimodem's output`, () => {
    const bytes = fixture(`testdata-callerid-${kind}.bytes`);
    const audio = fskModulate(bytes, 'bell202');
    const got = fskDemodulate(audio, 'bell202', { verifyChecksum: false });
    assert.ok(got, 'a message was demodulated');
    assert.equal([...got], [...bytes]);
    assert.is(asMinimodem(got), expectedText(`testdata-callerid-${kind}.txt`));
  });
}

test('V.23 round trip with absence reasons, through G.711 A-law and added noise, fed in 20 ms frames', () => {
  const msg = buildCallerIdMessage({ dateTime: { month: 12, day: 31, hour: 23, minute: 59 }, numberAbsence: 'private', nameAbsence: 'unavailable' });
  const clean = fskModulate(msg, 'v23', { markBits: 80 });
  let seed = 7;
  const noisy = Int16Array.from(clean, (x) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return x + ((seed / 0x7fffffff) - 0.5) * 1200; // ≈ 20 dB SNR
  });
  const line = decode('PCMA', encode('PCMA', noisy));
  const rx = new FskReceiver('v23');
  const out: Uint8Array[] = [];
  // 400 ms of silence first, as in the silent interval after the first ring.
  out.push(...rx.push(new Int16Array(3200)));
  for (let i = 0; i < line.length; i += 160) out.push(...rx.push(line.subarray(i, i + 160)));
  assert.is(out.length, 1);
  assert.equal(parseCallerIdMessage(out[0]!), {
    kind: 'callerId', dateTime: { month: 12, day: 31, hour: 23, minute: 59 }, numberAbsence: 'private', nameAbsence: 'unavailable',
  });
});

test('a Bell 202 signal is not decoded by a V.23 receiver, and silence decodes nothing', () => {
  const msg = buildCallerIdMessage({ number: '0612345678', name: 'DUPONT' });
  assert.is(fskDemodulate(new Int16Array(8000), 'v23'), undefined);
  const rightOne = fskDemodulate(fskModulate(msg, 'v23'), 'v23');
  assert.equal(parseCallerIdMessage(rightOne!), { kind: 'callerId', name: 'DUPONT', number: '0612345678' });
});

test('a corrupted checksum is rejected by the parser and by the receiver', () => {
  const msg = buildCallerIdMessage({ number: '123' });
  const bad = Uint8Array.from(msg);
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
  assert.throws(() => parseCallerIdMessage(bad), /checksum/);
  assert.is(fskDemodulate(fskModulate(bad, 'bell202'), 'bell202'), undefined);
});

test('VMWI on/off messages round-trip through FSK', () => {
  for (const on of [true, false]) {
    const got = fskDemodulate(fskModulate(buildMwiMessage(on), 'v23'), 'v23');
    assert.equal(parseCallerIdMessage(got!), { kind: 'mwi', on });
  }
});

test('DTMF CLIP strings', () => {
  assert.is(buildDtmfClip({ number: '0612345678' }), 'A0612345678C');
  assert.equal(parseDtmfClip('A0612345678C'), { number: '0612345678' });
  assert.equal(parseDtmfClip(buildDtmfClip({ numberAbsence: 'private' })), { numberAbsence: 'private' });
  assert.throws(() => parseDtmfClip('X12'));
});

test.run();
