/**
 * The exchange's SIP front door against a running exchange on loopback (real UDP and TCP),
 * driven by a small phone built on our own SipStack: the order of checks of RFC 3261 §8.2
 * (400 before any challenge; challenge before anything about the target is revealed;
 * semantic rejections after), the registrar's rules (§10.3), digest (RFC 3261 §22,
 * RFC 8760) with stale nonces and the per-source lockout, and no extension enumeration.
 * The exchange runs on a FakeClock so nonce expiry and the lockout are driven, not waited.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { FakeClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { parseUri, sdp, withCredentials, type SipResponse } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';

const C201 = { username: '201', password: 's3cret-201' };
const C202 = { username: '202', password: 's3cret-202' };
const clock = new FakeClock();
let ex: Exchange;
let phone: TestPhone;

const OFFER = sdp.buildOffer({ address: '127.0.0.1', port: 40000, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: silentLogger(),
  });
  phone = await TestPhone.start(ex.sip.port);
});
test.after(async () => {
  await phone.stop();
  await ex.close();
});

/** A response reduced to what an observer may compare: tags, nonces and ids blanked. */
function shape(res: SipResponse): string {
  const lines = [`${res.status} ${res.reason}`];
  for (const name of ['WWW-Authenticate', 'Proxy-Authenticate', 'Allow', 'Unsupported', 'Accept', 'Retry-After', 'Warning', 'Contact']) {
    for (const v of res.headers.lines(name)) lines.push(`${name}: ${v.replace(/nonce="[^"]*"/, 'nonce=…').replace(/opaque="[^"]*"/, 'opaque=…')}`);
  }
  return lines.join('\n');
}

test('OPTIONS to the exchange itself (no user part) → 200 without a challenge', async () => {
  const res = await phone.send(phone.build({ method: 'OPTIONS', from: '201' }));
  assert.is(res.status, 200);
  assert.not.ok(res.headers.has('WWW-Authenticate'));
  assert.ok(res.headers.get('Allow')!.includes('INVITE'));
});

test('OPTIONS, INVITE and REGISTER without credentials → 401 with MD5 first, then SHA-256', async () => {
  for (const r of [
    { method: 'OPTIONS', target: '202', from: '201' },
    { method: 'INVITE', target: '202', from: '201', body: OFFER },
    { method: 'REGISTER', target: undefined, from: '201', to: '201' },
  ]) {
    const res = await phone.send(phone.build(r));
    assert.is(res.status, 401, r.method);
    const ch = res.headers.lines('WWW-Authenticate');
    assert.is(ch.length, 2, r.method);
    assert.match(ch[0]!, /algorithm=MD5/);
    assert.match(ch[1]!, /algorithm=SHA-256/);
  }
});

test('libre before 1.1 (baresip 1.0) fails on a SHA-256 challenge: it is challenged with MD5 alone', async () => {
  const res = await phone.send(phone.build({ method: 'REGISTER', from: '201', to: '201', headers: [['User-Agent', 'baresip v1.0.0 (x86_64/linux)']] }));
  assert.is(res.status, 401);
  assert.is(res.headers.lines('WWW-Authenticate').length, 1);
  assert.match(res.headers.get('WWW-Authenticate')!, /algorithm=MD5/);
});

test('no enumeration: an extension that does not exist gets the same answer as one that does until authenticated', async () => {
  for (const method of ['OPTIONS', 'INVITE']) {
    const body = method === 'INVITE' ? OFFER : undefined;
    const real = await phone.send(phone.build({ method, target: '202', from: '201', ...(body ? { body } : {}) }));
    const ghost = await phone.send(phone.build({ method, target: '299', from: '201', ...(body ? { body } : {}) }));
    assert.is(shape(ghost), shape(real), method);
  }
  // A REGISTER claiming an unknown user with a password is answered as a wrong password is.
  const wrongPw = await phone.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202' }, { username: '202', password: 'nope' });
  const ghost = await phone.sendAuthenticated({ method: 'REGISTER', from: '299', to: '299' }, { username: '299', password: 'nope' });
  assert.is(shape(ghost.final), shape(wrongPw.final));
  assert.is(ghost.final.status, 401);
});

test('after auth: OPTIONS to 202 → 200, to 299 → 404', async () => {
  const ok = await phone.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, C201);
  assert.is(ok.final.status, 200);
  const missing = await phone.sendAuthenticated({ method: 'OPTIONS', target: '299', from: '201' }, C201);
  assert.is(missing.final.status, 404);
});

