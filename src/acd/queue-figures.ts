/**
 * The figures of a set of queue outcomes (engine.ts Outcome), shared by the live
 * statistics (queue-stats.ts) and the reports (reports.ts), so both say the same thing:
 *
 * - `service_level`: answered within the queue's threshold T ÷ (answered + abandoned after
 *   T) — a caller who hung up within T is not held against the queue;
 * - `sl2`: (answered within T + abandoned within T) ÷ (answered + abandoned);
 * - `asa_s`: the average wait of the answered calls (average speed of answer);
 * - `abandon_rate`: abandoned ÷ (answered + abandoned);
 * - `aht_s`: the average talk time of the calls completed;
 * - overflow, voicemail and callback count apart (they left the queue for another way).
 * A figure is null when it has nothing to be computed from.
 */
import type { Outcome } from './engine.js';

export interface Figures {
  offered: number;
  answered: number;
  abandoned: number;
  overflow: number;
  voicemail: number;
  callback: number;
  answered_within_t: number;
  service_level: number | null;
  sl2: number | null;
  asa_s: number | null;
  abandon_rate: number | null;
  aht_s: number | null;
}

export function figures(outcomes: Iterable<Pick<Outcome, 'kind'> & { wait_ms?: number | null; talk_ms?: number | null }>, thresholdS: number): Figures {
  const t = thresholdS * 1000;
  let answered = 0, abandoned = 0, overflow = 0, voicemail = 0, callback = 0, within = 0, abandonedWithin = 0, waitSum = 0, talkSum = 0, completed = 0;
  for (const o of outcomes) {
    const wait = o.wait_ms ?? 0;
    switch (o.kind) {
      case 'answered':
        answered++;
        waitSum += wait;
        if (wait <= t) within++;
        break;
      case 'abandoned':
        abandoned++;
        if (wait <= t) abandonedWithin++;
        break;
      case 'completed':
        completed++;
        talkSum += o.talk_ms ?? 0;
        break;
      case 'overflow':
      case 'empty':
        overflow++;
        break;
      case 'voicemail':
        voicemail++;
        break;
      case 'callback':
        callback++;
        break;
    }
  }
  const base = answered + abandoned - abandonedWithin;
  const all = answered + abandoned;
  const r = (x: number): number => Math.round(x * 10_000) / 10_000;
  return {
    offered: answered + abandoned + overflow + voicemail + callback,
    answered, abandoned, overflow, voicemail, callback, answered_within_t: within,
    service_level: base > 0 ? r(within / base) : null,
    sl2: all > 0 ? r((within + abandonedWithin) / all) : null,
    asa_s: answered > 0 ? Math.round(waitSum / answered / 100) / 10 : null,
    abandon_rate: all > 0 ? r(abandoned / all) : null,
    aht_s: completed > 0 ? Math.round(talkSum / completed / 100) / 10 : null,
  };
}
