/** The RFC 4475 §3.3 semantic rejections, answered by checkUasRequest with the RFC's status. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseMessage } from '../../src/sip/parser.js';
import { checkUasRequest } from '../../src/sip/uas-checks.js';
import { SipError } from '../../src/sip/errors.js';
import type { SipRequest } from '../../src/sip/message.js';

const load = (name: string): SipRequest =>
  parseMessage(readFileSync(new URL(`../fixtures/sip/rfc4475/${name}`, import.meta.url)), { datagram: true }) as SipRequest;
const policy = { allow: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER'] };

function status(name: string): [number, SipError] | undefined {
  try {
    checkUasRequest(load(name), policy);
    return undefined;
  } catch (err) {
    assert.instance(err, SipError);
    return [(err as SipError).status, err as SipError];
  }
}

test('unkscm / novelsc: 416 Unsupported URI Scheme', () => {
  assert.is(status('unkscm.dat')![0], 416);
  assert.is(status('novelsc.dat')![0], 416);
});

test('bext01: 420 listing the unknown option tags in Unsupported', () => {
  const [s, e] = status('bext01.dat')!;
  assert.is(s, 420);
  assert.equal(e.headers, [['Unsupported', 'nothingSupportsThis, nothingSupportsThisEither']]);
});

test('invut: 415 with Accept', () => {
  const [s, e] = status('invut.dat')!;
  assert.is(s, 415);
  assert.equal(e.headers, [['Accept', 'application/sdp']]);
});

test('sdp01: 406 when the caller accepts no body we can answer with', () => {
  assert.is(status('sdp01.dat')![0], 406);
});

test('esc02: RE%47IST%45R is an unknown method → 501, never a REGISTER', () => {
  assert.is(status('esc02.dat')![0], 501);
});

test('valid requests pass (wsinv, zeromf, cparam01)', () => {
  for (const f of ['wsinv.dat', 'zeromf.dat', 'cparam01.dat']) assert.is(status(f), undefined, f);
});

test('inv2543: parses (RFC 4475 §3.4.1), but an INVITE without Contact cannot make a dialog → 400 (RFC 3261 §8.1.1.8)', () => {
  const [s, e] = status('inv2543.dat')!;
  assert.is(s, 400);
  assert.match(e.reason, /Contact/);
});

test('an INVITE whose Contact is * or two URIs → 400', () => {
  for (const contact of [['*'], ['<sip:a@example.com>', '<sip:b@example.com>'], ['<tel:+1234>']]) {
    const req = load('wsinv.dat');
    req.headers.remove('Contact');
    for (const c of contact) req.headers.append('Contact', c);
    assert.is(status2(req), 400, contact.join(', '));
  }
});

function status2(req: SipRequest): number | undefined {
  try {
    checkUasRequest(req, policy);
    return undefined;
  } catch (err) {
    return (err as SipError).status;
  }
}

test('a known method the TU does not do is 405 with Allow', () => {
  const req = load('zeromf.dat');
  try {
    checkUasRequest(req, { allow: ['INVITE'] });
    assert.unreachable();
  } catch (err) {
    assert.is((err as SipError).status, 405);
    assert.equal((err as SipError).headers, [['Allow', 'INVITE']]);
  }
});

test.run();
