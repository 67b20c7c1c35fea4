/**
 * Call pickup across sites and who counts as a colleague over the network (issue #18,
 * docs/network.md "What works across sites"), through two whole exchanges joined by
 * invitation over real TLS (sim board, SIP phones played by our test phones):
 *
 * - lyon's 302 calls lyon's 301, which rings; paris's 201 dials `*8301` and talks with 302,
 *   301 stops ringing; paris's group pickup `*8` does not reach lyon (404); with nothing
 *   ringing at 301, `*8301` is 404 as a local `*8202` with nothing ringing;
 * - paris's analog 101 dials `*8301` digit by digit and is connected to 302;
 * - paris's 202 watches lyon's 301 (busy lamp) and picks its ringing call up with an INVITE
 *   with Replaces naming the lamp's dialog (early-only);
 * - lyon's city line rings with a caller number that looks like a short number (202),
 *   lyon's 301 answers and transfers it to paris's 201: at paris it is an outside caller, so 201's
 *   transfer of it to an outside number is refused (trunk-to-trunk off) and no line is
 *   seized; lyon's colleague 302 transferred the same way goes out on paris's line;
 * - the running exchange's configuration apply (PUT /api/config) takes a forwarding to
 *   lyon's 302 and refuses one to 455, by the network's state on disk.
 * Real time: each wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createResponse, Dialog, sdp, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import type { ServerTransaction } from '../../src/sip/transaction/server.js';
import { closeSites, startSites, type Site } from '../helpers/sites.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { playTone, toneEar } from '../helpers/tones.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

type FxsView = { hook: string; ringing: boolean; hears: string; hears_hz: number[] };
type FxoView = { seized: boolean; ringing: boolean; dialled: string };

const sip = (ext: string, name: string, extra: object = {}) => ({ name, extension: ext, devices: [{ type: 'sip', secret: `s3cret-${ext}` }], ...extra });
const paris = {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['1xx', '2xx'] },
  employees: [
    sip('201', 'Admin', { role: 'admin', password: 'change-me-201', outside_calls: 'national' }),
    sip('202', 'Anne Martin'),
    { name: 'Paul Durand', extension: '101', devices: [{ type: 'fxs', port: 1 }] },
  ],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }],
  trunk_groups: [{ name: 'city', lines: ['City 1'] }],
};
const lyon = {
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xx'] },
  employees: [sip('301', 'Admin Lyon', { role: 'admin', password: 'change-me-301' }), sip('302', 'Marc Petit')],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }],
  numbers: [{ number: '0472000000', line: 'City 1', route: { type: 'employee', target: '301' } }],
};
const HZ = { '201': 620, '302': 1000, '101': 1400 };

let A: Site;
let B: Site;
const phones: Record<string, HarnessPhone> = {};
const ph = (ext: string): HarnessPhone => phones[ext]!;
const siteOf: Record<string, () => Site> = { '201': () => A, '202': () => A, '301': () => B, '302': () => B };

const fxs = async (): Promise<FxsView> => (await A.api.get('/api/sim/fxs/1')).body as FxsView;
const fxoAt = async (s: Site): Promise<FxoView> => (await s.api.get('/api/sim/fxo/1')).body as FxoView;
const idle = async (): Promise<void> => void await waitFor(() => A.ex.switch.activeCalls().length === 0 && B.ex.switch.activeCalls().length === 0, 15_000, 'no call left at either site');

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

/** After a 200: ACK it and send the phone's RTP to the exchange's media. */
function established(ext: string, r: { request: SipRequest; final: SipResponse }): Dialog {
  const p = ph(ext);
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: siteOf[ext]!().ex.sip.port });
  const media = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: media.address, port: media.port, codec: 'PCMU' });
  return dialog;
}

const call = (ext: string, target: string, headers: Array<[string, string]> = []) =>
  ph(ext).sip.sendAuthenticated({ method: 'INVITE', target, from: ext, body: offerFor(ph(ext).rtp.localPort), headers }, creds(ext));

