/**
 * The trunk's registration client (src/trunks/registration.ts) against a scripted
 * registrar: two SIP stacks on loopback (real sockets), the client's timers on a fake
 * clock — refreshes, back-off and Timer F happen when the test moves time, not by waiting.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { SipStack, DigestServer, type SipRequest } from '../../src/sip/index.js';
import { RegistrationClient } from '../../src/trunks/registration.js';
import { backoffDelay } from '../../src/trunks/backoff.js';
import { waitFor } from '../helpers/net.js';

type Answer = 'digest' | '403' | '423' | 'silent' | 'wrong';

async function setup(first: Answer) {
  const clock = new FakeClock();
  let answer: Answer = first;
  const seen: SipRequest[] = [];
  const registrar = new SipStack({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  const digest = new DigestServer({ realm: 'provider.test', clock: new FakeClock(), nonceTtlMs: 300_000 });
  registrar.onRequest((req, tx) => {
    seen.push(req);
    if (answer === 'silent') return;
    if (answer === '403') return void tx.respond(registrar.createResponse(req, 403, 'Account Suspended'));
    if (answer === '423' && Number(req.headers.get('Expires')) < 300) {
      const res = registrar.createResponse(req, 423);
      res.headers.append('Min-Expires', '300');
      return void tx.respond(res);
    }
    const password = answer === 'wrong' ? 'something else' : 'secret-pw';
    const v = digest.verify(req.method, req.headers.get('Authorization'), (u) => (u === 'office' ? password : undefined), req.uri.toString());
    if (!v.ok) {
      const res = registrar.createResponse(req, 401);
      for (const c of digest.challenge(v.reason === 'stale')) res.headers.append('WWW-Authenticate', c);
      return void tx.respond(res);
    }
    const res = registrar.createResponse(req, 200);
    res.headers.append('Contact', `${req.headers.get('Contact')};expires=120`);
    tx.respond(res);
  });
  await registrar.start();
  const client = new SipStack({ clock, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await client.start();
  const port = registrar.transport.transport('udp')!.local.port;
  let changes = 0;
  const reg = new RegistrationClient({
    stack: client, clock, log: silentLogger(),
    account: { username: 'office', password: 'secret-pw', domain: 'provider.test', expiresS: 60 },
    retry: { minMs: 1000, maxMs: 8000 },
    hop: async () => ({ protocol: 'udp', address: '127.0.0.1', port }),
    random: () => 0.5,
    onChange: () => void changes++,
  });
  const close = async (): Promise<void> => {
    reg.stop();
    await client.stop();
    await registrar.stop();
  };
  return { clock, reg, seen, set: (a: Answer) => (answer = a), changes: () => changes, close };
}

test('backoff: doubles from the minimum, capped at the maximum, half of it jitter', () => {
  const b = { minMs: 1000, maxMs: 8000 };
  assert.equal([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, b, () => 0)), [500, 1000, 2000, 4000, 4000, 4000]);
  assert.equal([1, 2, 3, 4, 5].map((n) => backoffDelay(n, b, () => 0.999999)), [1000, 2000, 4000, 8000, 8000]);
});

test('401 → credentials → 200: registered for what the provider granted, refreshed before it runs out with the same Call-ID', async () => {
  const s = await setup('digest');
  s.reg.start();
  await waitFor(() => s.reg.state === 'registered', 5000, 'registered');
  assert.is(s.seen.length, 2, 'the REGISTER, then again with credentials');
  assert.ok(s.seen[1]!.headers.get('Authorization')!.includes('qop=auth'), 'digest with qop');
  const v = s.reg.view();
  assert.is(v.expires_at, s.clock.now() + 120_000, 'the 120 s the Contact was granted, not the 60 asked');
  assert.is(v.next_attempt_at, s.clock.now() + 96_000, 'refresh at 80 % of the grant');
  s.clock.advance(96_000);
  await waitFor(() => s.seen.length >= 3 && s.reg.state === 'registered', 5000, 'the refresh');
  const [a, , c] = s.seen;
  assert.is(c!.callId, a!.callId, 'a refresh keeps the Call-ID (RFC 3261 §10.2.4)');
  assert.ok(c!.cseq.seq > s.seen[1]!.cseq.seq, 'and raises the CSeq');
  await s.close();
});

test('403: failed with the provider\'s reason, retried after a growing back-off, registered once the account works', async () => {
  const s = await setup('403');
  s.reg.start();
  await waitFor(() => s.reg.state === 'failed', 5000, 'failed');
  assert.match(s.reg.view().reason!, /^403 Account Suspended/);
  assert.is(s.reg.view().failures, 1);
  assert.is(s.reg.view().next_attempt_at! - s.clock.now(), 750, 'first wait: 1 s ceiling, half jitter at 0.5');
  s.clock.advance(750);
  await waitFor(() => s.reg.view().failures === 2, 5000, 'the second attempt');
  assert.is(s.reg.view().next_attempt_at! - s.clock.now(), 1500, 'the wait doubles');
  s.set('digest');
  s.clock.advance(1500);
  await waitFor(() => s.reg.state === 'registered', 5000, 'registered after the provider relents');
  assert.is(s.reg.view().failures, 0);
  assert.is(s.reg.view().reason, null);
  await s.close();
});

test('a second challenge for the credentials just sent: the password is wrong, the trunk says so and waits', async () => {
  const s = await setup('wrong');
  s.reg.start();
  await waitFor(() => s.reg.state === 'failed', 5000, 'failed');
  assert.is(s.seen.length, 2, 'one try with credentials, not a loop');
  assert.match(s.reg.view().reason!, /401 .*rejected the credentials/);
  await s.close();
});

test('423 Interval Too Brief: registers again at once for the provider\'s Min-Expires', async () => {
  const s = await setup('423');
  s.reg.start();
  await waitFor(() => s.reg.state === 'registered', 5000, 'registered');
  assert.equal(s.seen.map((r) => r.headers.get('Expires')), ['60', '300', '300']);
  await s.close();
});

test('no answer: unreachable after Timer F, then retried', async () => {
  const s = await setup('silent');
  s.reg.start();
  await waitFor(() => s.seen.length >= 1, 5000, 'the REGISTER');
  let waited = 0;
  for (; waited < 40_000 && s.reg.state !== 'unreachable'; waited += 500) s.clock.advance(500); // retransmissions, then Timer F
  assert.is(s.reg.state, 'unreachable');
  assert.is(waited, 32_000, 'Timer F: 64·T1');
  assert.match(s.reg.view().reason!, /no answer/);
  const n = s.seen.length;
  s.set('digest');
  s.clock.advance(s.reg.view().next_attempt_at! - s.clock.now());
  await waitFor(() => s.reg.state === 'registered', 5000, 'registered when the provider answers again');
  assert.ok(s.seen.length > n);
  await s.close();
});

test('stop() unregisters (Expires: 0), answering the challenge, and resolves on the provider\'s answer', async () => {
  const s = await setup('digest');
  s.reg.start();
  await waitFor(() => s.reg.state === 'registered', 5000, 'registered');
  const n = s.seen.length;
  await s.reg.stop(10_000);
  const unregister = s.seen.slice(n);
  assert.equal(unregister.map((r) => [r.headers.get('Expires'), r.headers.has('Authorization')]), [['0', false], ['0', true]]);
  assert.is(s.reg.state, 'stopped');
  await s.close();
});

test('providerLost / providerBack: the keepalive\'s verdict moves a registered trunk to unreachable and back at once', async () => {
  const s = await setup('digest');
  s.reg.start();
  await waitFor(() => s.reg.state === 'registered', 5000, 'registered');
  s.reg.providerLost('no answer to OPTIONS (timeout)');
  assert.is(s.reg.state, 'unreachable');
  s.reg.providerBack();
  await waitFor(() => s.reg.state === 'registered', 5000, 'registered again without waiting for the back-off');
  await s.close();
});

test('503 from the first of the provider\'s servers: the same registration goes at once to the next one (RFC 3263 §4.3)', async () => {
  const clock = new FakeClock();
  const servers = await Promise.all(['503', '200'].map(async (answer) => {
    const stack = new SipStack({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    const seen: SipRequest[] = [];
    stack.onRequest((req, tx) => {
      seen.push(req);
      const res = stack.createResponse(req, Number(answer));
      if (answer === '200') res.headers.append('Contact', `${req.headers.get('Contact')};expires=120`);
      tx.respond(res);
    });
    await stack.start();
    return { stack, seen, dest: { protocol: 'udp' as const, address: '127.0.0.1', port: stack.transport.transport('udp')!.local.port } };
  }));
  const client = new SipStack({ clock, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await client.start();
  const [main, backup] = servers as [typeof servers[0], typeof servers[0]];
  const reg = new RegistrationClient({
    stack: client, clock, log: silentLogger(),
    account: { username: 'office', password: 'secret-pw', domain: 'provider.test', expiresS: 60 },
    retry: { minMs: 1000, maxMs: 8000 },
    hop: async () => main.dest,
    nextHop: (failed) => (failed.port === main.dest.port ? backup.dest : undefined),
    onChange: () => {},
  });
  reg.start();
  await waitFor(() => reg.state === 'registered', 5000, 'registered with the backup');
  assert.equal([main.seen.length, backup.seen.length], [1, 1]);
  assert.is(backup.seen[0]!.callId, main.seen[0]!.callId, 'the same registration (Call-ID)');
  assert.ok(backup.seen[0]!.cseq.seq > main.seen[0]!.cseq.seq, 'as a new transaction');
  assert.is(reg.view().failures, 0, 'no back-off spent');
  reg.stop();
  await client.stop();
  for (const s of servers) await s.stack.stop();
});

test.run();
