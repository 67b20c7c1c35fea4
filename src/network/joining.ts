/**
 * Invitations, joining and removal (issue #18, docs/network.md), carried as SIP MESSAGEs
 * over the TLS connection between two sites:
 *
 * 1. An admin of any member creates a one-time invitation: a token holding the network's
 *    id, the members' addresses and fingerprints, a random secret and an expiry. This
 *    site keeps only the secret's hash (the first invitation founds the network: this
 *    site signs its own member record).
 * 2. The new site's admin pastes the token. The new site pins the members' fingerprints
 *    and sends `MESSAGE` (`application/x-autocom-join+json`: secret, id, TLS port,
 *    ranges) to the inviter, presenting its own certificate.
 * 3. The inviter checks the secret (once), the id (unused) and the ranges (they overlap
 *    no member's), signs the newcomer's member record (its certificate from the TLS
 *    connection) and sends the new record to every other member, which accepts it because
 *    a current member signed it; once the members that are up have taken it (2 s at most),
 *    it answers 200 with every member record and its own site record (never another
 *    member's: each member's record comes from that member over its subscription). The
 *    newcomer then opens the one connection of each pair (a member waits for it rather
 *    than opening a second one).
 *
 * Removal: any member signs a removal record and sends it to every member (the removed
 * one included, which then leaves the network). Records are checked by membership.ts.
 */
import * as z from 'zod';
import { SipError } from '../sip/errors.js';
import type { SipRequest } from '../sip/message.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import type { SipResponse } from '../sip/message.js';
import type { Destination } from '../sip/transport/layer.js';
import { NameAddr } from '../sip/header-values.js';
import { SipUri } from '../sip/uri.js';
import { siteIdSchema } from '../config/network-schema.js';
import {
  decodeToken, encodeToken, memberRecordSchema, newNetworkId, newSecret, removalRecordSchema, sameHash, secretHash,
  signMember, signRemoval, soundMembers, verifyMember, verifyRemoval, type MemberRecord,
} from './membership.js';
import { stepsFrom, syncBody, syncSchema, SYNC_CONTENT_TYPE } from './membership-sync.js';
import { firstOverlap, formatRange } from './ranges.js';
import { siteRecordSchema } from './site-record.js';
import { FailureLimiter } from '../../common/failure-limiter.js';
import { applyRemoval } from './removals.js';
import { pruneHistory } from './membership-history.js';
import type { SiteNetwork } from './network.js';

export const JOIN_CONTENT_TYPE = 'application/x-autocom-join+json';
export const MEMBER_CONTENT_TYPE = 'application/x-autocom-member+json';
export const REMOVAL_CONTENT_TYPE = 'application/x-autocom-removal+json';
const WELCOME_CONTENT_TYPE = 'application/x-autocom-welcome+json';

/** Why a network operation was refused; `status` is the HTTP status the API answers with. */
export class NetworkError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

const digits = z.string().regex(/^[1-9][0-9]{0,7}$/);
const joinSchema = z
  .object({
    secret: z.string().max(64),
    site: siteIdSchema,
    port: z.number().int().min(1).max(65535),
    ranges: z.array(z.object({ from: digits, to: digits }).strict()).max(64),
  })
  .strict();

const welcomeSchema = z
  .object({ network: z.string(), members: z.array(memberRecordSchema).max(500), removals: z.array(removalRecordSchema).max(2000).optional(), records: z.array(siteRecordSchema).max(500) })
  .strict();

/** Longest the inviter waits for the members to take a newcomer's record before it answers the join. */
const WELCOME_WAIT_MS = 2000;

/** Longest an invitation may stay open (7 days). */
export const MAX_INVITATION_S = 7 * 24 * 3600;

export class Membership {
  /** Fingerprints of the members named in a token being used right now (this site is joining). */
  private readonly joinPins = new Set<string>();
  /** Wrong join secrets per source address: five within a minute lock the address out for ten (its TLS refused). */
  private readonly failures: FailureLimiter;

  constructor(private readonly net: SiteNetwork) {
    this.failures = new FailureLimiter(net.o.clock, { maxFailures: 5, windowMs: 60_000, lockMs: 10 * 60_000 });
  }

  private get now(): number {
    return this.net.o.clock.now();
  }

  private openInvitations(): number {
    return this.net.store.state.invitations.filter((i) => i.expires > this.now).length;
  }

  /** Whether a TLS connection from this (unpinned) fingerprint may stand: only to carry a join, and not from an address locked out. */
  admits(fp: string, address: string): boolean {
    return this.joinPins.has(fp) || (this.openInvitations() > 0 && this.failures.retryAfterMs(address) === 0);
  }

