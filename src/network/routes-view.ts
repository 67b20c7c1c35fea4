/**
 * Where numbers go in the network (issue #18, docs/network.md), as the rest of the exchange
 * asks it: which peer owns a dialled number, whether it is up and its public number for the
 * fallback (the dial plan, calls and lamps across sites), whether a prefix may still become
 * a peer's number, and the list behind `GET /api/network`. Read-only: built from the members
 * and the last records each peer announced (kept on disk, so they serve while the peer is
 * down) and the peers' state.
 */
import type { SipUri } from '../sip/uri.js';
import type { Destination } from '../sip/transport/layer.js';
import type { PeerState } from './peer-health.js';
import { formatRange, publicNumber, rangeContains, rangeStartsWith } from './ranges.js';
import type { SitePeers } from './peers.js';
import type { SiteNetwork } from './network.js';

export interface PeerView {
  site: string;
  address: string;
  port: number;
  fingerprint: string;
  state: PeerState;
  since: string;
  /** An OPTIONS probe is waiting for its answer (half a probe interval at most). */
  probing: boolean;
  /** Probes in a row without an answer (three mark the peer down). */
  missed: number;
  ranges: string[];
  public_template: string | null;
  serial: number | null;
}

/** Where a dialled number goes when another site owns it. */
export interface RemoteRoute {
  site: string;
  state: PeerState;
  destination: Destination;
  uri: SipUri;
  /** The number to dial on a city line when the site cannot be reached (none without a template). */
  fallback?: string;
}

export interface NetworkView {
  site: string | null;
  network: string | null;
  fingerprint: string;
  tls_port: number;
  peers: PeerView[];
  /** This site was removed from `network` by `by` (a member), at `at` (ISO time); null while a member or never removed. */
  removed: { network: string; by: string; at: string } | null;
}

export class RoutesView {
  constructor(private readonly net: SiteNetwork, private readonly peers: SitePeers) {}

  /** The peer that owns `number`, by the last records known (kept on disk: they serve while the peer is down). */
  route(number: string): RemoteRoute | undefined {
    const { net } = this;
    for (const m of net.store.members()) {
      if (m.site === net.selfId()) continue;
      const r = net.store.record(m.site);
      if (!r || !r.ranges.some((x) => rangeContains(x, number))) continue;
      const p = this.peers.get(m.site);
      return {
        site: m.site,
        state: p?.health.state ?? 'down',
        destination: net.destinationOf(m),
        uri: net.uriOf(m, number),
        ...(r.public_template ? { fallback: publicNumber(r.public_template, number) } : {}),
      };
    }
    return undefined;
  }

  /** Whether some peer's number starts with `prefix` (the dial plan waits for more digits). */
  startsWith(prefix: string): boolean {
    const { net } = this;
    return net.store.members().some((m) => m.site !== net.selfId() && (net.store.record(m.site)?.ranges ?? []).some((r) => rangeStartsWith(r, prefix)));
  }

  /** GET /api/network: this site and its peers. */
  view(): NetworkView {
    const { net } = this;
    const peers: PeerView[] = [];
    for (const m of net.store.members()) {
      if (m.site === net.selfId()) continue;
      const p = this.peers.get(m.site);
      const r = net.store.record(m.site);
      peers.push({
        site: m.site, address: m.address, port: m.port, fingerprint: m.fingerprint,
        state: p?.health.state ?? 'down',
        since: new Date(p?.health.since ?? net.o.clock.now()).toISOString(),
        probing: p?.health.probing ?? false,
        missed: p?.health.misses ?? 0,
        ranges: (r?.ranges ?? []).map(formatRange),
        public_template: r?.public_template ?? null,
        serial: r?.serial ?? null,
      });
    }
    const removed = net.store.state.removed;
    return {
      site: net.selfId() ?? null, network: net.store.state.network, fingerprint: net.identity.fingerprint, tls_port: net.port, peers,
      removed: removed && { network: removed.network, by: removed.by, at: new Date(removed.at).toISOString() },
    };
  }
}
