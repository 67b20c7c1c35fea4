import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NonInviteServerTransaction } from '../../../src/sip/transaction/non-invite-server.js';
import type { SipResponse } from '../../../src/sip/message.js';
import { fakeEnv, request, response, settle } from '../helpers.js';

const info = { protocol: 'udp' as const, source: { address: '192.0.2.1', port: 5060 }, local: { address: '192.0.2.2', port: 5060 } };

function setup(reliable = false) {
  const f = fakeEnv(reliable);
  const req = request('REGISTER');
  const tx = new NonInviteServerTransaction(req, info, f.env);
  const events: string[] = [];
  tx.setUser({ onTerminated: () => events.push('terminated'), onTransportError: () => events.push('err') });
  const statuses = (): number[] => f.sent.map((m) => (m as SipResponse).status);
  return { ...f, tx, req, events, statuses };
}

test('Trying: retransmissions are absorbed silently', () => {
  const { tx, req, statuses } = setup();
  assert.is(tx.state, 'Trying');
  tx.receive(req);
  assert.equal(statuses(), []);
});

test('Proceeding: a retransmission gets the last provisional again', () => {
  const { tx, req, statuses } = setup();
  tx.respond(response(req, 100));
  assert.is(tx.state, 'Proceeding');
  tx.receive(req);
  assert.equal(statuses(), [100, 100]);
});

test('Completed: a retransmission gets the final response; Timer J (64·T1) ends it; no second final', () => {
  const { tx, req, statuses, clock, events } = setup();
  tx.respond(response(req, 200));
  assert.is(tx.state, 'Completed');
  assert.equal(tx.armedTimers(), ['J']);
  tx.receive(req);
  assert.equal(statuses(), [200, 200]);
  assert.is(tx.respond(response(req, 500)), false);
  clock.advance(31_999);
  assert.is(tx.state, 'Completed');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['terminated']);
});

test('reliable transport: Timer J is zero', () => {
  const { tx, req, clock } = setup(true);
  tx.respond(response(req, 401));
  clock.advance(0);
  assert.is(tx.state, 'Terminated');
});

test('transport error → Terminated', async () => {
  const { tx, req, fail, events } = setup();
  fail(true);
  tx.respond(response(req, 200));
  await settle();
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['err', 'terminated']);
});

test.run();
