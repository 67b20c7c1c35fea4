import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NonInviteClientTransaction } from '../../../src/sip/transaction/non-invite-client.js';
import type { SipResponse } from '../../../src/sip/message.js';
import { fakeEnv, request, response, settle } from '../helpers.js';

function setup(reliable = false) {
  const f = fakeEnv(reliable);
  const got: SipResponse[] = [];
  const events: string[] = [];
  const req = request('OPTIONS');
  const tx = new NonInviteClientTransaction(req, f.env, {
    onResponse: (r) => got.push(r),
    onTimeout: () => events.push('timeout'),
    onTransportError: () => events.push('transport-error'),
    onTerminated: () => events.push('terminated'),
  });
  tx.start();
  return { ...f, tx, got, events, req };
}

test('Trying: Timer E doubles up to T2, Timer F times out at 64·T1', () => {
  const { tx, sent, clock, events } = setup();
  assert.equal(tx.armedTimers(), ['E', 'F']);
  clock.advance(500);
  assert.is(sent.length, 2);
  clock.advance(1000);
  assert.is(sent.length, 3); // 1500
  clock.advance(2000);
  assert.is(sent.length, 4); // 3500
  clock.advance(4000);
  assert.is(sent.length, 5); // 7500
  clock.advance(4000);
  assert.is(sent.length, 6); // 11500: capped at T2
  clock.advance(32_000 - 11_500 - 1);
  assert.is(tx.state, 'Trying');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['timeout', 'terminated']);
  assert.is(clock.pending(), 0);
});

test('Proceeding: Timer E continues at T2', () => {
  const { tx, sent, clock, req, got } = setup();
  tx.receive(response(req, 100));
  assert.is(tx.state, 'Proceeding');
  assert.is(got.length, 1);
  clock.advance(500);
  assert.is(sent.length, 2);
  clock.advance(3999);
  assert.is(sent.length, 2);
  clock.advance(1);
  assert.is(sent.length, 3);
});

test('Completed: final response passed up once, retransmissions absorbed, Timer K = T4 ends it', () => {
  const { tx, sent, clock, req, got, events } = setup();
  tx.receive(response(req, 200));
  assert.is(tx.state, 'Completed');
  assert.equal(tx.armedTimers(), ['K']);
  tx.receive(response(req, 200));
  assert.is(got.length, 1);
  clock.advance(4999);
  assert.is(tx.state, 'Completed');
  assert.is(sent.length, 1);
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['terminated']);
});

test('reliable transport: no Timer E, Timer K is zero', () => {
  const { tx, sent, clock, req } = setup(true);
  assert.equal(tx.armedTimers(), ['F']);
  clock.advance(5000);
  assert.is(sent.length, 1);
  tx.receive(response(req, 404));
  clock.advance(0);
  assert.is(tx.state, 'Terminated');
});

test('transport error → Terminated', async () => {
  const f = fakeEnv();
  f.fail(true);
  let err = 0;
  const tx = new NonInviteClientTransaction(request('OPTIONS'), f.env, { onResponse: () => undefined, onTransportError: () => err++ });
  tx.start();
  await settle();
  assert.is(tx.state, 'Terminated');
  assert.is(err, 1);
});

test.run();
