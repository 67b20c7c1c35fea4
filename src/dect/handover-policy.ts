/**
 * The switching core's handover decision (issue 16), pure and on the injected clock.
 *
 * Input: each handset's radio reports (RSSI and link quality of every base it hears) and the
 * system's view of every base (online, synchronised, calls carried vs capacity). Output: a
 * decision "hand this call over, to these bases in this order" — the caller sets up the
 * bearer on the first that accepts (a base may still refuse: full, or lost sync since).
 *
 * Why these rules (deployed multi-cell systems, 3GPP's A3 event, DECT's T202):
 * - RSSI is averaged (exponential filter, `averagingMs`) before it is compared: single
 *   reports carry several dB of fast fading and measurement noise.
 * - "Stronger" = a candidate's average beats the serving base's by `hysteresisDb` for
 *   `timeToTriggerMs` without interruption: a handset standing on a cell border sees the two
 *   averages cross back and forth, never the margin held for the whole time.
 * - Link quality below `minQuality` (frame errors) triggers at once, to the strongest
 *   eligible candidate that is itself at least as good as the floor.
 * - A serving base that lost sync (keeps the call, may drift) or went offline triggers at
 *   once too, to the strongest eligible candidate, margin or not.
 * - At most `maxHandovers` per `rateWindowMs` per handset (T202: 2 per 3 s) whatever the
 *   reason, so no trigger can make the call ping-pong.
 * - Never a base that is offline, out of sync or at capacity; a base that just refused is
 *   skipped for `refusedBackoffMs`.
 */
import type { Clock } from '../../common/clock.js';

export interface HandoverPolicyConfig {
  /** dB a candidate must beat the serving base by (deployed systems: 6–12). */
  hysteresisDb: number;
  /** How long the margin must hold. */
  timeToTriggerMs: number;
  /** Serving link quality (% good slots) below which we leave at once. */
  minQuality: number;
  /** A candidate weaker than this (averaged dBm) is never chosen. */
  minCandidateRssi: number;
  /** Exponential averaging time constant for RSSI. */
  averagingMs: number;
  /** T202: at most `maxHandovers` in `rateWindowMs`. */
  maxHandovers: number;
  rateWindowMs: number;
  /** After a base refused a bearer, leave it out for this long. */
  refusedBackoffMs: number;
}

export const DEFAULT_HANDOVER_POLICY: HandoverPolicyConfig = {
  hysteresisDb: 8,
  timeToTriggerMs: 640,
  minQuality: 60,
  minCandidateRssi: -85,
  averagingMs: 400,
  maxHandovers: 2,
  rateWindowMs: 3000,
  refusedBackoffMs: 2000,
};

export interface BaseView {
  rpn: number;
  online: boolean;
  synced: boolean;
  calls: number;
  capacity: number;
}

export interface RadioSample {
  rpn: number;
  rssi: number;
  /** % good slots on a bearer to this base; undefined when the handset only hears the beacon. */
  quality?: number;
}

export type HandoverReason = 'stronger' | 'quality' | 'servingSyncLost' | 'servingLost';

export interface HandoverDecision {
  ipei: string;
  from: number;
  /** Eligible targets, best first. */
  candidates: number[];
  reason: HandoverReason;
  /** Averaged RSSI of the serving base and of the first candidate, for the handover log. */
  fromRssi: number | undefined;
  toRssi: number;
}

interface HandsetState {
  avg: Map<number, { dbm: number; at: number }>;
  servingQuality: number | undefined;
  /** Candidate rpn → since when it has held the margin. */
  marginSince: Map<number, number>;
  handoversAt: number[];
  refused: Map<number, number>;
}

export class HandoverPolicy {
  readonly config: HandoverPolicyConfig;
  private readonly handsets = new Map<string, HandsetState>();

  constructor(private readonly clock: Clock, config: Partial<HandoverPolicyConfig> = {}) {
    this.config = { ...DEFAULT_HANDOVER_POLICY, ...config };
  }

  /** Averaged RSSI the policy holds for a handset and base (for the API and logs). */
  averageRssi(ipei: string, rpn: number): number | undefined {
    return this.handsets.get(ipei)?.avg.get(rpn)?.dbm;
  }

