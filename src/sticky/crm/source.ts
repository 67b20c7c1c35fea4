/**
 * A CRM as a sticky source: its adapter (the request and answer shapes of one CRM), a hard
 * timeout, a circuit breaker, and a log line for every failure — the CRM's name, its host
 * and why, never its token or the path of a Bitrix24 webhook (which holds the key).
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { CrmAdapterConfig } from '../../config/sticky-schema.js';
import type { NumberForms } from '../numbers.js';
import type { SourceAnswer, StickySource } from '../types.js';
import { amocrmAdapter } from './amocrm.js';
import { bitrix24Adapter } from './bitrix24.js';
import { CircuitBreaker } from './breaker.js';
import { CrmError, crmRequest, redact, type CrmRequest, type CrmResponse } from './http.js';
import { megaplanAdapter } from './megaplan.js';
import { webhookAdapter } from './webhook.js';

export type CrmQuery = NumberForms & { call?: string };

/** One CRM's protocol: ask it (through `send`) who is responsible for `number`. */
export type CrmAdapter<T extends CrmAdapterConfig['type']> = (
  cfg: Extract<CrmAdapterConfig, { type: T }>,
  number: CrmQuery,
  send: (r: Omit<CrmRequest, 'timeoutMs' | 'signal'>) => Promise<CrmResponse>,
  isExtension: (s: string) => boolean,
) => Promise<SourceAnswer>;

const ADAPTERS: { [T in CrmAdapterConfig['type']]: CrmAdapter<T> } = {
  webhook: webhookAdapter,
  amocrm: amocrmAdapter,
  bitrix24: bitrix24Adapter,
  megaplan: megaplanAdapter,
};

export class CrmSource implements StickySource {
  readonly name: string;
  private readonly breaker: CircuitBreaker;

  constructor(
    private readonly cfg: CrmAdapterConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly isExtension: (s: string) => boolean,
  ) {
    this.name = cfg.name;
    this.breaker = new CircuitBreaker(clock, cfg.failures_to_open, cfg.cooldown_s);
  }

  get breakerState(): string {
    return this.breaker.state;
  }

  async find(number: CrmQuery, opts: { signal: AbortSignal }): Promise<SourceAnswer> {
    if (!this.breaker.allow()) {
      this.log.debug({ crm: this.name }, 'CRM skipped: its circuit breaker is open');
      return undefined;
    }
    const started = this.clock.monotonic();
    const send = (r: Omit<CrmRequest, 'timeoutMs' | 'signal'>): Promise<CrmResponse> => {
      // One deadline for the whole lookup, however many requests the adapter makes.
      const left = this.cfg.timeout_ms - (this.clock.monotonic() - started);
      if (left <= 0) return Promise.reject(new CrmError('timeout', `no answer within ${this.cfg.timeout_ms} ms`));
      return crmRequest(this.clock, { ...r, timeoutMs: left, signal: opts.signal });
    };
    try {
      const adapter = ADAPTERS[this.cfg.type] as CrmAdapter<CrmAdapterConfig['type']>;
      const answer = await adapter(this.cfg, number, send, this.isExtension);
      this.breaker.succeeded();
      return answer;
    } catch (err) {
      const e = err instanceof CrmError ? err : new CrmError('bad-answer', (err as Error).message);
      if (e.kind === 'cancelled') return undefined; // the caller hung up: not the CRM's fault
      this.breaker.failed(e.kind === 'rate-limited' ? e.retryAfterS ?? this.cfg.cooldown_s : undefined);
      this.log.warn(
        { crm: this.name, type: this.cfg.type, host: redact(this.cfg.url), call: number.call, why: e.kind, detail: e.message.split(this.cfg.token).join('***'), ms: Math.round(this.clock.monotonic() - started), breaker: this.breaker.state },
        'CRM lookup failed; the call goes on without it',
      );
      throw e;
    }
  }
}
