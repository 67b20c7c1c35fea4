/**
 * The sysfs GPIO backend against a file tree the test creates: as the kernel's
 * /sys/class/gpio (the kernel makes gpioN/ on export and inverts active-low lines itself),
 * and as the sim board's emulated tree (the backend makes the files and keeps the pin's
 * electrical level in `value`).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SysfsLine, emulatedPinLevel, setEmulatedPin } from '../../../drivers/gpio/sysfs.js';
import { tempDir } from '../../helpers/tmp.js';

const read = (...p: string[]): string => readFileSync(join(...p), 'utf8').trim();

test('a kernel line not yet exported is exported by writing its number to export', () => {
  const root = tempDir();
  writeFileSync(join(root, 'export'), '');
  // A file tree cannot make gpio5/ appear as the kernel does: the write is what is checked.
  assert.throws(() => new SysfsLine({ root, gpio: 5, direction: 'in', activeLow: false }), /ENOENT.*gpio5/);
  assert.is(read(root, 'export'), '5');
});

test('an exported kernel line is configured as an output already at rest (direction "high": the raw level of an active-low line at rest), then written', () => {
  const root = tempDir();
  writeFileSync(join(root, 'export'), '');
  mkdirSync(join(root, 'gpio27'));
  writeFileSync(join(root, 'gpio27', 'value'), '0');
  const line = new SysfsLine({ root, gpio: 27, direction: 'out', activeLow: true, initial: false });
  assert.is(read(root, 'export'), '', 'not exported twice (the kernel answers EBUSY)');
  assert.is(read(root, 'gpio27', 'direction'), 'high', 'level and direction in one write, raw level (the kernel does not invert it): no glitch');
  assert.is(read(root, 'gpio27', 'active_low'), '1', 'the kernel inverts the line');
  line.write(true);
  assert.is(read(root, 'gpio27', 'value'), '1', 'logical level: the kernel applies active_low');
  assert.is(line.read(), true);
});

test('an active-high kernel output at rest is "low"', () => {
  const root = tempDir();
  mkdirSync(join(root, 'gpio22'));
  writeFileSync(join(root, 'gpio22', 'value'), '0');
  new SysfsLine({ root, gpio: 22, direction: 'out', activeLow: false, initial: false });
  assert.is(read(root, 'gpio22', 'direction'), 'low');
});

test('an emulated line keeps the pin level in value: an active-low output at rest is high, energised low', () => {
  const root = tempDir();
  const line = new SysfsLine({ root, gpio: 27, direction: 'out', activeLow: true, initial: false, emulated: true });
  assert.is(emulatedPinLevel(root, 27), 1, 'at rest an active-low pin is high');
  line.write(true);
  assert.is(emulatedPinLevel(root, 27), 0);
  assert.is(line.read(), true);
});

test('an emulated input follows the pin the simulator drives', () => {
  const root = tempDir();
  const line = new SysfsLine({ root, gpio: 17, direction: 'in', activeLow: false, emulated: true });
  assert.is(line.read(), false);
  setEmulatedPin(root, 17, 1);
  assert.is(line.read(), true);
  assert.is(read(root, 'gpio17', 'direction'), 'in');
});

test('a line that cannot be exported is a clear error, not a silent no-op', () => {
  const root = join(tempDir(), 'no-such-gpio-root');
  assert.throws(() => new SysfsLine({ root, gpio: 5, direction: 'out', activeLow: false }), /ENOENT/);
});

test.run();
