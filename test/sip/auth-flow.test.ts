/** REGISTER challenged with Digest and retried with credentials, between two stacks on loopback. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { SipStack, DigestServer, NameAddr, parseUri, withCredentials, type SipResponse } from '../../src/sip/index.js';

async function setup() {
  const clock = new FakeClock();
  const registrar = new SipStack({ clock, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  const phone = new SipStack({ clock: new FakeClock(), transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  const digest = new DigestServer({ realm: 'pbx.example', clock, nonceTtlMs: 30_000 });
  registrar.onRequest((req, tx) => {
    const result = digest.verify(req.method, req.headers.get('Authorization'), (u) => (u === '201' ? 'pw201' : undefined), req.uri.toString());
    if (!result.ok) {
      const res = registrar.createResponse(req, 401);
      for (const c of digest.challenge(result.reason === 'stale')) res.headers.append('WWW-Authenticate', c);
      return void tx.respond(res);
    }
    tx.respond(registrar.createResponse(req, 200));
  });
  await registrar.start();
  await phone.start();
  const port = registrar.transport.transport('udp')!.local.port;
  const register = () =>
    phone.createRequest({
      method: 'REGISTER',
      uri: parseUri(`sip:127.0.0.1:${port}`),
      from: new NameAddr(parseUri('sip:201@pbx.example')),
      to: new NameAddr(parseUri('sip:201@pbx.example')),
      contact: phone.contact(),
      headers: [['Expires', '600']],
    });
  const send = (req: ReturnType<typeof register>): Promise<SipResponse> =>
    new Promise((resolve) => phone.sendRequest(req, { onResponse: (r) => r.status >= 200 && resolve(r) }));
  return { clock, registrar, phone, register, send };
}

test('401 with SHA-256 and MD5 challenges, retry with credentials → 200, CSeq grows, Call-ID kept', async () => {
  const s = await setup();
  const first = s.register();
  const r1 = await s.send(first);
  assert.is(r1.status, 401);
  assert.is(r1.headers.lines('WWW-Authenticate').length, 2);
  const second = withCredentials(first, r1, { username: '201', password: 'pw201' })!;
  assert.is(second.cseq.seq, first.cseq.seq + 1);
  assert.is(second.callId, first.callId);
  const r2 = await s.send(second);
  assert.is(r2.status, 200);
  assert.ok(second.headers.get('Authorization')!.includes('algorithm=SHA-256'));
  await s.phone.stop();
  await s.registrar.stop();
});

test('wrong password stays 401; an old nonce comes back stale=true', async () => {
  const s = await setup();
  const first = s.register();
  const r1 = await s.send(first);
  const bad = await s.send(withCredentials(first, r1, { username: '201', password: 'nope' })!);
  assert.is(bad.status, 401);
  assert.not.ok(bad.headers.get('WWW-Authenticate')!.includes('stale'));
  s.clock.advance(31_000);
  const late = await s.send(withCredentials(first, r1, { username: '201', password: 'pw201' })!);
  assert.is(late.status, 401);
  assert.ok(late.headers.get('WWW-Authenticate')!.includes('stale=true'));
  await s.phone.stop();
  await s.registrar.stop();
});

test.run();
