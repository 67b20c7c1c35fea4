/**
 * A box taken out of service gently (scale-out behind Kamailio, deploy/kamailio/README.md):
 * while draining, the exchange answers every new SIP dialog — an INVITE, a SUBSCRIBE, and
 * the OPTIONS probe to the exchange itself — 503 with Retry-After (RFC 3261 §21.5.4), so
 * Kamailio's dispatcher moves the call to the next box at once and its next probe takes
 * this box out of the rotation. Calls and subscriptions in progress go on (their in-dialog
 * requests are answered as always); analog lines, DECT and doors are not affected. When the
 * calls have ended the box can be stopped or upgraded without cutting anyone off.
 *
 * Run-time state, not configuration: a restart serves again (the upgrade is done).
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import { SipError } from '../../sip/errors.js';

export type ServiceState = 'serving' | 'draining';

/** Retry-After when the admin gives none: the time a typical upgrade takes, seconds. */
export const DEFAULT_RETRY_AFTER_S = 300;

export interface DrainingView {
  state: ServiceState;
  /** When the current state began (epoch ms). */
  since: number;
  /** What a refused request is told to wait (seconds); null while serving. */
  retry_after_s: number | null;
}

export class Draining {
  private current: ServiceState = 'serving';
  private since: number;
  private retryAfterS = DEFAULT_RETRY_AFTER_S;

  constructor(private readonly clock: Clock, private readonly log: Logger) {
    this.since = clock.now();
  }

  get state(): ServiceState {
    return this.current;
  }

  /** serving → draining (or a new Retry-After while draining). */
  start(retryAfterS = DEFAULT_RETRY_AFTER_S, by = '?'): DrainingView {
    if (!Number.isInteger(retryAfterS) || retryAfterS < 1) throw new RangeError(`retry_after_s must be a whole number of seconds of at least 1, not ${retryAfterS}`);
    this.retryAfterS = retryAfterS;
    if (this.current !== 'draining') {
      this.current = 'draining';
      this.since = this.clock.now();
      this.log.warn({ by, retryAfterS }, 'sip: draining — new calls and subscriptions answered 503, calls in progress go on');
    }
    return this.view();
  }

  /** draining → serving. */
  stop(by = '?'): DrainingView {
    if (this.current !== 'serving') {
      this.current = 'serving';
      this.since = this.clock.now();
      this.log.warn({ by }, 'sip: serving again — new calls accepted');
    }
    return this.view();
  }

  /** Throws the 503 a new dialog gets while draining; nothing while serving. */
  refuseNewDialog(): void {
    if (this.current === 'draining') throw new SipError(503, 'Draining', [['Retry-After', String(this.retryAfterS)]]);
  }

  view(): DrainingView {
    return { state: this.current, since: this.since, retry_after_s: this.current === 'draining' ? this.retryAfterS : null };
  }
}
