/**
 * What works across sites (docs/network.md "Features across sites"), through two whole
 * exchanges joined by invitation over real TLS (sim board, the line-card emulator; SIP
 * phones played by our test phones): paris's 201 forwards everything to lyon's 301 (a
 * number no site owns is refused, 422) and 101's call to 201 rings 301 showing 101; 201
 * talking with 101 blind-transfers 101 (REFER) to lyon's 301, who rings showing 101 and
 * talks with 101; lyon's 301 calling paris's 201 is transferred by 201 to 101, whose
 * analog phone rings showing 301; 201 parks itself (*7, slot 590 at paris, which announces
 * its slots) and lyon's 301 dials 590: it is connected to 201 over the network; a free slot
 * dialled from lyon is refused (a peer retrieves, it does not park); 201 talking with 101
 * consults lyon's 301 and transfers 101 there (REFER with Replaces); 101 makes a three-way
 * call (flash + 3) of 201 and lyon's 301, where each hears the other two; 201 and 301
 * forwarding to each other do not hand 101's call back and forth for ever. Real time: each wait is
 * for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createResponse, Dialog, sdp, type SipRequest } from '../../src/sip/index.js';
import { closeSites, startSites, type Site } from '../helpers/sites.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { playTone, toneEar } from '../helpers/tones.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

type FxsView = { hook: string; ringing: boolean; caller_id: string | null; caller_name: string | null; hears: string; hears_hz: number[] };

const paris = {
  // 59x: paris announces its park slots, so lyon routes them here (a retrieval across sites).
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['1xx', '2xx', '59x'], public_template: '+33140000{ext}', operator: '201' },
  park: { slots: '590-599' },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] },
    { name: 'Anne Martin', extension: '101', devices: [{ type: 'fxs', port: 1 }], outside_calls: 'national' },
  ],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }],
  trunk_groups: [{ name: 'city', lines: ['City 1'] }],
};
const lyon = {
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xx'], public_template: '+33472000{ext}' },
  employees: [{ name: 'Admin Lyon', extension: '301', role: 'admin', password: 'change-me-301', devices: [{ type: 'sip', secret: 's3cret-301' }] }],
};
const LYON_HZ = 1000;

let A: Site;
let B: Site;
let p201: HarnessPhone;
let p301: HarnessPhone;

const fxs = async (): Promise<FxsView> => (await A.api.get('/api/sim/fxs/1')).body as FxsView;
const port1 = async (): Promise<{ state: string }> => ((await A.api.get('/api/lines')).body.ports as Array<{ kind: string; port: number; state: string }>).find((p) => p.kind === 'fxs' && p.port === 1)!;
const newInvites = (p: HarnessPhone): SipRequest[] => p.received.filter((r) => r.method === 'INVITE' && !r.to.tag);
const idle = async (): Promise<void> => void await waitFor(() => A.ex.switch.activeCalls().length === 0 && B.ex.switch.activeCalls().length === 0, 15_000, 'no call left at either site');

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

async function hangUp101(): Promise<void> {
  await ok(A.api.post('/api/sim/fxs/1/play', { stop: true }));
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(port1, (p) => p.state === 'idle', 'port 1 idle at paris', 10_000);
}

test.before(async () => {
  [A, B] = await startSites([{ config: paris, admin: '201' }, { config: lyon, admin: '301' }], 'autocom-net-across-');
  p201 = await harnessPhone(A.ex, '201');
  p301 = await harnessPhone(B.ex, '301');
  await register(p201, '201');
  await register(p301, '301');
});

test('201 forwards everything to lyon\'s 301 (a number no site owns is refused); 101 calling 201 rings 301 showing 101', async () => {
  const refused = await A.api.put('/api/employees/201/forwarding', { all: '555' });
  assert.is(refused.status, 422, 'no site owns 555');
  await ok(A.api.put('/api/employees/201/forwarding', { all: '301' }));
  p301.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? defaultAnswer(p301, '301', req, 'fwd-tag') : createResponse(req, 200, 'OK'));
  const before201 = newInvites(p201).length;
  const before = newInvites(p301).length;
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(fxs, (v) => v.hears === 'dial_tone', '101 hears dial tone');
  await ok(A.api.post('/api/sim/fxs/1/dial', { digits: '201' }));
  await waitFor(() => newInvites(p301).length > before, 10_000, 'lyon\'s 301 gets the forwarded call');
  assert.is(newInvites(p301).at(-1)!.from.uri.user, '101', '301 sees the original caller');
  assert.is(newInvites(p201).length, before201, '201 did not ring (forward all)');
  await waitFor(() => A.ex.switch.activeCalls().some((c) => c.state === 'connected'), 10_000, 'connected at paris');
  await hangUp101();
  await idle();
  await ok(A.api.put('/api/employees/201/forwarding', { all: null }));
});

test('blind transfer of a local call to lyon: 201 talking with 101 REFERs it to 301; 301 rings showing 101 and 101 hears 301', async () => {
  p301.respond = (req) => {
    if (req.method === 'INVITE' && !req.to.tag) return undefined; // the test answers
    return createResponse(req, 200, 'OK');
  };
  const call = p201.sip.sendAuthenticated({ method: 'INVITE', target: '101', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  await until(fxs, (v) => v.ringing, '101 rings', 10_000);
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  const r = await call;
  assert.is(r.final.status, 200);
  const dialog = Dialog.asUac(r.request, r.final);
  p201.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: A.ex.sip.port });
  const before = newInvites(p301).length;
  const refer = await sendInDialog(A.ex, p201.sip, dialog, 'REFER', { headers: [['Refer-To', '<sip:301@127.0.0.1>'], ['Referred-By', '<sip:201@127.0.0.1>']] });
  assert.is(refer.status, 202);
  await waitFor(() => newInvites(p301).length > before, 10_000, '301 at lyon gets the transferred call');
  const invite = p301.unanswered.pop()!;
  assert.is(invite.req.from.uri.user, '101', 'the transferee\'s short number');
  invite.tx.respond(defaultAnswer(p301, '301', invite.req, 'blind-tag'));
  const stop = playTone(p301.rtp, LYON_HZ);
  try {
    await until(fxs, (v) => v.hears_hz.includes(LYON_HZ), '101 hears 301 across the network', 10_000);
  } finally {
    stop();
  }
  await waitFor(() => p201.received.some((m) => m.method === 'BYE'), 10_000, '201 released by the exchange');
  await hangUp101();
  await idle();
});

test('a remote caller transferred to a local extension: lyon\'s 301 calls 201, 201 REFERs it to 101; 101 rings showing 301', async () => {
  let inviteTo201: SipRequest | undefined;
  p201.respond = (req) => {
    if (req.method === 'INVITE' && !req.to.tag) {
      inviteTo201 = req;
      return defaultAnswer(p201, '201', req, 'remote-tag');
    }
    return createResponse(req, 200, 'OK');
  };
  p301.respond = (req) => createResponse(req, 200, 'OK');
  const r = await p301.sip.sendAuthenticated({ method: 'INVITE', target: '201', from: '301', body: offerFor(p301.rtp.localPort) }, creds('301'));
  assert.is(r.final.status, 200);
  p301.sip.stack.sendAck(Dialog.asUac(r.request, r.final).createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: B.ex.sip.port });
  const lyonMedia = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p301.rtp.setRemote({ address: lyonMedia.address, port: lyonMedia.port, codec: 'PCMU' });
  assert.is(inviteTo201!.from.uri.user, '301');
  const res = createResponse(inviteTo201!, 200, 'OK', 'remote-tag');
  res.headers.append('Contact', p201.sip.stack.contact('udp', '201').toString());
  const dialog = Dialog.asUas(inviteTo201!, res);
  const refer = await p201.sip.send(dialog.createRequest('REFER', { headers: [['Refer-To', '<sip:101@127.0.0.1>'], ['Referred-By', '<sip:201@127.0.0.1>']] }));
  assert.is(refer.status, 202);
  const shown = await until(fxs, (v) => v.ringing && v.caller_id !== null, '101 rings with a caller ID', 10_000);
  assert.equal([shown.caller_id, shown.caller_name], ['301', 'Admin Lyon']);
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  const stop = playTone(p301.rtp, LYON_HZ);
  try {
    await until(fxs, (v) => v.hears_hz.includes(LYON_HZ), '101 hears lyon\'s 301', 10_000);
  } finally {
    stop();
  }
  await hangUp101();
  await idle();
});

/** `p` (registered at `site` as `ext`) calls `number` and is answered: its RTP now goes to the exchange's media. */
async function answeredCall(p: HarnessPhone, site: Site, ext: string, number: string): Promise<Dialog> {
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target: number, from: ext, body: offerFor(p.rtp.localPort) }, creds(ext));
  assert.is(r.final.status, 200, `${ext} calling ${number}`);
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: site.ex.sip.port });
  const media = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: media.address, port: media.port, codec: 'PCMU' });
  return dialog;
}

