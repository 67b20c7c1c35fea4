/** Values from outside the SIP stack cannot break a header (RFC 3261 §25.1 quoted-string and user). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeUserPart, quotedDisplayName } from '../../src/sip/sanitise.js';
import { partyAddress } from '../../src/sip/builders.js';
import { parseNameAddr } from '../../src/sip/header-values.js';
import { parseMessage } from '../../src/sip/parser.js';

test('display names: CR, LF, NUL and other controls cannot survive; quotes and backslashes are escaped', () => {
  assert.is(quotedDisplayName('Ivan Petrov'), '"Ivan Petrov"');
  assert.is(quotedDisplayName('Evil\r\nX-Injected: yes'), '"Evil X-Injected: yes"');
  assert.is(quotedDisplayName('a\u0000b\u0007c\u007fd\u0085e\tf'), '"a b c d e f"');
  assert.is(quotedDisplayName('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"');
  assert.is(quotedDisplayName('Ёлка Café'), '"Ёлка Café"');
  assert.is(quotedDisplayName('\r\n\u0000'), undefined);
  assert.is(quotedDisplayName('x'.repeat(500))!.length, 82);
});

test('user parts: controls dropped, everything outside the user grammar %-escaped', () => {
  assert.is(escapeUserPart('+4930123456'), '+4930123456');
  assert.is(escapeUserPart('*21#'), '*21%23');
  assert.is(escapeUserPart('123>\r\nRoute: <sip:evil@x'), '123%3ERoute%3A%20%3Csip%3Aevil%40x');
  assert.is(escapeUserPart('%00'), '%2500');
  assert.is(escapeUserPart('Й'), '%D0%99');
});

test('a party address built from hostile caller ID serialises as one well-formed header that parses back', () => {
  const a = partyAddress('06\r\n12>@x', 'Evil"\r\nX-Injected: yes\\', 'pbx.example', 5060);
  a.tag = 'abc';
  const text = a.toString();
  assert.not.match(text, /[\r\n\0]/);
  const back = parseNameAddr(text);
  assert.is(back.displayName, 'Evil" X-Injected: yes\\');
  assert.is(back.uri.user, '0612%3E%40x');
  assert.is(back.uri.host, 'pbx.example');
  assert.is(back.tag, 'abc');
  const msg = parseMessage(Buffer.from(`INVITE sip:201@pbx.example SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: ${text}\r\nTo: <sip:201@pbx.example>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`));
  assert.not.ok(msg.headers.has('X-Injected'));
  assert.is(partyAddress('\r\n', undefined, 'h').uri.user, 'anonymous');
});

test.run();
