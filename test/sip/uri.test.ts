import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUri, uriEquals, unescapeUri } from '../../src/sip/uri.js';
import { parseNameAddr, parseVia } from '../../src/sip/header-values.js';
import { SipParseError } from '../../src/sip/errors.js';

test('sip URI with user, password, host, port, params and headers round-trips', () => {
  const text = 'sip:alice:secret@Example.COM:5070;transport=tcp;lr?Subject=hi&Priority=urgent';
  const u = parseUri(text);
  assert.is(u.scheme, 'sip');
  assert.is(u.user, 'alice');
  assert.is(u.password, 'secret');
  assert.is(u.host, 'example.com');
  assert.is(u.port, 5070);
  assert.is(u.transport, 'tcp');
  assert.is(u.params.get('lr'), null);
  assert.is(u.headers.get('Priority'), 'urgent');
  assert.is(u.toString(), 'sip:alice:secret@example.com:5070;transport=tcp;lr?Subject=hi&Priority=urgent');
});

test('IPv6 references keep their brackets; sips defaults to tls; tel keeps its number', () => {
  const u = parseUri('sips:[::1]:5061');
  assert.is(u.host, '[::1]');
  assert.is(u.port, 5061);
  assert.is(u.transport, 'tls');
  const t = parseUri('tel:+33123456789;phone-context=example.com');
  assert.is(t.user, '+33123456789');
  assert.is(t.params.get('phone-context'), 'example.com');
  assert.is(t.toString(), 'tel:+33123456789;phone-context=example.com');
});

test('malformed URIs raise SipParseError', () => {
  for (const bad of ['sip:', 'sip:@host', 'sip:host:99999', 'sip:[::1', 'sip:a b@c', 'nocolon', 'sip:host:abc']) {
    assert.throws(() => parseUri(bad), (e: unknown) => e instanceof SipParseError, bad);
  }
});

test('§19.1.4 comparison: escapes, host case, must-match parameters', () => {
  assert.ok(uriEquals(parseUri('sip:%61lice@atlanta.com;transport=TCP'), parseUri('sip:alice@AtLanTa.CoM;Transport=tcp')));
  assert.not.ok(uriEquals(parseUri('sip:alice@atlanta.com'), parseUri('sip:ALICE@atlanta.com')));
  assert.not.ok(uriEquals(parseUri('sip:bob@biloxi.com'), parseUri('sip:bob@biloxi.com;transport=udp')));
  assert.ok(uriEquals(parseUri('sip:carol@chicago.com;security=on'), parseUri('sip:carol@chicago.com')));
  assert.not.ok(uriEquals(parseUri('sip:bob@biloxi.com'), parseUri('sip:bob@biloxi.com:5060')));
  assert.is(unescapeUri('a%20b%00c'), 'a b\u0000c');
});

test('name-addr and addr-spec: params after an addr-spec belong to the header', () => {
  const a = parseNameAddr('sip:bob@biloxi.com;tag=abc');
  assert.is(a.tag, 'abc');
  assert.is(a.uri.params.size, 0);
  const b = parseNameAddr('"Bob \\"B\\"" <sip:bob@biloxi.com;lr>;tag=x');
  assert.is(b.displayName, 'Bob "B"');
  assert.is(b.uri.params.has('lr'), true);
  assert.is(b.toString(), '"Bob \\"B\\"" <sip:bob@biloxi.com;lr>;tag=x');
  assert.throws(() => parseNameAddr('sip:bob@biloxi.com?x=y'), (e: unknown) => e instanceof SipParseError);
});

test('Via: rport without value, received, IPv6 sent-by with port', () => {
  const v = parseVia('SIP/2.0/UDP [2001:db8::1]:5070;rport;branch=z9hG4bKx;received=192.0.2.1');
  assert.is(v.host, '[2001:db8::1]');
  assert.is(v.port, 5070);
  assert.is(v.rport, null);
  assert.is(v.received, '192.0.2.1');
  assert.is(v.branch, 'z9hG4bKx');
  assert.is(v.toString(), 'SIP/2.0/UDP [2001:db8::1]:5070;rport;branch=z9hG4bKx;received=192.0.2.1');
  assert.is(parseVia('SIP/2.0/TCP h:1;rport=4').rport, 4);
});

test.run();
