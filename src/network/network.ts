/**
 * This site in a network of sites (issue #18, docs/network.md): its own SIP stack on TLS
 * (pinned certificates both ways, apart from the phones' UDP/TCP stack), the members it
 * knows, each peer's health (OPTIONS), the `x-autocom-site` subscriptions both ways, and
 * the routes those bring: which site owns a number, whether it is up, and its public
 * number for the fallback. No site is special: any member invites, admits and removes
 * (membership.ts), and every member checks what it is told against the signer's
 * certificate.
 *
 * Who may speak: a TLS connection stands only with a member's certificate — or, while an
 * invitation of this site is open, with any certificate, and then only the join request
 * is answered (403 for anything else).
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { SipStack } from '../sip/stack.js';
import { SipError } from '../sip/errors.js';
import { NameAddr } from '../sip/header-values.js';
import { SipUri } from '../sip/uri.js';
import type { SipRequest } from '../sip/message.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import type { Destination } from '../sip/transport/layer.js';
import type { TlsTransport } from '../sip/transport/tls.js';
import { eventOf } from '../sip/events/event-header.js';
import { loadOrCreateIdentity, type SiteIdentity } from './identity.js';
import { NetworkStateStore } from './state-store.js';
import { PeerHealth, type PeerState, type ProbeResult } from './peer-health.js';
import { SiteAnnouncer } from './site-announcer.js';
import { SiteWatch } from './site-watch.js';
import { parseSiteRecord, SITE_EVENT, type SiteRecord } from './site-record.js';
import { formatRange, publicNumber, rangeContains, rangeStartsWith, type NumberRange } from './ranges.js';
import type { MemberRecord } from './membership.js';
import { Membership, JOIN_CONTENT_TYPE, MEMBER_CONTENT_TYPE, REMOVAL_CONTENT_TYPE } from './joining.js';

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
  | { type: 'member.added' | 'member.removed'; site: string }
  | { type: 'peer.refused'; address: string; fingerprint: string | null };

export interface PeerView {
  site: string;
  address: string;
  port: number;
  fingerprint: string;
  state: PeerState;
  since: string;
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

/** Calls between sites (site-calls.ts): set by boot/network.ts once the phones' side exists. */
export interface SiteCallHandler {
  invite(req: SipRequest, tx: ServerTransaction, member: MemberRecord): void | Promise<void>;
  inDialog(req: SipRequest, tx: ServerTransaction): void;
}

/** Busy lamps across sites (site-lamp-notifier.ts, remote-lamps.ts): set by boot/network.ts. */
export interface SiteLampHandler {
  /** A `dialog` SUBSCRIBE from the member `site` (new or in its dialog). */
  subscribe(req: SipRequest, tx: ServerTransaction, site: string): void;
  /** A NOTIFY from `site`: true when it belongs to one of this site's lamp subscriptions. */
  notify(req: SipRequest, tx: ServerTransaction, site: string): boolean;
}

/** The in-dialog requests of a call (SUBSCRIBE and NOTIFY dialogs stay with the site records). */
const IN_CALL_DIALOG: ReadonlySet<string> = new Set(['INVITE', 'BYE', 'UPDATE', 'INFO']);

interface Peer {
  member: MemberRecord;
  health: PeerHealth;
  watch: SiteWatch;
}

