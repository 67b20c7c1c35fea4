/**
 * Signed membership records: a record signed by a member's key verifies with that member's
 * certificate only; a changed field, a certificate that does not match its fingerprint, or
 * a signer outside the list is refused; tokens round-trip and garbage is no token.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { loadOrCreateIdentity, type SiteIdentity } from '../../src/network/identity.js';
import {
  decodeToken, encodeToken, newNetworkId, newSecret, signMember, signRemoval, soundMembers, verifyMember, verifyRemoval, type MemberRecord,
} from '../../src/network/membership.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('autocom-membership-');
let a: SiteIdentity;
let b: SiteIdentity;
let c: SiteIdentity;
const network = newNetworkId();

const record = (site: string, id: SiteIdentity, signer: string, key: string): MemberRecord =>
  signMember({ network, site, address: '127.0.0.1', port: 5061, fingerprint: id.fingerprint, cert: id.cert, at: 1, signer }, key);

test.before(async () => {
  const ids = await Promise.all(['a', 'b', 'c'].map((n) => loadOrCreateIdentity(join(root, n), n)));
  [a, b, c] = [ids[0]!, ids[1]!, ids[2]!];
});

test('a record verifies with its signer\'s certificate, not another\'s, and not once altered', () => {
  const r = record('lyon', b, 'paris', a.key);
  assert.ok(verifyMember(r, a.cert));
  assert.not.ok(verifyMember(r, c.cert));
  assert.not.ok(verifyMember({ ...r, port: 5062 }, a.cert));
  assert.not.ok(verifyMember({ ...r, cert: c.cert }, a.cert), 'the certificate must match the fingerprint');
  const removal = signRemoval({ network, removed: 'lyon', fingerprint: b.fingerprint, at: 2, signer: 'paris' }, a.key);
  assert.ok(verifyRemoval(removal, a.cert));
  assert.not.ok(verifyRemoval({ ...removal, removed: 'paris' }, a.cert));
});

test('a member list keeps the records its members signed (the founder by itself), nothing else', () => {
  const founder = record('paris', a, 'paris', a.key);
  const lyon = record('lyon', b, 'paris', a.key);
  const forged = record('lille', c, 'nobody', c.key);
  const selfSigned = record('nice', c, 'nice', c.key); // not signed by a member… but claims to be its own founder
  const kept = soundMembers([founder, lyon, forged], network).map((m) => m.site);
  assert.equal(kept.sort(), ['lyon', 'paris']);
  assert.not.ok(soundMembers([founder, { ...lyon, signature: forged.signature }], network).some((m) => m.site === 'lyon'));
  // Self-signed records pass this structural check; the joiner also requires the token's inviter (network/joining.ts).
  assert.ok(soundMembers([selfSigned], network).length === 1);
});

test('tokens round-trip; anything else is not a token', () => {
  const t = { v: 1 as const, network, inviter: 'paris', members: [{ site: 'paris', address: '127.0.0.1', port: 5061, fingerprint: a.fingerprint }], secret: newSecret(), expires: 10 };
  assert.equal(decodeToken(encodeToken(t)), t);
  assert.is(decodeToken('not a token!'), undefined);
  assert.is(decodeToken(Buffer.from('{"v":2}').toString('base64url')), undefined);
});

test.run();
