/**
 * The network of sites through whole exchanges (sim board, own data folders and ports):
 * three sites, each with `site.id` and ranges; an admin invites through
 * POST /api/network/invitations, the other site's admin pastes the token into
 * POST /api/network/join, and GET /api/network lists the peers up with their ranges and
 * fingerprints. A range added on C (PUT /api/config) reaches A within 2 s; B shut down is
 * down at A at once and its record stays; B started again on its data folder and port is
 * up again without anyone typing anything. Real time: each wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSite, closeSites, networkView as view, type NetworkView as View, type PeerView as Peer, type Site as Box } from '../helpers/sites.js';
import { waitUntil } from '../helpers/net.js';


const office = (id: string, ranges: string[], ext: string) => ({
  site: { name: `Office ${id}`, country: 'fr', id, ranges, public_template: `+3314${id.length}00{ext}` },
  employees: [{ name: `Admin ${id}`, extension: ext, role: 'admin', password: `change-me-${ext}`, devices: [{ type: 'sip', secret: `s3cret-${ext}` }] }],
});

/** One site of office(id, ranges, ext); `dir` and `tlsPort` of an earlier run restart it on its data. */
const boot = (id: string, ranges: string[], ext: string, dir?: string, tlsPort?: number): Promise<Box> =>
  bootSite({ config: office(id, ranges, ext), admin: ext }, { prefix: `autocom-net-${id}-`, ...(dir ? { dir } : {}), ...(tlsPort ? { tlsPort } : {}) });
const peerIn = (v: View, site: string): Peer | undefined => v.peers.find((p) => p.site === site);

let A: Box;
let B: Box;
let C: Box;

test('invitations through the API make a network of three; GET /api/network lists the peers up', async () => {
  A = await boot('paris', ['2xx'], '201');
  B = await boot('lyon', ['3xx'], '301');
  C = await boot('lille', ['4xx'], '401');
  const a = await view(A);
  assert.is(a.enabled, true);
  assert.is(a.site, 'paris');
  assert.match(a.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const inv = await A.api.post('/api/network/invitations', { expires_s: 600 });
  assert.is(inv.status, 200, JSON.stringify(inv.body));
  const joined = await B.api.post('/api/network/join', { token: inv.body.token });
  assert.is(joined.status, 200, JSON.stringify(joined.body));
  // A token is used once.
  const twice = await C.api.post('/api/network/join', { token: inv.body.token });
  assert.is(twice.status, 403, JSON.stringify(twice.body));
  const inv2 = await B.api.post('/api/network/invitations', {});
  assert.is((await C.api.post('/api/network/join', { token: inv2.body.token })).status, 200);
  const all = await waitUntil(() => view(A), (v) => ['lyon', 'lille'].every((s) => peerIn(v, s)?.state === 'up' && peerIn(v, s)!.ranges.length === 1), 'A sees lyon and lille up with ranges', 15_000);
  assert.equal(peerIn(all, 'lyon')!.ranges, ['3xx']);
  assert.is(peerIn(all, 'lyon')!.fingerprint, (await view(B)).fingerprint);
  assert.is(peerIn(all, 'lyon')!.public_template, '+3314400{ext}');
  await waitUntil(() => view(C), (v) => peerIn(v, 'paris')?.state === 'up' && peerIn(v, 'lyon')?.state === 'up', 'C sees both up', 15_000);
  // Not for users, and bad input is a 400.
  assert.is((await A.api.post('/api/network/join', { token: 'not a token!' })).status, 400);
});

test('a range added on C (configuration change) reaches A within 2 s', async () => {
  const cfg = (await C.api.get('/api/config')).body;
  cfg.site.ranges = ['4xx', '650'];
  const t0 = Date.now();
  const put = await C.api.request('PUT', '/api/config', cfg);
  assert.is(put.status, 200, JSON.stringify(put.body));
  await waitUntil(() => view(A), (v) => peerIn(v, 'lille')?.ranges.join() === '4xx,650', 'the new range at A', 2000);
  assert.ok(Date.now() - t0 < 2000);
});

test('B shut down is down at A at once, its record kept; B started again is up again by itself', async () => {
  await B.ex.close();
  const down = await waitUntil(() => view(A), (v) => peerIn(v, 'lyon')?.state === 'down', 'lyon down at A', 8000);
  assert.equal(peerIn(down, 'lyon')!.ranges, ['3xx']);
  assert.is(A.ex.network!.current()!.route('301')?.fallback, '+3314400301');
  B = await boot('lyon', ['3xx'], '301', B.dir, B.tlsPort);
  await waitUntil(() => view(A), (v) => peerIn(v, 'lyon')?.state === 'up', 'lyon up at A again', 8000);
  await waitUntil(() => view(B), (v) => peerIn(v, 'paris')?.state === 'up' && peerIn(v, 'lille')?.state === 'up', 'B sees the others', 8000);
});

test('removing a site through the API takes its routes away everywhere', async () => {
  const r = await B.api.request('DELETE', '/api/network/members/lille');
  assert.is(r.status, 200, JSON.stringify(r.body));
  await waitUntil(() => view(A), (v) => peerIn(v, 'lille') === undefined, 'lille gone at A', 8000);
  await waitUntil(() => view(C), (v) => v.network === null && v.peers.length === 0, 'lille left', 8000);
  assert.is(A.ex.network!.current()!.route('401'), undefined);
});

test('a site without site.id runs no network; giving it an id starts it without a restart, and a token makes it a member', async () => {
  const plain = office('nice', [], '701');
  delete (plain.site as Record<string, unknown>).id;
  delete (plain.site as Record<string, unknown>).ranges;
  delete (plain.site as Record<string, unknown>).public_template;
  const nice = await bootSite({ config: plain, admin: '701' }, { prefix: 'autocom-net-nice-' });
  const { ex, api } = nice;
  try {
    assert.is(((await api.get('/api/network')).body as View).enabled, false);
    assert.is((await api.post('/api/network/invitations', {})).status, 409);
    const cfg = (await api.get('/api/config')).body;
    Object.assign(cfg.site, { id: 'nice', ranges: ['7xx'] });
    assert.is((await api.request('PUT', '/api/config', cfg)).status, 200);
    await waitUntil(async () => (await api.get('/api/network')).body as View, (v) => v.enabled && v.site === 'nice', 'the network started', 8000);
    const token = (await A.api.post('/api/network/invitations', {})).body.token;
    assert.is((await api.post('/api/network/join', { token })).status, 200);
    await waitUntil(() => view(A), (v) => peerIn(v, 'nice')?.state === 'up' && peerIn(v, 'nice')!.ranges.join() === '7xx', 'nice up at A', 8000);
    await waitUntil(() => view(B), (v) => peerIn(v, 'nice')?.state === 'up', 'nice up at B (accepted on A\'s signature)', 8000);
  } finally {
    await ex.close();
  }
});

test.after(async () => {
  await closeSites([A, B, C]);
});

test.run();
