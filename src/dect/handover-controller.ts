/**
 * Carries out the handover policy on a DectSystem (issue 16): each radio report of a handset
 * in a call goes to the policy; a decision is executed make-before-break on the first
 * candidate that accepts (a base that refuses — full, out of sync — is skipped and the next
 * tried), and every attempt lands in a log (for `GET /api/dect` and `/api/events` once the
 * DECT channel is wired in: that is the seam, see `on('handover')`).
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { DectSystem } from '../../drivers/hal.js';
import { FRAME_MS } from '../../drivers/hal.js';
import { HandoverPolicy, type HandoverPolicyConfig, type HandoverReason } from './handover-policy.js';

export interface HandoverRecord {
  ipei: string;
  from: number;
  to: number | undefined;
  fromRssi: number | undefined;
  toRssi: number | undefined;
  reason: HandoverReason;
  ok: boolean;
  /** Audio gap at the receiving side, counted in frames (lost + repeated) × 20 ms. */
  gapMs: number | undefined;
  /** Wall time (clock.now()) of the decision. */
  at: number;
  error?: string;
}

export class HandoverController {
  readonly policy: HandoverPolicy;
  /** The most recent attempts, newest last (at most `keep`). */
  readonly log: HandoverRecord[] = [];
  private readonly busy = new Set<string>();
  private readonly events = new EventEmitter();

  constructor(
    private readonly dect: DectSystem,
    private readonly clock: Clock,
    private readonly logger: Logger,
    config: Partial<HandoverPolicyConfig> = {},
    private readonly keep = 200,
  ) {
    this.policy = new HandoverPolicy(clock, config);
    dect.on('radio', (ipei, samples) => this.onRadio(ipei, samples));
    dect.on('callLost', (ipei) => this.policy.forget(ipei));
  }

  on(event: 'handover', listener: (r: HandoverRecord) => void): this {
    this.events.on(event, listener);
    return this;
  }

  private onRadio(ipei: string, samples: Parameters<HandoverPolicy['report']>[2]): void {
    if (this.busy.has(ipei)) return; // one handover at a time per handset
    const serving = this.dect.handsets.find((h) => h.ipei === ipei)?.servingBase;
    if (serving === undefined) return;
    const bases = this.dect.bases.map((b) => ({ rpn: b.rpn, online: b.online, synced: b.synced, calls: b.calls, capacity: b.maxCalls }));
    const d = this.policy.report(ipei, serving, samples, bases);
    if (!d) return;
    this.busy.add(ipei);
    void this.execute(d).finally(() => this.busy.delete(ipei));
  }

  private async execute(d: NonNullable<ReturnType<HandoverPolicy['report']>>): Promise<void> {
    const at = this.clock.now();
    let lastError = 'no candidate';
    for (const to of d.candidates) {
      try {
        const r = await this.dect.handover(d.ipei, to);
        this.policy.handoverDone(d.ipei, to);
        this.record({ ipei: d.ipei, from: d.from, to, fromRssi: d.fromRssi, toRssi: this.policy.averageRssi(d.ipei, to), reason: d.reason, ok: true, gapMs: (r.lostFrames + r.repeatedFrames) * FRAME_MS, at });
        return;
      } catch (err) {
        lastError = (err as Error).message;
        this.policy.handoverRefused(d.ipei, to);
        this.logger.info({ ipei: d.ipei, to, err: lastError }, 'DECT handover target refused; trying the next');
      }
    }
    this.record({ ipei: d.ipei, from: d.from, to: undefined, fromRssi: d.fromRssi, toRssi: undefined, reason: d.reason, ok: false, gapMs: undefined, at, error: lastError });
  }

  private record(r: HandoverRecord): void {
    this.log.push(r);
    if (this.log.length > this.keep) this.log.shift();
    this.logger.info({ ...r }, r.ok ? 'DECT handover' : 'DECT handover failed');
    this.events.emit('handover', r);
  }
}
