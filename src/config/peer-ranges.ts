/**
 * What the offline configuration check knows about the other sites of the network
 * (issue #18): an employee's forwarding to a colleague's short number at another site is
 * valid when a peer owns that number, and only the network knows the peers' ranges. The
 * exchange keeps the last record each peer announced in `<data>/network/state.json`
 * (network/state-store.ts); the check reads that file — read-only, a damaged one is left
 * where it is for the exchange to deal with.
 *
 * A forwarding target that is no number of this site and looks like a short number:
 * - the site has no `site.id`: it is in no network, so no peer can own it: refused (as ever);
 * - every peer in the state file has a record: owned by one of them → valid, else refused,
 *   naming the sites and ranges that were checked;
 * - otherwise (no state file, an unreadable one, no peer yet, a peer whose record never
 *   came): it cannot be known offline → accepted with a warning that names the number.
 *   Refusing would stop an installer from importing the office's file before the site
 *   joins (the usual order), and the exchange checks the number again at every call (an
 *   unowned number is answered "not a number" then, logged).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { ConfigIssue } from '../../common/errors.js';
import { formatRange, rangeContains, type NumberRange } from '../network/ranges.js';
import { siteRecordSchema } from '../network/site-record.js';

/** A short number as one site dials another's (network/site-calls.ts). */
const SHORT_NUMBER = /^[0-9]{2,8}$/;

/** What the peers' records say, or why nothing can be said. */
export type PeerKnowledge =
  | { known: true; file: string; sites: Array<{ site: string; ranges: NumberRange[] }> }
  | { known: false; why: string };

/** Only what the check needs of the state file; the rest is the exchange's. */
const stateSchema = z.object({
  members: z.array(z.object({ site: z.string() }).passthrough()),
  records: z.record(z.string(), siteRecordSchema),
}).passthrough();

/** The peers' ranges from the state file of `dataFolder` (`selfId`: this site, not a peer). */
export function readPeerKnowledge(dataFolder: string, selfId: string | undefined): PeerKnowledge {
  const file = join(dataFolder, 'network', 'state.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { known: false, why: code === 'ENOENT' ? `no network state in ${file}` : `cannot read ${file} (${code ?? err})` };
  }
  let state: z.infer<typeof stateSchema>;
  try {
    state = stateSchema.parse(JSON.parse(text));
  } catch {
    return { known: false, why: `${file} is damaged` };
  }
  const peers = state.members.map((m) => m.site).filter((s) => s !== selfId);
  if (peers.length === 0) return { known: false, why: `this site has joined no network yet (${file})` };
  const missing = peers.filter((s) => !state.records[s]);
  if (missing.length) return { known: false, why: `the ranges of ${missing.join(', ')} are not known yet (${file})` };
  return { known: true, file, sites: peers.map((s) => ({ site: s, ranges: state.records[s]!.ranges })) };
}

/** The peer owning `number`, by the records known. */
export function peerOwning(k: Extract<PeerKnowledge, { known: true }>, number: string): string | undefined {
  return k.sites.find((s) => s.ranges.some((r) => rangeContains(r, number)))?.site;
}

/**
 * What becomes of a forwarding target refused by this site's own numbering plan (`problem`),
 * given the peers: undefined (valid: a peer's number), a warning (cannot know), or the issue.
 */
export function peerForwardingVerdict(config: { site: { id?: string | undefined } }, target: string, problem: string, peers: PeerKnowledge | undefined): { issue?: string; warning?: string } | undefined {
  if (!peers || !config.site.id || !SHORT_NUMBER.test(target)) return { issue: problem };
  if (!peers.known) return { warning: `forwarding to ${target}: not a number of this site; whether another site of the network owns it cannot be checked offline (${peers.why}) — calls forwarded there fail if none does` };
  if (peerOwning(peers, target)) return undefined;
  const checked = peers.sites.map((s) => `${s.site} ${s.ranges.map(formatRange).join(', ') || '(no ranges)'}`).join('; ');
  return { issue: `${problem}, nor another site's (${checked})` };
}

/** The issue or warning of one forwarding target at `path`, pushed where it belongs. */
export function pushForwardingVerdict(out: { issues: ConfigIssue[]; warnings: ConfigIssue[] }, path: string, verdict: ReturnType<typeof peerForwardingVerdict>): void {
  if (verdict?.issue) out.issues.push({ path, message: verdict.issue });
  if (verdict?.warning) out.warnings.push({ path, message: verdict.warning });
}
