/**
 * The line card's audio codec exists twice on purpose: common/g711.ts (the driver, the
 * media engine) and the emulator's own in drivers/emu/linecard/wire.ts (an independent
 * implementation of PROTOCOL.md). The two must hear the same sound: every code decodes to
 * the same sample, and every sample encodes to the same or the neighbouring code.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decode, encode, type G711Law } from '../../common/g711.js';
import { g711Decode, g711Encode } from '../../drivers/emu/linecard/wire.js';

const LAWS: ReadonlyArray<[G711Law, boolean]> = [['PCMU', false], ['PCMA', true]];
const codes = Uint8Array.from({ length: 256 }, (_v, i) => i);
const samples = Int16Array.from({ length: 65536 }, (_v, i) => i - 32768);

for (const [law, alaw] of LAWS) {
  test(`${law}: every code decodes alike in the driver and the emulator`, () => {
    assert.equal([...decode(law, codes)], [...g711Decode(codes, alaw)]);
  });

  test(`${law}: every 16-bit sample encodes to the same code or the neighbouring one`, () => {
    // G.711 encodes by truncating into its interval, the emulator picks the nearest level:
    // at most one quantisation step apart, and equal for most samples.
    const levels = [...new Set(decode(law, codes))].sort((a, b) => a - b);
    const rank = (v: number): number => levels.indexOf(v);
    const ours = decode(law, encode(law, samples));
    const emu = decode(law, g711Encode(samples, alaw));
    let same = 0;
    for (let i = 0; i < samples.length; i++) {
      if (ours[i] === emu[i]) same++;
      else if (Math.abs(rank(ours[i]!) - rank(emu[i]!)) > 1) assert.unreachable(`sample ${samples[i]}: driver ${ours[i]}, emulator ${emu[i]}`);
    }
    assert.ok(same > samples.length / 2, `only ${same} of ${samples.length} samples get the same code`);
  });
}

test.run();
