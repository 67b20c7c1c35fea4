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
  .object({ network: z.string(), members: z.array(memberRecordSchema).max(500), removals: z.array(removalRecordSchema).max(2000) })
  .strict();
export type MembershipSync = z.infer<typeof syncSchema>;

/** What this site sends a peer that came up. */
export function syncBody(state: NetworkState): string {
  return JSON.stringify({ network: state.network, members: state.members, removals: state.removals });
}

/** What a sync brings that this site lacks and may take, in an order that applies (a signer before what it signed). */
export type SyncStep = { kind: 'member'; record: MemberRecord } | { kind: 'removal'; record: RemovalRecord };

/**
 * The records of `sync` this site takes, given its state: repeated until nothing more
 * checks, since a record may be signed by a member this same sync admits (a site that
 * joined through another newcomer). Removals are looked at first in each round.
 */
export function stepsFrom(state: NetworkState, sync: MembershipSync): SyncStep[] {
  if (state.network === null || sync.network !== state.network) return [];
  const members = new Map(state.members.map((m) => [m.site, m]));
  const removed = new Set(state.removals.map((r) => r.fingerprint));
  const steps: SyncStep[] = [];
  const removals = sync.removals.filter((r) => r.network === state.network);
  const admissions = sync.members.filter((r) => r.network === state.network);
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of removals) {
      if (removed.has(r.fingerprint)) continue;
      const signer = members.get(r.signer);
      if (!signer || !verifyRemoval(r, signer.cert)) continue;
      removed.add(r.fingerprint);
      if (members.get(r.removed)?.fingerprint === r.fingerprint) members.delete(r.removed);
      steps.push({ kind: 'removal', record: r });
      changed = true;
    }
    for (const r of admissions) {
      if (members.has(r.site) || removed.has(r.fingerprint) || [...members.values()].some((m) => m.fingerprint === r.fingerprint)) continue;
      const signer = members.get(r.signer);
      if (!signer || !verifyMember(r, signer.cert)) continue;
      members.set(r.site, r);
      steps.push({ kind: 'member', record: r });
      changed = true;
    }
  }
  return steps;
}