  /**
   * A radio report of a handset in a call served by `serving`. Returns a decision when a
   * handover is due now, else undefined. Bases not in `samples` are no longer heard.
   */
  report(ipei: string, serving: number, samples: readonly RadioSample[], bases: readonly BaseView[]): HandoverDecision | undefined {
    const now = this.clock.monotonic();
    const s = this.state(ipei);
    const heard = new Set<number>();
    for (const smp of samples) {
      heard.add(smp.rpn);
      const prev = s.avg.get(smp.rpn);
      if (!prev) s.avg.set(smp.rpn, { dbm: smp.rssi, at: now });
      else {
        const alpha = 1 - Math.exp(-Math.max(0, now - prev.at) / this.config.averagingMs);
        s.avg.set(smp.rpn, { dbm: prev.dbm + alpha * (smp.rssi - prev.dbm), at: now });
      }
      if (smp.rpn === serving) s.servingQuality = smp.quality;
    }
    for (const rpn of [...s.avg.keys()]) if (!heard.has(rpn)) s.avg.delete(rpn);
    if (!heard.has(serving)) s.servingQuality = undefined;

    const servingAvg = s.avg.get(serving)?.dbm;
    const servingBase = bases.find((b) => b.rpn === serving);
    const eligible = this.eligible(s, serving, bases, now);

    // Time-to-trigger bookkeeping for every heard candidate, eligible or not (a base that is
    // full now may free a slot; its margin history stays valid).
    for (const rpn of s.avg.keys()) {
      if (rpn === serving) continue;
      const holds = servingAvg === undefined || s.avg.get(rpn)!.dbm >= servingAvg + this.config.hysteresisDb;
      if (!holds) s.marginSince.delete(rpn);
      else if (!s.marginSince.has(rpn)) s.marginSince.set(rpn, now);
    }
    for (const rpn of [...s.marginSince.keys()]) if (!s.avg.has(rpn)) s.marginSince.delete(rpn);

    let reason: HandoverReason | undefined;
    let candidates: number[] = [];
    if (!servingBase?.online || servingAvg === undefined) {
      reason = 'servingLost';
      candidates = eligible;
    } else if (!servingBase.synced) {
      reason = 'servingSyncLost';
      candidates = eligible;
    } else if (s.servingQuality !== undefined && s.servingQuality < this.config.minQuality) {
      reason = 'quality';
      candidates = eligible.filter((rpn) => s.avg.get(rpn)!.dbm > servingAvg);
    } else {
      reason = 'stronger';
      candidates = eligible.filter((rpn) => {
        const since = s.marginSince.get(rpn);
        return since !== undefined && now - since >= this.config.timeToTriggerMs;
      });
    }
    if (candidates.length === 0) return undefined;
    // T202. A lost serving base is exempt: the call is gone unless it moves.
    if (reason !== 'servingLost') {
      s.handoversAt = s.handoversAt.filter((t) => now - t < this.config.rateWindowMs);
      if (s.handoversAt.length >= this.config.maxHandovers) return undefined;
    }
    return { ipei, from: serving, candidates, reason, fromRssi: servingAvg, toRssi: s.avg.get(candidates[0]!)!.dbm };
  }

  /** The handover to `to` completed: counts for T202; the margin history starts again. */
  handoverDone(ipei: string, to: number): void {
    const s = this.state(ipei);
    s.handoversAt.push(this.clock.monotonic());
    s.marginSince.clear();
    s.servingQuality = undefined;
    s.refused.delete(to);
  }

  /** `rpn` refused the bearer (full, out of sync, lost the handset): skip it for a while. */
  handoverRefused(ipei: string, rpn: number): void {
    this.state(ipei).refused.set(rpn, this.clock.monotonic());
  }

  /** The call ended: forget the handset. */
  forget(ipei: string): void {
    this.handsets.delete(ipei);
  }

  /** Heard, online, synchronised, not full, not recently refused, above the floor; strongest first. */
  private eligible(s: HandsetState, serving: number, bases: readonly BaseView[], now: number): number[] {
    const out: Array<{ rpn: number; dbm: number }> = [];
    for (const [rpn, a] of s.avg) {
      if (rpn === serving || a.dbm < this.config.minCandidateRssi) continue;
      const b = bases.find((x) => x.rpn === rpn);
      if (!b || !b.online || !b.synced || b.calls >= b.capacity) continue;
      const refusedAt = s.refused.get(rpn);
      if (refusedAt !== undefined && now - refusedAt < this.config.refusedBackoffMs) continue;
      out.push({ rpn, dbm: a.dbm });
    }
    return out.sort((a, b) => b.dbm - a.dbm).map((x) => x.rpn);
  }

  private state(ipei: string): HandsetState {
    let s = this.handsets.get(ipei);
    if (!s) {
      s = { avg: new Map(), servingQuality: undefined, marginSince: new Map(), handoversAt: [], refused: new Map() };
      this.handsets.set(ipei, s);
    }
    return s;
  }
}
