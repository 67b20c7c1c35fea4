/**
 * Transfers with a peer site's leg are internal calls, not trunk-to-trunk toll fraud
 * (apps/trunk-to-trunk.ts, docs/network.md "What works across sites"): the trunk-to-trunk
 * policy stays off, and still an outside caller is transferred (attended) to a colleague of
 * lyon, and lyon's 301 is transferred into 101's consultation with an outside number. A peer's
 * leg whose caller is `anonymous` (how a peer presents an outside caller it forwarded) stays
 * outside: transferring it to an outside party is refused as before — unless the peer
 * declared the party (X-Autocom-Party, network/site-call-headers.ts): then the link's word
 * counts, not the From user (an anonymous colleague is inside, an outside caller with a
 * short-looking number outside). A city-line caller whose number looks like one of our
 * extensions is outside.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Party } from '../../src/channels/channel.js';
import type { SiteLeg } from '../../src/core/dialplan.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { blindTransfer, callerAtDesk, fakeOffice, transferIntoConsultation, type FakeOffice } from '../helpers/fake-office.js';
import { validateConfig } from '../../src/config/validate.js';
import { declareSiteParty } from '../../src/core/site-party.js';
import { isInsideParty } from '../../src/apps/trunk-to-trunk.js';
import { declaredParty } from '../../src/network/site-call-headers.js';
import { siteCallerOf } from '../../src/network/site-calls.js';
import { parseMessage, type SipRequest } from '../../src/sip/index.js';

/** The office with lyon as a peer site owning 3xx, known down: a call to 3xx is a site leg (its caller kept). */
function setup() {
  const o = fakeOffice();
  const siteLeg = (caller: Party): SiteLeg => {
    const l = Object.assign(new FakeChannel('outbound', 'site:lyon', caller), { heard: true, outcome: undefined });
    o.legs.push(l);
    return l;
  };
  o.sw.remote = {
    owner: (d) => (/^3\d\d$/.test(d) ? { site: 'lyon', reason: 'down', call: siteLeg } : undefined),
    startsWith: (d) => /^3\d?$/.test(d),
  };
  return o;
}

/** `caller` reaches 101 (desk), 101 consults `consult` from its phone, answered there; then 101 transfers the caller into the consultation (REFER with Replaces). */
async function attended(s: FakeOffice, caller: FakeChannel, consult: string) {
  const { desk } = await callerAtDesk(s, caller);
  const { far, reports } = await transferIntoConsultation(s, desk, consult);
  return { desk, far, reports };
}

test('an outside caller transferred (attended) to lyon\'s 301: allowed with trunk-to-trunk off, the caller talks with 301', async () => {
  const s = setup();
  const caller = new FakeChannel('inbound', 'City 1', { number: '0699999999' });
  const { far, reports } = await attended(s, caller, '301');
  assert.is(far.owner, 'site:lyon', 'the consultation went over the network');
  assert.equal(reports, ['trying', 'answered']);
  assert.ok(s.sw.bridges().some((b) => b.has(caller) && b.has(far)), 'the outside caller talks with lyon\'s 301');
  assert.is(s.refused.length, 0);
});

test('lyon\'s 301 (a peer site\'s leg) transferred into 101\'s consultation with an outside number: allowed', async () => {
  const s = setup();
  const caller = new FakeChannel('inbound', 'site:lyon', { number: '301', name: 'Admin Lyon' });
  const { far, reports } = await attended(s, caller, '00612345678');
  assert.is(far.owner, 'City 1');
  assert.equal(reports, ['trying', 'answered']);
  assert.ok(s.sw.bridges().some((b) => b.has(caller) && b.has(far)));
  assert.is(s.refused.length, 0);
});

test('a peer\'s anonymous caller (an outside caller it forwarded) into a consultation with an outside number: refused as trunk to trunk', async () => {
  const s = setup();
  const caller = new FakeChannel('inbound', 'site:lyon', { number: 'anonymous' });
  const { far, reports } = await attended(s, caller, '00612345678');
  assert.equal(reports, ['trying', { failed: 'barred' }]);
  assert.not.ok(s.sw.bridges().some((b) => b.has(caller) && b.has(far)));
  assert.is(s.refused.length, 1);
});

