/**
 * A city line cannot inject SIP headers through its caller ID: city line 1 of the emulated
 * card rings with a caller name carrying CR/LF (the FSK name field holds any byte), the
 * exchange offers the call to 201's SIP phone, and the INVITE that phone receives — read
 * as raw bytes off its UDP socket — has no injected header and a clean quoted name
 * (RFC 3261 §25.1). The phone is a bare UDP socket: nothing between the wire and the
 * assertion parses or repairs the message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { authorize, parseMessage, pickChallenge, type SipResponse } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';

let ex: Exchange;
let admin: ApiClient;
let sock: Socket;
const received: string[] = [];

const send = (text: string): Promise<void> => new Promise((resolve, reject) => sock.send(text, ex.sip.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
const local = (): number => sock.address().port;

function register(cseq: number, authorization?: string): string {
  return [
    `REGISTER sip:127.0.0.1:${ex.sip.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local()};branch=z9hG4bKreg${cseq};rport`,
    'Max-Forwards: 70',
    'From: <sip:201@127.0.0.1>;tag=reg201',
    'To: <sip:201@127.0.0.1>',
    'Call-ID: register-201@127.0.0.1',
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:201@127.0.0.1:${local()}>`,
    'Expires: 300',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function response(cseq: number): Promise<SipResponse> {
  const text = await waitFor(() => received.find((m) => m.startsWith('SIP/2.0') && m.includes(`CSeq: ${cseq} REGISTER`)), 3000, `response to REGISTER ${cseq}`);
  return parseMessage(text) as SipResponse;
}

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  sock = createSocket('udp4');
  sock.on('message', (m) => received.push(m.toString('latin1')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  // 201's phone registers (RFC 3261 §22: 401, then the request again with credentials).
  await send(register(1));
  const challenge = pickChallenge((await response(1)).headers.lines('WWW-Authenticate'))!;
  await send(register(2, authorize(challenge, { method: 'REGISTER', uri: `sip:127.0.0.1:${ex.sip.port}`, username: '201', password: 's3cret-201' })));
  assert.is((await response(2)).status, 200);
});
test.after(async () => {
  sock?.close();
  await ex?.close();
});

test('a caller name with CR/LF from a city line adds no header to the INVITE a SIP phone receives; the name arrives quoted and clean', async () => {
  const r = await admin.post('/api/sim/fxo/1/ring', { caller_id: '0612345678', name: 'Evil\r\nX-Injected: yes\r\n\r\nv=0' });
  assert.is(r.status, 200, JSON.stringify(r.body));
  const invite = await waitFor(() => received.find((m) => m.startsWith('INVITE ')), 10_000, '201 to receive the INVITE');
  const head = invite.slice(0, invite.indexOf('\r\n\r\n'));
  const lines = head.split('\r\n');
  assert.not.ok(lines.some((l) => /^x-injected/i.test(l)), `no injected header:\n${head}`);
  assert.not.ok(/\0|\r(?!\n)|(?<!\r)\n/.test(head), 'no bare CR, LF or NUL in the header section');
  const from = lines.find((l) => /^From:/i.test(l))!;
  assert.match(from, /^From: "Evil X-Injected: yes v=0" <sip:0612345678@127\.0\.0\.1:\d+>;tag=/);
  // The body is the exchange's SDP, untouched by the name.
  assert.match(invite.slice(head.length + 4), /^v=0\r\no=/);

  // 201 declines: 486 to the INVITE (its Via, From, To with a tag, Call-ID and CSeq).
  const h = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  await send(['SIP/2.0 486 Busy Here', ...h('Via'), ...h('From'), `${h('To')[0]};tag=busy201`, ...h('Call-ID'), ...h('CSeq'), 'Content-Length: 0', '', ''].join('\r\n'));
  await waitFor(() => received.find((m) => m.startsWith('ACK ')), 3000, 'the ACK for the 486');
});

test.run();
