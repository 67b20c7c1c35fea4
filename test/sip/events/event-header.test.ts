/** The RFC 6665 header fields and the bodies of the event packages, piece by piece. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMessage } from '../../../src/sip/parser.js';
import { SipError } from '../../../src/sip/errors.js';
import type { SipRequest } from '../../../src/sip/message.js';
import { endsSubscription, eventOf, formatEvent, formatSubscriptionState, grantedExpires } from '../../../src/sip/events/event-header.js';
import { dialogInfo } from '../../../src/channels/sip/events/dialog-info.js';
import { pidf } from '../../../src/channels/sip/events/pidf.js';
import type { LampView } from '../../../src/core/lamps.js';

const subscribe = (extra: string): SipRequest =>
  parseMessage(
    'SUBSCRIBE sip:202@pbx SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nTo: <sip:202@pbx>\r\n'
      + `From: <sip:203@pbx>;tag=1\r\nCall-ID: c1\r\nCSeq: 1 SUBSCRIBE\r\nContact: <sip:203@192.0.2.9>\r\n${extra}Content-Length: 0\r\n\r\n`,
  ) as SipRequest;
const status = (f: () => unknown): number | undefined => {
  try {
    f();
  } catch (err) {
    if (err instanceof SipError) return err.status;
    throw err;
  }
  return undefined;
};
const POLICY = { min: 60, max: 3600, default: 3600 };

test('Event: the package lower-cased and its id; absent, repeated or malformed is 400 (RFC 6665 §8.2.1)', () => {
  assert.equal(eventOf(subscribe('Event: Dialog\r\n')), { package: 'dialog' });
  assert.equal(eventOf(subscribe('Event: presence;id=7\r\n')), { package: 'presence', id: '7' });
  assert.equal(eventOf(subscribe('o: message-summary\r\n')), { package: 'message-summary' }, 'the compact form');
  assert.is(formatEvent({ package: 'presence', id: '7' }), 'presence;id=7');
  assert.is(status(() => eventOf(subscribe(''))), 400);
  assert.is(status(() => eventOf(subscribe('Event: dialog\r\nEvent: presence\r\n'))), 400);
  assert.is(status(() => eventOf(subscribe('Event: dia"log\r\n'))), 400);
  assert.is(status(() => eventOf(subscribe('Event: dialog;id=\r\n'))), 400);
});

test('Expires: the default when absent, capped at the maximum, 0 kept, too short 423 with Min-Expires, nonsense 400 (by the parser)', () => {
  assert.is(grantedExpires(subscribe(''), POLICY), 3600);
  assert.is(grantedExpires(subscribe('Expires: 600\r\n'), POLICY), 600);
  assert.is(grantedExpires(subscribe('Expires: 86400\r\n'), POLICY), 3600);
  assert.is(grantedExpires(subscribe('Expires: 0\r\n'), POLICY), 0);
  try {
    grantedExpires(subscribe('Expires: 59\r\n'), POLICY);
    assert.unreachable();
  } catch (err) {
    assert.is((err as SipError).status, 423);
    assert.equal((err as SipError).headers, [['Min-Expires', '60']]);
  }
  // The parser already answers 400 for an Expires that is not a delta-seconds (-1, 1e3): parseMessage throws.
  assert.throws(() => subscribe('Expires: -1\r\n'));
});

test('Subscription-State and the NOTIFY responses that end a subscription (RFC 5057 §5.1)', () => {
  assert.is(formatSubscriptionState({ state: 'active', expiresS: 599.6 }), 'active;expires=600');
  assert.is(formatSubscriptionState({ state: 'terminated', reason: 'timeout' }), 'terminated;reason=timeout');
  for (const s of [481, 408, 489, 501]) assert.ok(endsSubscription(s), String(s));
  for (const s of [200, 202, 500, 503, 486]) assert.not.ok(endsSubscription(s), String(s));
});

const ringing = (name: string, number: string): LampView => ({
  extension: '202', lamp: 'ringing', dnd: false,
  dialogs: [{ id: 'sip-1', callId: 'abc', localTag: 'l1', remoteTag: 'r1', direction: 'recipient', state: 'early', remote: { number, name } }],
});

test('dialog-info: a caller ID from outside is escaped in the XML and in the URI; the pickup target is the code + extension', () => {
  const xml = dialogInfo(ringing('Evil "</identity><x>" & Co', '+33<1>'), 4, 'pbx.example', '*8');
  assert.match(xml, /version="4" state="full" entity="sip:202@pbx\.example"/);
  assert.match(xml, /display="Evil &quot;&lt;\/identity&gt;&lt;x&gt;&quot; &amp; Co"/);
  assert.match(xml, /<identity display="[^"]*">sip:\+33%3C1%3E@pbx\.example<\/identity>/);
  assert.match(xml, /<target uri="sip:\*8202@pbx\.example"\/>/);
  assert.not.match(xml, /<x>/);
});

test('PIDF: open/closed and the RPID activity per lamp', () => {
  const view = (lamp: LampView['lamp'], dnd = false): LampView => ({ extension: '202', lamp, dnd, dialogs: [] });
  assert.match(pidf(view('idle'), 'pbx'), /<basic>open<\/basic>/);
  assert.not.match(pidf(view('idle'), 'pbx'), /activities/);
  assert.match(pidf(view('busy'), 'pbx'), /<rpid:on-the-phone\/>/);
  assert.match(pidf(view('dnd', true), 'pbx'), /<basic>open<\/basic>.*<rpid:busy\/>/s);
  assert.match(pidf(view('unreachable'), 'pbx'), /<basic>closed<\/basic>/);
});

test.run();