/** lyon's 302 calls 301, whose phone rings (180) without answering: the call a pickup takes. */
async function ring301(): Promise<{ caller: ReturnType<typeof call>; invite: { req: SipRequest; tx: ServerTransaction } }> {
  const p301 = ph('301');
  p301.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : createResponse(req, 200, 'OK'));
  const before = p301.unanswered.length;
  const caller = call('302', '301');
  await waitFor(() => p301.unanswered.length > before, 10_000, '301 gets 302\'s call');
  const invite = p301.unanswered.at(-1)!;
  invite.tx.respond(createResponse(invite.req, 180, 'Ringing', 'ring-301'));
  await waitFor(() => B.ex.switch.lamps.view('301').lamp === 'ringing', 10_000, '301 rings at lyon');
  return { caller, invite };
}

/** `a` hears `b`'s tone and `b` hears `a`'s (their RTP through both exchanges). */
async function talking(a: string, b: string): Promise<void> {
  const earA = toneEar(ph(a).rtp);
  const earB = toneEar(ph(b).rtp);
  const stops = [playTone(ph(a).rtp, HZ[a as '201']), playTone(ph(b).rtp, HZ[b as '302'])];
  try {
    await waitFor(() => earB.share(HZ[a as '201']) > 0.03, 10_000, `${b} hears ${a}`);
    await waitFor(() => earA.share(HZ[b as '302']) > 0.03, 10_000, `${a} hears ${b}`);
  } finally {
    stops.forEach((s) => s());
    earA.close();
    earB.close();
  }
}

test.before(async () => {
  [A, B] = await startSites([{ config: paris, admin: '201' }, { config: lyon, admin: '301' }], 'autocom-net-pickup-');
  for (const ext of ['201', '202', '301', '302']) {
    phones[ext] = await harnessPhone(siteOf[ext]!().ex, ext);
    await register(phones[ext]!, ext);
  }
});

test('nothing ringing at lyon\'s 301: paris\'s *8301 is 404, as a local *8202 with nothing ringing', async () => {
  const remote = await call('201', '*8301');
  const local = await call('201', '*8202');
  assert.equal([remote.final.status, local.final.status], [404, 404]);
  await idle();
});

test('302 calls 301 at lyon: paris\'s group pickup *8 does not reach it (404); paris\'s 201 dials *8301 and talks with 302, 301 stops ringing', async () => {
  const { caller, invite } = await ring301();
  const group = await call('201', '*8');
  assert.is(group.final.status, 404, 'a pickup group is one site\'s');
  assert.is(invite.tx.state, 'Proceeding', '301 still rings');
  const picked = await call('201', '*8301');
  assert.is(picked.final.status, 200, 'paris\'s 201 picks up the call ringing lyon\'s 301');
  const d201 = established('201', picked);
  const c = await caller;
  assert.is(c.final.status, 200, '302\'s call is answered by the pickup');
  const d302 = established('302', c);
  await waitFor(() => invite.tx.state !== 'Proceeding', 10_000, '301 stops ringing (CANCEL)');
  assert.is(B.ex.switch.lamps.view('301').lamp, 'idle', '301 is not in the call');
  await talking('201', '302');
  assert.is((await sendInDialog(A.ex, ph('201').sip, d201, 'BYE')).status, 200);
  await waitFor(() => ph('302').received.some((m) => m.method === 'BYE' && m.callId === d302.id.callId), 10_000, '302 gets the BYE');
  await idle();
});

