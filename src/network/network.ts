/**
 * This site in a network of sites (issue #18, docs/network.md): its own SIP stack on TLS
 * (pinned certificates both ways, apart from the phones' UDP/TCP stack), the members it
 * knows, each peer's health (OPTIONS), the `x-autocom-site` subscriptions both ways, and
 * the routes those bring: which site owns a number, whether it is up, and its public
 * number for the fallback. No site is special: any member invites, admits and removes
 * (membership.ts), and every member checks what it is told against the signer's
 * certificate.
 *
 * This file holds the stack, the site's own record and the parts together; the parts are
 * peers.ts (whom this site follows and their health), routes-view.ts (where numbers go,
 * what the rest of the exchange asks), site-requests.ts (who may speak, and what each
 * request from a peer goes to) and joining.ts (invitations, joins, removals).
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { SipStack } from '../sip/stack.js';
import { NameAddr } from '../sip/header-values.js';
import { SipUri } from '../sip/uri.js';
import type { Destination } from '../sip/transport/layer.js';
import type { TlsTransport } from '../sip/transport/tls.js';
import { loadOrCreateIdentity, type SiteIdentity } from './identity.js';
import { NetworkStateStore } from './state-store.js';
import { SiteAnnouncer } from './site-announcer.js';
import type { SiteRecord } from './site-record.js';
import type { NumberRange } from './ranges.js';
import type { MemberRecord } from './membership.js';
import { Membership } from './joining.js';
import { SitePeers } from './peers.js';
import { isRemoved, learnRemoval } from './removals.js';
import { RoutesView, type NetworkView, type RemoteRoute } from './routes-view.js';
import { SiteRequests, type SiteCallHandler, type SiteLampHandler } from './site-requests.js';

export type { NetworkView, PeerView, RemoteRoute } from './routes-view.js';
export type { SiteCallHandler, SiteLampHandler } from './site-requests.js';

/** What this site says about itself (from the configuration's `site` key). */
export interface SelfDescription {
  id: string;
  ranges: NumberRange[];
  public_template?: string;
  names?: Array<{ ext: string; name: string }>;
}

export interface SiteNetworkOptions {
  clock: Clock;
  log: Logger;
  /** Where the identity and the state live (`<data>/network`). */
  dir: string;
  host: string;
  /** TLS port; 0 lets the OS choose (tests). */
  port: number;
  /** The address peers reach this site on, when not the bound one (NAT, 0.0.0.0). */
  advertise?: string;
  /** This site now; undefined while the configuration names no `site.id` (the network stays idle). */
  self(): SelfDescription | undefined;
  /** OPTIONS period (10 s) and misses that mark a peer down (3). */
  probeIntervalMs?: number;
  misses?: number;
  /** Duration asked for `x-autocom-site` subscriptions (600 s). */
  subscribeExpiresS?: number;
  /** CRLF keepalive period on connections this site opened (30 s). */
  keepaliveMs?: number;
}

export type NetworkEvent =
  | { type: 'peer.up' | 'peer.down'; site: string }
  | { type: 'routes.changed'; site: string; serial: number }
  | { type: 'member.added'; site: string }
  /** `by`: the member that signed the removal; `site` is this site's own id when it was the one removed. */
  | { type: 'member.removed'; site: string; by?: string }
  | { type: 'peer.refused'; address: string; fingerprint: string | null };

export class SiteNetwork {
  readonly store: NetworkStateStore;
  identity!: SiteIdentity;
  stack!: SipStack;
  private announcer!: SiteAnnouncer;
  private membership!: Membership;
  private readonly peers = new SitePeers(this, (site) => this.announcer.dropSite(site), (m) => this.membership.syncWith(m), (m, res) => learnRemoval(this, m, res));
  private readonly routes = new RoutesView(this, this.peers);
  private readonly listeners: Array<(e: NetworkEvent) => void> = [];
  /** Calls between sites; without it an INVITE is answered 405 (and the dial plan falls back). */
  calls: SiteCallHandler | undefined;
  /** Busy lamps across sites; without it a dialog SUBSCRIBE is answered 489. */
  lamps: SiteLampHandler | undefined;

  constructor(readonly o: SiteNetworkOptions) {
    this.store = new NetworkStateStore(o.dir, o.log);
  }

