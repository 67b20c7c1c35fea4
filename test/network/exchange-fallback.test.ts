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
import type { ExchangeEvent } from '../../src/core/events.js';
import { closeSites, peerOf, startSites, type Site } from '../helpers/sites.js';
import { waitUntil as until } from '../helpers/net.js';

type FxsView = { hook: string; hears: string };
type FxoView = { seized: boolean; dialled: string };

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

let A: Site;
let B: Site | undefined;
const fallbacks: Array<ExchangeEvent['data']> = [];

const fxs = async (n: number): Promise<FxsView> => (await A.api.get(`/api/sim/fxs/${n}`)).body as FxsView;
const fxo = async (n: number): Promise<FxoView> => (await A.api.get(`/api/sim/fxo/${n}`)).body as FxoView;
const lyonAtParis = () => peerOf(A, 'lyon');

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
  [A, B] = await startSites([{ config: paris, admin: '201' }, { config: lyon, admin: '301' }], 'autocom-net-fallback-');
  A.ex.events.subscribe((e) => {
    if (e.type === 'network.fallback') fallbacks.push(e.data);
  });
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
  await closeSites([A, B]);
});

test.run();
