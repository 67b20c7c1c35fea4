/** RFC 5118 IPv6 torture messages (bare-LF archive bytes; see the fixture's SOURCE.txt). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseMessage, SipMessageParseError } from '../../src/sip/parser.js';
import { SipRequest } from '../../src/sip/message.js';

const dir = new URL('../fixtures/sip/rfc5118/', import.meta.url);
const load = (name: string): Buffer => readFileSync(new URL(name, dir));

/** The archive declares a Content-Length larger than the body in three files: correct it. */
function withTrueLength(raw: Buffer): Buffer {
  const text = raw.toString('utf8');
  const sep = text.indexOf('\n\n');
  const body = Buffer.byteLength(text.slice(sep + 2));
  return Buffer.from(text.replace(/Content-Length: *\d+/i, `Content-Length: ${body}`));
}
const req = (name: string, fix = false): SipRequest => {
  const m = parseMessage(fix ? withTrueLength(load(name)) : load(name), { datagram: true });
  assert.ok(m instanceof SipRequest);
  return m as SipRequest;
};

test('4.1 valid IPv6 references in Request-URI, Via and Contact', () => {
  const m = req('ipv6-good');
  assert.is(m.uri.host, '[2001:db8::10]');
  assert.is(m.topVia.host, '[2001:db8::9:1]');
});

test('4.2 an IPv6 address without [] in the Request-URI is rejected with 400', () => {
  try {
    req('ipv6-bad');
    assert.unreachable('accepted');
  } catch (err) {
    assert.instance(err, SipMessageParseError);
    assert.is((err as SipMessageParseError).status, 400);
  }
});

test('4.3/4.4 port ambiguity: [2001:db8::10:5070] has no port, [2001:db8::10]:5070 has one', () => {
  const a = req('port-ambiguous');
  assert.is(a.uri.host, '[2001:db8::10:5070]');
  assert.is(a.uri.port, undefined);
  const b = req('port-unambiguous');
  assert.is(b.uri.host, '[2001:db8::10]');
  assert.is(b.uri.port, 5070);
});

test('4.5 Via received with and without IPv6 delimiters', () => {
  assert.is(req('via-received-param-with-delim').topVia.received, '[2001:db8::9:255]');
  assert.is(req('via-received-param-no-delim').topVia.received, '2001:db8::9:255');
});

test('4.6/4.8/4.9 IPv6 in SDP and IPv4-mapped addresses (archive Content-Length corrected)', () => {
  for (const name of ['ipv6-in-sdp', 'mult-ip-in-sdp', 'ipv4-mapped-ipv6']) {
    const m = req(name, true);
    assert.ok(m.body.toString().includes('IN IP6'), name);
  }
  // As shipped (bare LF), ipv6-in-sdp declares more octets than the datagram holds: a UDP
  // receiver answers 400 (RFC 3261 §18.3).
  assert.throws(() => parseMessage(load('ipv6-in-sdp'), { datagram: true }), (e: unknown) => e instanceof SipMessageParseError);
  assert.ok(req('ipv4-mapped-ipv6', true).vias.some((v) => v.host.includes('::ffff:192.0.2')));
});

test('4.7 mixed IPv4/IPv6 Vias', () => {
  const hosts = req('mult-ip-in-header').vias.map((v) => v.host);
  assert.ok(hosts.some((h) => h.startsWith('[')));
  assert.ok(hosts.some((h) => /^\d+\.\d+\.\d+\.\d+$/.test(h)));
});

test('4.10 both the 3-colon (ABNF bug) and 2-colon forms are tolerated, even without a final blank line', () => {
  assert.ok(req('ipv6-bug-abnf-3-colons').uri.host.startsWith('['));
  assert.ok(req('ipv6-correct-abnf-2-colons').uri.host.startsWith('['));
});

test.run();
