/**
 * The membership history a site keeps in state.json is bounded (membership-history.ts):
 * a removed site's member record stays only while a current member's record needs it as
 * the signer, on every member; a file written by the earlier version (no `removed`, every
 * removed signer kept) loads, is pruned and written back whole; and however many sites were
 * ever removed, the sync a site sends stays within what a peer accepts.
 * Real sites on loopback TLS, real state files, probes on an injected clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FakeClock } from '../../common/clock.js';
import { createLogger, silentLogger } from '../../common/log.js';
import { SiteNetwork, type SelfDescription } from '../../src/network/network.js';
import { toRange } from '../../src/network/ranges.js';
import { MAX_REMOVALS, pruneHistory } from '../../src/network/membership-history.js';
import { syncBody, syncSchema } from '../../src/network/membership-sync.js';
import { emptyState } from '../../src/network/state-store.js';
import type { RemovalRecord } from '../../src/network/membership.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';

const root = tempDir('autocom-mhistory-');
const clock = new FakeClock();
const running: SiteNetwork[] = [];

async function site(id: string, ranges: string[], port = 0): Promise<SiteNetwork> {
  const self: SelfDescription = { id, ranges: ranges.map(toRange) };
  const net = new SiteNetwork({ clock, log: process.env.NETLOG ? createLogger('info') : silentLogger(), dir: join(root, id), host: '127.0.0.1', port, self: () => self, probeIntervalMs: 10_000 });
  await net.start();
  running.push(net);
  return net;
}

async function stop(net: SiteNetwork): Promise<void> {
  await net.stop();
  running.splice(running.indexOf(net), 1);
}

const state = (s: SiteNetwork, id: string) => s.view().peers.find((p) => p.site === id)?.state;
const onDisk = (id: string) => JSON.parse(readFileSync(join(root, id, 'state.json'), 'utf8')) as Record<string, unknown> & { retired: Array<{ site: string }>; removals: Array<{ removed: string }> };

let A: SiteNetwork;
let B: SiteNetwork;
/** paris's file while it kept rennes as a signer, before the second removal. */
let withRetired: ReturnType<typeof onDisk>;

test('a removed signer is kept while a member\'s record needs it, and pruned on every member once none does', async () => {
  A = await site('paris', ['2xx']);
  B = await site('lyon', ['3xx']);
  await B.join(A.createInvitation(600));
  const X = await site('rennes', ['6xx']);
  await X.join(A.createInvitation(600));
  const Y = await site('brest', ['7xx']);
  await Y.join(X.createInvitation(600)); // signed by rennes
  await waitFor(() => state(A, 'brest') === 'up' && state(B, 'brest') === 'up' && state(Y, 'paris') === 'up', 8000, 'brest in');

  await A.remove('rennes');
  await waitFor(() => X.view().network === null && state(B, 'rennes') === undefined, 8000, 'rennes removed');
  for (const id of ['paris', 'lyon']) assert.equal(onDisk(id).retired.map((m) => m.site), ['rennes'], `${id} keeps rennes: brest's record is signed by it`);
  withRetired = onDisk('paris');

  await A.remove('brest');
  await waitFor(() => Y.view().network === null && state(B, 'brest') === undefined, 8000, 'brest removed');
  for (const id of ['paris', 'lyon']) {
    const s = onDisk(id);
    assert.equal(s.retired, [], `${id}: no current record is signed by a removed site any more`);
    assert.equal(s.removals.map((r) => r.removed).sort(), ['brest', 'rennes'], `${id} keeps the removals`);
  }
  await stop(X);
  await stop(Y);
});

test('a state file of the earlier version (every removed signer kept, no `removed`) loads, is pruned and written back whole', async () => {
  await stop(A);
  const file = join(root, 'paris', 'state.json');
  // As the earlier version wrote it: both removed sites' records kept for ever, no `removed` key.
  const legacy = { ...onDisk('paris') } as Record<string, unknown>;
  delete legacy.removed;
  const brestRecord = (withRetired.members as Array<{ site: string }>).find((m) => m.site === 'brest');
  legacy.retired = [...withRetired.retired, brestRecord];
  writeFileSync(file, JSON.stringify(legacy, null, 1));
  assert.is((legacy.retired as unknown[]).length, 2);

  A = await site('paris', ['2xx']);
  assert.is(A.view().network, B.view().network, 'still in its network');
  assert.equal(A.view().peers.map((p) => p.site), ['lyon']);
  assert.is(A.view().removed, null);
  const now = onDisk('paris');
  assert.equal(now.retired, [], 'pruned on load');
  assert.is(now.removed, null, 'the new field written');
  assert.equal(now.removals.map((r) => r.removed).sort(), ['brest', 'rennes']);
  assert.not.ok(existsSync(`${file}.new`), 'no temporary file left');
  assert.not.ok(existsSync(`${file}.bad`), 'not set aside');
});

const hex = (n: number): string => randomBytes(n).toString('hex');
const fingerprint = (): string => randomBytes(32).toString('hex').toUpperCase().match(/../g)!.join(':');

test('however many sites were removed, the removals kept stay bounded (the newest) and a peer takes the sync', () => {
  const s = emptyState();
  s.network = hex(16);
  const removal = (i: number, fp = fingerprint()): RemovalRecord => ({ network: s.network!, removed: `site-${i}`, fingerprint: fp, at: 1_000_000 + i, signer: 'paris', signature: 'c2ln' });
  for (let i = 0; i < 2500; i++) s.removals.push(removal(i));
  s.removals.push({ ...s.removals[2499]!, at: 5 }); // the same certificate twice
  assert.not.ok(syncSchema.safeParse(JSON.parse(syncBody(s))).success, 'unbounded, a peer refuses the whole sync');
  assert.ok(pruneHistory(s));
  assert.is(s.removals.length, MAX_REMOVALS);
  assert.is(s.removals[0]!.removed, `site-${2500 - MAX_REMOVALS}`, 'the oldest went first');
  assert.is(s.removals.at(-1)!.removed, 'site-2499');
  assert.ok(syncSchema.safeParse(JSON.parse(syncBody(s))).success, 'bounded, the sync is taken');
  assert.not.ok(pruneHistory(s), 'nothing more to prune');
});

test.after(async () => {
  for (const n of [...running]) await n.stop();
});

test.run();
