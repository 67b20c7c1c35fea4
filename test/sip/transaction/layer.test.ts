/** Transaction matching of §17.1.3 / §17.2.3, including RFC 2543 fallback, with a fake transport. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { TransactionLayer } from '../../../src/sip/transaction/layer.js';
import { InviteServerTransaction } from '../../../src/sip/transaction/invite-server.js';
import { createResponse } from '../../../src/sip/builders.js';
import type { SipMessage, SipResponse } from '../../../src/sip/message.js';
import { request, response } from '../helpers.js';

const info = { protocol: 'udp' as const, source: { address: '192.0.2.1', port: 5060 }, local: { address: '192.0.2.2', port: 5060 } };
const dest = { protocol: 'udp' as const, address: '192.0.2.2', port: 5060 };

function setup() {
  const clock = new FakeClock();
  const sent: SipMessage[] = [];
  const layer = new TransactionLayer(
    clock,
    {
      sendRequest: (m) => (sent.push(m), Promise.resolve()),
      sendResponse: (m) => (sent.push(m), Promise.resolve()),
      isReliable: () => false,
    },
    (r) => createResponse(r, 100),
  );
  return { clock, sent, layer };
}

test('client: a response matches by top Via branch and CSeq method only', () => {
  const { layer } = setup();
  const got: number[] = [];
  const invite = request('INVITE', { branch: 'z9hG4bK-c1' });
  layer.sendRequest(invite, dest, { onResponse: (r) => got.push(r.status) });
  assert.ok(layer.receiveResponse(response(invite, 180)));
  // same branch, other method (the CANCEL's response) is not this transaction's
  const cancelRes = response(request('CANCEL', { branch: 'z9hG4bK-c1' }), 200);
  assert.not.ok(layer.receiveResponse(cancelRes));
  assert.not.ok(layer.receiveResponse(response(request('INVITE', { branch: 'z9hG4bK-other' }), 200)));
  assert.equal(got, [180]);
});

test('server: retransmissions are absorbed; the same branch from another sent-by is a new transaction', () => {
  const { layer } = setup();
  const r1 = layer.receiveRequest(request('OPTIONS'), info);
  assert.is(r1.kind, 'new');
  assert.is(layer.receiveRequest(request('OPTIONS'), info).kind, 'absorbed');
  assert.is(layer.receiveRequest(request('OPTIONS', { sentBy: '192.0.2.9:5060' }), info).kind, 'new');
  assert.equal(layer.size, { clients: 0, servers: 2 });
});

test('server: the ACK of a failure matches the INVITE transaction; an ACK with a new branch goes to the TU', () => {
  const { layer } = setup();
  const r = layer.receiveRequest(request('INVITE'), info);
  assert.is(r.kind, 'new');
  const tx = (r as { tx: InviteServerTransaction }).tx;
  tx.respond(response(tx.request, 486));
  assert.is(layer.receiveRequest(request('ACK', { toTag: 'b1' }), info).kind, 'absorbed');
  assert.is(tx.state, 'Confirmed');
  assert.is(layer.receiveRequest(request('ACK', { branch: 'z9hG4bK-2xx-ack', toTag: 'b1' }), info).kind, 'ack');
});

test('server: after a 2xx the INVITE transaction is Accepted (RFC 6026): a retransmitted INVITE is absorbed, the ACK goes to the TU, a CANCEL finds nothing', () => {
  const { layer, clock } = setup();
  const r = layer.receiveRequest(request('INVITE', { branch: 'z9hG4bK-ok' }), info);
  const tx = (r as { tx: InviteServerTransaction }).tx;
  tx.respond(response(tx.request, 200));
  assert.is(layer.receiveRequest(request('INVITE', { branch: 'z9hG4bK-ok' }), info).kind, 'absorbed', 'not a new request for the TU');
  assert.is(layer.receiveRequest(request('ACK', { branch: 'z9hG4bK-ok', toTag: 'b1' }), info).kind, 'ack');
  assert.is(layer.inviteServerFor(request('CANCEL', { branch: 'z9hG4bK-ok' })), undefined);
  clock.advance(64 * 500);
  assert.is(layer.receiveRequest(request('INVITE', { branch: 'z9hG4bK-ok' }), info).kind, 'new', 'after Timer L the transaction is gone');
});

test('server: RFC 2543 fallback matching without a magic cookie, ACK checked against the sent To tag', () => {
  const { layer } = setup();
  const r = layer.receiveRequest(request('INVITE', { branch: null }), info);
  assert.is(r.kind, 'new');
  assert.is(layer.receiveRequest(request('INVITE', { branch: null }), info).kind, 'absorbed');
  assert.is(layer.receiveRequest(request('INVITE', { branch: null, cseq: 2 }), info).kind, 'new');
  const tx = (r as { tx: InviteServerTransaction }).tx;
  tx.respond(response(tx.request, 404, 'tag-x'));
  assert.is(layer.receiveRequest(request('ACK', { branch: null, toTag: 'wrong' }), info).kind, 'ack');
  assert.is(layer.receiveRequest(request('ACK', { branch: null, toTag: 'tag-x' }), info).kind, 'absorbed');
  assert.is(tx.state, 'Confirmed');
  // a bare cookie is not an RFC 3261 branch either (RFC 4475 §3.2.1)
  assert.is(layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bK' }), info).kind, 'new');
});

test('CANCEL finds the INVITE server transaction it refers to', () => {
  const { layer } = setup();
  const r = layer.receiveRequest(request('INVITE', { branch: 'z9hG4bK-inv' }), info);
  const c = layer.receiveRequest(request('CANCEL', { branch: 'z9hG4bK-inv' }), info);
  assert.is(c.kind, 'new');
  assert.is(layer.inviteServerFor(request('CANCEL', { branch: 'z9hG4bK-inv' })), (r as { tx: InviteServerTransaction }).tx);
  assert.is(layer.inviteServerFor(request('CANCEL', { branch: 'z9hG4bK-nope' })), undefined);
});

test('terminated transactions are forgotten: nothing leaks', () => {
  const { layer, clock, sent } = setup();
  const inv = request('INVITE', { branch: 'z9hG4bK-a' });
  layer.sendRequest(inv, dest, { onResponse: () => undefined });
  layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bK-b' }), dest, { onResponse: () => undefined });
  const s = layer.receiveRequest(request('MESSAGE', { branch: 'z9hG4bK-c' }), info) as { tx: { respond(r: SipResponse): boolean; request: typeof inv } };
  s.tx.respond(response(s.tx.request, 200));
  layer.receiveResponse(response(inv, 500));
  clock.advance(64 * 500 + 1);
  assert.equal(layer.size, { clients: 0, servers: 0 });
  assert.is(clock.pending(), 0);
  assert.ok(sent.length > 3);
});

test('a TU callback that throws in a timer is reported, not thrown into the event loop', () => {
  const clock = new FakeClock();
  const errors: unknown[] = [];
  const logger = { error: (o: { err: unknown }) => errors.push(o.err) } as unknown as import('../../../common/log.js').Logger;
  const layer = new TransactionLayer(
    clock,
    { sendRequest: () => Promise.resolve(), sendResponse: () => Promise.resolve(), isReliable: () => false },
    (r) => createResponse(r, 100),
    {},
    logger,
  );
  layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bK-boom' }), dest, {
    onResponse: () => undefined,
    onTimeout: () => {
      throw new Error('TU bug');
    },
  });
  clock.advance(32_000);
  assert.is(errors.length, 1);
  assert.equal(layer.size, { clients: 0, servers: 0 });
});

test.run();
