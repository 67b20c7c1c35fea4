/**
 * Busy lamps across sites, through whole exchanges: paris's phones 201 and 202 (our test
 * SIP phones) watch lyon's 301 (`SUBSCRIBE`, `Event: dialog`); paris holds one upstream
 * subscription to lyon for 301, shared by both (lyon accepts exactly one). Lyon's 302 calls
 * 301: 301 rings (both watchers get `early`/`recipient`), answers (`confirmed`), 302 hangs
 * up (`terminated`) — each as a NOTIFY at paris's watchers, rendered with paris's address.
 * The last watcher gone, the upstream subscription ends. The connection between the sites
 * dropped: the lamp goes dark (no dialog) and, lyon back, paris subscribes again.
 * Real time: each wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Exchange } from '../../src/main.js';
import { createResponse, Dialog, newTag, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { closeSites, peerOf, startSites, type Site } from '../helpers/sites.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

const sip = (ext: string, name: string, extra: object = {}) => ({ name, extension: ext, devices: [{ type: 'sip', secret: `s3cret-${ext}` }], ...extra });
const paris = {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['2xx'] },
  employees: [sip('201', 'Admin', { role: 'admin', password: 'change-me-201' }), sip('202', 'Anne Martin')],
};
const lyon = {
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xx'] },
  employees: [sip('301', 'Admin Lyon', { role: 'admin', password: 'change-me-301' }), sip('302', 'Marc Petit')],
};

let A: Site;
let B: Site;
const phones: Record<string, HarnessPhone> = {};

const lyonAtParis = () => peerOf(A, 'lyon');
const lampsAt = (x: { ex: Exchange }) => x.ex.network!.lamps()!;
/** The states of the dialogs in a dialog-info body, with their direction. */
const dialogs = (body: string) => [...body.matchAll(/<dialog [^>]*direction="(\w+)"[^>]*><state>(\w+)<\/state>/g)].map((m) => `${m[2]}/${m[1]}`);

interface Watch {
  dialog: Dialog;
  notifies(): SipRequest[];
  last(): string;
}

async function watch(from: string, target: string): Promise<Watch> {
  const p = phones[from]!;
  const r = await p.sip.sendAuthenticated({ method: 'SUBSCRIBE', target, from, to: target, headers: [['Event', 'dialog'], ['Accept', 'application/dialog-info+xml'], ['Expires', '600']] }, creds(from));
  assert.is(r.final.status, 200, `${from} watches ${target}: ${r.final.status}`);
  const notifies = () => p.received.filter((q) => q.method === 'NOTIFY' && q.callId === r.request.callId);
  return { dialog: Dialog.asUac(r.request, r.final), notifies, last: () => notifies().at(-1)?.body.toString('utf8') ?? '' };
}

test.before(async () => {
  [A, B] = await startSites([{ config: paris, admin: '201' }, { config: lyon, admin: '301' }], 'autocom-net-lamps-');
  for (const [ext, at] of [['201', A], ['202', A], ['301', B], ['302', B]] as const) {
    phones[ext] = await harnessPhone(at.ex, ext);
    await register(phones[ext]!, ext);
  }
});

let w201: Watch;
let w202: Watch;

