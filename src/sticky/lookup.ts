/**
 * The sticky manager's lookup (StickyLookup): the sources of `sticky.sources` asked in
 * order, the first that names an employee who may be a sticky target wins. A CRM's user
 * (id or e-mail) becomes an extension through the employee's `crm_user_id` / `email`, or
 * the adapter's `users` table; an answer that names nobody we know, or an exception, is
 * "nobody" from that source and the next one is asked. Answers are cached per number
 * (found and not-found with their own TTL, forgotten when a call of that number ends); a
 * lookup where a source failed is not cached as not-found. Never throws: a failing source is logged (crm/source.ts) and skipped.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Config, Employee } from '../config/schema.js';
import type { StickyConfig } from '../config/sticky-schema.js';
import type { EventBus } from '../core/events.js';
import type { Db } from '../store/db.js';
import { StickyCache } from './cache.js';
import { CrmSource } from './crm/source.js';
import { HistorySource } from './history-source.js';
import { numberForms } from './numbers.js';
import type { SourceAnswer, StickyContext, StickyFound, StickyLookup, StickySource } from './types.js';

export interface StickyServiceDeps {
  clock: Clock;
  log: Logger;
  config: () => Readonly<Config> | null;
  /** The store (the call records); absent: the history source finds nobody. */
  db?: Db;
  /** Change notifications of the configuration: the cache is emptied. */
  onConfigChange?: (listener: () => void) => void;
  /** The exchange's events: a call that ends makes what is remembered of its numbers stale (the last talker changed). */
  events?: EventBus;
}

export class StickyService implements StickyLookup {
  private readonly cache: StickyCache;
  private built: { config: Readonly<Config>; sources: Map<string, StickySource> } | undefined;

  constructor(private readonly deps: StickyServiceDeps) {
    this.cache = new StickyCache(deps.clock);
    // Another configuration may map users differently or list other exceptions: nothing remembered holds.
    deps.onConfigChange?.(() => this.cache.clear());
    deps.events?.on('call.ended', (e) => {
      this.forget(e.from);
      this.forget(e.to);
    });
  }

  /** Forget what is remembered of `number` (its call just ended: the history may name someone else now). */
  forget(number: string): void {
    const config = this.deps.config();
    if (!config?.sticky || !number) return;
    const forms = numberForms(number, config.site.country, config.sticky.city_prefix);
    this.cache.delete(forms.e164 ?? forms.raw);
  }

  async find(callerNumber: string, context: StickyContext = {}): Promise<StickyFound | undefined> {
    const config = this.deps.config();
    const sticky = config?.sticky;
    if (!config || !sticky || !callerNumber || callerNumber === 'anonymous') return undefined;
    const forms = numberForms(callerNumber, config.site.country, sticky.city_prefix);
    const key = forms.e164 ?? forms.raw;
    const cached = this.cache.get(key);
    if (cached.hit) {
      const still = cached.found && this.eligible(config, sticky, cached.found.extension, callerNumber);
      if (!cached.found || still) return cached.found && { extension: cached.found.extension, source: `cache:${cached.found.source}` };
    }
    const sources = this.sources(config);
    const exclude = new Set(sticky.exceptions);
    const signal = context.signal ?? new AbortController().signal;
    let failures = 0;
    for (const entry of sticky.sources) {
      const name = typeof entry === 'string' ? entry : entry.name;
      if (typeof entry !== 'string' && !entry.enabled) continue;
      const source = sources.get(name);
      if (!source || signal.aborted) continue;
      let answer: SourceAnswer;
      try {
        answer = await source.find({ ...forms, ...(context.call ? { call: context.call } : {}) }, { signal, exclude });
      } catch {
        failures++;
        continue;
      }
      const extension = answer && this.extensionOf(config, sticky, name, answer);
      if (extension && this.eligible(config, sticky, extension, callerNumber)) {
        const found = { extension, source: name };
        this.cache.set(key, found, sticky.cache.found_ttl_s);
        this.deps.log.info({ call: context.call, extension, source: name }, 'sticky manager found');
        return found;
      }
    }
    if (!failures && !signal.aborted) this.cache.set(key, undefined, sticky.cache.not_found_ttl_s);
    return undefined;
  }

  /** Whether `extension` may be a sticky target for this caller: an employee, not an exception, not the caller. */
  private eligible(config: Readonly<Config>, sticky: StickyConfig, extension: string, caller: string): boolean {
    return extension !== caller && !sticky.exceptions.includes(extension) && config.employees.some((e) => e.extension === extension);
  }

  /** The extension a source's answer names, through the CRM mappings. */
  private extensionOf(config: Readonly<Config>, sticky: StickyConfig, source: string, a: NonNullable<SourceAnswer>): string | undefined {
    if ('extension' in a) return a.extension;
    const table = sticky.crm.find((c) => c.name === source)?.users ?? {};
    const byTable = table['crmUser' in a ? a.crmUser : a.email];
    if (byTable) return byTable;
    const match = (e: Employee): boolean => ('crmUser' in a ? e.crm_user_id === a.crmUser : e.email?.toLowerCase() === a.email.toLowerCase());
    return config.employees.find(match)?.extension;
  }

  /** The sources of the configuration now (built once per configuration: the breakers live with them). */
  private sources(config: Readonly<Config>): Map<string, StickySource> {
    if (this.built?.config === config) return this.built.sources;
    const sticky = config.sticky!;
    const isEmployee = (x: string): boolean => this.deps.config()?.employees.some((e) => e.extension === x) ?? false;
    const sources = new Map<string, StickySource>();
    if (this.deps.db) sources.set('history', new HistorySource(this.deps.db, this.deps.clock, () => this.deps.config()?.sticky ?? sticky, isEmployee));
    const log = this.deps.log.child({ component: 'sticky' });
    for (const c of sticky.crm) if (c.enabled) sources.set(c.name, new CrmSource(c, this.deps.clock, log, isEmployee));
    // A reload that keeps the same CRMs keeps their breakers (a CRM that is down stays skipped).
    if (this.built) for (const [name, s] of this.built.sources) if (s instanceof CrmSource && sources.get(name) instanceof CrmSource && sameCrm(this.built.config, config, name)) sources.set(name, s);
    this.built = { config, sources };
    return sources;
  }
}

function sameCrm(a: Readonly<Config>, b: Readonly<Config>, name: string): boolean {
  return JSON.stringify(a.sticky?.crm.find((c) => c.name === name)) === JSON.stringify(b.sticky?.crm.find((c) => c.name === name));
}
