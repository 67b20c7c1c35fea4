/**
 * The carrying site's door for a peer's breakout (network/breakout-calls.ts `admit`): 403 with
 * a log line and an event unless the policy names the peer and the number; admitted, the
 * number as this site's line dials it, the caller ID the policy chose (this site's own, or the
 * caller's public number from P-Asserted-Identity), Privacy honoured, the record naming the caller and their site.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../common/log.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Config } from '../../src/config/schema.js';
import { EventBus, type ExchangeEvent } from '../../src/core/events.js';
import { CallRecord } from '../../src/core/call-record.js';
import { BreakoutCalls } from '../../src/network/breakout-calls.js';
import type { MemberRecord } from '../../src/network/membership.js';
import { SipError } from '../../src/sip/errors.js';
import { parseMessage, type SipRequest } from '../../src/sip/index.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { example } from '../config/example.js';

const invite = (number: string, extra = ''): SipRequest =>
  parseMessage(Buffer.from(`INVITE sips:${number}@127.0.0.1:5061 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5062;branch=z9hG4bK1\r\nFrom: "Anne Martin" <sips:101@10.0.0.1>;tag=a\r\nTo: <sips:${number}@127.0.0.1:5061>\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n${extra}Content-Length: 0\r\n\r\n`)) as SipRequest;
const paris = { site: 'paris' } as MemberRecord;

function carrier(carry: object | undefined): { b: BreakoutCalls; events: ExchangeEvent[] } {
  const c = example();
  Object.assign(c.site, { country: 'gb', id: 'london' });
  if (carry) c.outside_call_policy = { breakout: { carry } };
  const config: Config = validateConfig(c);
  const bus = new EventBus(() => 0, silentLogger());
  const events: ExchangeEvent[] = [];
  bus.subscribe((e) => events.push(e));
  return { b: new BreakoutCalls({ net: undefined as never, calls: undefined as never, log: silentLogger(), events: bus, config: () => config }), events };
}

function refusal(f: () => unknown): number | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof SipError) return err.status;
    throw err;
  }
  return undefined;
}

test('off by default, another peer, another number: 403, published with the reason', () => {
  const off = carrier(undefined);
  assert.is(refusal(() => off.b.admit(invite('+442079460000'), paris)), 403);
  assert.equal(off.events.map((e) => [e.type, (e.data as { result: string }).result]), [['network.carried', 'refused']]);
  const lyonOnly = carrier({ peers: ['lyon'], numbers: ['+44'] });
  assert.is(refusal(() => lyonOnly.b.admit(invite('+442079460000'), paris)), 403);
  assert.match((lyonOnly.events[0]!.data as { reason: string }).reason, /not in outside_call_policy\.breakout\.carry\.peers/);
  assert.is(refusal(() => carrier({ peers: ['paris'], numbers: ['+44'] }).b.admit(invite('+33140000101'), paris)), 403);
});

test('own caller ID (the default): the line shows this site\'s number; the record shows the caller and their site', () => {
  const { b } = carrier({ peers: ['paris'], numbers: ['+44'] });
  const a = b.admit(invite('+442079460000', 'P-Asserted-Identity: <tel:+33140000101>\r\n'), paris);
  assert.equal(a.dest, { kind: 'carried', site: 'paris', number: '02079460000', e164: '+442079460000', international: false, withheld: false });
  assert.equal([a.caller, a.owner], [{ number: 'anonymous' }, 'breakout:paris']);
  const record = new CallRecord(new FakeChannel('inbound', 'breakout:paris'), 0);
  a.accepted(record);
  assert.equal(record.from, { number: '+33140000101', name: 'Anne Martin (paris)' });
});

test('caller ID of the caller: their public number from P-Asserted-Identity; Privacy: id withholds it', () => {
  const { b } = carrier({ peers: ['paris'], numbers: ['+44'], caller_id: 'caller' });
  const a = b.admit(invite('+442079460000', 'P-Asserted-Identity: <tel:+33140000101>\r\n'), paris);
  assert.equal(a.caller, { number: '+33140000101', name: 'Anne Martin' });
  const hidden = b.admit(invite('+442079460000', 'P-Asserted-Identity: <tel:+33140000101>\r\nPrivacy: id\r\n'), paris);
  assert.is((hidden.dest as { withheld: boolean }).withheld, true);
  const none = b.admit(invite('+442079460000'), paris);
  assert.equal(none.caller, { number: 'anonymous' }, 'no asserted number: this site\'s own');
});

test.run();