test('REGISTER: another extension’s AOR → 403; Expires 30 → 423 with Min-Expires; 120 → 200 with the binding', async () => {
  const other = await phone.sendAuthenticated({ method: 'REGISTER', from: '201', to: '202' }, C201);
  assert.is(other.final.status, 403);
  const brief = await phone.sendAuthenticated({ method: 'REGISTER', from: '201', to: '201', headers: [['Expires', '30']] }, C201);
  assert.is(brief.final.status, 423);
  assert.is(brief.final.headers.get('Min-Expires'), '60');
  const ok = await phone.sendAuthenticated({ method: 'REGISTER', from: '201', to: '201', headers: [['Expires', '120']] }, C201);
  assert.is(ok.final.status, 200);
  assert.match(ok.final.headers.get('Contact')!, /expires=120/);
});

test('INVITE after auth: Require: foo → 420 with Unsupported; a non-SDP body → 415', async () => {
  const req = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: OFFER, headers: [['Require', 'foo']] }, C201);
  assert.is(req.final.status, 420);
  assert.is(req.final.headers.get('Unsupported'), 'foo');
  const plain = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: 'hello', contentType: 'text/plain' }, C201);
  assert.is(plain.final.status, 415);
  assert.match(plain.final.headers.get('Accept')!, /application\/sdp/);
});

test('the B2BUA answers with the RFC 4475 checks of uas-checks.ts: 406 when the caller accepts no SDP (sdp01), 416 for a tel: URI (unkscm)', async () => {
  const accept = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: OFFER, headers: [['Accept', 'text/nobodyknowsthis']] }, C201);
  assert.is(accept.final.status, 406);
  assert.is(accept.final.headers.get('Accept'), 'application/sdp');
  const tel = phone.build({ method: 'INVITE', target: '202', from: '201', body: OFFER });
  tel.uri = parseUri('tel:+33140000001');
  assert.is((await phone.send(tel)).status, 416);
});

test('an INVITE to an employee with no registered phone → 480', async () => {
  const r = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: OFFER }, C201);
  assert.is(r.final.status, 480);
});

test('a malformed request → 400 before any challenge', async () => {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  const answer = new Promise<string>((resolve) => sock.once('message', (m) => resolve(m.toString('utf8'))));
  const bad =
    `INVITE sip:202@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-bad-1\r\n` +
    `Max-Forwards: 70\r\nFrom: <sip:201@127.0.0.1>;tag=x\r\nTo: <sip:202@127.0.0.1>\r\nCall-ID: bad-1\r\n` +
    `CSeq: nine INVITE\r\nContent-Length: 0\r\n\r\n`;
  sock.send(bad, ex.sip.port, '127.0.0.1');
  const text = await withTimeout(answer, 3000, 'an answer to the malformed INVITE');
  sock.close();
  assert.match(text, /^SIP\/2\.0 400 /);
  assert.not.match(text, /WWW-Authenticate/i);
});

test('calls over TCP: REGISTER and an authenticated INVITE are answered on the connection', async () => {
  const reg = await phone.sendAuthenticated({ method: 'REGISTER', from: '201', to: '201', protocol: 'tcp', headers: [['Expires', '120']] }, C201);
  assert.is(reg.final.status, 200);
  const inv = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: OFFER, protocol: 'tcp' }, C201);
  assert.is(inv.final.status, 480); // 202 has no phone registered: the call was routed
});

test('an expired nonce with the right password → 401 stale=true; a fresh one works', async () => {
  const first = phone.build({ method: 'OPTIONS', target: '202', from: '201' });
  const challenge = await phone.send(first);
  clock.advance(6 * 60_000); // beyond the nonce lifetime (5 min)
  const late = await phone.send(withCredentials(first, challenge, C201)!);
  assert.is(late.status, 401);
  assert.match(late.headers.get('WWW-Authenticate')!, /stale=true/);
  const again = await phone.send(withCredentials(first, late, C201, 1)!);
  assert.is(again.status, 200);
});

test('wrong password → 401 again; the 10th failure from one address locks it out with 403', async () => {
  const bad = { username: '201', password: 'wrong' };
  for (let i = 1; i <= 10; i++) {
    const r = await phone.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, bad);
    assert.is(r.final.status, 401, `attempt ${i}`);
  }
  const locked = await phone.send(phone.build({ method: 'OPTIONS', target: '202', from: '201' }));
  assert.is(locked.status, 403);
  // Even the right password is refused while locked; the exchange's own keepalive is not.
  assert.is((await phone.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, C201)).final.status, 403);
  assert.is((await phone.send(phone.build({ method: 'OPTIONS', from: '201' }))).status, 200);
  clock.advance(5 * 60_000 + 1);
  assert.is((await phone.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, C201)).final.status, 200);
});

