/**
 * Membership catching up after an outage (issue #18, docs/network.md). A member that was
 * down or unreachable while a site joined or was removed missed that record's broadcast.
 * So whenever a peer comes up, each side sends it every member and removal record it holds
 * (`MESSAGE`, `application/x-autocom-sync+json`), and the receiver takes what it lacks
 * after the same checks as a record broadcast at join or removal time: the record is
 * signed by a current member, whose certificate it holds. Nothing is taken on the sender's
 * word; the sender only carries the signatures. A removal wins over a member record of the
 * same fingerprint, whichever arrives first.
 */
import * as z from 'zod';
import { memberRecordSchema, removalRecordSchema, verifyMember, verifyRemoval, type MemberRecord, type RemovalRecord } from './membership.js';
import type { NetworkState } from './state-store.js';

export const SYNC_CONTENT_TYPE = 'application/x-autocom-sync+json';

export const syncSchema = z
  // Members (500 at most, as a welcome) and the removed ones kept as signers.
  .object({ network: z.string(), members: z.array(memberRecordSchema).max(2500), removals: z.array(removalRecordSchema).max(2000) })
  .strict();
export type MembershipSync = z.infer<typeof syncSchema>;

/** What this site sends a peer that came up: the members, and the removed ones as the signers of records they made while members. */
export function syncBody(state: NetworkState): string {
  return JSON.stringify({ network: state.network, members: [...state.members, ...state.retired], removals: state.removals });
}

/** What a sync brings that this site lacks and may take; a removal carries the removed site's record when known (kept as a signer). */
export type SyncStep = { kind: 'member'; record: MemberRecord } | { kind: 'removal'; record: RemovalRecord; member?: MemberRecord };

/**
 * The records of `sync` this site takes, given its state, in two passes:
 * 1. member records, repeated until nothing more checks, since one may be signed by a
 *    member this same sync brings (a site that joined through another newcomer) — and
 *    one signed by a site removed since still counts, as it did for the members that were
 *    up when it was signed;
 * 2. removal records, checked against every signer so known; a member record whose
 *    fingerprint one of them (or one held here) removes is not taken as a member.
 */
export function stepsFrom(state: NetworkState, sync: MembershipSync): SyncStep[] {
  if (state.network === null || sync.network !== state.network) return [];
  const known = new Map<string, MemberRecord>(); // by fingerprint
  for (const m of [...state.retired, ...state.members]) known.set(m.fingerprint, m);
  const signedBy = (site: string, ok: (cert: string) => boolean): boolean => [...known.values()].some((m) => m.site === site && ok(m.cert));
  const brought: MemberRecord[] = [];
  const candidates = sync.members.filter((r) => r.network === state.network);
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of candidates) {
      if (known.has(r.fingerprint) || !signedBy(r.signer, (cert) => verifyMember(r, cert))) continue;
      known.set(r.fingerprint, r);
      brought.push(r);
      changed = true;
    }
  }
  const held = new Set(state.removals.map((r) => r.fingerprint));
  const removals = new Map<string, RemovalRecord>();
  for (const r of sync.removals) {
    if (r.network !== state.network || held.has(r.fingerprint) || removals.has(r.fingerprint)) continue;
    if (signedBy(r.signer, (cert) => verifyRemoval(r, cert))) removals.set(r.fingerprint, r);
  }
  const current = new Set(state.members.map((m) => m.site));
  return [
    ...brought.filter((r) => !held.has(r.fingerprint) && !removals.has(r.fingerprint) && !current.has(r.site)).map((record): SyncStep => ({ kind: 'member', record })),
    ...[...removals.values()].map((record): SyncStep => ({ kind: 'removal', record, member: known.get(record.fingerprint) })),
  ];
}
