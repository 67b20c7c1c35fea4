import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Headers, canonicalName } from '../../src/sip/headers.js';
import { parseMessage } from '../../src/sip/parser.js';
import { serializeToString } from '../../src/sip/serializer.js';
import { createResponse, buildCancel } from '../../src/sip/builders.js';
import { SipRequest } from '../../src/sip/message.js';

const REGISTER =
  'REGISTER sip:pbx.example SIP/2.0\r\nv: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKr1;rport\r\nv: SIP/2.0/UDP 192.0.2.9\r\n' +
  'f: <sip:201@pbx.example>;tag=x\r\nt: <sip:201@pbx.example>\r\ni: reg-1\r\nCSeq: 7 REGISTER\r\n' +
  'm: <sip:201@192.0.2.1>;expires=60, <sip:201@192.0.2.2>\r\nExpires: 3600\r\nTimestamp: 54\r\nl: 0\r\n\r\n';

test('compact names resolve to canonical ones; lookups ignore case', () => {
  assert.is(canonicalName('v'), 'Via');
  assert.is(canonicalName('CSEQ'), 'CSeq');
  assert.is(canonicalName('X-Custom'), 'X-Custom');
  const m = parseMessage(REGISTER) as SipRequest;
  assert.is(m.headers.get('call-id'), 'reg-1');
  assert.is(m.headers.get('I'), 'reg-1');
  assert.is(m.callId, 'reg-1');
  assert.is(m.vias.length, 2);
  assert.is(m.topVia.branch, 'z9hG4bKr1');
});

test('Contact list, per-contact expires falling back to Expires, and the * form', () => {
  const m = parseMessage(REGISTER) as SipRequest;
  const c = m.contacts;
  assert.ok(c !== '*');
  const list = c as Exclude<typeof c, '*'>;
  assert.is(list.length, 2);
  assert.is(m.expiresOf(list[0]!), 60);
  assert.is(m.expiresOf(list[1]!), 3600);
  const star = parseMessage(REGISTER.replace(/m: [^\r]*/, 'Contact: *').replace('Expires: 3600', 'Expires: 0')) as SipRequest;
  assert.is(star.contacts, '*');
});

test('Headers keep order; prepend/shift handle the top Via; set replaces in place', () => {
  const h = new Headers();
  h.append('Via', 'a').append('To', 't').append('v', 'b, c');
  h.prepend('Via', 'top');
  assert.equal(h.getAll('Via'), ['top', 'a', 'b', 'c']);
  assert.is(h.first('Via'), 'top');
  assert.is(h.shift('Via'), 'top');
  assert.is(h.shift('Via'), 'a');
  assert.is(h.shift('Via'), 'b');
  assert.equal(h.getAll('Via'), ['c']);
  h.set('to', 'T2');
  assert.equal([...h].map(([n]) => n), ['To', 'Via']);
  assert.is(h.count('Via'), 1);
  h.remove('VIA');
  assert.not.ok(h.has('via'));
});

test('serializer writes canonical names, recomputes Content-Length, keeps a binary body', () => {
  const m = parseMessage(REGISTER) as SipRequest;
  m.setBody(Buffer.from([0, 1, 2, 13, 10]), 'application/octet-stream');
  const text = serializeToString(m);
  assert.ok(text.startsWith('REGISTER sip:pbx.example SIP/2.0\r\nVia: '));
  assert.ok(text.includes('\r\nContent-Length: 5\r\n\r\n'));
  assert.is((text.match(/Content-Length/g) ?? []).length, 1);
  const again = parseMessage(Buffer.from(text)) as SipRequest;
  assert.equal([...again.body], [0, 1, 2, 13, 10]);
});

test('createResponse copies Via/From/Call-ID/CSeq, adds the To tag, echoes Timestamp on 100', () => {
  const m = parseMessage(REGISTER) as SipRequest;
  const r = createResponse(m, 200, undefined, 'srv');
  assert.is(r.reason, 'OK');
  assert.equal(r.headers.getAll('Via'), m.headers.getAll('Via'));
  assert.is(r.to.tag, 'srv');
  assert.is(r.headers.get('Timestamp'), undefined);
  const t = createResponse(m, 100);
  assert.is(t.to.tag, undefined);
  assert.is(t.headers.get('Timestamp'), '54');
});

test('buildCancel reuses the INVITE top Via, Request-URI, From, To, Call-ID and CSeq number', () => {
  const inv = parseMessage(REGISTER.replace(/REGISTER/g, 'INVITE')) as SipRequest;
  const c = buildCancel(inv);
  assert.is(c.method, 'CANCEL');
  assert.is(c.topVia.branch, 'z9hG4bKr1');
  assert.is(c.vias.length, 1);
  assert.equal(c.cseq, { seq: 7, method: 'CANCEL' });
  assert.is(c.uri.toString(), inv.uri.toString());
  assert.is(c.headers.get('To'), inv.headers.get('To'));
});

test.run();