test('outside a dialog: an unknown method → 501; MESSAGE, REFER, NOTIFY, PUBLISH, PRACK → 405 with Allow (RFC 3261 §8.2.1); SUBSCRIBE is challenged', async () => {
  const unknown = await phone.send(phone.build({ method: 'FROBNICATE', target: '202', from: '201' }));
  assert.is(unknown.status, 501);
  // SUBSCRIBE/NOTIFY (RFC 6665: busy lamps, presence) is served, behind the same digest as every request.
  assert.is((await phone.send(phone.build({ method: 'SUBSCRIBE', target: '202', from: '201', headers: [['Event', 'dialog']] }))).status, 401);
  for (const method of ['MESSAGE', 'REFER', 'NOTIFY', 'PUBLISH', 'PRACK']) {
    const res = await phone.send(phone.build({ method, target: '202', from: '201' }));
    assert.is(res.status, 405, method);
    assert.match(res.headers.get('Allow')!, /INVITE/, method);
  }
});

test('REGISTER with a CSeq not above the stored one on the same Call-ID is refused with 500 and changes nothing (§10.3 step 7)', async () => {
  const register = async (cseq: number, contactUser: string): Promise<SipResponse> => {
    const req = phone.build({ method: 'REGISTER', from: '201', to: '201', headers: [['Expires', '120']] });
    req.headers.set('Call-ID', 'cseq-order-1@test');
    req.headers.set('CSeq', `${cseq} REGISTER`);
    req.headers.set('Contact', `<sip:${contactUser}@127.0.0.1:5999>`);
    const challenge = await phone.send(req);
    return phone.send(withCredentials(req, challenge, C201)!);
  };
  assert.is((await register(10, 'desk')).status, 200); // applied as CSeq 11
  const late = await register(5, 'desk'); // a delayed older copy: CSeq 6
  assert.is(late.status, 500);
  const moved = await register(7, 'moved'); // same device, older CSeq, another contact
  assert.is(moved.status, 500);
  const fresh = await register(20, 'desk');
  assert.is(fresh.status, 200);
  const contacts = fresh.headers.lines('Contact').join('\n');
  assert.match(contacts, /sip:desk@127\.0\.0\.1:5999/);
  assert.not.match(contacts, /moved/);
  // Wildcard removal from the same Call-ID with an old CSeq is refused too (§10.3 step 6).
  const wild = phone.build({ method: 'REGISTER', from: '201', to: '201', headers: [['Expires', '0']] });
  wild.headers.set('Call-ID', 'cseq-order-1@test');
  wild.headers.set('CSeq', '3 REGISTER');
  wild.headers.set('Contact', '*');
  assert.is((await phone.send(withCredentials(wild, await phone.send(wild), C201)!)).status, 500);
  wild.headers.set('CSeq', '30 REGISTER');
  wild.headers.remove('Via'); // a new transaction, not a retransmission of the last one
  assert.is((await phone.send(withCredentials(wild, await phone.send(wild), C201)!)).status, 200);
});

test('an INVITE without Contact → 400 after the challenge, before anything rings (§8.1.1.8)', async () => {
  const callee = await TestPhone.start(ex.sip.port);
  const seen: string[] = [];
  callee.stack.onRequest((req, tx) => {
    seen.push(req.method);
    tx.respond(callee.stack.createResponse(req, 486));
  });
  const reg = await callee.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, C202);
  assert.is(reg.final.status, 200);
  try {
    const first = phone.build({ method: 'INVITE', target: '202', from: '201', body: OFFER });
    first.headers.remove('Contact');
    const challenge = await phone.send(first);
    assert.is(challenge.status, 401, 'authenticated first, as every INVITE');
    const res = await phone.send(withCredentials(first, challenge, C201)!);
    assert.is(res.status, 400);
    assert.match(res.reason, /Contact/);
    // A well-formed INVITE does ring the callee (the proof that it would have been reached).
    const ok = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: OFFER }, C201);
    assert.is(ok.final.status, 486);
    assert.equal(seen, ['INVITE'], 'only the INVITE with a Contact reached the callee');
    assert.is(ex.switch.activeCalls().length, 0);
  } finally {
    const bye = callee.build({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '0']] });
    bye.headers.set('Contact', '*');
    await callee.send(withCredentials(bye, await callee.send(bye), C202)!);
    await callee.stop();
  }
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

test.run();
