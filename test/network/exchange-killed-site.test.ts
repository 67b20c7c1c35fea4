/**
 * The "site B killed" test, through whole exchanges: paris runs in this process (sim
 * board: its line-card emulator in its own process), lyon is a real exchange in a process of
 * its own (bench/network/site-process.ts), each with its own data folder and ports, joined by
 * an invitation through their APIs.
 *
 * - lyon is killed (SIGKILL: no goodbye, its sockets torn down by the kernel): paris marks it
 *   down, and paris's analog phone 101 dialling lyon's 301 goes out on paris's city line to
 *   lyon's public number — the emulated line receives 0472000301 — with `network.fallback`
 *   (`down`).
 * - lyon is started again on the same data folder and TLS port: paris sees it up by itself,
 *   and the next call to 301 goes over the network — lyon's phone 301 rings with paris's
 *   caller, no city line is seized at paris, no fallback.
 * Real time: each wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExchangeEvent } from '../../src/core/events.js';
import { createResponse } from '../../src/sip/index.js';
import { bootSite, closeSites, peerOf, type Site } from '../helpers/sites.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { harnessPhone, register, type HarnessPhone } from '../channels/sip/call-harness.js';
import type { Exchange } from '../../src/main.js';
import { spawnSite, type SiteProcess } from '../../bench/network/sites.js';
import { fxoOf, fxsOf, lyonConfig, ok, parisConfig } from './fixtures/paris-lyon.js';

let A: Site;
let B: SiteProcess | undefined;
const lyonDir = tempDir('autocom-net-killed-lyon-');
const fallbacks: Array<ExchangeEvent['data']> = [];
const phones: HarnessPhone[] = [];

const fxs = () => fxsOf(A.api, 1);
const fxo = () => fxoOf(A.api, 1);
const lyonAtParis = () => peerOf(A, 'lyon');
const lyonAdmin = { ext: '301', password: 'change-me-301' };

/** Lyon's SIP phone 301, registered at lyon's exchange in its process (its SIP port changes with every start). */
async function phone301(): Promise<HarnessPhone> {
  const p = await harnessPhone({ sip: { port: B!.ports.sip } } as Exchange, '301');
  phones.push(p);
  await register(p, '301');
  return p;
}

async function dial101(digits: string): Promise<void> {
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }), 'off hook');
  await until(fxs, (v) => v.hears === 'dial_tone', '101 hears dial tone');
  await ok(A.api.post('/api/sim/fxs/1/dial', { digits }), 'dial');
}

async function hangUp101(): Promise<void> {
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'on' }), 'on hook');
  await until(fxo, (v) => !v.seized, 'City 1 released', 15_000);
  await waitFor(() => A.ex.switch.activeCalls().length === 0, 10_000, 'no call left at paris');
}

test.before(async () => {
  A = await bootSite({ config: parisConfig, admin: '201' }, { prefix: 'autocom-net-killed-paris-' });
  A.ex.events.subscribe((e) => {
    if (e.type === 'network.fallback') fallbacks.push(e.data);
  });
  B = await spawnSite(lyonDir, lyonConfig, { admin: lyonAdmin });
  const inv = await A.api.post('/api/network/invitations', {});
  assert.is(inv.status, 200, JSON.stringify(inv.body));
  const joined = await B.api.post('/api/network/join', { token: inv.body.token });
  assert.is(joined.status, 200, JSON.stringify(joined.body));
  await until(lyonAtParis, (p) => p?.state === 'up' && p.ranges.join() === '3xx', 'lyon up at paris with its range', 15_000);
});

test('lyon killed: 301 dialled at paris goes to lyon\'s public number on paris\'s city line', async () => {
  B!.child.kill('SIGKILL');
  await B!.exited;
  await until(lyonAtParis, (p) => p?.state === 'down', 'lyon down at paris', 8000);
  await dial101('301');
  await until(fxo, (v) => v.seized && v.dialled === '0472000301', 'City 1 dials lyon\'s public number', 20_000);
  assert.equal(fallbacks.map((f) => ({ ...f, call: undefined })), [{ call: undefined, site: 'lyon', extension: '301', reason: 'down', number: '0472000301' }]);
  await hangUp101();
});

test('lyon restarted on its data: paris sees it up by itself, and the next call to 301 rings lyon\'s phone over the network, no city line', async () => {
  B = await spawnSite(lyonDir, lyonConfig, { admin: lyonAdmin, tlsPort: B!.ports.tls });
  await until(lyonAtParis, (p) => p?.state === 'up', 'lyon up again at paris', 15_000);
  const phone = await phone301();
  phone.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : createResponse(req, 200, 'OK'));
  await dial101('301');
  await waitFor(() => phone.unanswered.some((u) => u.req.method === 'INVITE'), 10_000, '301 rings at lyon');
  const { req: invite, tx } = phone.unanswered.find((u) => u.req.method === 'INVITE')!;
  tx.respond(createResponse(invite, 180, 'Ringing', 'lyon-tag'));
  assert.is(invite.from.uri.user, '101', 'paris\'s caller, by short number');
  await waitFor(() => A.ex.switch.activeCalls().length === 1, 5000, 'the call is up at paris');
  const line = await fxo();
  assert.is(line.seized, false, 'no city line seized at paris');
  assert.is(fallbacks.length, 1, 'no fallback this time');
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'on' }), 'on hook');
  await waitFor(() => tx.state !== 'Proceeding', 10_000, '301 stops ringing: the hang-up reaches lyon (CANCEL)');
  await waitFor(() => A.ex.switch.activeCalls().length === 0, 10_000, 'no call left at paris');
});

test.after(async () => {
  await Promise.all(phones.map((p) => Promise.all([p.sip.stop(), p.rtp.close()])));
  await B?.stop();
  await closeSites([A]);
});

test.run();