  async start(): Promise<void> {
    this.identity = await loadOrCreateIdentity(this.o.dir, this.o.self()?.id ?? 'autocom');
    this.stack = new SipStack({
      clock: this.o.clock,
      logger: this.o.log,
      transports: [{
        protocol: 'tls', host: this.o.host, port: this.o.port,
        ...(this.o.advertise ? { advertise: { host: this.o.advertise } } : {}),
        tls: {
          key: this.identity.key,
          cert: this.identity.cert,
          // A removed site's certificate connects only to be told it was removed (removals.ts).
          acceptPeer: (fp, remote) => this.memberByFingerprint(fp) !== undefined || isRemoved(this, fp) || this.membership.admits(fp, remote.address),
          keepaliveMs: this.o.keepaliveMs ?? 30_000,
          onePerPeer: true,
        },
      }],
    });
    this.membership = new Membership(this);
    this.announcer = new SiteAnnouncer(this.stack, this.o.clock, this.o.log, () => JSON.stringify(this.ownRecord()), (towards) => this.stack.contact('tls', this.o.self()?.id, towards));
    const requests = new SiteRequests(this, { membership: this.membership, peers: this.peers, announcer: this.announcer });
    this.stack.onRequest((req, tx) => requests.handle(req, tx));
    await this.stack.start();
    this.tls.onConnectionClosed((_remote, fp, retired) => {
      const m = this.memberByFingerprint(fp);
      // A second connection given up after a reconnection race closing is no loss: the pair still has its one (tls.ts).
      if (m && !this.tls.endpointOf(fp)) this.peers.connectionLost(m.site);
      // The pair's connection closed and a second one serves instead: what was in flight on it is lost, so subscribe again over this one.
      else if (m && !retired) this.peers.connectionSwitched(m.site);
    });
    this.tls.onRefused((remote, fp) => this.emit({ type: 'peer.refused', address: remote.address, fingerprint: fp ?? null }));
    this.selfChanged();
    for (const m of this.store.members()) this.addPeer(m);
  }

  async stop(): Promise<void> {
    this.peers.stopAll();
    this.announcer?.close();
    await this.stack?.stop();
  }

  on(listener: (e: NetworkEvent) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  emit(e: NetworkEvent): void {
    this.o.log.info(e, `network: ${e.type}`);
    for (const l of [...this.listeners]) l(e);
  }

  get tls(): TlsTransport {
    return this.stack.transport.transport('tls') as TlsTransport;
  }

  /** The TLS port bound (resolved when 0 was asked). */
  get port(): number {
    return this.tls.local.port;
  }

  /** The address and port peers are told to reach this site on. */
  get reachable(): { address: string; port: number } {
    const a = this.stack.transport.advertised('tls');
    return { address: a.address.replace(/^\[|\]$/g, ''), port: a.port };
  }

  selfId(): string | undefined {
    return this.o.self()?.id;
  }

  memberByFingerprint(fp: string): MemberRecord | undefined {
    return this.store.members().find((m) => m.fingerprint === fp);
  }

  /** This site's `x-autocom-site` record: its own ranges and names only, never another site's. */
  ownRecord(): SiteRecord {
    const self = this.o.self();
    return {
      site: self?.id ?? 'unnamed',
      serial: this.store.state.serial,
      ranges: self?.ranges ?? [],
      ...(self?.public_template ? { public_template: self.public_template } : {}),
      ...(self?.names ? { names: self.names } : {}),
    };
  }

  /** The configuration may have changed: a new record (next serial) goes to every subscriber if this site's part did. */
  selfChanged(): void {
    const self = this.o.self();
    if (!self) return;
    const { serial: _s, ...now } = this.ownRecord();
    const before = this.store.record(self.id);
    if (before) {
      const { serial: _b, ...was } = before;
      if (JSON.stringify(was) === JSON.stringify(now)) return;
    }
    this.store.update((s) => {
      s.serial++;
      s.records[self.id] = { ...now, serial: s.serial };
    });
    this.announcer.changed();
  }

  /** Start following a member (not this site); `awaitContact`: it opens the connection (a newcomer), so no probe towards it before an interval. */
  addPeer(m: MemberRecord, awaitContact = false): void {
    this.peers.add(m, awaitContact);
  }

  /** Stop following a member and forget its routes (it was removed). */
  dropPeer(site: string): void {
    this.peers.drop(site);
  }

  /** Over the standing connection with the member if there is one (one per pair of sites), else to its address. */
  destinationOf(m: MemberRecord): Destination {
    const open = this.tls.endpointOf(m.fingerprint);
    return { protocol: 'tls', ...(open ?? { address: m.address, port: m.port }) };
  }

  uriOf(m: MemberRecord, user?: string): SipUri {
    return new SipUri('sips', m.address.includes(':') ? `[${m.address}]` : m.address, m.port, user ?? m.site);
  }

  fromUri(user?: string): NameAddr {
    const a = this.stack.transport.advertised('tls');
    return new NameAddr(new SipUri('sips', a.address, a.port, user ?? this.selfId()));
  }

  /** The peer that owns `number`, by the last records known (kept on disk: they serve while the peer is down). */
  route(number: string): RemoteRoute | undefined {
    return this.routes.route(number);
  }

  /** Whether some peer's number starts with `prefix` (the dial plan waits for more digits). */
  startsWith(prefix: string): boolean {
    return this.routes.startsWith(prefix);
  }

  /** GET /api/network: this site and its peers. */
  view(): NetworkView {
    return this.routes.view();
  }

  createInvitation(expiresS: number): string {
    return this.membership.invite(expiresS);
  }

  join(token: string): Promise<{ network: string; members: string[] }> {
    return this.membership.join(token);
  }

  remove(site: string): Promise<void> {
    return this.membership.remove(site);
  }
}