export class SiteNetwork {
  readonly store: NetworkStateStore;
  identity!: SiteIdentity;
  stack!: SipStack;
  private announcer!: SiteAnnouncer;
  private membership!: Membership;
  private readonly peers = new Map<string, Peer>();
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
          acceptPeer: (fp, remote) => this.memberByFingerprint(fp) !== undefined || this.membership.admits(fp, remote.address),
          keepaliveMs: this.o.keepaliveMs ?? 30_000,
        },
      }],
    });
    this.membership = new Membership(this);
    this.announcer = new SiteAnnouncer(this.stack, this.o.clock, this.o.log, () => JSON.stringify(this.ownRecord()), (towards) => this.stack.contact('tls', this.o.self()?.id, towards));
    this.stack.onRequest((req, tx) => this.handle(req, tx));
    await this.stack.start();
    this.tls.onConnectionClosed((_remote, fp) => {
      const m = this.memberByFingerprint(fp);
      if (m) this.peers.get(m.site)?.health.connectionLost();
    });
    this.tls.onRefused((remote, fp) => this.emit({ type: 'peer.refused', address: remote.address, fingerprint: fp ?? null }));
    this.selfChanged();
    for (const m of this.store.members()) this.addPeer(m);
  }

  async stop(): Promise<void> {
    for (const p of this.peers.values()) {
      p.health.stop();
      p.watch.stop();
    }
    this.peers.clear();
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
    if (m.site === this.selfId() || this.peers.has(m.site)) return;
    const watch = new SiteWatch({
      stack: this.stack, clock: this.o.clock, log: this.o.log, site: m.site,
      destination: () => this.destinationOf(m), uri: () => this.uriOf(m), from: () => this.fromUri(), contact: () => this.stack.contact('tls', this.selfId(), m.address),
      expiresS: this.o.subscribeExpiresS ?? 600,
      onRecord: (body) => this.receiveRecord(m, body),
    });
    const health = new PeerHealth({
      clock: this.o.clock,
      intervalMs: this.o.probeIntervalMs ?? 10_000,
      misses: this.o.misses ?? 3,
      probe: (done) => this.probe(m, done),
      onChange: (state) => {
        if (state === 'up') watch.start();
        else {
          watch.stop();
          this.announcer.dropSite(m.site);
        }
        this.emit({ type: state === 'up' ? 'peer.up' : 'peer.down', site: m.site });
      },
    });
    this.peers.set(m.site, { member: m, health, watch });
    health.start(awaitContact);
  }

  /** Stop following a member and forget its routes (it was removed). */
  dropPeer(site: string): void {
    const p = this.peers.get(site);
    if (!p) return;
    this.peers.delete(site);
    p.health.stop();
    p.watch.stop();
    this.announcer.dropSite(site);
    const at = this.tls.endpointOf(p.member.fingerprint);
    if (at) this.tls.disconnect(at);
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

  private probe(m: MemberRecord, done: (r: ProbeResult) => void): void {
    const req = this.stack.createRequest({ method: 'OPTIONS', uri: this.uriOf(m), from: this.fromUri(), to: new NameAddr(this.uriOf(m)) });
    this.stack.sendRequest(req, {
      destination: this.destinationOf(m),
      onResponse: (res) => {
        if (res.status >= 200) done(res.status < 300 ? 'answered' : 'timeout');
      },
      onTimeout: () => done('timeout'),
      onTransportError: () => done('unreachable'),
    });
  }

  /** A NOTIFY from `m` brought a record: kept when it is `m`'s own (a site speaks only for itself). */
  private receiveRecord(m: MemberRecord, body: string): void {
    const r = parseSiteRecord(body);
    if (!r || r.site !== m.site) {
      this.o.log.warn({ site: m.site }, 'network: record refused (malformed, or about another site)');
      return;
    }
    const before = this.store.record(m.site);
    if (before && JSON.stringify(before) === JSON.stringify(r)) return;
    this.store.update((s) => {
      s.records[m.site] = r;
    });
    this.emit({ type: 'routes.changed', site: m.site, serial: r.serial });
  }

  private handle(req: SipRequest, tx: ServerTransaction): void | Promise<void> {
    const fp = this.tls.peerFingerprint(tx.info.source);
    const member = fp ? this.memberByFingerprint(fp) : undefined;
    const type = (req.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (req.method === 'MESSAGE' && type === JOIN_CONTENT_TYPE && fp) return void this.membership.handleJoin(req, tx, fp);
    if (!member) throw new SipError(403, 'Not A Member');
    if (this.calls && req.to.tag !== undefined && IN_CALL_DIALOG.has(req.method)) return this.calls.inDialog(req, tx);
    switch (req.method) {
      case 'INVITE':
        if (!this.calls) throw new SipError(405, 'Method Not Allowed');
        return this.calls.invite(req, tx, member);
      case 'OPTIONS': {
        const res = this.stack.createResponse(req, 200);
        res.headers.append('Allow', this.calls ? 'INVITE, ACK, CANCEL, BYE, INFO, UPDATE, OPTIONS, SUBSCRIBE, NOTIFY, MESSAGE' : 'OPTIONS, SUBSCRIBE, NOTIFY, MESSAGE');
        tx.respond(res);
        // A peer that probes us is up from its side: probe back now rather than in up to 10 s.
        const p = this.peers.get(member.site);
        if (p && p.health.state === 'down') p.health.probeNow();
        return;
      }
      case 'SUBSCRIBE':
        if (eventOf(req).package === 'dialog' && this.lamps) return this.lamps.subscribe(req, tx, member.site);
        if (eventOf(req).package !== SITE_EVENT) throw new SipError(489, 'Bad Event');
        return this.announcer.handleSubscribe(req, tx, member.site);
      case 'NOTIFY': {
        const p = this.peers.get(member.site);
        if (p && p.watch.handleNotify(req, tx)) return;
        if (this.lamps?.notify(req, tx, member.site)) return;
        throw new SipError(481, 'Subscription Does Not Exist');
      }
      case 'MESSAGE':
        if (type === MEMBER_CONTENT_TYPE || type === REMOVAL_CONTENT_TYPE) return this.membership.handleRecord(req, tx, member, type);
        throw new SipError(415, 'Unsupported Media Type');
      default:
        throw new SipError(405, 'Method Not Allowed');
    }
  }

  /** The peer that owns `number`, by the last records known (kept on disk: they serve while the peer is down). */
  route(number: string): RemoteRoute | undefined {
    for (const m of this.store.members()) {
      if (m.site === this.selfId()) continue;
      const r = this.store.record(m.site);
      if (!r || !r.ranges.some((x) => rangeContains(x, number))) continue;
      const p = this.peers.get(m.site);
      return {
        site: m.site,
        state: p?.health.state ?? 'down',
        destination: this.destinationOf(m),
        uri: this.uriOf(m, number),
        ...(r.public_template ? { fallback: publicNumber(r.public_template, number) } : {}),
      };
    }
    return undefined;
  }

  /** Whether some peer's number starts with `prefix` (the dial plan waits for more digits). */
  startsWith(prefix: string): boolean {
    return this.store.members().some((m) => m.site !== this.selfId() && (this.store.record(m.site)?.ranges ?? []).some((r) => rangeStartsWith(r, prefix)));
  }

  /** GET /api/network: this site and its peers. */
  view(): { site: string | null; network: string | null; fingerprint: string; tls_port: number; peers: PeerView[] } {
    const peers: PeerView[] = [];
    for (const m of this.store.members()) {
      if (m.site === this.selfId()) continue;
      const p = this.peers.get(m.site);
      const r = this.store.record(m.site);
      peers.push({
        site: m.site, address: m.address, port: m.port, fingerprint: m.fingerprint,
        state: p?.health.state ?? 'down',
        since: new Date(p?.health.since ?? this.o.clock.now()).toISOString(),
        ranges: (r?.ranges ?? []).map(formatRange),
        public_template: r?.public_template ?? null,
        serial: r?.serial ?? null,
      });
    }
    return { site: this.selfId() ?? null, network: this.store.state.network, fingerprint: this.identity.fingerprint, tls_port: this.port, peers };
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
