/**
 * The members this site follows (issue #18, docs/network.md): for each peer its health
 * (OPTIONS every 10 s; three misses or a dropped connection mark it down), its
 * `x-autocom-site` subscription (held only while the peer is up) and the records that
 * subscription brings — kept only when they speak for the peer itself, never for another
 * site, which rules out loops and second-hand stale routes.
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import { NameAddr } from '../sip/header-values.js';
import { PeerHealth, type ProbeResult } from './peer-health.js';
import { SiteWatch } from './site-watch.js';
import { parseSiteRecord } from './site-record.js';
import type { MemberRecord } from './membership.js';
import type { SiteNetwork } from './network.js';

export interface Peer {
  member: MemberRecord;
  health: PeerHealth;
  watch: SiteWatch;
}

/** How soon a lost `x-autocom-site` subscription to an up peer is made again. */
const RESUBSCRIBE_MS = 5000;

export class SitePeers {
  private readonly peers = new Map<string, Peer>();

  /**
   * `forgetSubscriber` drops the subscriptions a peer holds to this site's own record (site-announcer.ts);
   * `cameUp` runs when a peer comes up (the membership records it may have missed go to it, membership-sync.ts).
   */
  constructor(
    private readonly net: SiteNetwork,
    private readonly forgetSubscriber: (site: string) => void,
    private readonly cameUp: (m: MemberRecord) => void = () => undefined,
    /** A probe answered 403: the peer may be saying this site was removed (removals.ts). */
    private readonly refused: (m: MemberRecord, res: SipResponse) => void = () => undefined,
  ) {}

  get(site: string): Peer | undefined {
    return this.peers.get(site);
  }

  /** Start following a member (not this site). */
  /** `awaitContact`: the member opens the connection (a newcomer), so the first probe waits an interval. */
  add(m: MemberRecord, awaitContact = false): void {
    const net = this.net;
    if (m.site === net.selfId() || this.peers.has(m.site)) return;
    const watch = new SiteWatch({
      stack: net.stack, clock: net.o.clock, log: net.o.log, site: m.site,
      destination: () => net.destinationOf(m), uri: () => net.uriOf(m), from: () => net.fromUri(), contact: () => net.stack.contact('tls', net.selfId(), m.address),
      expiresS: net.o.subscribeExpiresS ?? 600,
      onRecord: (body) => this.receiveRecord(m, body),
      // Refused or failed while the peer is up (a NOTIFY of an older subscription answered 481, a SUBSCRIBE on a connection
      // that closed in a reconnection race): subscribe again shortly rather than go without its records until it is down and up.
      onLost: () => {
        net.o.clock.setTimeout(() => {
          const p = this.peers.get(m.site);
          if (p?.watch === watch && p.health.state === 'up' && !watch.active) watch.start();
        }, RESUBSCRIBE_MS);
      },
    });
    const health = new PeerHealth({
      clock: net.o.clock,
      intervalMs: net.o.probeIntervalMs ?? 10_000,
      misses: net.o.misses ?? 3,
      probe: (done) => this.probe(m, done),
      onChange: (state) => {
        if (state === 'up') {
          watch.start();
          this.cameUp(m);
        } else {
          watch.stop();
          this.forgetSubscriber(m.site);
        }
        net.emit({ type: state === 'up' ? 'peer.up' : 'peer.down', site: m.site });
      },
    });
    this.peers.set(m.site, { member: m, health, watch });
    health.start(awaitContact);
  }

  /** Stop following a member and forget its routes (it was removed). */
  drop(site: string): void {
    const p = this.peers.get(site);
    if (!p) return;
    this.peers.delete(site);
    p.health.stop();
    p.watch.stop();
    this.forgetSubscriber(site);
    const at = this.net.tls.endpointOf(p.member.fingerprint);
    if (at) this.net.tls.disconnect(at);
  }

  /** The site stops: no more probes nor subscriptions. */
  stopAll(): void {
    for (const p of this.peers.values()) {
      p.health.stop();
      p.watch.stop();
    }
    this.peers.clear();
  }

  /** The TLS connection with this member dropped: it counts as down at once. */
  connectionLost(site: string): void {
    this.peers.get(site)?.health.connectionLost();
  }

  /** The connection with this member closed but another serves the pair now (tls.ts): its subscription is made again over it. */
  connectionSwitched(site: string): void {
    const p = this.peers.get(site);
    if (!p || p.health.state !== 'up') return;
    p.watch.stop();
    p.watch.start();
  }

  /** A peer that probes us is up from its side: probe back now rather than in up to 10 s. */
  probedBy(site: string): void {
    const p = this.peers.get(site);
    if (p && p.health.state === 'down') p.health.probeNow();
  }

  /** A NOTIFY from `site`: true when it belongs to the `x-autocom-site` subscription to that peer. */
  handleNotify(site: string, req: SipRequest, tx: ServerTransaction): boolean {
    const p = this.peers.get(site);
    return !!p && p.watch.handleNotify(req, tx);
  }

  private probe(m: MemberRecord, done: (r: ProbeResult) => void): void {
    const net = this.net;
    const req = net.stack.createRequest({ method: 'OPTIONS', uri: net.uriOf(m), from: net.fromUri(), to: new NameAddr(net.uriOf(m)) });
    net.stack.sendRequest(req, {
      destination: net.destinationOf(m),
      onResponse: (res) => {
        if (res.status === 403) this.refused(m, res);
        if (res.status >= 200 && this.peers.get(m.site)?.member === m) done(res.status < 300 ? 'answered' : 'timeout');
      },
      onTimeout: () => done('timeout'),
      onTransportError: () => done('unreachable'),
    });
  }

  /** A NOTIFY from `m` brought a record: kept when it is `m`'s own (a site speaks only for itself). */
  private receiveRecord(m: MemberRecord, body: string): void {
    const r = parseSiteRecord(body);
    if (!r || r.site !== m.site) {
      this.net.o.log.warn({ site: m.site }, 'network: record refused (malformed, or about another site)');
      return;
    }
    const store = this.net.store;
    const before = store.record(m.site);
    if (before && JSON.stringify(before) === JSON.stringify(r)) return;
    store.update((s) => {
      s.records[m.site] = r;
    });
    this.net.emit({ type: 'routes.changed', site: m.site, serial: r.serial });
  }
}
