/**
 * Calls between sites over the network connection, through whole exchanges (sim board: the
 * line-card emulator in its own process; lyon's SIP phone 301 played by our test phone):
 * paris's analog phone 101 dials lyon's 301 while lyon is up; the INVITE goes over the TLS
 * connection, lyon rings 301 showing paris's caller (its name and short number), 301
 * answers, each side hears the other's tone (RTP between the boxes, SDP through each box's
 * media), and hangs up; no city line is seized. 301 busy (486) is final: the caller hears
 * busy, no line is seized at paris, no fallback; 301 hanging up first ends the call at both
 * sites (its BYE over the network); a number lyon does not route is its 404,
 * final too. Lyon up but silent to INVITEs (its transport drops them): after 2 s the call
 * goes to lyon's public number on paris's city line (`network.fallback`, `no-answer`). The
 * other way, 301 calling 101 rings the analog phone showing 301 and lyon's name for it.
 * Real time: each wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExchangeEvent } from '../../src/core/events.js';
import { createResponse, Dialog } from '../../src/sip/index.js';
import { closeSites, startSites, type Site } from '../helpers/sites.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { playTone, toneEar } from '../helpers/tones.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

type FxsView = { hook: string; ringing: boolean; caller_id: string | null; caller_name: string | null; hears: string; hears_hz: number[] };
type FxoView = { seized: boolean; dialled: string };

const paris = {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['1xx', '2xx'], public_template: '+33140000{ext}' },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] },
    { name: 'Anne Martin', extension: '101', devices: [{ type: 'fxs', port: 1 }], outside_calls: 'national' },
  ],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }, { name: 'City 2', type: 'fxo', port: 2 }],
  trunk_groups: [{ name: 'city', lines: ['City 1', 'City 2'] }],
};
const lyon = {
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xx'], public_template: '+33472000{ext}' },
  employees: [{ name: 'Admin Lyon', extension: '301', role: 'admin', password: 'change-me-301', devices: [{ type: 'sip', secret: 's3cret-301' }] }],
};
const HZ = { paris: 1400, lyon: 1000 };

let A: Site;
let B: Site;
let phone: HarnessPhone;
const fallbacks: Array<ExchangeEvent['data']> = [];

const fxs = async (): Promise<FxsView> => (await A.api.get('/api/sim/fxs/1')).body as FxsView;
const fxo = async (n: number): Promise<FxoView> => (await A.api.get(`/api/sim/fxo/${n}`)).body as FxoView;
const port1 = async (): Promise<{ state: string }> => ((await A.api.get('/api/lines')).body.ports as Array<{ kind: string; port: number; state: string }>).find((p) => p.kind === 'fxs' && p.port === 1)!;
const invites = (): number => phone.received.filter((r) => r.method === 'INVITE' && !r.to.tag).length;

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

async function dial101(digits: string): Promise<void> {
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(fxs, (v) => v.hears === 'dial_tone', '101 hears dial tone');
  await ok(A.api.post('/api/sim/fxs/1/dial', { digits }));
}

async function hangUp101(): Promise<void> {
  await ok(A.api.post('/api/sim/fxs/1/play', { stop: true }));
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(port1, (p) => p.state === 'idle', 'port 1 idle at paris', 10_000);
}

test.before(async () => {
  [A, B] = await startSites([{ config: paris, admin: '201' }, { config: lyon, admin: '301' }], 'autocom-net-calls-');
  A.ex.events.subscribe((e) => {
    if (e.type === 'network.fallback') fallbacks.push(e.data);
  });
  phone = await harnessPhone(B.ex, '301');
  await register(phone, '301');
});

test('101 at paris dials lyon\'s 301: over the network, 301 shows paris\'s caller, audio both ways, no city line', async () => {
  const before = invites();
  phone.respond = (req) => {
    if (req.method === 'INVITE' && !req.to.tag) return undefined; // ring until the test answers
    return createResponse(req, 200, 'OK');
  };
  await dial101('301');
  await waitFor(() => invites() > before, 10_000, '301 gets an INVITE from lyon');
  const invite = phone.unanswered.at(-1)!;
  assert.is(invite.req.from.uri.user, '101', 'the caller\'s short number');
  assert.is(invite.req.from.displayName?.replace(/^"|"$/g, ''), 'Anne Martin', 'the caller\'s name');
  invite.tx.respond(createResponse(invite.req, 180, 'Ringing', 'callee-tag'));
  invite.tx.respond(defaultAnswer(phone, '301', invite.req, 'callee-tag'));
  phone.unanswered.pop();
  await waitFor(() => phone.acks.length > 0, 5000, '301 gets the ACK');

  const ear = toneEar(phone.rtp);
  const stopTone = playTone(phone.rtp, HZ.lyon);
  await ok(A.api.post('/api/sim/fxs/1/play', { tone_hz: HZ.paris }));
  try {
    await until(fxs, (v) => v.hears_hz.includes(HZ.lyon), '101 hears 301', 10_000);
    await waitFor(() => ear.share(HZ.paris) > 0.03, 10_000, '301 hears 101');
  } finally {
    stopTone();
  }
  assert.is((await fxo(1)).seized, false, 'no city line');
  assert.is(fallbacks.length, 0, 'no fallback');
  const byes = phone.received.filter((r) => r.method === 'BYE').length;
  await hangUp101();
  await waitFor(() => phone.received.filter((r) => r.method === 'BYE').length > byes, 10_000, '301 gets the BYE');
});

test('301 hangs up first: its BYE crosses the network and ends paris\'s call', async () => {
  phone.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? defaultAnswer(phone, '301', req, 'hangs-up-tag') : createResponse(req, 200, 'OK'));
  const before = invites();
  await dial101('301');
  await waitFor(() => invites() > before, 10_000, '301 gets the INVITE');
  await waitFor(() => A.ex.switch.activeCalls().some((c) => c.state === 'connected'), 10_000, 'connected at paris');
  const invite = phone.received.filter((r) => r.method === 'INVITE' && !r.to.tag).at(-1)!;
  const res = createResponse(invite, 200, 'OK', 'hangs-up-tag');
  res.headers.append('Contact', phone.sip.stack.contact('udp', '301').toString());
  const dialog = Dialog.asUas(invite, res);
  const bye = await phone.sip.send(dialog.createRequest('BYE'));
  assert.is(bye.status, 200);
  await waitFor(() => A.ex.switch.activeCalls().length === 0 && B.ex.switch.activeCalls().length === 0, 10_000, 'the call ended at both sites');
  await hangUp101();
});

test('the other way: lyon\'s 301 dials paris\'s 101; the analog phone rings showing 301 and its name; answered and hung up', async () => {
  phone.respond = (req) => createResponse(req, 200, 'OK');
  const call = phone.sip.sendAuthenticated({ method: 'INVITE', target: '101', from: '301', body: offerFor(phone.rtp.localPort) }, creds('301'));
  const shown = await until(fxs, (v) => v.ringing && v.caller_id !== null, '101 rings with a caller ID', 10_000);
  assert.equal([shown.caller_id, shown.caller_name], ['301', 'Admin Lyon']);
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  const r = await call;
  assert.is(r.final.status, 200);
  phone.sip.stack.sendAck(Dialog.asUac(r.request, r.final).createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: B.ex.sip.port });
  const byes = phone.received.filter((m) => m.method === 'BYE').length;
  await hangUp101();
  await waitFor(() => phone.received.filter((m) => m.method === 'BYE').length > byes, 10_000, '301 gets the BYE');
});

test('301 busy (486) is final: paris\'s caller hears busy, no line is seized, no fallback', async () => {
  phone.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 486, 'Busy Here', 'busy-tag') : createResponse(req, 200, 'OK'));
  const before = invites();
  await dial101('301');
  await waitFor(() => invites() > before, 10_000, '301 gets the INVITE');
  await until(fxs, (v) => v.hears === 'busy', '101 hears busy', 10_000);
  assert.is((await fxo(1)).seized, false);
  assert.is((await fxo(2)).seized, false);
  assert.is(fallbacks.length, 0);
  await hangUp101();
});

test('a number lyon does not route (399) is lyon\'s 404: final, no line at paris', async () => {
  await dial101('399');
  await until(fxs, (v) => v.hears !== 'dial_tone' && v.hears !== 'silence', '101 hears the refusal', 10_000);
  assert.is((await fxo(1)).seized, false);
  assert.is(fallbacks.length, 0);
  await hangUp101();
});

test('lyon up but silent to INVITEs (a hung SIP stack): after 2 s 301 goes to lyon\'s public number on paris\'s city line', async () => {
  // Fault injection: lyon's TLS transport drops every INVITE it reads; OPTIONS still answered, so lyon stays up.
  const tls = B.ex.network!.current()!.tls as unknown as { handler: (data: Buffer, ...rest: unknown[]) => void };
  const deliver = tls.handler;
  tls.handler = (data, ...rest) => {
    if (!data.subarray(0, 7).equals(Buffer.from('INVITE '))) deliver.call(tls, data, ...rest);
  };
  try {
    const before = invites();
    await dial101('301');
    await until(() => fxo(1), (v) => v.seized && v.dialled === '0472000301', 'City 1 dials lyon\'s public number', 20_000);
    assert.is((fallbacks.at(-1) as { reason: string }).reason, 'no-answer');
    assert.is(invites(), before, '301 never rang');
    await hangUp101();
    await until(() => fxo(1), (v) => !v.seized, 'City 1 released', 15_000);
  } finally {
    tls.handler = deliver;
  }
});

test.after(async () => {
  if (phone) {
    await unregister(phone, '301').catch(() => undefined);
    await Promise.all([phone.sip.stop(), phone.rtp.close()]);
  }
  await closeSites([A, B]);
});

test.run();
