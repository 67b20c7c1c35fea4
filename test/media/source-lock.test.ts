import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { FakeClock } from '../../common/clock.js';
import { SourceLock } from '../../src/media/rtp/source-lock.js';
import { waitFor } from '../helpers/net.js';

async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}
const until = (cond: () => boolean, what: string) => waitFor(cond, 2000, what);

test('locks to the source, sends without a destination, and stays locked through a silence', async () => {
  const clock = new FakeClock();
  const sock = await bound();
  const phone = await bound();
  const heard: Buffer[] = [];
  phone.on('message', (m) => heard.push(m));
  let lastHeard = clock.monotonic();
  const lock = new SourceLock(sock);
  lock.lock('127.0.0.1', phone.address().port);
  assert.is(lock.state, 'connecting');
  lock.send(Buffer.from('a'), phone.address().port, '127.0.0.1'); // still addressed: not connected yet
  await until(() => lock.state === 'locked', 'locked');
  assert.equal(sock.remoteAddress(), { address: '127.0.0.1', family: 'IPv4', port: phone.address().port });
  lock.send(Buffer.from('b'), 9, '192.0.2.1'); // the locked peer wins over a stale destination
  await until(() => heard.length === 2, 'both packets');
  assert.equal(heard.map(String), ['a', 'b']);
  // A pause of the phone is when an attacker would take over: the lock holds, no timer runs.
  clock.advance(60_000);
  assert.is(lock.state, 'locked');
  assert.is(clock.pending(), 0, 'no watchdog');
  lock.unlock(); // new SDP
  assert.is(lock.state, 'open');
  assert.throws(() => sock.remoteAddress(), /not connected/i);
  lock.close();
  sock.close();
  phone.close();
});

test('unlock while connecting disconnects as soon as the connect completes; close ignores a late connect', async () => {
  const clock = new FakeClock();
  const sock = await bound();
  const lock = new SourceLock(sock);
  lock.lock('127.0.0.1', 40000);
  lock.unlock();
  await new Promise((r) => setImmediate(r));
  assert.is(lock.state, 'open');
  assert.throws(() => sock.remoteAddress(), /not connected/i);
  assert.is(clock.pending(), 0);

  lock.lock('127.0.0.1', 40000);
  lock.close();
  await new Promise((r) => setImmediate(r));
  assert.is(lock.state, 'closed');
  assert.is(clock.pending(), 0, 'no watchdog after close');
  lock.close(); // idempotent
  sock.close();
});

test('a refused connect leaves the socket unlocked and sending to named destinations', async () => {
  const clock = new FakeClock();
  const sock = await bound();
  const lock = new SourceLock(sock);
  const errors: Error[] = [];
  sock.on('error', (e) => errors.push(e));
  lock.lock('not-an-address.invalid', 40000); // the lookup fails
  await until(() => lock.state === 'open', 'back to open');
  const phone = await bound();
  let got = 0;
  phone.on('message', () => got++);
  lock.send(Buffer.from('x'), phone.address().port, '127.0.0.1');
  await until(() => got === 1, 'packet to the named destination');
  lock.close();
  sock.close();
  phone.close();
});

test.run();
