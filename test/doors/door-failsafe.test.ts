/**
 * Fail-safe by design (issue 17): the exchange (`autocom start` on the sim board, a process
 * of its own) opens the front door for 30 s from the web UI; then it is SIGKILLed, or its
 * event loop is stopped (SIGSTOP: a hang as far as anyone outside can tell). Within 1 s the
 * relay guard has put the lock relay back at rest — read on the emulated pin in the data
 * folder, which outlives the exchange.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { startAutocom, type Running, READY_TIMEOUT_MS } from '../helpers/process.js';
import { ApiClient } from '../helpers/http.js';
import { freePort, waitFor } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { emulatedPinLevel } from '../../drivers/gpio/sysfs.js';
import { EMULATED_GPIO_DIR } from '../../src/doors/door-hardware.js';
import { example } from '../config/example.js';

const LOCK_GPIO = 27; // board/sim.yaml: front-door-lock

async function openedDoor(): Promise<{ run: Running; root: string }> {
  const dir = tempDir();
  const config = example();
  config.doors = [{ name: 'Front door', button: { input: 'front-door-button' }, audio: { fxs: 6 }, relay: 'front-door-lock', open_s: 30, ring: ['201'], code: '1590', allowed: ['201'] }];
  writeFileSync(`${dir}/office.json`, JSON.stringify(config));
  const httpPort = await freePort();
  const run = startAutocom(['start', '--board', 'board/sim.yaml', '--data', `${dir}/data`, '--config', `${dir}/office.json`, '--http-port', String(httpPort), '--sip-port', String(await freePort())]);
  await waitFor(() => run.stdout().includes('autocom ready:') || run.child.exitCode !== null, READY_TIMEOUT_MS, 'the ready line');
  assert.ok(run.stdout().includes('autocom ready:'), run.stderr());
  const admin = new ApiClient(`http://127.0.0.1:${httpPort}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  const root = `${dir}/data/${EMULATED_GPIO_DIR}`;
  assert.is(emulatedPinLevel(root, LOCK_GPIO), 0, 'at rest after boot');
  const r = await admin.post('/api/doors/Front%20door/open', {});
  assert.is(r.status, 200, JSON.stringify(r.body));
  await waitFor(() => emulatedPinLevel(root, LOCK_GPIO) === 1, 5000, 'the lock relay energised');
  return { run, root };
}

test('SIGKILL of the exchange while the lock is open: the relay is back at rest within 1 s', async () => {
  const { run, root } = await openedDoor();
  const at = Date.now();
  run.child.kill('SIGKILL');
  await waitFor(() => emulatedPinLevel(root, LOCK_GPIO) === 0, 1000, 'the relay at rest');
  assert.ok(Date.now() - at <= 1000, `${Date.now() - at} ms`);
});

test('the exchange hung (SIGSTOP) while the lock is open: the guard\'s watchdog releases it within 1 s', async () => {
  const { run, root } = await openedDoor();
  const at = Date.now();
  run.child.kill('SIGSTOP');
  try {
    await waitFor(() => emulatedPinLevel(root, LOCK_GPIO) === 0, 1000, 'the relay at rest');
    assert.ok(Date.now() - at <= 1000, `${Date.now() - at} ms`);
  } finally {
    run.child.kill('SIGCONT');
    run.child.kill('SIGKILL');
  }
});

test.run();
