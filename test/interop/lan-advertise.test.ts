/**
 * A box behind NAT (issue 9): the address phones reach it at is not one of its own, so
 * `--advertise ADDR` (or AUTOCOM_ADVERTISE, or the board's network.advertise) replaces the
 * local address in everything the exchange writes for a phone to come back to: the Via
 * sent-by and Contact of its requests, the Contact of its answers, and SDP `c=`. Two
 * phones on loopback, the exchange as a real `autocom start` process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { ROOT, runAutocom, startAutocom, READY_TIMEOUT_MS } from '../helpers/process.js';
import { LanPhone } from '../helpers/lan-phone.js';
import { EXAMPLE_PATH } from '../config/example.js';

/** Start the exchange with `args`/`env`, call 202 from 201, return what each phone saw. */
async function callThrough(args: string[], env: NodeJS.ProcessEnv = {}) {
  const port = await freePort();
  const exchange = startAutocom(['start', '--data', `${tempDir()}/data`, '--config', EXAMPLE_PATH, '--sip-port', String(port), '--http-port', String(await freePort()), ...args], env);
  const caller = await LanPhone.start('127.0.0.1', 1, 2);
  const callee = await LanPhone.start('127.0.0.1', 2, 1);
  try {
    await waitFor(() => exchange.stdout().includes('autocom ready:'), READY_TIMEOUT_MS, `ready (stderr: ${exchange.stderr()})`);
    assert.is(await callee.register('127.0.0.1', port, '202', 's3cret-202'), 200);
    assert.is(await caller.call('127.0.0.1', port, '201', 's3cret-201', '202'), 200);
    const invite = callee.snapshot.requests.find((r) => r.method === 'INVITE')!;
    return { invite, answer: caller.snapshot };
  } finally {
    await caller.stop();
    await callee.stop();
    exchange.child.kill('SIGTERM');
    await exchange.exited;
  }
}

test('--advertise: the exchange bound to 0.0.0.0 writes the advertised address in Via, Contact and c=', async () => {
  const { invite, answer } = await callThrough(['--bind', '0.0.0.0', '--advertise', '192.0.2.7']);
  assert.equal([invite.via, invite.contact, invite.c], ['192.0.2.7', '192.0.2.7', '192.0.2.7'], 'the INVITE to the callee');
  assert.equal([answer.answerContact, answer.answerC], ['192.0.2.7', '192.0.2.7'], 'the 200 to the caller');
});

test('AUTOCOM_ADVERTISE does the same, and wins over a bound LAN address', async () => {
  const { invite, answer } = await callThrough(['--bind', '127.0.0.1'], { AUTOCOM_ADVERTISE: '198.51.100.20' });
  assert.equal([invite.via, invite.contact, invite.c, answer.answerContact, answer.answerC], Array(5).fill('198.51.100.20'));
});

test('the board\'s network.advertise applies when the command line gives none', async () => {
  const board = `${tempDir()}/board.yaml`;
  writeFileSync(board, `${readFileSync(`${ROOT}board/sim.yaml`, 'utf8')}\nnetwork:\n  advertise: 203.0.113.30\n`);
  const { invite, answer } = await callThrough(['--bind', '0.0.0.0', '--board', board]);
  assert.equal([invite.via, invite.contact, invite.c, answer.answerContact, answer.answerC], Array(5).fill('203.0.113.30'));
});

test('--advertise must be an IP address: anything else is a usage error, not a header', () => {
  const r = runAutocom(['start', '--advertise', 'evil.example\r\nX-Injected: 1']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--advertise must be an IPv4 or IPv6 address/);
});

test.run();