  private selfOrThrow(): string {
    const id = this.net.selfId();
    if (!id) throw new NetworkError(409, 'this site has no site.id in its configuration');
    return id;
  }

  invite(expiresS: number): string {
    const self = this.selfOrThrow();
    const net = this.net;
    const store = net.store;
    if (store.state.network === null) {
      // Founding: this site admits itself.
      const network = newNetworkId();
      const own = signMember({ network, site: self, ...net.reachable, fingerprint: net.identity.fingerprint, cert: net.identity.cert, at: this.now, signer: self }, net.identity.key);
      store.update((s) => {
        s.network = network;
        s.members = [own];
        s.removed = null;
      });
    }
    const secret = newSecret();
    const expires = this.now + Math.min(Math.max(60, expiresS), MAX_INVITATION_S) * 1000;
    store.update((s) => {
      s.invitations = s.invitations.filter((i) => i.expires > this.now);
      s.invitations.push({ hash: secretHash(secret), expires });
    });
    const members = store.members().map((m) => ({ site: m.site, address: m.address, port: m.port, fingerprint: m.fingerprint }));
    return encodeToken({ v: 1, network: store.state.network!, inviter: self, members, secret, expires });
  }

  /** The newcomer's side: send the join to the inviter and take the member records it answers with. */
  async join(token: string): Promise<{ network: string; members: string[] }> {
    const self = this.selfOrThrow();
    const net = this.net;
    const t = decodeToken(token);
    if (!t) throw new NetworkError(400, 'not an invitation token');
    if (t.expires <= this.now) throw new NetworkError(410, 'the invitation has expired');
    if (net.store.members().length > 0) throw new NetworkError(409, 'this site is already a member of a network; remove it first');
    const inviter = t.members.find((m) => m.site === t.inviter);
    if (!inviter) throw new NetworkError(400, 'the token names no inviter');
    if (t.members.some((m) => m.site === self)) throw new NetworkError(409, `the network already has a site "${self}"`);
    for (const m of t.members) this.joinPins.add(m.fingerprint);
    try {
      const body = JSON.stringify({ secret: t.secret, site: self, port: net.reachable.port, ranges: net.ownRecord().ranges });
      const dest: Destination = { protocol: 'tls', address: inviter.address, port: inviter.port };
      const uri = new SipUri('sips', inviter.address.includes(':') ? `[${inviter.address}]` : inviter.address, inviter.port, inviter.site);
      const req = net.stack.createRequest({ method: 'MESSAGE', uri, from: net.fromUri(), to: new NameAddr(uri), body, contentType: JOIN_CONTENT_TYPE });
      const res = await this.send(req, dest);
      if (res.status === 409) throw new NetworkError(409, `the inviter refused: ${res.reason}`);
      if (res.status !== 200) throw new NetworkError(res.status === 403 ? 403 : 502, `the inviter refused the join: ${res.status} ${res.reason}`);
      const welcome = welcomeSchema.safeParse(JSON.parse(res.body.toString('utf8')));
      if (!welcome.success || welcome.data.network !== t.network) throw new NetworkError(502, 'the inviter answered with no valid member list');
      const members = soundMembers(welcome.data.members, t.network);
      const mine = members.find((m) => m.site === self);
      // The newcomer trusts what the token's members signed: the inviter must be among the sound records as the token says.
      const inviterRecord = members.find((m) => m.site === inviter.site && m.fingerprint === inviter.fingerprint);
      if (!mine || mine.fingerprint !== net.identity.fingerprint || !inviterRecord) throw new NetworkError(502, 'the member list does not admit this site');
      // Only the inviter's own record: a site speaks only for itself, so the other members' records come from each of them
      // over its own subscription (peers.ts) — none second-hand, which could be stale or belong to a site this one cannot reach.
      const records = welcome.data.records.filter((r) => r.site === inviter.site);
      // Removals the inviter saw, checked as members check them: a stale member later offering a removed site's record (membership-sync.ts) is refused.
      const removals = (welcome.data.removals ?? []).filter((r) => r.network === t.network && members.some((m) => m.site === r.signer && verifyRemoval(r, m.cert)));
      net.store.update((s) => {
        s.network = t.network;
        s.members = members;
        s.removals = removals;
        s.removed = null;
        pruneHistory(s);
        for (const r of records) s.records[r.site] = r;
      });
      for (const m of members) net.addPeer(m);
      net.emit({ type: 'member.added', site: self });
      return { network: t.network, members: members.map((m) => m.site) };
    } finally {
      this.joinPins.clear();
    }
  }

