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
import { fxoOf, fxsOf, lyonConfig, ok, parisConfig } from './fixtures/paris-lyon.js';

let A: Site;
let B: Site | undefined;
const fallbacks: Array<ExchangeEvent['data']> = [];

const fxs = (n: number) => fxsOf(A.api, n);
const fxo = (n: number) => fxoOf(A.api, n);
const lyonAtParis = () => peerOf(A, 'lyon');

async function callAndHangUp(digits: string, expectDialled: string): Promise<void> {
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'off' }), 'off hook');
  await until(() => fxs(1), (v) => v.hears === 'dial_tone', '101 hears dial tone');
  await ok(A.api.post('/api/sim/fxs/1/dial', { digits }), 'dial');
  await until(() => fxo(1), (v) => v.seized && v.dialled === expectDialled, `City 1 dials ${expectDialled}`, 20_000);
  await ok(A.api.post('/api/sim/fxs/1/hook', { state: 'on' }), 'on hook');
  await until(() => fxo(1), (v) => !v.seized, 'City 1 released', 15_000);
}

test.before(async () => {
  [A, B] = await startSites([{ config: parisConfig, admin: '201' }, { config: lyonConfig, admin: '301' }], 'autocom-net-fallback-');
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
