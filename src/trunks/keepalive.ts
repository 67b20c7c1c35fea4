/**
 * OPTIONS keepalive to a trunk's provider (RFC 3261 §11: OPTIONS asks capabilities; any
 * final answer, even 404 or 405, proves the provider is there). One request per interval,
 * never two at once; an answer that does not come within the keepalive's own deadline
 * (shorter than Timer F's 32 s, so a lost provider shows within seconds) counts as a
 * timeout and a late answer is ignored.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { NameAddr } from '../sip/header-values.js';
import type { SipStack } from '../sip/stack.js';
import type { Destination } from '../sip/transport/layer.js';
import { SipUri } from '../sip/uri.js';

export interface KeepaliveResult {
  /** Epoch ms the OPTIONS was sent. */
  at: number;
  /** `ok` (2xx), the status of another final answer (the provider is there), or `timeout`. */
  result: 'ok' | 'timeout' | 'error' | number;
  /** Round trip, ms, when answered. */
  rtt_ms: number | null;
}

export interface KeepaliveDeps {
  stack: SipStack;
  clock: Clock;
  intervalMs: number;
  /** The AOR's user and the domain (From, Request-URI). */
  user: string;
  domain: string;
  hop: () => Promise<Destination>;
  route?: string;
  onResult: (r: KeepaliveResult, reachable: boolean) => void;
}

export class Keepalive {
  private timer: TimerHandle | undefined;
  private busy = false;
  private stopped = false;
  last: KeepaliveResult | null = null;

  constructor(private readonly d: KeepaliveDeps) {}

  /** How long an answer may take: the interval, between 2 and 10 s. */
  get deadlineMs(): number {
    return Math.min(10_000, Math.max(2_000, this.d.intervalMs));
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.d.clock.clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.d.clock.setTimeout(() => void this.ping(), ms);
  }

  private async ping(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    const at = this.d.clock.now();
    const t0 = this.d.clock.monotonic();
    let settled = false;
    const finish = (result: KeepaliveResult['result']): void => {
      if (settled || this.stopped) return;
      settled = true;
      this.d.clock.clearTimeout(deadline);
      this.busy = false;
      const answered = typeof result === 'number' || result === 'ok';
      this.last = { at, result, rtt_ms: answered ? Math.round(this.d.clock.monotonic() - t0) : null };
      this.d.onResult(this.last, answered);
      this.schedule(this.d.intervalMs);
    };
    const deadline = this.d.clock.setTimeout(() => finish('timeout'), this.deadlineMs);
    try {
      const dest = await this.d.hop();
      const uri = new SipUri('sip', this.d.domain);
      const req = this.d.stack.createRequest({
        method: 'OPTIONS',
        uri,
        from: new NameAddr(new SipUri('sip', this.d.domain, undefined, this.d.user)),
        to: new NameAddr(uri),
        headers: [...(this.d.route ? ([['Route', this.d.route]] as Array<[string, string]>) : []), ['Accept', 'application/sdp']],
      });
      this.d.stack.sendRequest(req, {
        destination: dest,
        onResponse: (res) => {
          if (res.status >= 200) finish(res.status < 300 ? 'ok' : res.status);
        },
        onTimeout: () => finish('timeout'),
        onTransportError: () => finish('error'),
      });
    } catch {
      finish('error');
    }
  }
}