  /**
   * Send and wait for the final answer. A connection closed before it (the other site
   * refused this site's certificate after the handshake, as TLS 1.3 lets a server do)
   * fails at once rather than at Timer F.
   */
  private send(req: SipRequest, dest: Destination): Promise<SipResponse> {
    const tls = this.net.tls;
    let off = (): void => undefined;
    return new Promise<SipResponse>((resolve, reject) => {
      off = tls.onConnectionClosed((remote) => {
        if (remote.address === dest.address && remote.port === dest.port) reject(new NetworkError(403, 'the other site closed the connection (it does not accept this site\'s certificate)'));
      });
      this.net.stack.sendRequest(req, {
        destination: dest,
        onResponse: (res) => res.status >= 200 && resolve(res),
        onTimeout: () => reject(new NetworkError(504, 'the other site did not answer')),
        onTransportError: (err) => reject(new NetworkError(502, `cannot reach the other site: ${(err as Error).message ?? err}`)),
      });
    }).finally(() => off());
  }

  /** The inviter's side of a join (the connection's certificate is the newcomer's). */
  handleJoin(req: SipRequest, tx: ServerTransaction, fp: string): void {
    const net = this.net;
    const self = this.selfOrThrow();
    let body: z.infer<typeof joinSchema>;
    try {
      body = joinSchema.parse(JSON.parse(req.body.toString('utf8')));
    } catch {
      throw new SipError(400, 'Malformed Join');
    }
    const hash = secretHash(body.secret);
    const invitation = net.store.state.invitations.find((i) => sameHash(i.hash, hash) && i.expires > this.now);
    if (!invitation) {
      const source = tx.info.source;
      net.emit({ type: 'peer.refused', address: source.address, fingerprint: fp });
      this.failures.fail(source.address);
      tx.respond(net.stack.createResponse(req, 403, 'No Such Invitation'));
      // The connection served only this join: closed once the answer has left.
      setImmediate(() => net.tls.disconnect(source, true));
      return;
    }
    const members = net.store.members();
    if (members.some((m) => m.site === body.site)) throw new SipError(409, `Site ${body.site} Exists`);
    if (members.some((m) => m.fingerprint === fp)) throw new SipError(409, 'Certificate Already A Member');
    for (const m of members) {
      const ranges = m.site === self ? net.ownRecord().ranges : (net.store.record(m.site)?.ranges ?? []);
      const clash = firstOverlap(body.ranges, ranges);
      if (clash) throw new SipError(409, `Range ${formatRange(clash[0])} Overlaps ${formatRange(clash[1])} Of ${m.site}`);
    }
    const cert = net.tls.peerCertificate(tx.info.source);
    if (!cert) throw new SipError(403, 'No Certificate');
    const record = signMember(
      { network: net.store.state.network!, site: body.site, address: tx.info.source.address, port: body.port, fingerprint: fp, cert, at: this.now, signer: self },
      net.identity.key,
    );
    net.store.update((s) => {
      s.invitations = s.invitations.filter((i) => i !== invitation); // one-time
      s.members.push(record);
      s.records[body.site] = { site: body.site, serial: 0, ranges: body.ranges };
    });
    // The other members take the record before the newcomer has its welcome: each then
    // accepts the newcomer's connection and leaves opening it to the newcomer (which probes
    // every member at once), so a pair gets one connection, not one from each side.
    const up = new Set(net.view().peers.filter((p) => p.state === 'up').map((p) => p.site));
    const told = this.broadcast(MEMBER_CONTENT_TYPE, JSON.stringify(record), (m) => m.site !== self && m.site !== body.site, (m) => up.has(m.site));
    this.welcome(req, tx, record, told).catch((err: unknown) => net.o.log.warn({ err, site: body.site }, 'network: the welcome of a newcomer failed'));
  }

  /** Answer the join once the members that are up took the record (at most WELCOME_WAIT_MS). */
  private async welcome(req: SipRequest, tx: ServerTransaction, record: MemberRecord, told: Array<Promise<unknown>>): Promise<void> {
    const net = this.net;
    let timer: ReturnType<typeof net.o.clock.setTimeout> | undefined;
    await Promise.race([Promise.allSettled(told), new Promise<void>((resolve) => (timer = net.o.clock.setTimeout(resolve, WELCOME_WAIT_MS)))]);
    net.o.clock.clearTimeout(timer);
    const res = net.stack.createResponse(req, 200);
    const members = net.store.members();
    // The membership (addresses, fingerprints, removals) and this site's own record; never another member's (docs/network.md).
    res.setBody(JSON.stringify({ network: net.store.state.network, members, removals: net.store.state.removals, records: [net.ownRecord()] }), WELCOME_CONTENT_TYPE);
    tx.respond(res);
    net.addPeer(record);
    net.emit({ type: 'member.added', site: record.site });
  }

