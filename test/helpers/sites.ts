/**
 * Sites of a network as whole exchanges for the network tests (docs/network.md): each site
 * its own process state, data folder and ports on loopback (sim board: its line-card
 * emulator), its admin logged in through the API. `startSites` boots N sites and joins
 * them the way admins do — each newcomer pastes a token from the site before it — then
 * waits until every site sees every other up with its ranges.
 */
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { createLogger, silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { ApiClient } from './http.js';
import { waitUntil } from './net.js';
import { tempDir } from './tmp.js';

export type PeerView = { site: string; state: string; ranges: string[]; fingerprint: string; port: number; since: string; public_template: string | null };
export type NetworkView = { enabled: boolean; site: string; network: string | null; fingerprint: string; tls_port: number; peers: PeerView[] };

export interface Site {
  ex: Exchange;
  api: ApiClient;
  /** The folder holding office.yaml and data/: boot again on it to restart the site. */
  dir: string;
  /** The TLS port it listens on (the same one on a restart keeps the peers' records valid). */
  tlsPort: number;
}

export interface SiteSpec {
  /** The office configuration (its `site` with `id` and `ranges`). */
  config: object;
  /** The admin's extension; its password is `change-me-<ext>`. */
  admin: string;
}

/** Boot one site; `dir` and `tlsPort` of an earlier run restart it on its data. */
export async function bootSite(spec: SiteSpec, opts: { dir?: string; tlsPort?: number; prefix?: string } = {}): Promise<Site> {
  const dir = opts.dir ?? tempDir(opts.prefix ?? 'autocom-net-');
  writeFileSync(`${dir}/office.yaml`, stringify(spec.config));
  const ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, tlsPort: opts.tlsPort ?? 0,
    logLevel: 'silent', logger: process.env.SITE_LOG ? createLogger(process.env.SITE_LOG) : silentLogger(),
  });
  const api = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await api.login(spec.admin, `change-me-${spec.admin}`), 200);
  return { ex, api, dir, tlsPort: ex.network?.current()?.port ?? 0 };
}

export const networkView = async (s: Site): Promise<NetworkView> => (await s.api.get('/api/network')).body as NetworkView;
export const peerOf = async (s: Site, site: string): Promise<PeerView | undefined> => (await networkView(s)).peers.find((p) => p.site === site);

/** `b` joins the network of `a` with a token `a` made. */
export async function join(a: Site, b: Site): Promise<void> {
  const inv = await a.api.post('/api/network/invitations', {});
  assert.is(inv.status, 200, JSON.stringify(inv.body));
  const r = await b.api.post('/api/network/join', { token: inv.body.token });
  assert.is(r.status, 200, JSON.stringify(r.body));
}

const idOf = (spec: SiteSpec): string => (spec.config as { site: { id: string } }).site.id;
const rangesOf = (spec: SiteSpec): number => ((spec.config as { site: { ranges?: unknown[] } }).site.ranges ?? []).length;

/** Boot the sites, join each to the one before it, and wait until each sees all the others up with their ranges. */
export async function startSites<const T extends readonly SiteSpec[]>(specs: T, prefix = 'autocom-net-'): Promise<{ -readonly [K in keyof T]: Site }> {
  const sites: Site[] = [];
  for (const spec of specs) sites.push(await bootSite(spec, { prefix }));
  for (let i = 1; i < sites.length; i++) await join(sites[i - 1]!, sites[i]!);
  for (const [i, s] of sites.entries()) {
    const others = specs.filter((_, j) => j !== i);
    await waitUntil(() => networkView(s), (v) => others.every((o) => {
      const p = v.peers.find((x) => x.site === idOf(o));
      return p?.state === 'up' && p.ranges.length === rangesOf(o);
    }), `${idOf(specs[i]!)} sees ${others.map(idOf).join(', ')} up with their ranges`, 15_000);
  }
  return sites as { -readonly [K in keyof T]: Site };
}

/** Close every site that is still running. */
export async function closeSites(sites: Array<Site | undefined>): Promise<void> {
  await Promise.all(sites.filter((s): s is Site => s !== undefined).map((s) => s.ex.close()));
}
