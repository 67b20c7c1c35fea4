import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamFramer } from '../../src/sip/framer.js';
import { SipParseError } from '../../src/sip/errors.js';

const msg = (body: string, extra = ''): string =>
  `OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

function frame(chunks: Array<string | Buffer>): string[] {
  const out: string[] = [];
  const f = new StreamFramer((m) => out.push(m.toString()));
  for (const c of chunks) f.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return out;
}

test('two messages in one chunk are split by Content-Length', () => {
  const a = msg('hello');
  const b = msg('');
  assert.equal(frame([a + b]), [a, b]);
});

test('a message split byte by byte is reassembled', () => {
  const a = msg('v=0\r\ns=-\r\n');
  assert.equal(frame(a.split('')), [a]);
});

test('CRLF keep-alives between messages are skipped', () => {
  const a = msg('x');
  assert.equal(frame(['\r\n\r\n', a, '\r\n', a]), [a, a]);
});

test('compact l: header frames the body; body with blank lines is not cut', () => {
  const body = 'line1\r\n\r\nline3';
  const a = `INFO sip:x@y SIP/2.0\r\nl: ${body.length}\r\n\r\n${body}`;
  assert.equal(frame([a.slice(0, 10), a.slice(10)]), [a]);
});

test('an incomplete body waits for more data', () => {
  const a = msg('0123456789');
  const out: string[] = [];
  const f = new StreamFramer((m) => out.push(m.toString()));
  f.push(Buffer.from(a.slice(0, -3)));
  assert.is(out.length, 0);
  assert.ok(f.buffered > 0);
  f.push(Buffer.from(a.slice(-3)));
  assert.equal(out, [a]);
});

test('negative, non-numeric or duplicated Content-Length is a framing error', () => {
  const bad = [
    'INVITE sip:a@b SIP/2.0\r\nContent-Length: -999\r\n\r\n',
    'INVITE sip:a@b SIP/2.0\r\nContent-Length: abc\r\n\r\n',
    'INVITE sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab',
  ];
  for (const b of bad) assert.throws(() => frame([b]), (e: unknown) => e instanceof SipParseError);
});

test('an endless header section is refused instead of buffered forever', () => {
  const f = new StreamFramer(() => undefined, 1024);
  assert.throws(() => f.push(Buffer.alloc(2048, 0x41)), (e: unknown) => e instanceof SipParseError);
});

test.run();
