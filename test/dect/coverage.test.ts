/** The predicted coverage map of GET /api/dect (src/dect/coverage.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coverageMap, predictedRssi } from '../../src/dect/coverage.js';

const corridor = [{ rpn: 1, x: 0, y: 0, online: true }, { rpn: 2, x: 30, y: 0, online: true }, { rpn: 3, x: 60, y: 0, online: true }];
const at = (m: ReturnType<typeof coverageMap>, x: number, y: number) => m.cells.find((c) => c.x === x && c.y === y)!;

test('the path loss falls with distance, within DECT\'s range at the base and beyond it far away', () => {
  assert.ok(predictedRssi(1) > predictedRssi(10) && predictedRssi(10) > predictedRssi(100));
  assert.ok(predictedRssi(400) < -93, 'out of range 400 m away');
});

test('along the corridor each cell is served by the nearest base; a dead base leaves its neighbours to cover', () => {
  const m = coverageMap(corridor);
  assert.is(m.step_m, 5);
  assert.is(at(m, 0, 0).best, 1);
  assert.is(at(m, 30, 0).best, 2);
  assert.is(at(m, 55, 0).best, 3);
  assert.is(at(m, 0, 0).rssi, -33, 'clamped at saturation');
  const dead = coverageMap(corridor.map((b) => (b.rpn === 2 ? { ...b, online: false } : b)));
  assert.ok([1, 3].includes(at(dead, 30, 0).best!));
  assert.ok(at(dead, 30, 0).rssi! < at(m, 30, 0).rssi!);
});

test('a large site keeps the map small; no base, no map', () => {
  const m = coverageMap([{ rpn: 1, x: 0, y: 0, online: true }, { rpn: 2, x: 1000, y: 1000, online: true }]);
  assert.ok(m.cells.length <= 400 && m.step_m > 5);
  assert.equal(coverageMap([]), { step_m: 0, cells: [] });
});

test.run();
