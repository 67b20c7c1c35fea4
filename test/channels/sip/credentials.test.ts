/**
 * Credentials cannot be replayed or laundered, against a running exchange on loopback
 * (real UDP; other loopback addresses stand for other machines; a FakeClock drives the
 * lockouts). An attacker who sniffed, intercepted or lifted an Authorization header
 * cannot call abroad with it (RFC 7616 §3.4, §3.4.5, §3.4.6); failures from one address
 * are not laundered by that address's own valid account; an extension guessed at from many
 * addresses is locked for everyone but its own phone; lockouts reach /api/events.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { FakeClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { authorize, parseChallenge, sdp, withCredentials, type SipRequest } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { ApiClient } from '../../helpers/http.js';
import { waitFor } from '../../helpers/net.js';

const C201 = { username: '201', password: 's3cret-201' };
const C202 = { username: '202', password: 's3cret-202' };
const ABROAD = '00441632960000';
const clock = new FakeClock();
let ex: Exchange;
let phone: TestPhone;
let ws: WebSocket;
const events: Array<{ type: string; data: any }> = [];

const OFFER = sdp.buildOffer({ address: '127.0.0.1', port: 40000, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });
const invite = (p: TestPhone, target: string): SipRequest => p.build({ method: 'INVITE', target, from: '201', body: OFFER });

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: silentLogger(),
  });
  phone = await TestPhone.start(ex.sip.port);
  const admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (admin as any).cookie as string } });
  ws.on('message', (m) => events.push(JSON.parse(String(m))));
  await new Promise((r) => ws.once('open', r));
});
test.after(async () => {
  ws.close();
  await phone.stop();
  await ex.close();
});

test('control: 201 with its own fresh credentials reaches the routing (not 401)', async () => {
  const r = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: OFFER }, C201);
  assert.is(r.final.status, 480); // 202 has no phone registered: the call was routed
});

test('a qop-less answer (a 401 stripped of qop on the way, RFC 2069 style) is refused, and so is its replay', async () => {
  const first = invite(phone, ABROAD);
  const challenge = await phone.send(first);
  assert.is(challenge.status, 401);
  const { qop: _offered, ...noQop } = parseChallenge(challenge.headers.get('WWW-Authenticate')!)!;
  const header = authorize(noQop, { method: 'INVITE', uri: first.uri.toString(), username: '201', password: C201.password });
  for (let i = 0; i < 2; i++) {
    const again = invite(phone, ABROAD);
    again.headers.set('Authorization', header);
    const res = await phone.send(again);
    assert.is(res.status, 401, `attempt ${i + 1}: challenged again, the call to ${ABROAD} never routed`);
    assert.match(res.headers.get('WWW-Authenticate')!, /qop="auth"/);
  }
});

test('a sniffed Authorization (same nonce and nc) replayed on a new INVITE abroad is refused', async () => {
  const r = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: OFFER }, C201);
  assert.is(r.final.status, 480);
  const sniffed = r.request.headers.get('Authorization')!;
  const replay = invite(phone, ABROAD); // a new Call-ID, tag and branch: a new call
  replay.headers.set('Authorization', sniffed);
  assert.is((await phone.send(replay)).status, 401);
  // Even to the very same target, the used nonce count is not accepted twice.
  const same = invite(phone, '202');
  same.headers.set('Authorization', sniffed);
  const res = await phone.send(same);
  assert.is(res.status, 401);
  assert.match(res.headers.get('WWW-Authenticate')!, /stale=true/);
});

test('intercepted credentials never used (for an INVITE to 202) cannot call abroad: the digest uri must be the Request-URI', async () => {
  const to202 = invite(phone, '202');
  const challenge = await phone.send(to202);
  const intercepted = withCredentials(to202, challenge, C201)!.headers.get('Authorization')!;
  const abroad = invite(phone, ABROAD);
  abroad.headers.set('Authorization', intercepted);
  assert.is((await phone.send(abroad)).status, 401);
});

test('an Authorization lifted from a REGISTER (uri sip:host) reused on an INVITE abroad is refused', async () => {
  const reg = await phone.sendAuthenticated({ method: 'REGISTER', from: '201', to: '201', headers: [['Expires', '0']] }, C201);
  assert.is(reg.final.status, 200);
  const lifted = reg.request.headers.get('Authorization')!;
  assert.match(lifted, /uri="sip:127\.0\.0\.1:\d+"/);
  const abroad = invite(phone, ABROAD);
  abroad.headers.set('Authorization', lifted);
  assert.is((await phone.send(abroad)).status, 401);
});

const guess = (p: TestPhone, username: string) => p.sendAuthenticated({ method: 'OPTIONS', target: '202', from: username }, { username, password: 'guess' });

test("an attacker's own valid account does not launder its failures against another: the 10th locks the address", async () => {
  const attacker = await TestPhone.start(ex.sip.port, '127.0.0.7');
  try {
    for (let i = 1; i <= 9; i++) {
      assert.is((await guess(attacker, '202')).final.status, 401, `guess ${i}`);
      // Its own account succeeds in between, as often as it likes.
      assert.is((await attacker.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, C201)).final.status, 200);
    }
    assert.is((await guess(attacker, '202')).final.status, 401, 'guess 10');
    assert.is((await attacker.send(attacker.build({ method: 'OPTIONS', target: '202', from: '201' }))).status, 403, 'the address is locked');
    assert.is((await attacker.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, C201)).final.status, 403, 'even its valid account');
    const e = await waitFor(() => events.find((x) => x.type === 'security.lockout' && x.data.kind === 'address'), 2000, 'security.lockout on /api/events');
    assert.equal(e.data, { service: 'sip', kind: 'address', key: '127.0.0.7', until: clock.now() + 5 * 60_000 });
    // Another machine is not affected.
    assert.is((await phone.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, C201)).final.status, 200);
  } finally {
    await attacker.stop();
  }
});

test('20 failures against 202 from three addresses lock 202 everywhere but at its own phone', async () => {
  clock.advance(10 * 60_000 + 1); // the failures of the test before are out of the window
  // 202's phone authenticates from 127.0.0.1 (its registration).
  assert.is((await phone.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, C202)).final.status, 200);
  const guessers = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((h) => TestPhone.start(ex.sip.port, h)));
  const elsewhere = await TestPhone.start(ex.sip.port, '127.0.0.5');
  try {
    for (let i = 0; i < 20; i++) assert.is((await guess(guessers[i % 3]!, '202')).final.status, 401, `guess ${i + 1}`);
    const e = await waitFor(() => events.find((x) => x.type === 'security.lockout' && x.data.kind === 'extension'), 2000, 'security.lockout on /api/events');
    assert.equal(e.data, { service: 'sip', kind: 'extension', key: '202', until: clock.now() + 10 * 60_000 });
    assert.is((await elsewhere.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '202' }, C202)).final.status, 403, 'the right password from elsewhere waits');
    assert.is((await elsewhere.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '201' }, C201)).final.status, 200, 'other extensions from there are fine');
    assert.is((await phone.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, C202)).final.status, 200, "202's own phone keeps registering");
    clock.advance(10 * 60_000 + 1);
    assert.is((await elsewhere.sendAuthenticated({ method: 'OPTIONS', target: '202', from: '202' }, C202)).final.status, 200, 'free again after the lockout');
  } finally {
    for (const p of [...guessers, elsewhere]) await p.stop();
  }
});

test.run();
