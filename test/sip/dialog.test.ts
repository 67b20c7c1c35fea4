import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dialog, dialogIdOfRequest, dialogIdOfResponse, dialogKey } from '../../src/sip/dialog.js';
import { parseMessage } from '../../src/sip/parser.js';
import { createResponse } from '../../src/sip/builders.js';
import { SipError } from '../../src/sip/errors.js';
import { NameAddr } from '../../src/sip/header-values.js';
import { parseUri } from '../../src/sip/uri.js';
import { InvalidStateError } from '../../common/errors.js';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';

const invite = (extra = ''): SipRequest =>
  parseMessage(
    'INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n' +
      'Max-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.example.com>\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
      `Call-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContact: <sip:alice@pc33.atlanta.example.com>\r\n${extra}Content-Length: 0\r\n\r\n`,
  ) as SipRequest;

function answer(req: SipRequest, status: number, rr: string[] = [], contact = '<sip:bob@192.0.2.4>'): SipResponse {
  const res = createResponse(req, status, undefined, 'a6c85cf');
  for (const r of rr) res.headers.append('Record-Route', r);
  res.headers.append('Contact', contact);
  return res;
}

const RR = ['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>'];

test('UAC: a 180 with a tag makes an early dialog, the 200 confirms it; route set is Record-Route reversed', () => {
  const req = invite();
  const d = Dialog.asUac(req, answer(req, 180, RR));
  assert.is(d.state, 'Early');
  assert.equal(d.id, { callId: 'a84b4c76e66710', localTag: '1928301774', remoteTag: 'a6c85cf' });
  d.receiveResponse(answer(req, 200, RR, '<sip:bob@192.0.2.5>'));
  assert.is(d.state, 'Confirmed');
  assert.equal(d.routeSet.map((r) => r.uri.host), ['p1.example.com', 'p2.example.com']);
  assert.is(d.remoteTarget.toString(), 'sip:bob@192.0.2.5');
  assert.is(d.key, dialogKey(dialogIdOfResponse(answer(req, 200))!));
});

test('UAC: in-dialog BYE takes the next CSeq, targets the Contact, carries the route set; ACK keeps the INVITE CSeq', () => {
  const req = invite();
  const d = Dialog.asUac(req, answer(req, 200, RR));
  const ack = d.createAck(314159);
  assert.equal(ack.cseq, { seq: 314159, method: 'ACK' });
  const bye = d.createRequest('BYE');
  assert.equal(bye.cseq, { seq: 314160, method: 'BYE' });
  assert.is(bye.uri.toString(), 'sip:bob@192.0.2.4');
  assert.equal(bye.headers.getAll('Route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  assert.is(bye.from.tag, '1928301774');
  assert.is(bye.to.tag, 'a6c85cf');
  assert.is(bye.headers.has('Contact'), false);
  const reinvite = d.createRequest('INVITE', { body: 'v=0\r\n', contentType: 'application/sdp' });
  assert.is(reinvite.cseq.seq, 314161);
  assert.is(reinvite.headers.get('Contact'), '<sip:alice@pc33.atlanta.example.com>');
  assert.is(reinvite.contentType, 'application/sdp');
});

test('strict routing: the first route becomes the Request-URI, the remote target the last Route', () => {
  const req = invite();
  const d = Dialog.asUac(req, answer(req, 200, ['<sip:strict.example.com>']));
  const bye = d.createRequest('BYE');
  assert.is(bye.uri.toString(), 'sip:strict.example.com');
  assert.equal(bye.headers.getAll('Route'), ['<sip:bob@192.0.2.4>']);
});

test('no route set: no Route header, Request-URI = remote target', () => {
  const req = invite();
  const bye = Dialog.asUac(req, answer(req, 200)).createRequest('BYE');
  assert.is(bye.headers.has('Route'), false);
  assert.is(bye.uri.host, '192.0.2.4');
});

test('UAS: route set in Record-Route order, remote target from the request Contact, CSeq ordering enforced', () => {
  const req = invite('Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n');
  const res = answer(req, 200);
  const d = Dialog.asUas(req, res, new NameAddr(parseUri('sip:bob@192.0.2.4')));
  assert.is(d.state, 'Confirmed');
  assert.equal(d.routeSet.map((r) => r.uri.host), ['p1.example.com', 'p2.example.com']);
  assert.is(d.remoteTarget.toString(), 'sip:alice@pc33.atlanta.example.com');
  assert.is(d.id.localTag, 'a6c85cf');
  assert.is(d.id.remoteTag, '1928301774');
  // a request from the UAC matches this dialog
  const bye = Dialog.asUac(req, res).createRequest('BYE');
  assert.is(dialogKey(dialogIdOfRequest(bye)!), d.key);
  // re-INVITE with a new Contact refreshes the target; an old CSeq is refused with 500
  const re = invite();
  re.headers.set('CSeq', '314160 INVITE');
  re.headers.set('Contact', '<sip:alice@192.0.2.99>');
  d.receiveRequest(re);
  assert.is(d.remoteTarget.host, '192.0.2.99');
  assert.throws(() => d.receiveRequest(re), (e: unknown) => e instanceof SipError && e.status === 500);
  const ourBye = d.createRequest('BYE');
  assert.is(ourBye.uri.host, '192.0.2.99');
  assert.is(ourBye.to.tag, '1928301774');
  assert.is(ourBye.from.tag, 'a6c85cf');
});

test('BYE terminates; an early dialog dies with a failure; no move back from Terminated', () => {
  const req = invite();
  const d = Dialog.asUac(req, answer(req, 183));
  d.receiveResponse(answer(req, 486));
  assert.is(d.state, 'Terminated');
  const u = Dialog.asUas(req, answer(req, 200));
  const bye = invite();
  bye.method = 'BYE';
  bye.headers.set('CSeq', '314160 BYE');
  u.receiveRequest(bye);
  assert.is(u.state, 'Terminated');
  const sm = (u as unknown as { sm: { transition(s: string): void } }).sm;
  assert.throws(() => sm.transition('Confirmed'), (e: unknown) => e instanceof InvalidStateError);
});

test('responses without a To tag or outside 101-299 make no dialog', () => {
  const req = invite();
  const noTag = createResponse(req, 180);
  assert.throws(() => Dialog.asUac(req, noTag));
  assert.throws(() => Dialog.asUac(req, answer(req, 404)));
});

test.run();