test('two watchers at paris of lyon\'s 301 share one subscription to lyon; 301\'s call reaches both: early, confirmed, terminated', async () => {
  w201 = await watch('201', '301');
  await waitFor(() => w201.notifies().length > 0, 10_000, '201\'s first NOTIFY');
  w202 = await watch('202', '301');
  await waitFor(() => w202.notifies().length > 0, 10_000, '202\'s first NOTIFY');
  await waitFor(() => lampsAt(B).owner.size === 1, 10_000, 'lyon serves one subscription');
  assert.is(lampsAt(B).owner.accepted, 1, 'lyon received one SUBSCRIBE for 301');
  assert.is(lampsAt(A).remote.subscriptions, 1, 'paris holds one upstream subscription');
  assert.match(w201.last(), /entity="sip:301@127\.0\.0\.1"/);

  // 302 calls 301; 301's phone rings (180), answers, 302 hangs up.
  const p301 = phones['301']!;
  p301.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : createResponse(req, 200, 'OK'));
  const p302 = phones['302']!;
  const call = p302.sip.sendAuthenticated({ method: 'INVITE', target: '301', from: '302', body: offerFor(p302.rtp.localPort) }, creds('302'));
  await waitFor(() => p301.unanswered.some((u) => u.req.method === 'INVITE'), 10_000, '301 gets the INVITE');
  const { req, tx } = p301.unanswered.find((u) => u.req.method === 'INVITE')!;
  const tag = newTag();
  tx.respond(createResponse(req, 180, 'Ringing', tag));
  for (const w of [w201, w202]) await waitFor(() => dialogs(w.last()).includes('early/recipient'), 10_000, 'ringing at paris');
  assert.match(w201.last(), /<remote><identity display="Marc Petit">sip:302@127\.0\.0\.1<\/identity>/, 'the caller shown on the key');
  type ApiLamp = { extension: string; lamp: string; site?: string; dialogs: Array<{ direction: string; state: string }> };
  const lamp301 = ((await A.api.get('/api/lamps')).body as ApiLamp[]).find((l) => l.extension === '301')!;
  assert.equal([lamp301.site, lamp301.lamp, lamp301.dialogs.map((d) => `${d.state}/${d.direction}`)], ['lyon', 'ringing', ['early/recipient']], 'GET /api/lamps at paris');
  tx.respond(defaultAnswer(p301, '301', req, tag));
  const r: { final: SipResponse; request: SipRequest } = await call;
  assert.is(r.final.status, 200);
  const dialog = Dialog.asUac(r.request, r.final);
  p302.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: B.ex.sip.port });
  for (const w of [w201, w202]) await waitFor(() => dialogs(w.last()).join() === 'confirmed/recipient', 10_000, 'confirmed at paris');
  const bye = await p302.sip.send(dialog.createRequest('BYE'));
  assert.is(bye.status, 200);
  for (const w of [w201, w202]) await waitFor(() => dialogs(w.last()).join() === 'terminated/recipient', 10_000, 'terminated at paris');
  assert.is(lampsAt(B).owner.accepted, 1, 'still one SUBSCRIBE at lyon');
});

test('the connection between the sites drops: the lamp goes dark; lyon back, paris subscribes again', async () => {
  const netA = A.ex.network!.current()!;
  const at = netA.tls.endpointOf(netA.store.members().find((m) => m.site === 'lyon')!.fingerprint)!;
  const before = w201.notifies().length;
  netA.tls.disconnect(at);
  await waitFor(() => w201.notifies().length > before && dialogs(w201.last()).length === 0, 10_000, 'the lamp dark at paris');
  await until(lyonAtParis, (p) => p?.state === 'up', 'lyon up again', 30_000);
  await waitFor(() => lampsAt(B).owner.accepted === 2 && lampsAt(A).remote.subscriptions === 1, 10_000, 'paris subscribed again, once');
  await waitFor(() => dialogs(w202.last()).join() === 'terminated/recipient', 10_000, 'the lamp fed again');
});

test('the last watcher gone, paris ends its subscription to lyon', async () => {
  for (const [ext, w] of [['201', w201], ['202', w202]] as const) {
    const res = await sendInDialog(A.ex, phones[ext]!.sip, w.dialog, 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '0']] });
    assert.is(res.status, 200);
    if (ext === '201') assert.is(lampsAt(A).remote.subscriptions, 1, 'one watcher left: still subscribed');
  }
  await waitFor(() => lampsAt(B).owner.size === 0, 10_000, 'lyon\'s subscription ended');
  assert.is(lampsAt(A).remote.subscriptions, 0);
});

test('lyon answers a dialog SUBSCRIBE for a number it does not have as for an employee whose phones are off', async () => {
  const unknown = await watch('201', '399');
  await waitFor(() => unknown.notifies().length > 0 && lampsAt(B).owner.size === 1, 10_000, 'the unknown number\'s NOTIFY');
  assert.equal(dialogs(unknown.last()), []);
  const res = await sendInDialog(A.ex, phones['201']!.sip, unknown.dialog, 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '0']] });
  assert.is(res.status, 200);
});

test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext).catch(() => undefined);
  await Promise.all(Object.values(phones).map((p) => Promise.all([p.sip.stop(), p.rtp.close()])));
  await closeSites([A, B]);
});

test.run();