  /** A member record or a removal from a member: applied when a current member signed it. */
  handleRecord(req: SipRequest, tx: ServerTransaction, _sender: MemberRecord, type: string): void {
    const net = this.net;
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw new SipError(400, 'Malformed Record');
    }
    const signerOf = (id: string): MemberRecord | undefined => net.store.members().find((m) => m.site === id);
    if (type === MEMBER_CONTENT_TYPE) {
      const r = memberRecordSchema.safeParse(parsed);
      if (!r.success || r.data.network !== net.store.state.network) throw new SipError(400, 'Malformed Record');
      const signer = signerOf(r.data.signer);
      if (!signer || !verifyMember(r.data, signer.cert)) throw new SipError(403, 'Bad Signature');
      tx.respond(net.stack.createResponse(req, 200));
      if (signerOf(r.data.site) || net.store.state.removals.some((x) => x.fingerprint === r.data.fingerprint)) return; // known already, or removed
      // A newcomer: it connects to every member right after its welcome; no second connection from here.
      this.admit(r.data, true);
      return;
    }
    const r = removalRecordSchema.safeParse(parsed);
    if (!r.success || r.data.network !== net.store.state.network) throw new SipError(400, 'Malformed Record');
    const signer = signerOf(r.data.signer);
    if (!signer || !verifyRemoval(r.data, signer.cert)) throw new SipError(403, 'Bad Signature');
    tx.respond(net.stack.createResponse(req, 200));
    applyRemoval(this.net, r.data);
  }

  /** Take a member record already checked; `awaitContact` as for `SiteNetwork.addPeer`. */
  private admit(r: MemberRecord, awaitContact: boolean): void {
    this.net.store.update((s) => void s.members.push(r));
    this.net.addPeer(r, awaitContact);
    this.net.emit({ type: 'member.added', site: r.site });
  }

  /** A peer came up: send it every member and removal record this site holds (membership-sync.ts). */
  syncWith(m: MemberRecord): void {
    const net = this.net;
    if (net.store.state.network === null) return;
    const req = net.stack.createRequest({ method: 'MESSAGE', uri: net.uriOf(m), from: net.fromUri(), to: new NameAddr(net.uriOf(m)), body: syncBody(net.store.state), contentType: SYNC_CONTENT_TYPE });
    this.send(req, net.destinationOf(m)).catch((err: unknown) => net.o.log.warn({ err, site: m.site }, 'network: a member did not take the membership sync'));
  }

  /** A member's records after an outage: take the ones missing here that a current member signed. */
  handleSync(req: SipRequest, tx: ServerTransaction): void {
    const net = this.net;
    let sync: z.infer<typeof syncSchema>;
    try {
      sync = syncSchema.parse(JSON.parse(req.body.toString('utf8')));
    } catch {
      throw new SipError(400, 'Malformed Sync');
    }
    tx.respond(net.stack.createResponse(req, 200));
    for (const step of stepsFrom(net.store.state, sync)) {
      net.o.log.info({ site: step.kind === 'member' ? step.record.site : step.record.removed, signer: step.record.signer }, `network: a missed ${step.kind} record taken from a member`);
      if (step.kind === 'removal') applyRemoval(this.net, step.record, step.member);
      // That site has known this one since its welcome and probes it while it seems down: its probe opens the pair's one connection.
      else this.admit(step.record, true);
    }
  }

  /** Remove a member (any member may); this site itself leaves when it is the one removed. */
  async remove(site: string): Promise<void> {
    const net = this.net;
    const self = this.selfOrThrow();
    const target = net.store.members().find((m) => m.site === site);
    if (!target) throw new NetworkError(404, `no member "${site}"`);
    const removal = signRemoval({ network: net.store.state.network!, removed: site, fingerprint: target.fingerprint, at: this.now, signer: self }, net.identity.key);
    const sent = this.broadcast(REMOVAL_CONTENT_TYPE, JSON.stringify(removal), (m) => m.site !== self);
    await Promise.allSettled(sent);
    applyRemoval(this.net, removal);
  }

  /**
   * Send a record to the members `to` selects; resolves per member when answered (or
   * failed) — only for the members `awaited` selects (all by default), the others are sent to all the same.
   */
  private broadcast(contentType: string, body: string, to: (m: MemberRecord) => boolean, awaited: (m: MemberRecord) => boolean = () => true): Array<Promise<unknown>> {
    const net = this.net;
    return net.store.members().filter(to).flatMap((m) => {
      const req = net.stack.createRequest({ method: 'MESSAGE', uri: net.uriOf(m), from: net.fromUri(), to: new NameAddr(net.uriOf(m)), body, contentType });
      const sent = this.send(req, net.destinationOf(m)).catch((err: unknown) => net.o.log.warn({ err, site: m.site }, 'network: a member did not take the record'));
      return awaited(m) ? [sent] : [];
    });
  }
}
