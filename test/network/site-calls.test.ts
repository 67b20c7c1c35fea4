/**
 * What another site's call may reach here and how its caller is shown (network/site-calls.ts):
 * our internal numbers only — never the public network, a DID or a third site's range — and
 * the caller's short number (digits only) with a display name stripped of control characters.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { siteCallDestination, siteCallerOf } from '../../src/network/site-calls.js';
import { validateConfig } from '../../src/config/validate.js';
import { parseMessage, type SipRequest } from '../../src/sip/index.js';
import { example } from '../config/example.js';

const config = validateConfig(example());
const ext = config.employees[0]!.extension;

const invite = (from: string): SipRequest =>
  parseMessage(Buffer.from(`INVITE sips:${ext}@127.0.0.1:5061 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5062;branch=z9hG4bK1\r\nFrom: ${from};tag=a\r\nTo: <sips:${ext}@127.0.0.1:5061>\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`)) as SipRequest;

test('an employee is reachable; outside numbers, emergency numbers and the unknown are not', () => {
  assert.is(siteCallDestination(config, ext)?.kind, 'employee');
  assert.is(siteCallDestination(config, '00612345678'), undefined, 'no toll bypass');
  assert.is(siteCallDestination(config, '112'), undefined);
  assert.is(siteCallDestination(config, '+33140000201'), undefined);
  assert.is(siteCallDestination(config, '987654'), undefined);
  assert.is(siteCallDestination(null, ext), undefined);
});

test('the caller: short number and clean name; anything else is anonymous', () => {
  assert.equal(siteCallerOf(invite('"Anne Martin" <sips:101@10.0.0.1>'), 'paris'), { number: '101', name: 'Anne Martin' });
  assert.equal(siteCallerOf(invite('<sips:101@10.0.0.1>'), 'paris'), { number: '101', name: 'paris' });
  assert.equal(siteCallerOf(invite('"Evil\\u0007" <sips:0612345678;x@10.0.0.1>'), 'paris').number, 'anonymous');
  assert.equal(siteCallerOf(invite('"Bob" <sips:abc@10.0.0.1>'), 'paris'), { number: 'anonymous' });
});

test.run();
