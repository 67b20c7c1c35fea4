/**
 * Removal records taken, and a removed site told (issue #18, docs/network.md).
 *
 * A removal record (signed by any member) drops the site it names: its peer, its routes and
 * its connection; the record is kept (state.json) so a stale copy of that site's member record
 * is refused later, and so the removed site can be told should it come back.
 *
 * A site that was down while it was removed missed the broadcast. When it comes back it still
 * thinks it is a member and probes the others. They let its certificate connect (it is in a
 * removal they hold) only to answer every request `403 Removed From Network`, carrying this
 * site's membership records as a sync (`application/x-autocom-sync+json`: members, removed
 * signers, removals), and close the connection. The removed site checks that document as a
 * sync is checked (membership-sync.ts): it leaves only on a removal of its own certificate
 * signed by a member it can verify — never on the refusing site's word alone — then drops its
 * peers and their routes, records that it was removed (`removed` in state.json and in
 * `GET /api/network`), logs it and publishes `member.removed` for itself.
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import type { MemberRecord, RemovalRecord } from './membership.js';
import { stepsFrom, syncBody, syncSchema, SYNC_CONTENT_TYPE } from './membership-sync.js';
import { pruneHistory } from './membership-history.js';
import type { SiteNetwork } from './network.js';

export const REMOVED_REASON = 'Removed From Network';

/** Whether `fp` is the certificate of a site removed from this network (a removal of it is held). */
export function isRemoved(net: SiteNetwork, fp: string): boolean {
  return net.store.state.removals.some((r) => r.fingerprint === fp);
}

/**
 * A request from a removed site's certificate: refused with the records that prove it, then
 * the connection closed once the answer has left. An ACK has no answer.
 */
export function refuseRemoved(net: SiteNetwork, req: SipRequest, tx: ServerTransaction, fp: string): void {
  if (req.method === 'ACK') return;
  const removal = net.store.state.removals.find((r) => r.fingerprint === fp);
  net.o.log.info({ site: removal?.removed, method: req.method }, 'network: a removed site spoke; told it was removed');
  const res = net.stack.createResponse(req, 403, REMOVED_REASON);
  res.setBody(syncBody(net.store.state), SYNC_CONTENT_TYPE);
  tx.respond(res);
  const source = tx.info.source;
  setImmediate(() => net.tls.disconnect(source, true));
}

/** This site's request to `from` was refused as from a removed site: leave when a removal of this site checks. */
export function learnRemoval(net: SiteNetwork, from: MemberRecord, res: SipResponse): void {
  if (res.status !== 403 || (res.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase() !== SYNC_CONTENT_TYPE) return;
  let sync;
  try {
    sync = syncSchema.parse(JSON.parse(res.body.toString('utf8')));
  } catch {
    net.o.log.warn({ site: from.site }, 'network: a member refused this site as removed with a malformed document; ignored');
    return;
  }
  const self = net.selfId();
  const step = stepsFrom(net.store.state, sync).find((s) => s.kind === 'removal' && s.record.removed === self && s.record.fingerprint === net.identity.fingerprint);
  if (!step) {
    net.o.log.warn({ site: from.site }, 'network: a member refuses this site as removed but shows no removal of it signed by a member known here; this site stays a member');
    return;
  }
  net.o.log.warn({ by: step.record.signer, at: new Date(step.record.at).toISOString(), told_by: from.site }, 'network: this site was removed from the network while it was away; it leaves the network');
  applyRemoval(net, step.record as RemovalRecord);
}

/** Take a checked removal; `known`: the removed site's member record when this site never held it as a member (kept as a signer). */
export function applyRemoval(net: SiteNetwork, removal: RemovalRecord, known?: MemberRecord): void {
  const site = removal.removed;
  if (site === net.selfId()) {
    const peers = net.view().peers;
    for (const m of net.store.members()) net.dropPeer(m.site);
    net.store.update((s) => {
      s.removed = { network: s.network ?? removal.network, by: removal.signer, at: removal.at };
      s.network = null;
      s.members = [];
      s.invitations = [];
      s.removals = [];
      s.retired = [];
      for (const k of Object.keys(s.records)) if (k !== site) delete s.records[k];
    });
    // The peers that were up are gone: what followed them (busy lamps) lets go.
    for (const p of peers) if (p.state === 'up') net.emit({ type: 'peer.down', site: p.site });
    net.emit({ type: 'member.removed', site, by: removal.signer });
    return;
  }
  // Kept even for a site unknown here: its member record, should a stale member offer it later, is refused.
  const member = net.store.members().find((m) => m.site === site && m.fingerprint === removal.fingerprint);
  const retired = member ?? known;
  net.store.update((s) => {
    if (!s.removals.some((r) => r.fingerprint === removal.fingerprint)) s.removals.push(removal);
    if (retired && !s.retired.some((m) => m.fingerprint === retired.fingerprint)) s.retired.push(retired);
    if (member) {
      s.members = s.members.filter((m) => m.site !== site);
      delete s.records[site];
    }
    pruneHistory(s);
  });
  if (!member) return;
  net.dropPeer(site);
  net.emit({ type: 'member.removed', site, by: removal.signer });
}
