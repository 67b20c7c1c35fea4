/**
 * A short number of another site through whole exchanges (sim board: the line-card emulator
 * in its own process): paris's analog phone dials lyon's 301; when lyon cannot take the call
 * over the network (a 405 or 5xx) and whenever lyon is down, the call goes out on paris's city
 * line to lyon's public number (the emulated line receives the digits) with a `network.fallback` event saying why.
 * A number that begins another site's range makes the analog phone wait for more digits.
 * Real time: each wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { waitUntil as until } from '../helpers/net.js';

type FxsView = { hook: string; hears: string };
type FxoView = { seized: boolean; dialled: string };
type Peer = { site: string; state: string; ranges: string[] };

const paris = {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['1xx', '2xx'], public_template: '+33140000{ext}' },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] },
    { name: 'Analog', extension: '101', devices: [{ type: 'fxs', port: 1 }], outside_calls: 'national' },
  ],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }, { name: 'City 2', type: 'fxo', port: 2 }],
  trunk_groups: [{ name: 'city', lines: ['City 1', 'City 2'] }],
};
const lyon = {
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xx'], public_template: '+33472000{ext}' },
  employees: [{ name: 'Admin Lyon', extension: '301', role: 'admin', password: 'change-me-301', devices: [{ type: 'sip', secret: 's3cret-301' }] }],
};

async function boot(cfg: object, admin: string): Promise<{ ex: Exchange; api: ApiClient }> {
  const dir = tempDir('autocom-net-fallback-');
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  const ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, tlsPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  const api = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await api.login(admin, `change-me-${admin}`), 200);
  return { ex, api };
}

let A: { ex: Exchange; api: ApiClient };
let B: { ex: Exchange; api: ApiClient } | undefined;
const fallbacks: Array<ExchangeEvent['data']> = [];

const fxs = async (n: number): Promise<FxsView> => (await A.api.get(`/api/sim/fxs/${n}`)).body as FxsView;
const fxo = async (n: number): Promise<FxoView> => (await A.api.get(`/api/sim/fxo/${n}`)).body as FxoView;
const lyonAtParis = async (): Promise<Peer | undefined> => ((await A.api.get('/api/network')).body.peers as Peer[]).find((p) => p.site === 'lyon');

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

async function callAndHangUp(digits: string, expectDialled: string): Promise<void> {
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(() => fxs(1), (v) => v.hears === 'dial_tone', '101 hears dial tone');
  await ok(A.api.post('/api/sim/fxs/1/dial', { digits }));
  await until(() => fxo(1), (v) => v.seized && v.dialled === expectDialled, `City 1 dials ${expectDialled}`, 20_000);
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(() => fxo(1), (v) => !v.seized, 'City 1 released', 15_000);
}

test.before(async () => {
  A = await boot(paris, '201');
  B = await boot(lyon, '301');
  A.ex.events.subscribe((e) => {
    if (e.type === 'network.fallback') fallbacks.push(e.data);
  });
  const token = (await A.api.post('/api/network/invitations', {})).body.token;
  await ok(B.api.post('/api/network/join', { token }));
  await until(lyonAtParis, (p) => p?.state === 'up' && p.ranges.join() === '3xx', 'lyon up at paris with 3xx', 15_000);
});

test('lyon up but taking no calls (405, as a site of an older version): 301 dialled on paris\'s analog phone goes to lyon\'s public number on the city line', async () => {
  assert.is(A.ex.switch.classify('3', false).kind, 'incomplete', 'the phone waits for more digits');
  assert.is(A.ex.switch.classify('30', false).kind, 'incomplete');
  B!.ex.network!.current()!.calls = undefined; // lyon answers INVITE 405 Method Not Allowed
  await callAndHangUp('301', '0472000301');
  assert.equal(fallbacks.at(-1), { call: (fallbacks.at(-1) as { call: string }).call, site: 'lyon', extension: '301', reason: 'server-error', number: '0472000301' });
});

test('lyon down: the call falls back with reason "down"; the record kept on disk still knows lyon\'s template', async () => {
  await B!.ex.close();
  B = undefined;
  await until(lyonAtParis, (p) => p?.state === 'down', 'lyon down at paris', 8000);
  await callAndHangUp('302', '0472000302');
  assert.is((fallbacks.at(-1) as { reason: string }).reason, 'down');
});

test.after(async () => {
  await Promise.all([A?.ex.close(), B?.ex.close()]);
});

test.run();
