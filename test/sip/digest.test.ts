import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { authorize, digestResponse, DigestServer, parseAuthHeader, parseChallenge, pickChallenge } from '../../src/sip/digest.js';

test('RFC 2617 §3.5 example (MD5, qop=auth)', () => {
  const r = digestResponse({
    algorithm: 'MD5', username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET',
    uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth', nc: '00000001', cnonce: '0a4f113b',
  });
  assert.is(r, '6629fae49393a05397450978507c4ef1');
});

test('RFC 7616 §3.9.1 example: SHA-256 and MD5 responses', () => {
  const challenge =
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
  const opts = { method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle of Life', nc: 1, cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' };
  const sha = parseAuthHeader(authorize(challenge, opts))!.params;
  assert.is(sha.get('response'), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  assert.is(sha.get('qop'), 'auth');
  assert.is(sha.get('nc'), '00000001');
  assert.is(sha.get('opaque'), 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
  const md5 = parseAuthHeader(authorize(challenge.replace('SHA-256', 'MD5'), opts))!.params;
  assert.is(md5.get('response'), '8ca523f5e9506fed4657c9700eebdbec');
});

function server(clock = new FakeClock()) {
  return { clock, srv: new DigestServer({ realm: 'pbx.example', clock, nonceTtlMs: 60_000 }) };
}
const users = (u: string): string | undefined => (u === '201' ? 'secret' : undefined);

test('challenges: SHA-256 offered first, then MD5, same nonce, qop=auth; a client picks SHA-256', () => {
  const { srv } = server();
  const ch = srv.challenge();
  assert.is(ch.length, 2);
  const [a, b] = ch.map(parseChallenge);
  assert.is(a!.algorithm, 'SHA-256');
  assert.is(b!.algorithm, 'MD5');
  assert.is(a!.nonce, b!.nonce);
  assert.equal(a!.qop, ['auth']);
  assert.is(pickChallenge(ch.reverse())!.algorithm, 'SHA-256');
  assert.ok(parseChallenge(srv.challenge(true)[0]!)!.stale);
});

test('round trip: right password accepted with either algorithm, wrong one refused', () => {
  const { srv } = server();
  // Both challenges carry one nonce, so the second use counts nc=2.
  for (const [i, ch] of srv.challenge().entries()) {
    const ok = authorize(ch, { method: 'REGISTER', uri: 'sip:pbx.example', username: '201', password: 'secret', nc: i + 1 });
    assert.equal(srv.verify('REGISTER', ok, users, 'sip:pbx.example'), { ok: true, username: '201' });
    const bad = authorize(ch, { method: 'REGISTER', uri: 'sip:pbx.example', username: '201', password: 'guess' });
    assert.equal(srv.verify('REGISTER', bad, users, 'sip:pbx.example'), { ok: false, reason: 'wrong' });
  }
});

test('nc replay is refused; a higher nc on the same nonce is accepted', () => {
  const { srv } = server();
  const ch = srv.challenge()[0]!;
  const o = { method: 'INVITE', uri: 'sip:200@pbx.example', username: '201', password: 'secret', cnonce: 'abc' };
  const first = authorize(ch, { ...o, nc: 1 });
  const uri = 'sip:200@pbx.example';
  assert.ok(srv.verify('INVITE', first, users, uri).ok);
  assert.equal(srv.verify('INVITE', first, users, uri), { ok: false, reason: 'replay' });
  assert.ok(srv.verify('INVITE', authorize(ch, { ...o, nc: 3 }), users, uri).ok);
  // Lower than the highest seen is a replay too, even if never used itself.
  assert.equal(srv.verify('INVITE', authorize(ch, { ...o, nc: 2 }), users, uri), { ok: false, reason: 'replay' });
});

test('expired nonce: stale only when the credentials are right', () => {
  const { srv, clock } = server();
  const ch = srv.challenge()[0]!;
  const good = authorize(ch, { method: 'REGISTER', uri: 'sip:pbx.example', username: '201', password: 'secret' });
  const bad = authorize(ch, { method: 'REGISTER', uri: 'sip:pbx.example', username: '201', password: 'nope' });
  clock.advance(60_001);
  assert.equal(srv.verify('REGISTER', good, users, 'sip:pbx.example'), { ok: false, reason: 'stale', username: '201' });
  assert.equal(srv.verify('REGISTER', bad, users, 'sip:pbx.example'), { ok: false, reason: 'wrong' });
});

test('forged nonces, other realms, unknown users, wrong method, mismatched uri and garbage are refused', () => {
  const { srv } = server();
  const ch = parseChallenge(srv.challenge()[0]!)!;
  const o = { method: 'REGISTER', uri: 'sip:pbx.example', username: '201', password: 'secret' };
  assert.equal(srv.verify('REGISTER', authorize({ ...ch, nonce: ch.nonce.slice(0, -2) + 'xx' }, o), users, 'sip:pbx.example'), { ok: false, reason: 'bad-nonce' });
  assert.equal(srv.verify('REGISTER', authorize({ ...ch, realm: 'other' }, o), users, 'sip:pbx.example'), { ok: false, reason: 'realm' });
  assert.equal(srv.verify('REGISTER', authorize(ch, { ...o, username: '999' }), users, 'sip:pbx.example'), { ok: false, reason: 'unknown-user' });
  assert.equal(srv.verify('INVITE', authorize(ch, o), users, 'sip:pbx.example'), { ok: false, reason: 'wrong' });
  assert.equal(srv.verify('REGISTER', authorize(ch, o), users, 'sip:elsewhere'), { ok: false, reason: 'uri' });
  const nonceFromOtherServer = parseChallenge(server().srv.challenge()[0]!)!;
  assert.equal(srv.verify('REGISTER', authorize(nonceFromOtherServer, o), users, 'sip:pbx.example'), { ok: false, reason: 'bad-nonce' });
  for (const junk of [undefined, '', 'Basic dXNlcjpwYXNz', 'Digest', 'Digest username="201"', 'NoOneKnowsThisScheme opaque-data=here']) {
    assert.equal(srv.verify('REGISTER', junk, users, 'sip:pbx.example'), { ok: false, reason: 'malformed' });
  }
});

test('nonces from a server with another secret do not verify', () => {
  const clock = new FakeClock();
  const a = new DigestServer({ realm: 'r', clock });
  const b = new DigestServer({ realm: 'r', clock });
  const h = authorize(a.challenge()[0]!, { method: 'REGISTER', uri: 'sip:r', username: '201', password: 'secret' });
  assert.equal(b.verify('REGISTER', h, users, 'sip:r'), { ok: false, reason: 'bad-nonce' });
});

test('an answer without qop (RFC 2069 style, or a challenge stripped of qop on the way) is refused, even with the right password', () => {
  const { srv } = server();
  const ch = parseChallenge(srv.challenge()[0]!)!;
  const { qop: _offered, ...withoutQop } = ch;
  const h = authorize(withoutQop, { method: 'INVITE', uri: 'sip:00441632960000@pbx.example', username: '201', password: 'secret' });
  assert.not.match(h, /qop=/);
  assert.equal(srv.verify('INVITE', h, users, 'sip:00441632960000@pbx.example'), { ok: false, reason: 'no-qop' });
  // A qop the server did not offer is no better.
  assert.equal(srv.verify('INVITE', h.replace('response=', 'qop=auth-conf, nc=00000001, cnonce="x", response='), users, 'sip:00441632960000@pbx.example'), { ok: false, reason: 'malformed' });
});

test('the digest uri must name the Request-URI: credentials for 200 cannot call abroad; the same URI spelt otherwise is accepted', () => {
  const { srv } = server();
  const ch = srv.challenge()[0]!;
  const h = authorize(ch, { method: 'INVITE', uri: 'sip:200@pbx.example', username: '201', password: 'secret' });
  assert.equal(srv.verify('INVITE', h, users, 'sip:00441632960000@pbx.example'), { ok: false, reason: 'uri' });
  assert.equal(srv.verify('INVITE', h, users, 'sip:200@PBX.example'), { ok: true, username: '201' });
});

test.run();