test('blind: lyon\'s 301 transferred to an outside number is not refused; an anonymous peer caller is', async () => {
  for (const [number, refusedCount] of [['301', 0], ['anonymous', 1]] as const) {
    const s = setup();
    const caller = new FakeChannel('inbound', 'site:lyon', { number });
    const { desk } = await callerAtDesk(s, caller);
    const reports = await blindTransfer(desk, '00612345678');
    assert.is(s.refused.length, refusedCount, `caller ${number}`);
    assert.equal(reports.includes('trying'), true);
    assert.equal(reports.some((r) => typeof r === 'object' && r.failed === 'barred'), refusedCount === 1, `caller ${number}: barred?`);
  }
});

/** A peer's INVITE as it arrives over the site link, with `extra` header lines. */
const siteInvite = (from: string, extra: string[] = []): SipRequest =>
  parseMessage(Buffer.from([
    'INVITE sips:201@127.0.0.1:5061 SIP/2.0', 'Via: SIP/2.0/TLS 127.0.0.1:5062;branch=z9hG4bK1', `From: ${from};tag=a`, 'To: <sips:201@127.0.0.1:5061>',
    'Call-ID: x@y', 'CSeq: 1 INVITE', 'Max-Forwards: 70', ...extra, 'Content-Length: 0', '', '',
  ].join('\r\n'))) as SipRequest;

/** The inbound leg site-calls.ts makes of `req` from lyon (its caller, its declaration). */
function legOf(req: SipRequest): FakeChannel {
  const leg = new FakeChannel('inbound', 'site:lyon', siteCallerOf(req, 'lyon'));
  const party = declaredParty(req);
  if (party) declareSiteParty(leg, party);
  return leg;
}

test('an anonymous or withheld caller over the site link is classified by what the peer declared, not by its From user', () => {
  const config = validateConfig({ site: { name: 'Paris', country: 'fr' }, employees: [{ name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip' }] }] });
  const withheld = ['Privacy: id'];
  const anonymous = '"Anonymous" <sip:anonymous@anonymous.invalid>';
  const inside = legOf(siteInvite(anonymous, [...withheld, 'X-Autocom-Party: inside']));
  assert.is(inside.caller.number, 'anonymous', 'shown anonymous');
  assert.ok(isInsideParty(config, inside), 'a colleague of lyon who withholds their number is inside');
  assert.not.ok(isInsideParty(config, legOf(siteInvite(anonymous, ['X-Autocom-Party: outside']))), 'an outside caller lyon passed on, anonymous');
  assert.not.ok(isInsideParty(config, legOf(siteInvite('<sips:201@10.0.0.2>', ['X-Autocom-Party: outside']))), 'an outside caller whose number looks like our 201');
  assert.not.ok(isInsideParty(config, legOf(siteInvite('<sips:301@10.0.0.2>', ['X-Autocom-Party: nonsense']))), 'an unknown declaration counts as outside');
  assert.ok(isInsideParty(config, legOf(siteInvite('"Admin Lyon" <sips:301@10.0.0.2>', ['X-Autocom-Party: inside']))));
  // A peer of an older version declares nothing: its From user decides, as before.
  assert.ok(isInsideParty(config, legOf(siteInvite('<sips:301@10.0.0.2>'))));
  assert.not.ok(isInsideParty(config, legOf(siteInvite(anonymous, withheld))));
});

test('a city-line caller whose number looks like one of our extensions is outside: its transfer to an outside number is refused', async () => {
  const s = setup();
  const caller = new FakeChannel('inbound', 'City 1', { number: '201', name: 'Admin' });
  assert.not.ok(isInsideParty(validateConfig({ site: { name: 'Paris', country: 'fr' }, employees: [{ name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip' }] }] }), caller));
  const { far, reports } = await attended(s, caller, '00612345678');
  assert.equal(reports, ['trying', { failed: 'barred' }]);
  assert.not.ok(s.sw.bridges().some((b) => b.has(caller) && b.has(far)));
  assert.is(s.refused.length, 1);
});

test.run();
