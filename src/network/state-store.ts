/**
 * What a site keeps about its network between starts, in `<data>/network/state.json`:
 * the network's id, the members (with their signed membership records and certificates),
 * the last site record each peer announced (so the fallback still knows a down peer's
 * ranges and public number after a reboot), the one-time invitations still open (only
 * their secrets' hashes), and this site's own announcement serial.
 *
 * Written whole to a temporary file and renamed over the old one: a power cut leaves the
 * previous state or the new one, never half of one. Read with a schema: a damaged file
 * is reported and set aside (`state.json.bad`), the site starts outside any network.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { Logger } from '../../common/log.js';
import { memberRecordSchema, removalRecordSchema, type MemberRecord } from './membership.js';
import { siteRecordSchema, type SiteRecord } from './site-record.js';
import { pruneHistory } from './membership-history.js';

const invitationSchema = z.object({ hash: z.string(), expires: z.number() }).strict();

const stateSchema = z
  .object({
    network: z.string().nullable(),
    members: z.array(memberRecordSchema),
    /** Removals seen (kept so a stale member record of a removed site is refused, and passed on to a member that missed them). */
    removals: z.array(removalRecordSchema).default([]),
    /** The member records of removed sites: they still check the records those sites signed while members (membership-sync.ts). */
    retired: z.array(memberRecordSchema).default([]),
    /** Set when this site was removed (by whom, when): it is no longer a member (removals.ts). */
    removed: z.object({ network: z.string(), by: z.string(), at: z.number() }).strict().nullable().default(null),
    records: z.record(z.string(), siteRecordSchema),
    invitations: z.array(invitationSchema),
    serial: z.number().int().nonnegative(),
  })
  .strict();

export type NetworkState = z.infer<typeof stateSchema>;
export type Invitation = z.infer<typeof invitationSchema>;

export function emptyState(): NetworkState {
  return { network: null, members: [], removals: [], retired: [], removed: null, records: {}, invitations: [], serial: 0 };
}

export class NetworkStateStore {
  private readonly file: string;
  state: NetworkState;

  constructor(
    private readonly dir: string,
    log: Logger,
  ) {
    this.file = join(dir, 'state.json');
    this.state = emptyState();
    if (!existsSync(this.file)) return;
    try {
      this.state = stateSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (err) {
      log.error({ err, file: this.file }, 'network: state file unreadable, set aside; this site starts outside any network');
      renameSync(this.file, `${this.file}.bad`);
      return;
    }
    // A file of an earlier version kept every removal and removed signer: bounded now (membership-history.ts), written back.
    const { removals, retired } = this.state;
    if (pruneHistory(this.state)) {
      log.info({ removals: [removals.length, this.state.removals.length], retired: [retired.length, this.state.retired.length] }, 'network: membership history pruned');
      this.save();
    }
  }

  members(): MemberRecord[] {
    return this.state.members;
  }

  record(site: string): SiteRecord | undefined {
    return this.state.records[site];
  }

  /** Change the state and write it through. */
  update(change: (s: NetworkState) => void): void {
    change(this.state);
    this.save();
  }

  private save(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.new`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 1), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
