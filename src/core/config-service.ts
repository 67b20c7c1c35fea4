/**
 * The running exchange's view of its configuration: an immutable snapshot that the core
 * reads for every routing decision (calls in progress keep the snapshot they started
 * with). Changes arrive two ways, both applied without a restart:
 *  - through `apply()` (the API), validated and stored in one transaction;
 *  - from another process on the same data folder (`autocom config import` while the
 *    exchange runs), noticed by watching SQLite's `data_version` on the clock.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import { prepareConfig } from '../config/prepare.js';
import type { Config } from '../config/schema.js';
import type { ConfigRepository } from '../store/config-repo.js';
import type { Db } from '../store/db.js';
import type { EventBus } from './events.js';
import { readPeerKnowledge } from '../config/peer-ranges.js';
import type { ConfigIssue } from '../../common/errors.js';

const WATCH_INTERVAL_MS = 1000;

/** What applying a configuration gave: its revision, and the warnings of its check (none usually). */
export interface AppliedConfig {
  revision: number;
  warnings: ConfigIssue[];
}

export class ConfigService {
  private current: Readonly<Config> | null;
  private revisionSeen: number;
  private dataVersion: number;
  private watchTimer: TimerHandle | undefined;
  private readonly listeners = new Set<(c: Readonly<Config>) => void>();

  constructor(
    private readonly db: Db,
    private readonly repo: ConfigRepository,
    private readonly events: EventBus,
    private readonly log: Logger,
    /** The data folder: its network state tells which short numbers other sites own (forwarding there, config/peer-ranges.ts). */
    private readonly dataFolder?: string,
  ) {
    this.current = Object.freeze(repo.load());
    this.revisionSeen = repo.revision();
    this.dataVersion = this.readDataVersion();
  }

  /** The configuration in force, or null before the first import. */
  snapshot(): Readonly<Config> | null {
    return this.current;
  }

  revision(): number {
    return this.revisionSeen;
  }

  /** Called with each new snapshot (channels and core re-read what they need). */
  onChange(listener: (c: Readonly<Config>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Validate, store and put in force a whole configuration. The answer carries its revision
   * and the warnings of the check (what it could not decide offline, such as a forward to
   * another site's number when the network state cannot tell), so the API shows them to
   * whoever applied it rather than only to the log.
   * @throws ConfigError with every problem; the stored configuration is then unchanged.
   */
  async apply(input: unknown, actor: string): Promise<AppliedConfig> {
    let prepared: Config;
    const warnings: ConfigIssue[] = [];
    try {
      const id = (input as { site?: { id?: unknown } } | null)?.site?.id;
      const peers = this.dataFolder !== undefined ? { peers: readPeerKnowledge(this.dataFolder, typeof id === 'string' ? id : undefined), warnings } : {};
      prepared = await prepareConfig(input, this.repo.load(), peers); // keeps the hashes of unchanged passwords
      if (warnings.length) this.log.warn({ actor, warnings }, 'configuration: forwarding targets that cannot be checked (another site\'s numbers?)');
    } catch (err) {
      if (err instanceof ConfigError) {
        this.log.warn({ actor, errors: err.issues }, 'configuration rejected');
        this.events.emit('config.rejected', { actor, errors: err.message.split('\n') });
      }
      throw err;
    }
    const revision = this.repo.replace(prepared, actor);
    this.reload(actor);
    return { revision, warnings };
  }

  /** Start watching for changes written by another process. */
  watch(clock: Clock): void {
    if (this.watchTimer) return;
    this.watchTimer = clock.setInterval(() => this.poll(), WATCH_INTERVAL_MS);
  }

  /** One check for an external change (the watcher calls it; tests may too). */
  poll(): void {
    const v = this.readDataVersion();
    if (v === this.dataVersion) return;
    this.dataVersion = v;
    if (this.repo.revision() !== this.revisionSeen) this.reload('another process');
  }

  close(clock: Clock): void {
    clock.clearInterval(this.watchTimer);
    this.watchTimer = undefined;
  }

  private reload(actor: string): void {
    const next = this.repo.load();
    this.revisionSeen = this.repo.revision();
    this.dataVersion = this.readDataVersion();
    if (!next) return;
    this.current = Object.freeze(next);
    this.log.info({ revision: this.revisionSeen, actor }, 'configuration applied');
    this.events.emit('config.applied', { revision: this.revisionSeen, actor });
    for (const l of this.listeners) l(this.current);
  }

  private readDataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
