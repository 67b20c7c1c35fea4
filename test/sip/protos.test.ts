/**
 * PROTOS c07-sip robustness subset: every malformed INVITE either parses or fails with the
 * typed SipMessageParseError, quickly; the valid baseline parses.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { parseMessage, SipMessageParseError } from '../../src/sip/parser.js';
import { StreamFramer } from '../../src/sip/framer.js';
import { SipRequest } from '../../src/sip/message.js';

const dir = new URL('../fixtures/sip/protos/', import.meta.url);
const cases = readdirSync(dir).filter((f) => /^\d{7}$/.test(f)).sort();

/** Extract the INVITE template ("<N> " + N bytes) and fill its placeholders. */
function invite(file: string): Buffer {
  const raw = readFileSync(new URL(file, dir));
  const sp = raw.indexOf(0x20);
  const n = Number(raw.toString('latin1', 0, sp));
  let t = raw.toString('latin1', sp + 1, sp + 1 + n);
  const fill: Record<string, string> = {
    '<To>': 'alice@127.0.0.1', '<From>': 'protos@127.0.0.1', '<From-Address>': '127.0.0.1', '<From-IP>': '127.0.0.1',
    '<Local-Port>': '5061', '<Branch-ID>': file, '<Call-ID>': `protos-${file}`, '<CSeq>': '1',
  };
  for (const [k, v] of Object.entries(fill)) t = t.split(k).join(v);
  const sep = t.indexOf('\r\n\r\n');
  const bodyLen = sep < 0 ? 0 : Buffer.byteLength(t.slice(sep + 4), 'latin1');
  t = t.split('<Content-Length>').join(String(bodyLen));
  return Buffer.from(t, 'latin1');
}

test('the subset holds the valid baseline and dozens of mutations', () => {
  assert.ok(cases.includes('0000000'));
  assert.ok(cases.length >= 40);
});

test('baseline case 0 parses as an INVITE', () => {
  const m = parseMessage(invite('0000000'), { datagram: true });
  assert.ok(m instanceof SipRequest);
  assert.is((m as SipRequest).method, 'INVITE');
});

test('every case parses or fails with SipMessageParseError, over datagrams and streams', () => {
  let rejected = 0;
  for (const file of cases) {
    const bytes = invite(file);
    try {
      parseMessage(bytes, { datagram: true });
    } catch (err) {
      if (!(err instanceof SipMessageParseError)) assert.unreachable(`${file}: ${String(err)}`);
      rejected++;
    }
    const framer = new StreamFramer(() => undefined, 256 * 1024, 1024 * 1024);
    try {
      for (let i = 0; i < bytes.length; i += 1000) framer.push(bytes.subarray(i, i + 1000));
    } catch (err) {
      assert.instance(err, Error);
      assert.is((err as Error).name, 'ParseError', `${file}: ${String(err)}`);
    }
  }
  assert.ok(rejected > 10, `malformed cases are rejected (${rejected})`);
});

test.run();
