import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InviteClientTransaction } from '../../../src/sip/transaction/invite-client.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import { fakeEnv, request, response, settle } from '../helpers.js';

function setup(reliable = false) {
  const f = fakeEnv(reliable);
  const got: SipResponse[] = [];
  const events: string[] = [];
  const invite = request('INVITE');
  const tx = new InviteClientTransaction(invite, f.env, {
    onResponse: (r) => got.push(r),
    onTimeout: () => events.push('timeout'),
    onTransportError: () => events.push('transport-error'),
    onTerminated: () => events.push('terminated'),
  });
  tx.start();
  return { ...f, tx, got, events, invite };
}

test('Calling: Timer A retransmits at T1, 2T1, 4T1… and Timer B times out at 64·T1', () => {
  const { tx, sent, clock, events } = setup();
  assert.is(tx.state, 'Calling');
  assert.equal(tx.armedTimers(), ['A', 'B']);
  assert.is(sent.length, 1);
  clock.advance(499);
  assert.is(sent.length, 1);
  clock.advance(1);
  assert.is(sent.length, 2); // 500
  clock.advance(1000);
  assert.is(sent.length, 3); // 1500
  clock.advance(2000);
  assert.is(sent.length, 4); // 3500
  clock.advance(31_999 - 3500);
  assert.is(sent.length, 7); // 7500, 15500, 31500
  assert.is(tx.state, 'Calling');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['timeout', 'terminated']);
  assert.is(clock.pending(), 0);
});

test('Calling over a reliable transport: no Timer A', () => {
  const { tx, sent, clock } = setup(true);
  assert.equal(tx.armedTimers(), ['B']);
  clock.advance(10_000);
  assert.is(sent.length, 1);
});

test('Proceeding: a 1xx stops retransmissions and Timer B; the TU sees every 1xx', () => {
  const { tx, sent, clock, got, invite, events } = setup();
  tx.receive(response(invite, 100));
  assert.is(tx.state, 'Proceeding');
  tx.receive(response(invite, 180));
  assert.is(tx.state, 'Proceeding');
  assert.equal(got.map((r) => r.status), [100, 180]);
  clock.advance(60_000);
  assert.is(sent.length, 1);
  assert.is(tx.state, 'Proceeding');
  assert.equal(events, []);
});

test('§9.1: after the CANCEL went out, no final response within 64·T1 ends the transaction (Timer B again)', () => {
  const { tx, invite, clock, events } = setup();
  tx.receive(response(invite, 180));
  clock.advance(10_000); // ringing for a while: nothing times out in Proceeding
  assert.is(tx.state, 'Proceeding');
  tx.cancelSent();
  assert.equal(tx.armedTimers(), ['B']);
  clock.advance(64 * 500 - 1);
  assert.is(tx.state, 'Proceeding');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['timeout', 'terminated']);
  assert.is(clock.pending(), 0);
});

test('§9.1: the 487 after the CANCEL ends the transaction the ordinary way, Timer B disarmed', () => {
  const { tx, invite, clock, events } = setup();
  tx.receive(response(invite, 180));
  tx.cancelSent();
  tx.receive(response(invite, 487));
  assert.is(tx.state, 'Completed');
  assert.equal(tx.armedTimers(), ['D']);
  clock.advance(32_000);
  assert.equal(events, ['terminated']);
});

test('2xx: passed up, transaction terminates, no ACK from the transaction', () => {
  const { tx, sent, got, invite, clock } = setup();
  tx.receive(response(invite, 180));
  tx.receive(response(invite, 200));
  assert.is(tx.state, 'Terminated');
  assert.equal(got.map((r) => r.status), [180, 200]);
  assert.is(sent.length, 1);
  assert.is(clock.pending(), 0);
});

test('Completed: a 486 is ACKed by the transaction, retransmissions re-ACKed but absorbed, Timer D ends it', () => {
  const { tx, sent, got, invite, clock, events } = setup();
  tx.receive(response(invite, 486));
  assert.is(tx.state, 'Completed');
  assert.equal(tx.armedTimers(), ['D']);
  const ack = sent[1] as SipRequest;
  assert.is(ack.method, 'ACK');
  assert.equal(ack.cseq, { seq: 1, method: 'ACK' });
  assert.is(ack.to.tag, 'b1');
  assert.is(ack.topVia.branch, invite.topVia.branch);
  assert.is(ack.uri.toString(), invite.uri.toString());
  tx.receive(response(invite, 486));
  assert.is(sent.length, 3);
  assert.is((sent[2] as SipRequest).method, 'ACK');
  assert.is(got.length, 1);
  clock.advance(31_999);
  assert.is(tx.state, 'Completed');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['terminated']);
});

test('Completed over a reliable transport: Timer D is zero', () => {
  const { tx, invite, clock } = setup(true);
  tx.receive(response(invite, 603));
  assert.is(tx.state, 'Completed');
  clock.advance(0);
  assert.is(tx.state, 'Terminated');
});

test('a transport error terminates the transaction and tells the TU', async () => {
  const f = fakeEnv();
  f.fail(true);
  const events: string[] = [];
  const tx = new InviteClientTransaction(request('INVITE'), f.env, { onResponse: () => undefined, onTransportError: () => events.push('err') });
  tx.start();
  await settle();
  assert.is(tx.state, 'Terminated');
  assert.equal(events, ['err']);
  assert.ok(f.terminated());
});

test.run();
