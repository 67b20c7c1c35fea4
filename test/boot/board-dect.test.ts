/** The board's DECT section (issue 16): bases as serial links or emulated, the sim board's handsets, refused before any device is touched. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadBoard, parseBoard } from '../../src/boot/board.js';
import { ConfigError } from '../../common/errors.js';

function refused(input: unknown, path: RegExp): void {
  try {
    parseBoard(input, 'board.yaml');
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.match((err as ConfigError).issues[0]!.path, path, JSON.stringify((err as ConfigError).issues));
    return;
  }
  assert.unreachable(`accepted ${JSON.stringify(input)}`);
}

test('a board without DECT has no bases', () => {
  assert.equal(parseBoard({ name: 'pi4' }, 'board.yaml').dect.bases, []);
});

test('the sim board has three emulated bases along the corridor and three subscribed handsets', () => {
  const b = loadBoard('board/sim.yaml');
  assert.equal(b.dect.bases.map((x) => [x.id, x.emulator, x.x]), [['dect1', true, 0], ['dect2', true, 30], ['dect3', true, 60]]);
  assert.is(b.dect.emulated_handsets.length, 3);
});

test('a real base names its serial device; a base with both or neither is refused', () => {
  const b = parseBoard({ name: 'pi4', dect: { bases: [{ id: 'hall', path: '/dev/ttyACM1', x: 5, y: 2 }] } }, 'board.yaml');
  assert.is(b.dect.bases[0]!.baud, 3_000_000);
  refused({ name: 'pi4', dect: { bases: [{ id: 'hall' }] } }, /board\.yaml: dect\.bases\[0\]/);
  refused({ name: 'pi4', dect: { bases: [{ id: 'hall', path: '/dev/ttyACM1', emulator: true }] } }, /dect\.bases\[0\]/);
  refused({ name: 'pi4', dect: { bases: [{ id: 'hall', path: 'ttyACM1' }] } }, /dect\.bases\[0\]\.path/);
});

test('ids used twice, emulated handsets without an emulated base, an IPEI listed twice, a bad IPEI: refused with the key', () => {
  refused({ name: 'pi4', dect: { bases: [{ id: 'a', emulator: true }, { id: 'a', emulator: true }] } }, /dect\.bases\[1\]\.id/);
  refused({ name: 'pi4', linecards: [{ id: 'lc1', emulator: true, fxo: 0, fxs: 2 }], dect: { bases: [{ id: 'lc1', emulator: true }] } }, /dect\.bases\[0\]\.id/);
  refused({ name: 'pi4', dect: { bases: [{ id: 'a', path: '/dev/ttyACM0' }], emulated_handsets: [{ ipei: '0077A1000301' }] } }, /dect\.emulated_handsets\[0\]/);
  refused({ name: 'pi4', dect: { bases: [{ id: 'a', emulator: true }], emulated_handsets: [{ ipei: '0077A1000301' }, { ipei: '0077a 1000301' }] } }, /dect\.emulated_handsets\[1\]\.ipei/);
  refused({ name: 'pi4', dect: { bases: [{ id: 'a', emulator: true }], emulated_handsets: [{ ipei: 'not-an-ipei' }] } }, /dect\.emulated_handsets\[0\]\.ipei/);
});

test.run();
