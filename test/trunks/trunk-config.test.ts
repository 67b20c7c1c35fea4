/**
 * `sip_trunks` in the configuration: shape and cross-reference checks with clear errors,
 * the store round trip (password kept as the devices' secrets are), older files without
 * the key still import; and what the provider sees of a call (src/trunks/outbound.ts) and
 * how an incoming call's DID and caller are read (src/trunks/inbound.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import { prepareConfig } from '../../src/config/prepare.js';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { trunkCallSpec } from '../../src/trunks/outbound.js';
import { callerOf, didOf, routeForDid } from '../../src/trunks/inbound.js';
import { groupsOf } from '../../src/outgoing/trunk-groups.js';
import { outboundCallerId } from '../../src/outgoing/caller-id.js';
import { parseMessage } from '../../src/sip/parser.js';
import type { SipRequest } from '../../src/sip/message.js';
import { tempDir } from '../helpers/tmp.js';
import { configIssues as issues, example } from '../config/example.js';

const trunk = {
  name: 'OVH',
  registration: { registrar: 'sip.provider.example:5062', username: '0033972000000', password: 'pw-very-secret' },
  caller_id: '+33972000000',
};

function withTrunk(t: unknown = trunk): any {
  const c = example();
  c.sip_trunks = [t];
  return c;
}


test('a registering trunk gets its defaults; it joins the default group and numbers may name it', () => {
  const c = withTrunk();
  c.numbers.push({ number: '+33972000001', line: 'OVH', route: { type: 'employee', target: '202' } });
  const cfg = validateConfig(c);
  const t = cfg.sip_trunks![0]!;
  assert.is(t.did_from, 'request_uri');
  assert.is(t.caller_id_mode, 'from');
  assert.is(t.privacy, true);
  assert.equal(t.codecs, ['PCMA', 'PCMU']);
  assert.is(t.options_interval_s, 30);
  assert.equal(t.registration!.retry, { min_s: 10, max_s: 600 });
  assert.is(t.registration!.expires_s, 600);
  assert.equal(groupsOf(cfg, '201')[0]!.lines, ['City 1', 'OVH'], 'without trunk_groups every line and trunk is hunted');
});

test('caller ID order: employee, department, group, then the trunk\'s own caller_id', () => {
  const c = withTrunk();
  c.employees[0].caller_id = '+33140000010';
  const cfg = validateConfig(c);
  assert.is(outboundCallerId(cfg, '201', undefined, 'OVH', false).number, '+33140000010');
  assert.is(outboundCallerId(cfg, '202', undefined, 'OVH', false).number, '+33972000000', '202 has none: the trunk\'s');
  assert.is(outboundCallerId(cfg, '202', { name: 'g', hunt: 'in_order', lines: ['OVH'], caller_id: '+33972000009' }, 'OVH', false).number, '+33972000009', 'the group\'s before the trunk\'s');
});

test('bad trunks get clear errors', () => {
  assert.equal(issues(withTrunk({ name: 'X' })), ['sip_trunks[0]: a SIP trunk needs exactly one of "registration" (to a registrar) or "peer" (a static address)']);
  assert.ok(issues(withTrunk({ name: 'X', peer: { host: '192.0.2.1' }, registration: trunk.registration })).some((m) => m.includes('exactly one')));
  assert.ok(issues(withTrunk({ name: 'X', peer: { host: 'sip://bad host' } })).some((m) => m.startsWith('sip_trunks[0].peer.host: must be a host name')));
  assert.ok(issues(withTrunk({ ...trunk, codecs: ['G729'] })).some((m) => m.startsWith('sip_trunks[0].codecs[0]')));
  assert.ok(issues(withTrunk({ ...trunk, registration: { ...trunk.registration, retry: { min_s: 60, max_s: 5 } } })).some((m) => m.includes('max_s must be at least min_s')));
  assert.equal(issues(withTrunk({ ...trunk, name: 'City 1' })), ['sip_trunks[0].name: "City 1" is already the name of lines[0]']);
  const c = example();
  c.trunk_groups = [{ name: 'out', lines: ['Nope'] }];
  assert.equal(issues(c), ['trunk_groups[0].lines[0]: no line is named "Nope"']);
});

test('an older file without sip_trunks imports as before', () => {
  assert.is(validateConfig(example()).sip_trunks, undefined);
});

test('the store keeps trunks as written (the password too: the admin-only export carries it, as the devices\' secrets)', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const prepared = await prepareConfig(withTrunk());
  repo.replace(prepared, 'test');
  assert.equal(repo.load()!.sip_trunks, prepared.sip_trunks);
  repo.replace({ ...prepared, sip_trunks: undefined }, 'test');
  assert.is(repo.load()!.sip_trunks, undefined);
  closeDatabase(db);
});

const dest = { protocol: 'udp' as const, address: '192.0.2.5', port: 5062 };

test('caller ID in From: the employee\'s number, the display name; never an internal extension', () => {
  const cfg = validateConfig(withTrunk());
  const t = cfg.sip_trunks![0]!;
  const s = trunkCallSpec(t, cfg, { number: '0612345678', caller: { number: '+33140000010', name: 'Galina' }, withhold: false }, dest, undefined);
  assert.is(s.uri.toString(), 'sip:0612345678@sip.provider.example');
  assert.is(s.from.uri.user, '+33140000010');
  assert.is(s.from.displayName, 'Galina');
  assert.equal(s.headers, []);
  assert.equal(s.credentials, { username: '0033972000000', password: 'pw-very-secret' });
  const internal = trunkCallSpec(t, cfg, { number: '0612345678', caller: { number: '201', name: 'Galina' }, withhold: false }, dest, undefined);
  assert.is(internal.from.uri.user, '+33972000000', 'no caller ID configured: the trunk\'s own number, not extension 201');
  const e164 = validateConfig(withTrunk({ ...trunk, number_format: 'e164' }));
  const call = (n: string) => trunkCallSpec(e164.sip_trunks![0]!, e164, { number: n, caller: { number: '+33140000010' }, withhold: false }, dest, undefined).uri.user;
  assert.equal([call('0612345678'), call('004930123456'), call('112')], ['+33612345678', '+4930123456', '112'], 'number_format e164; short numbers as dialled');
});

test('pai mode: From is the account, P-Asserted-Identity the caller ID; a proxy is a loose Route', () => {
  const cfg = validateConfig(withTrunk({ ...trunk, caller_id_mode: 'pai', outbound_proxy: '192.0.2.9' }));
  const s = trunkCallSpec(cfg.sip_trunks![0]!, cfg, { number: '+4930123456', caller: { number: '+33140000010' }, withhold: false }, dest, { host: '192.0.2.9', port: 5060 });
  assert.is(s.from.uri.user, '0033972000000');
  assert.equal(s.headers, [['Route', '<sip:192.0.2.9:5060;lr>'], ['P-Asserted-Identity', '<sip:+33140000010@sip.provider.example>']]);
});

test('withheld: anonymous From and Privacy: id (RFC 3323); a trunk without privacy shows its number', () => {
  const cfg = validateConfig(withTrunk({ ...trunk, caller_id_mode: 'pai' }));
  const s = trunkCallSpec(cfg.sip_trunks![0]!, cfg, { number: '0612345678', caller: { number: 'anonymous' }, withhold: true }, dest, undefined);
  assert.is(s.from.toString(), '"Anonymous" <sip:anonymous@anonymous.invalid>');
  assert.equal(s.headers, [['Privacy', 'id'], ['P-Asserted-Identity', '<sip:+33972000000@sip.provider.example>']]);
  const open = validateConfig(withTrunk({ ...trunk, privacy: false }));
  const o = trunkCallSpec(open.sip_trunks![0]!, open, { number: '0612345678', caller: { number: 'anonymous' }, withhold: true }, dest, undefined);
  assert.is(o.from.uri.user, '+33972000000');
  assert.equal(o.headers, []);
});

test('a dialled number with characters a URI must not carry is escaped, never raw in the header', () => {
  const cfg = validateConfig(withTrunk());
  const s = trunkCallSpec(cfg.sip_trunks![0]!, cfg, { number: '06>12@x', caller: { number: '+33140000010', name: 'A "quoted"\r\nInjected: yes' }, withhold: false }, dest, undefined);
  assert.is(s.uri.toString(), 'sip:06%3E12%40x@sip.provider.example');
  assert.not.match(s.from.toString(), /\r|\n/);
});

function invite(text: string): SipRequest {
  return parseMessage(`INVITE ${text}\r\nContent-Length: 0\r\n\r\n`) as SipRequest;
}
const head = (ruri: string, to: string, from = '"Bob" <sip:+33612345678@provider>;tag=1', extra = ''): SipRequest =>
  invite(`${ruri} SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK1\r\nFrom: ${from}\r\nTo: ${to}\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70${extra}`);

test('the DID comes from the Request-URI or To, in any form the site knows (national, E.164)', () => {
  const c = withTrunk();
  c.numbers.push({ number: '0972000001', line: 'OVH', route: { type: 'employee', target: '202' } });
  const cfg = validateConfig(c);
  const t = cfg.sip_trunks![0]!;
  const req = head('sip:+33972000001@192.0.2.1', '<sip:0033972000000@provider>');
  assert.is(didOf(t, req), '+33972000001');
  assert.is(routeForDid(cfg, t, didOf(t, req))?.number, '0972000001', 'E.164 reaches the national entry');
  assert.is(didOf({ ...t, did_from: 'to' }, req), '0033972000000');
  assert.is(routeForDid(cfg, t, '0972000099'), undefined, 'unrouted');
  assert.is(routeForDid(cfg, t, 'abc'), undefined, 'letters route nowhere');
});

test('the caller: P-Asserted-Identity when the provider sends it, else From; a non-number is anonymous', () => {
  assert.equal(callerOf(head('sip:1@x', '<sip:1@x>')), { number: '+33612345678', name: 'Bob' });
  assert.equal(callerOf(head('sip:1@x', '<sip:1@x>', '<sip:anonymous@anonymous.invalid>;tag=2', '\r\nP-Asserted-Identity: <sip:+33199999999@provider>')), { number: '+33199999999' });
  assert.equal(callerOf(head('sip:1@x', '<sip:1@x>', '"Evil" <sip:admin%0d%0a@x>;tag=3')), { number: 'anonymous' });
});

test.run();