test('paris\'s analog 101 dials *8301 digit by digit while 301 rings: 101 talks with lyon\'s 302', async () => {
  const { caller, invite } = await ring301();
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(fxs, (v) => v.hears === 'dial_tone', '101 hears dial tone');
  await ok(A.api.post('/api/sim/fxs/1/dial', { digits: '*8301' }));
  const c = await caller;
  assert.is(c.final.status, 200, '302\'s call is answered by 101\'s pickup');
  const d302 = established('302', c);
  await waitFor(() => invite.tx.state !== 'Proceeding', 10_000, '301 stops ringing');
  const stop = playTone(ph('302').rtp, HZ['302']);
  try {
    await until(fxs, (v) => v.hears_hz.includes(HZ['302']), '101 hears lyon\'s 302', 10_000);
  } finally {
    stop();
  }
  assert.is((await sendInDialog(B.ex, ph('302').sip, d302, 'BYE')).status, 200);
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await idle();
});

test('busy-lamp pickup across sites: paris\'s 202 watches lyon\'s 301 and picks its ringing call up by Replaces (early-only)', async () => {
  const p202 = ph('202');
  const sub = await p202.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '301', from: '202', to: '301', headers: [['Event', 'dialog'], ['Accept', 'application/dialog-info+xml'], ['Expires', '600']] }, creds('202'));
  assert.is(sub.final.status, 200);
  const notifies = () => p202.received.filter((q) => q.method === 'NOTIFY' && q.callId === sub.request.callId);
  const ringingDialog = () => /<dialog [^>]*call-id="([^"]+)" local-tag="([^"]*)" remote-tag="([^"]*)" direction="recipient"><state>early</.exec(notifies().at(-1)?.body.toString('utf8') ?? '');
  const { caller, invite } = await ring301();
  await waitFor(() => ringingDialog() !== null, 10_000, '202\'s lamp of 301 blinks with the dialog\'s identifiers');
  const [, callId, localTag, remoteTag] = ringingDialog()!;
  const picked = await call('202', '301', [['Replaces', `${callId};to-tag=${localTag};from-tag=${remoteTag};early-only`]]);
  assert.is(picked.final.status, 200, 'the pickup by Replaces is answered');
  const d202 = established('202', picked);
  const c = await caller;
  assert.is(c.final.status, 200);
  established('302', c);
  await waitFor(() => invite.tx.state !== 'Proceeding', 10_000, '301 stops ringing');
  const ear = toneEar(ph('302').rtp);
  const stop = playTone(p202.rtp, HZ['201']);
  try {
    await waitFor(() => ear.share(HZ['201']) > 0.03, 10_000, 'lyon\'s 302 hears paris\'s 202');
  } finally {
    stop();
    ear.close();
  }
  assert.is((await sendInDialog(A.ex, p202.sip, d202, 'BYE')).status, 200);
  await idle();
  const end = await sendInDialog(A.ex, p202.sip, Dialog.asUac(sub.request, sub.final), 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '0']] });
  assert.is(end.status, 200);
});

/** 201 answers the next call and REFERs it to `target`; the final NOTIFY's status line. */
async function answerAndRefer(target: string, start: () => Promise<unknown>): Promise<string> {
  const p201 = ph('201');
  let invite: SipRequest | undefined;
  p201.respond = (req) => {
    if (req.method === 'INVITE' && !req.to.tag) {
      invite = req;
      return defaultAnswer(p201, '201', req, 'refer-tag');
    }
    return createResponse(req, 200, 'OK');
  };
  const acks = p201.acks.length;
  await start();
  await waitFor(() => invite !== undefined && p201.acks.length > acks, 15_000, '201 answers the call from lyon');
  const res = createResponse(invite!, 200, 'OK', 'refer-tag');
  res.headers.append('Contact', p201.sip.stack.contact('udp', '201').toString());
  const dialog = Dialog.asUas(invite!, res);
  const refer = await p201.sip.send(dialog.createRequest('REFER', { headers: [['Refer-To', `<sip:${target}@127.0.0.1>`], ['Referred-By', '<sip:201@127.0.0.1>']] }));
  assert.is(refer.status, 202);
  const finalNotify = () => p201.received.find((m) => m.method === 'NOTIFY' && m.callId === invite!.callId && /terminated/.test(m.headers.get('Subscription-State') ?? ''));
  await waitFor(() => finalNotify() !== undefined, 15_000, 'the transfer\'s outcome');
  p201.respond = (req) => createResponse(req, 200, 'OK');
  return finalNotify()!.body.toString('utf8').split('\r\n')[0]!;
}