test('park retrieval across sites: 201 parks itself in paris\'s slot 590, lyon\'s 301 dials 590 and talks with 201; a free slot is refused', async () => {
  p201.respond = (req) => createResponse(req, 200, 'OK');
  p301.respond = (req) => createResponse(req, 200, 'OK');
  const parked = await answeredCall(p201, A, '201', '*7');
  await waitFor(() => A.ex.switch.parking.list().length === 1, 5000, 'a call waits in a slot at paris');
  const free = await p301.sip.sendAuthenticated({ method: 'INVITE', target: '591', from: '301', body: offerFor(p301.rtp.localPort) }, creds('301'));
  assert.ok(free.final.status >= 400, `a free slot of paris from lyon: ${free.final.status}`);
  assert.is(A.ex.switch.parking.list().length, 1, 'nobody parked in 591');
  const retrieval = await answeredCall(p301, B, '301', '590');
  const ear = toneEar(p201.rtp);
  const stop = playTone(p301.rtp, LYON_HZ);
  try {
    await waitFor(() => ear.share(LYON_HZ) > 0.03, 10_000, '201 (parked at paris) hears lyon\'s 301');
  } finally {
    stop();
  }
  assert.equal(A.ex.switch.parking.list(), [], 'slot 590 is free again');
  assert.is((await sendInDialog(B.ex, p301.sip, retrieval, 'BYE')).status, 200);
  await waitFor(() => p201.received.some((m) => m.method === 'BYE' && m.callId === parked.id.callId), 10_000, '201 gets the BYE');
  await idle();
});

