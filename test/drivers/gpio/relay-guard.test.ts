/**
 * The relay guard (drivers/gpio/relay-guard-main.ts) is a process of its own that owns the
 * relay lines: a pulse ends on its own timer, and when the exchange dies (SIGKILL) or its
 * event loop hangs, the relay is back at rest within a second. The pins are an emulated
 * sysfs tree that this test reads directly, as a voltmeter on the relay coil would.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RelayGuard } from '../../../drivers/gpio/relay-guard.js';
import { emulatedPinLevel } from '../../../drivers/gpio/sysfs.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';

const HOST = new URL('../../fixtures/gpio/guard-host.ts', import.meta.url).pathname;
const ROOT_DIR = new URL('../../../', import.meta.url).pathname;

test('at start every relay is at rest; a pulse energises it and the guard releases it when the time is up', async () => {
  const root = tempDir();
  const guard = await RelayGuard.start({ root, emulated: true, relays: [{ name: 'lock', gpio: 27, activeLow: true }, { name: 'bell', gpio: 22, activeLow: false }] });
  try {
    assert.is(emulatedPinLevel(root, 27), 1, 'an active-low relay at rest: pin high');
    assert.is(emulatedPinLevel(root, 22), 0);
    const lock = guard.relay('lock')!;
    const seen: string[] = [];
    lock.on('change', (on, why) => seen.push(`${on}:${why}`));
    await lock.pulse(300);
    await waitFor(() => lock.energised, 2000, 'the guard reports the lock energised');
    assert.is(emulatedPinLevel(root, 27), 0, 'energised: pin low');
    await waitFor(() => !lock.energised, 3000, 'the pulse ends');
    assert.is(emulatedPinLevel(root, 27), 1);
    assert.equal(seen, ['true:pulse', 'false:pulse-end']);
    await guard.send({ op: 'pulse', relay: 'nope', ms: 100 });
    await guard.send({ op: 'pulse', relay: 'lock', ms: 'x' });
    assert.is(emulatedPinLevel(root, 27), 1, 'bad commands change nothing');
  } finally {
    await guard.close();
  }
  assert.is(emulatedPinLevel(root, 27), 1, 'at rest after a clean close');
});

async function host(mode: 'idle' | 'hang') {
  const root = tempDir();
  const child = spawn(process.execPath, ['--import', 'tsx', HOST, root, '27', mode], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  await waitFor(() => lines.some((l) => l.startsWith('energised')), 15_000, 'the host energises the lock');
  return { root, child, lines };
}

test('SIGKILL of the exchange while the lock is energised: the relay is at rest within 1 s', async () => {
  const { root, child } = await host('idle');
  assert.is(emulatedPinLevel(root, 27), 1, 'energised (an active-high pin)');
  const killed = Date.now();
  child.kill('SIGKILL');
  await waitFor(() => emulatedPinLevel(root, 27) === 0, 1000, 'the relay back at rest');
  assert.ok(Date.now() - killed < 1000, `${Date.now() - killed} ms`);
});

test('the exchange\'s event loop blocked while the lock is energised: the guard\'s watchdog releases it within 1 s', async () => {
  const { root, child, lines } = await host('hang');
  const hung = Date.now();
  await waitFor(() => emulatedPinLevel(root, 27) === 0, 1000, 'the watchdog releases the relay');
  assert.ok(Date.now() - hung < 1000);
  assert.not.ok(lines.includes('woke'), 'released while the exchange was still hung');
  child.kill('SIGKILL');
});

test.run();
