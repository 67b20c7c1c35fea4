import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InviteServerTransaction } from '../../../src/sip/transaction/invite-server.js';
import type { SipResponse } from '../../../src/sip/message.js';
import { createResponse } from '../../../src/sip/builders.js';
import { fakeEnv, request, response, settle } from '../helpers.js';

const info = { protocol: 'udp' as const, source: { address: '192.0.2.1', port: 5060 }, local: { address: '192.0.2.2', port: 5060 } };

function setup(reliable = false) {
  const f = fakeEnv(reliable);
  const invite = request('INVITE');
  const tx = new InviteServerTransaction(invite, info, f.env, (r) => createResponse(r, 100));
  const events: string[] = [];
  tx.setUser({ onTimeout: () => events.push('timeout'), onTerminated: () => events.push('terminated'), onTransportError: () => events.push('err') });
  tx.start();
  const statuses = (): number[] => f.sent.map((m) => (m as SipResponse).status);
  return { ...f, tx, invite, events, statuses };
}

test('Proceeding: 100 Trying goes out after 200 ms when the TU is silent', () => {
  const { tx, clock, statuses } = setup();
  assert.is(tx.state, 'Proceeding');
  clock.advance(199);
  assert.equal(statuses(), []);
  clock.advance(1);
  assert.equal(statuses(), [100]);
});

test('Proceeding: no 100 when the TU answers within 200 ms; retransmitted INVITE gets the last provisional', () => {
  const { tx, clock, statuses, invite } = setup();
  clock.advance(50);
  assert.ok(tx.respond(response(invite, 180)));
  clock.advance(1000);
  assert.equal(statuses(), [180]);
  tx.receive(invite);
  assert.equal(statuses(), [180, 180]);
});

test('Completed: Timer G retransmits the failure (T1 doubling, capped at T2) and Timer H times out', () => {
  const { tx, clock, statuses, invite, events } = setup();
  tx.respond(response(invite, 486));
  assert.is(tx.state, 'Completed');
  assert.equal(tx.armedTimers(), ['G', 'H']);
  clock.advance(500);
  assert.is(statuses().length, 2);
  clock.advance(1000);
  assert.is(statuses().length, 3);
  clock.advance(2000);
  assert.is(statuses().length, 4);
  clock.advance(4000);
  assert.is(statuses().length, 5);
  clock.advance(4000);
  assert.is(statuses().length, 6); // capped at T2
  tx.receive(invite); // a retransmitted INVITE also gets the final response
  assert.is(statuses().length, 7);
  clock.advance(32_000 - 11_500 - 1);
  assert.is(tx.state, 'Completed');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['timeout', 'terminated']);
  assert.is(clock.pending(), 0);
});

test('Confirmed: the ACK stops G and H, ACK retransmissions are absorbed, Timer I = T4 ends it', () => {
  const { tx, clock, statuses, invite, events } = setup();
  tx.respond(response(invite, 486));
  const ack = request('ACK', { toTag: 'b1' });
  tx.receive(ack);
  assert.is(tx.state, 'Confirmed');
  assert.equal(tx.armedTimers(), ['I']);
  tx.receive(ack);
  clock.advance(4999);
  assert.is(statuses().length, 1);
  assert.is(tx.state, 'Confirmed');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['terminated']);
});

test('reliable transport: no Timer G, Timer I is zero', () => {
  const { tx, clock, invite, statuses } = setup(true);
  tx.respond(response(invite, 500));
  assert.equal(tx.armedTimers(), ['H']);
  clock.advance(10_000);
  assert.equal(statuses(), [500]);
  tx.receive(request('ACK', { toTag: 'b1' }));
  clock.advance(0);
  assert.is(tx.state, 'Terminated');
});

test('2xx: handed to the UA core (on2xx), Accepted absorbs retransmitted INVITEs unanswered until Timer L (RFC 6026); later responses refused', () => {
  const { tx, invite, clock, sent } = setup();
  const seen: number[] = [];
  tx.on2xx = (r) => seen.push(r.status);
  assert.ok(tx.respond(response(invite, 200)));
  assert.is(tx.state, 'Accepted');
  assert.equal(seen, [200]);
  const out = sent.length;
  tx.receive(invite);
  assert.is(sent.length, out, 'the retransmitted INVITE is absorbed: the UAS core retransmits the 2xx');
  assert.is(tx.respond(response(invite, 487)), false);
  clock.advance(64 * 500 - 1);
  assert.is(tx.state, 'Accepted');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
});

test('CANCEL listeners run once', () => {
  const { tx } = setup();
  let n = 0;
  tx.onCancel(() => n++);
  tx.notifyCancel();
  tx.notifyCancel();
  assert.is(n, 1);
  assert.ok(tx.cancelled);
});

test('transport error → Terminated', async () => {
  const { tx, fail, invite, events } = setup();
  fail(true);
  tx.respond(response(invite, 180));
  await settle();
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['err', 'terminated']);
});

test.run();
