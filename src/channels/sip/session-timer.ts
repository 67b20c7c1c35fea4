/**
 * RFC 4028 session timers: a dialog's session is refreshed by a re-INVITE or UPDATE every
 * half interval by the side chosen as refresher, and the other side ends a session whose
 * refresh never came (§10). The exchange supports it both ways: as UAS of a phone's INVITE
 * it answers a Session-Expires (§9) and as UAC of an outbound leg it advertises
 * `Supported: timer` and follows the callee's choice in the 2xx (§7.2).
 *
 * Role and interval are in the dialog's terms ('us' | 'peer'), since the uac/uas of the
 * header is relative to each refresh transaction (§4). Timers run on the injected clock.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { SipMessage } from '../../sip/message.js';
import { SipError } from '../../sip/errors.js';

/** Our minimum (RFC 4028 §5: at least 90 s; that is what we allow). */
export const MIN_SE = 90;
/** Default interval when we are asked for less than nothing (§4 recommends 1800 s). */
export const DEFAULT_SE = 1800;

export type Refresher = 'us' | 'peer';

export interface SessionTimerTerms {
  /** Session interval in seconds. */
  interval: number;
  refresher: Refresher;
}

interface SessionExpires {
  interval: number;
  refresher?: 'uac' | 'uas';
}

/** Session-Expires (`delta-seconds *(;param)`, §4); undefined when absent, SipError 400 when malformed. */
export function readSessionExpires(msg: SipMessage): SessionExpires | undefined {
  const raw = msg.headers.get('Session-Expires');
  if (raw === undefined) return undefined;
  const m = /^\s*(\d{1,9})\s*((?:;[^;]*)*)$/.exec(raw);
  if (!m) throw new SipError(400, 'Malformed Session-Expires');
  const r = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(m[2]!)?.[1]?.toLowerCase() as 'uac' | 'uas' | undefined;
  return { interval: Number(m[1]), ...(r ? { refresher: r } : {}) };
}

function readMinSe(msg: SipMessage): number {
  const raw = msg.headers.get('Min-SE');
  const m = raw === undefined ? undefined : /^\s*(\d{1,9})/.exec(raw);
  return m ? Number(m[1]) : 0;
}

const supportsTimer = (msg: SipMessage): boolean => msg.headers.getAll('Supported').some((s) => s.trim().toLowerCase() === 'timer');

/**
 * §9: the UAS's answer to a session refresh request (initial INVITE, re-INVITE, UPDATE).
 * Returns the terms and the headers for the 2xx, or undefined when the request asks for
 * no session timer. Throws 422 with Min-SE when the interval is too small and the UAC
 * can take a 422 (it supports timer); otherwise the interval is raised to our minimum.
 */
export function answerSessionTimer(req: SipMessage): { terms: SessionTimerTerms; headers: Array<[string, string]> } | undefined {
  const se = readSessionExpires(req);
  if (!se) return undefined;
  const uacSupports = supportsTimer(req);
  const floor = Math.max(MIN_SE, readMinSe(req));
  let interval = se.interval;
  if (interval < MIN_SE) {
    if (uacSupports) throw new SipError(422, 'Session Interval Too Small', [['Min-SE', String(floor)]]);
    interval = floor;
  }
  interval = Math.max(interval, floor);
  // §9: a UAC that supports timer keeps its choice (or leaves it to us: we let it refresh,
  // it knows best when it can); one that does not cannot refresh, so we do.
  const refresher: 'uac' | 'uas' = uacSupports ? (se.refresher ?? 'uac') : 'uas';
  const headers: Array<[string, string]> = [['Session-Expires', `${interval};refresher=${refresher}`]];
  if (uacSupports) headers.push(['Require', 'timer']);
  return { terms: { interval, refresher: refresher === 'uas' ? 'us' : 'peer' }, headers };
}

/** §7.2: the terms a 2xx to our INVITE (or refresh) sets; undefined when it uses no timer. */
export function termsFromResponse(res: SipMessage): SessionTimerTerms | undefined {
  const se = readSessionExpires(res);
  if (!se || se.interval < 1) return undefined;
  // We sent the request: refresher=uac is us. A 2xx without the parameter leaves it to the UAC.
  return { interval: se.interval, refresher: se.refresher === 'uas' ? 'peer' : 'us' };
}

/** Headers of a refresh we send (§7.4): we are its UAC and stay the refresher. */
export function refreshHeaders(terms: SessionTimerTerms): Array<[string, string]> {
  return [
    ['Session-Expires', `${terms.interval};refresher=uac`],
    ['Min-SE', String(MIN_SE)],
    ['Supported', 'timer'],
  ];
}

/**
 * The running timer of one dialog. As refresher it calls `refresh` every half interval;
 * whoever refreshes, `expire` fires when no refresh succeeded for interval − min(32,
 * interval/3) seconds (§10: the BYE goes out before the session expires).
 */
export class SessionTimer {
  private refreshTimer: TimerHandle | undefined;
  private expiryTimer: TimerHandle | undefined;
  terms: SessionTimerTerms | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly refresh: (terms: SessionTimerTerms) => void,
    private readonly expire: () => void,
  ) {}

  /** (Re)start on new terms — after every successful refresh, either direction. */
  start(terms: SessionTimerTerms): void {
    this.stop();
    this.terms = terms;
    const s = terms.interval;
    if (terms.refresher === 'us') this.refreshTimer = this.clock.setTimeout(() => this.refresh(terms), (s / 2) * 1000);
    this.expiryTimer = this.clock.setTimeout(() => this.expire(), (s - Math.min(32, s / 3)) * 1000);
  }

  stop(): void {
    this.clock.clearTimeout(this.refreshTimer);
    this.clock.clearTimeout(this.expiryTimer);
    this.refreshTimer = this.expiryTimer = undefined;
  }
}