test('attended transfer to lyon: 201 talks with 101, consults lyon\'s 301, REFERs 101 with Replaces; 101 talks with 301, 201 is released', async () => {
  p201.respond = (req) => createResponse(req, 200, 'OK');
  p301.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? defaultAnswer(p301, '301', req, 'attended-tag') : createResponse(req, 200, 'OK'));
  const call = p201.sip.sendAuthenticated({ method: 'INVITE', target: '101', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  await until(fxs, (v) => v.ringing, '101 rings', 10_000);
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  const r = await call;
  assert.is(r.final.status, 200);
  const first = Dialog.asUac(r.request, r.final);
  p201.sip.stack.sendAck(first.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: A.ex.sip.port });
  const consultation = await answeredCall(p201, A, '201', '301');
  const replaces = encodeURIComponent(`${consultation.id.callId};to-tag=${consultation.id.remoteTag};from-tag=${consultation.id.localTag}`);
  const byes = p201.received.filter((m) => m.method === 'BYE').length;
  const refer = await sendInDialog(A.ex, p201.sip, first, 'REFER', { headers: [['Refer-To', `<sip:301@127.0.0.1?Replaces=${replaces}>`]] });
  assert.is(refer.status, 202);
  const stop = playTone(p301.rtp, LYON_HZ);
  try {
    await until(fxs, (v) => v.hears_hz.includes(LYON_HZ), '101 hears lyon\'s 301 after the attended transfer', 10_000);
  } finally {
    stop();
  }
  await waitFor(() => p201.received.filter((m) => m.method === 'BYE').length >= byes + 2, 10_000, 'both of 201\'s legs end');
  await hangUp101();
  await idle();
});

