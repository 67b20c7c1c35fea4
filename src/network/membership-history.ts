/**
 * How much membership history a site keeps (issue #18, docs/network.md, *Files*): without a
 * bound, every removal and every removed signer stayed in state.json — and in every sync —
 * for ever, until a sync outgrew its limits and was refused whole.
 *
 * - **Removal records**: the newest {@link MAX_REMOVALS} (by their time), one per certificate.
 *   Each still refuses a stale copy of that site's member record and tells the removed site
 *   should it come back (removals.ts); an older one is forgotten — a site away longer than that
 *   many removals is then refused at the TLS handshake instead of being told.
 * - **Removed sites' member records** (kept as signers, membership-sync.ts): only while needed
 *   to check a record that stays — a current member's record or a kept removal signed by that
 *   site, or a kept removed signer's own record (a chain of admissions) — and not when a
 *   current member of the same id (re-admitted) checks it itself.
 */
import { verifyMember, verifyRemoval, type MemberRecord } from './membership.js';
import type { NetworkState } from './state-store.js';

/** Removal records kept (a sync carries at most 2000). */
export const MAX_REMOVALS = 1000;

/** Prune `s` in place; true when anything went. */
export function pruneHistory(s: NetworkState): boolean {
  const before = s.removals.length + s.retired.length;
  const byFp = new Map<string, (typeof s.removals)[number]>();
  for (const r of s.removals) if (!byFp.has(r.fingerprint)) byFp.set(r.fingerprint, r);
  s.removals = [...byFp.values()].sort((a, b) => a.at - b.at).slice(-MAX_REMOVALS);

  const current = new Map(s.members.map((m) => [m.site, m]));
  const kept = new Set<MemberRecord>();
  // Each record that stays, with a check of its signature against a candidate signer's certificate.
  const pending: Array<{ signer: string; checks: (cert: string) => boolean }> = [
    ...s.members.map((m) => ({ signer: m.signer, checks: (cert: string) => verifyMember(m, cert) })),
    ...s.removals.map((r) => ({ signer: r.signer, checks: (cert: string) => verifyRemoval(r, cert) })),
  ];
  while (pending.length > 0) {
    const { signer, checks } = pending.pop()!;
    const candidates = s.retired.filter((m) => m.site === signer && !kept.has(m));
    if (candidates.length === 0) continue;
    const member = current.get(signer);
    if (member && checks(member.cert)) continue;
    for (const m of candidates.filter((c) => checks(c.cert))) {
      kept.add(m);
      pending.push({ signer: m.signer, checks: (cert: string) => verifyMember(m, cert) });
    }
  }
  s.retired = s.retired.filter((m) => kept.has(m));
  return s.removals.length + s.retired.length !== before;
}