/** `p` (at `site`, as `ext`) answers the next new call and blind-transfers it (REFER) to `target`. */
async function answerThenTransfer(ext: string, target: string, start: () => Promise<void>): Promise<void> {
  const p = ph(ext);
  let invite: SipRequest | undefined;
  p.respond = (req) => {
    if (req.method === 'INVITE' && !req.to.tag) {
      invite = req;
      return defaultAnswer(p, ext, req, `t-${ext}`);
    }
    return createResponse(req, 200, 'OK');
  };
  const acks = p.acks.length;
  await start();
  await waitFor(() => invite !== undefined && p.acks.length > acks, 15_000, `${ext} answers`);
  const res = createResponse(invite!, 200, 'OK', `t-${ext}`);
  res.headers.append('Contact', p.sip.stack.contact('udp', ext).toString());
  const refer = await p.sip.send(Dialog.asUas(invite!, res).createRequest('REFER', { headers: [['Refer-To', `<sip:${target}@127.0.0.1>`], ['Referred-By', `<sip:${ext}@127.0.0.1>`]] }));
  assert.is(refer.status, 202);
}

test('an outside caller whose number looks like a short one (202), transferred from lyon: at paris it stays outside; its transfer out is refused, no line seized', async () => {
  const status = await answerAndRefer('00612345678', () => answerThenTransfer('301', '201', async () => {
    await until(() => fxoAt(B), (f) => !f.seized && !f.ringing, 'lyon\'s City 1 free', 10_000);
    assert.is((await B.api.post('/api/sim/fxo/1/ring', { caller_id: '202' })).status, 200);
  }));
  assert.match(status, /^SIP\/2\.0 403/, `the transfer of an outside caller to an outside number: ${status}`);
  assert.is((await fxoAt(A)).seized, false, 'no city line seized at paris');
  for (const ch of [...A.ex.switch.channels.all(), ...B.ex.switch.channels.all()]) ch.hangup('normal');
  await idle();
});

test('lyon\'s colleague 302 calling paris\'s 201 is inside: 201\'s transfer of it to an outside number goes out on paris\'s line', async () => {
  let pending: ReturnType<typeof call> | undefined;
  const status = await answerAndRefer('00612345678', async () => {
    pending = call('302', '201');
  });
  assert.not.match(status, /^SIP\/2\.0 403/, `not refused as trunk to trunk: ${status}`);
  await until(() => fxoAt(A), (f) => f.seized && f.dialled.includes('0612345678'), 'paris\'s City 1 dials the outside number', 15_000);
  const r = await pending!;
  if (r.final.status === 200) established('302', r);
  for (const ch of [...A.ex.switch.channels.all(), ...B.ex.switch.channels.all()]) ch.hangup('normal');
  await idle();
});

test('the running exchange\'s configuration apply knows the peers: paris\'s 202 forwarding to lyon\'s 302 in the office file is taken, to 455 refused', async () => {
  const current = (await A.api.get('/api/config')).body as { employees: Array<{ extension: string; forwarding?: object }> };
  const withForward = (target: string) => ({ ...current, employees: current.employees.map((e) => (e.extension === '202' ? { ...e, forwarding: { busy: target } } : e)) });
  const taken = await A.api.put('/api/config', withForward('302'));
  assert.is(taken.status, 200, JSON.stringify(taken.body));
  const refused = await A.api.put('/api/config', withForward('455'));
  assert.is(refused.status, 422);
  assert.match(JSON.stringify(refused.body), /lyon 3xx/);
  await ok(A.api.put('/api/config', current));
});

test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) {
    await unregister(p, ext).catch(() => undefined);
    await Promise.all([p.sip.stop(), p.rtp.close()]);
  }
  await closeSites([A, B]);
});

test.run();