test('three-way with a remote party: 101 talks with 201, flashes, dials lyon\'s 301, flash + 3; each of the three hears the other two', async () => {
  const HZ = { '101': 1400, '201': 620, '301': LYON_HZ };
  p201.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? defaultAnswer(p201, '201', req, 'three-201') : createResponse(req, 200, 'OK'));
  p301.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? defaultAnswer(p301, '301', req, 'three-301') : createResponse(req, 200, 'OK'));
  const ear201 = toneEar(p201.rtp);
  const ear301 = toneEar(p301.rtp);
  const acks201 = p201.acks.length;
  const acks301 = p301.acks.length;
  const stops: Array<() => void> = [];
  const heardBy = (ear: ReturnType<typeof toneEar>, whom: number[], not: number[], what: string) =>
    waitFor(() => whom.every((hz) => ear.share(hz) > 0.03) && not.every((hz) => ear.share(hz) < 0.01), 10_000, what);
  try {
    await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
    await until(fxs, (v) => v.hears === 'dial_tone', '101 hears dial tone');
    await ok(A.api.post('/api/sim/fxs/1/dial', { digits: '201' }));
    await waitFor(() => p201.acks.length > acks201, 10_000, '201 answers 101');
    stops.push(playTone(p201.rtp, HZ['201']));
    await ok(A.api.post('/api/sim/fxs/1/flash', {}));
    await until(fxs, (v) => v.hears === 'dial_tone', '101 hears dial tone after the flash');
    await ok(A.api.post('/api/sim/fxs/1/dial', { digits: '301' }));
    await waitFor(() => p301.acks.length > acks301, 10_000, 'lyon\'s 301 answers the consultation');
    stops.push(playTone(p301.rtp, HZ['301']));
    await ok(A.api.post('/api/sim/fxs/1/flash', {}));
    await ok(A.api.post('/api/sim/fxs/1/dial', { digits: '3' }));
    await waitFor(() => A.ex.switch.bridges().some((b) => b.size === 3 && b.mode === 'mix'), 5000, 'one mixed bridge of three at paris');
    await ok(A.api.post('/api/sim/fxs/1/play', { tone_hz: HZ['101'] }));
    await until(fxs, (v) => v.hears_hz.includes(HZ['201']) && v.hears_hz.includes(HZ['301']) && !v.hears_hz.includes(HZ['101']), '101 hears 201 and 301, not itself', 10_000);
    await heardBy(ear201, [HZ['101'], HZ['301']], [HZ['201']], '201 hears 101 and lyon\'s 301');
    await heardBy(ear301, [HZ['101'], HZ['201']], [HZ['301']], 'lyon\'s 301 hears 101 and 201');
  } finally {
    for (const stop of stops) stop();
    ear201.close();
    ear301.close();
  }
  await hangUp101();
  for (const ch of A.ex.switch.channels.all()) ch.hangup('normal');
  await idle();
});

test('forwarding loop between sites: paris\'s 201 forwards to lyon\'s 301 and 301 back to 201; 101\'s call ends with a tone instead of going round for ever', async () => {
  await ok(A.api.put('/api/employees/201/forwarding', { all: '301' }));
  await ok(B.api.put('/api/employees/301/forwarding', { all: '201' }));
  const invites201 = newInvites(p201).length;
  const invites301 = newInvites(p301).length;
  let most = 0;
  const watch = setInterval(() => { most = Math.max(most, A.ex.switch.activeCalls().length + B.ex.switch.activeCalls().length); }, 5);
  try {
    await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
    await until(fxs, (v) => v.hears === 'dial_tone', '101 hears dial tone');
    await ok(A.api.post('/api/sim/fxs/1/dial', { digits: '201' }));
    await until(fxs, (v) => v.hears === 'busy' || v.hears === 'congestion', '101 hears the call fail (the loop is stopped)', 15_000);
    await waitFor(() => A.ex.switch.activeCalls().length + B.ex.switch.activeCalls().length <= 1, 10_000, 'the calls of the loop are gone (101\'s own leg left)');
  } finally {
    clearInterval(watch);
  }
  assert.ok(most <= 2 * 8 + 2, `calls alive at once at both sites: ${most}`);
  assert.is(newInvites(p201).length, invites201, '201 never rang (forward all)');
  assert.is(newInvites(p301).length, invites301, '301 never rang (forward all)');
  await hangUp101();
  await idle();
  await ok(A.api.put('/api/employees/201/forwarding', { all: null }));
  await ok(B.api.put('/api/employees/301/forwarding', { all: null }));
});

test.after(async () => {
  for (const [p, ext] of [[p201, '201'], [p301, '301']] as const) {
    if (!p) continue;
    await unregister(p, ext).catch(() => undefined);
    await Promise.all([p.sip.stop(), p.rtp.close()]);
  }
  await closeSites([A, B]);
});

test.run();
