/**
 * The onoff backend (drivers/gpio/onoff-line.ts), a thin adapter over the onoff package,
 * with its I/O on a file tree the test creates: onoff's path /sys/class/gpio is fixed, so
 * the process under test runs in a mount namespace of its own (`unshare -rm`) where a
 * tmpfs covers /sys/class and the test's folder is bind-mounted on /sys/class/gpio. The
 * real onoff and the real relay guard run unchanged; the test reads the files they write
 * as the kernel would receive them. (A file tree has no kernel: `export` makes nothing
 * appear and `active_low` inverts nothing, so the lines' folders are made beforehand and
 * `value` holds what onoff wrote — the logical level.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseBoard } from '../../../src/boot/board.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { requireTool } from '../../helpers/tools.js';

const ROOT_DIR = new URL('../../../', import.meta.url).pathname;
const GUARD = new URL('../../../drivers/gpio/relay-guard-main.ts', import.meta.url).pathname;
const INPUT_HOST = new URL('../../fixtures/gpio/onoff-input-host.ts', import.meta.url).pathname;
const MOUNT = 'mount -t tmpfs none /sys/class && mkdir /sys/class/gpio && mount --bind "$0" /sys/class/gpio && exec "$@"';

const canUnshare = (): boolean => spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs none /sys/class'], { stdio: 'ignore' }).status === 0;
const enabled = requireTool('unshare', 'util-linux (and a kernel allowing user and mount namespaces)', 'the onoff backend tests', canUnshare);

/** A folder laid out as /sys/class/gpio with the lines already exported. */
function gpioTree(lines: number[]): string {
  const root = tempDir();
  writeFileSync(join(root, 'export'), '');
  writeFileSync(join(root, 'unexport'), '');
  for (const n of lines) {
    mkdirSync(join(root, `gpio${n}`));
    for (const [f, v] of [['value', '0'], ['direction', 'in'], ['active_low', '0'], ['edge', 'none']]) writeFileSync(join(root, `gpio${n}`, f!), v!);
  }
  return root;
}
const read = (root: string, ...p: string[]): string => readFileSync(join(root, ...p), 'utf8').trim();

/** `argv` run with `tree` as its /sys/class/gpio; its stdout lines collected. */
function inNamespace(tree: string, argv: string[]): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn('unshare', ['-rm', 'sh', '-c', MOUNT, tree, ...argv], { cwd: ROOT_DIR, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  process.once('exit', () => child.kill('SIGKILL'));
  return { child, lines, exited };
}

if (enabled) {
  test('the relay guard over onoff: an active-low relay set up at rest in one write, pulsed, and at rest again when the exchange goes', async () => {
    const tree = gpioTree([27]);
    const config = { root: '/sys/class/gpio', emulated: false, watchdog_ms: 5000, relays: [{ name: 'lock', gpio: 27, active_low: true, backend: 'onoff' }] };
    const g = inNamespace(tree, [process.execPath, '--import', 'tsx', GUARD, JSON.stringify(config)]);
    try {
      await waitFor(() => g.lines.includes('{"ev":"ready"}'), 15_000, `the guard ready (${g.lines.join(' | ')})`);
      assert.is(read(tree, 'export'), '', 'already exported: not exported again');
      assert.is(read(tree, 'gpio27', 'active_low'), '1', 'active_low written before the direction');
      assert.is(read(tree, 'gpio27', 'direction'), 'high', 'an output at its raw rest level (high, for an active-low line) in one write');
      g.child.stdin!.write('{"op":"pulse","relay":"lock","ms":300}\n');
      await waitFor(() => g.lines.some((l) => l.includes('"why":"pulse"')), 5000, 'the guard reports the pulse');
      assert.is(read(tree, 'gpio27', 'value'), '1', 'energised (the logical level: the kernel would drive the pin low)');
      await waitFor(() => g.lines.some((l) => l.includes('"why":"pulse-end"')), 5000, 'the pulse ends');
      assert.is(read(tree, 'gpio27', 'value'), '0');
      g.child.stdin!.write('{"op":"set","relay":"lock","on":true}\n');
      await waitFor(() => read(tree, 'gpio27', 'value') === '1', 5000, 'energised again');
      g.child.stdin!.end(); // the exchange is gone
      assert.is(await g.exited, 0);
      assert.is(read(tree, 'gpio27', 'value'), '0', 'at rest after the exchange went');
    } finally {
      g.child.kill('SIGKILL');
    }
  });

  test('an input over onoff: active_low written, direction in, the level read from value', async () => {
    const tree = gpioTree([17]);
    const h = inNamespace(tree, [process.execPath, '--import', 'tsx', INPUT_HOST, '17']);
    try {
      await waitFor(() => h.lines.includes('ready'), 15_000, 'the input host ready');
      assert.is(read(tree, 'gpio17', 'active_low'), '1');
      assert.is(read(tree, 'gpio17', 'direction'), 'in');
      const level = async (): Promise<string> => {
        const n = h.lines.length;
        h.child.stdin!.write('?\n');
        await waitFor(() => h.lines.length > n, 5000, 'an answer');
        return h.lines.at(-1)!;
      };
      assert.is(await level(), 'level false');
      writeFileSync(join(tree, 'gpio17', 'value'), '1');
      assert.is(await level(), 'level true');
      h.child.stdin!.end();
      assert.is(await h.exited, 0);
    } finally {
      h.child.kill('SIGKILL');
    }
  });
}

test('a board names the backend per line; an emulated line cannot use onoff', () => {
  const board = parseBoard({ name: 'pi', relays: [{ name: 'lock', gpio: 27, backend: 'onoff' }], inputs: [{ name: 'button', gpio: 17 }] }, 'pi.yaml');
  assert.is(board.relays[0]!.backend, 'onoff');
  assert.is(board.inputs[0]!.backend, 'sysfs', 'sysfs by default');
  assert.throws(() => parseBoard({ name: 'sim', relays: [{ name: 'lock', gpio: 27, emulator: true, backend: 'onoff' }] }, 'sim.yaml'), /backend "onoff" drives real GPIO only/);
  assert.throws(() => parseBoard({ name: 'pi', inputs: [{ name: 'b', gpio: 17, backend: 'gpiod' }] }, 'pi.yaml'));
});

test.run();
