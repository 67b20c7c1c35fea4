/**
 * The issue's three-site test, through whole exchanges (sim board: each site's line-card
 * emulator in its own process; SIP phones played by our test phone): paris (analog 101, SIP
 * 201), lyon (SIP 301, 302) and lille (SIP 401) joined by invitations.
 *
 * - paris's analog phone 101 (the simulator API) dials lille's 401: lille's phone rings
 *   with paris's caller — the name "Anne Martin" and the short number 101 — answers, each
 *   side hears the other's tone, and the hang-up reaches lille; no city line at paris.
 * - a busy lamp on paris's 201 for lyon's 302 follows 302's calls at lyon: ringing
 *   (early, with the caller), talking (confirmed), hung up (terminated).
 * Real time: each wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createResponse, Dialog, newTag, type SipRequest } from '../../src/sip/index.js';
import { closeSites, startSites, type Site } from '../helpers/sites.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { playTone, toneEar } from '../helpers/tones.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

type FxsView = { hook: string; hears: string; hears_hz: number[] };

const sip = (ext: string, name: string, extra: object = {}) => ({ name, extension: ext, devices: [{ type: 'sip', secret: `s3cret-${ext}` }], ...extra });
const paris = {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['1xx', '2xx'], public_template: '+33140000{ext}' },
  employees: [sip('201', 'Admin', { role: 'admin', password: 'change-me-201' }), { name: 'Anne Martin', extension: '101', devices: [{ type: 'fxs', port: 1 }], outside_calls: 'national' }],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }],
  trunk_groups: [{ name: 'city', lines: ['City 1'] }],
};
const lyon = {
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xx'], public_template: '+33472000{ext}' },
  employees: [sip('301', 'Admin Lyon', { role: 'admin', password: 'change-me-301' }), sip('302', 'Marc Petit')],
};
const lille = {
  site: { name: 'Lille', country: 'fr', id: 'lille', ranges: ['4xx'], public_template: '+33320000{ext}' },
  employees: [sip('401', 'Admin Lille', { role: 'admin', password: 'change-me-401' })],
};
const HZ = { paris: 1400, lille: 1000 };

let A: Site;
let B: Site;
let C: Site;
const phones: Record<string, HarnessPhone> = {};

const fxs = async (): Promise<FxsView> => (await A.api.get('/api/sim/fxs/1')).body as FxsView;
const dialogs = (body: string) => [...body.matchAll(/<dialog [^>]*direction="(\w+)"[^>]*><state>(\w+)<\/state>/g)].map((m) => `${m[2]}/${m[1]}`);

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

test.before(async () => {
  [A, B, C] = await startSites([{ config: paris, admin: '201' }, { config: lyon, admin: '301' }, { config: lille, admin: '401' }], 'autocom-net-three-');
  for (const [ext, at] of [['201', A], ['301', B], ['302', B], ['401', C]] as const) {
    phones[ext] = await harnessPhone(at.ex, ext);
    await register(phones[ext]!, ext);
  }
});

test('paris\'s analog phone 101 dials lille\'s 401: lille\'s phone shows "Anne Martin" and 101; audio both ways; the hang-up reaches lille', async () => {
  const p401 = phones['401']!;
  p401.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : createResponse(req, 200, 'OK'));
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(fxs, (v) => v.hears === 'dial_tone', '101 hears dial tone');
  await ok(A.api.post('/api/sim/fxs/1/dial', { digits: '401' }));
  await waitFor(() => p401.unanswered.some((u) => u.req.method === 'INVITE'), 10_000, '401 rings at lille');
  const { req, tx } = p401.unanswered.find((u) => u.req.method === 'INVITE')!;
  assert.is(req.from.uri.user, '101', 'the caller\'s short number');
  assert.is(req.from.displayName?.replace(/^"|"$/g, ''), 'Anne Martin', 'the caller\'s name');
  tx.respond(createResponse(req, 180, 'Ringing', 'lille-tag'));
  tx.respond(defaultAnswer(p401, '401', req, 'lille-tag'));
  await waitFor(() => p401.acks.length > 0, 5000, '401 gets the ACK');
  const ear = toneEar(p401.rtp);
  const stop = playTone(p401.rtp, HZ.lille);
  await ok(A.api.post('/api/sim/fxs/1/play', { tone_hz: HZ.paris }));
  try {
    await until(fxs, (v) => v.hears_hz.includes(HZ.lille), '101 hears 401', 10_000);
    await waitFor(() => ear.share(HZ.paris) > 0.03, 10_000, '401 hears 101');
  } finally {
    stop();
  }
  assert.is(B.ex.switch.activeCalls().length, 0, 'lyon carries nothing: the call goes straight to lille');
  assert.is(((await A.api.get('/api/sim/fxo/1')).body as { seized: boolean }).seized, false, 'no city line');
  await ok(A.api.post('/api/sim/fxs/1/play', { stop: true }));
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await waitFor(() => p401.received.some((r) => r.method === 'BYE'), 10_000, '401 gets the BYE');
  await waitFor(() => A.ex.switch.activeCalls().length === 0 && C.ex.switch.activeCalls().length === 0, 10_000, 'the call ended at both sites');
});

test('a busy lamp on paris\'s 201 for lyon\'s 302 follows 302\'s calls: ringing, talking, hung up', async () => {
  const p201 = phones['201']!;
  const sub = await p201.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '302', from: '201', to: '302', headers: [['Event', 'dialog'], ['Accept', 'application/dialog-info+xml'], ['Expires', '600']] }, creds('201'));
  assert.is(sub.final.status, 200);
  const notifies = (): SipRequest[] => p201.received.filter((q) => q.method === 'NOTIFY' && q.callId === sub.request.callId);
  const lamp = (): string[] => dialogs(notifies().at(-1)?.body.toString('utf8') ?? '');
  await waitFor(() => notifies().length > 0 && B.ex.network!.lamps()!.owner.size === 1, 10_000, 'the lamp subscribed at lyon');

  const [p301, p302] = [phones['301']!, phones['302']!];
  p302.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : createResponse(req, 200, 'OK'));
  const call = p301.sip.sendAuthenticated({ method: 'INVITE', target: '302', from: '301', body: offerFor(p301.rtp.localPort) }, creds('301'));
  await waitFor(() => p302.unanswered.some((u) => u.req.method === 'INVITE'), 10_000, '302 rings');
  const { req, tx } = p302.unanswered.find((u) => u.req.method === 'INVITE')!;
  const tag = newTag();
  tx.respond(createResponse(req, 180, 'Ringing', tag));
  await waitFor(() => lamp().includes('early/recipient'), 10_000, 'the lamp at paris shows 302 ringing');
  assert.match(notifies().at(-1)!.body.toString('utf8'), /Admin Lyon/, 'with the caller');
  tx.respond(defaultAnswer(p302, '302', req, tag));
  const r = await call;
  assert.is(r.final.status, 200);
  const dialog = Dialog.asUac(r.request, r.final);
  p301.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: B.ex.sip.port });
  await waitFor(() => lamp().join() === 'confirmed/recipient', 10_000, 'the lamp at paris shows 302 talking');
  assert.is((await p301.sip.send(dialog.createRequest('BYE'))).status, 200);
  await waitFor(() => lamp().join() === 'terminated/recipient', 10_000, 'the lamp at paris shows 302 free');
});

test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext).catch(() => undefined);
  await Promise.all(Object.values(phones).map((p) => Promise.all([p.sip.stop(), p.rtp.close()])));
  await closeSites([A, B, C]);
});

test.run();
