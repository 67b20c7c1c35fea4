/**
 * What GET /api/dect shows (issue 16), as the installer's DECT manager would: every base
 * (position, online, sync and its master, calls against capacity), every handset (IPEI,
 * extension, the base it is located at, the base carrying its call, what it hears of every
 * base), the recent handovers, the alarms (failed handovers above 5 % in the last hour, calls
 * released abnormally) and
 * the predicted coverage map for the site survey (src/dect/coverage.ts).
 */
import type { DectSystem } from '../../drivers/hal.js';
import type { DectHandsets } from '../channels/dect/registry.js';
import type { HandoverController } from '../dect/handover-controller.js';
import type { Board } from './board.js';
import { coverageMap } from '../dect/coverage.js';

const HOUR_MS = 3_600_000;

export interface DectViewInput {
  board: Board['dect'];
  driver: DectSystem & { subscriptionRemainingMs(): number };
  handsets: DectHandsets;
  controller: HandoverController;
  /** Calls released because their handset stayed out of range. */
  dropped: ReadonlyArray<{ ipei: string; at: number }>;
  alarmShare: number;
  now: number;
}

export function dectView(i: DectViewInput): Record<string, unknown> {
  const { driver, handsets, controller } = i;
  const bases = i.board.bases.map((decl, n) => {
    const b = driver.bases.find((x) => x.rpn === n + 1);
    return {
      rpn: n + 1, id: decl.id, x: decl.x, y: decl.y, online: b?.online ?? false, synced: b?.synced ?? false, master: b?.masterRpn ?? null,
      calls: b?.calls ?? 0, capacity: b?.maxCalls ?? null, firmware: b?.firmware ?? null,
      handsets: driver.handsets.filter((h) => h.baseId === n + 1).length,
    };
  });
  const list = driver.handsets.filter((h) => h.subscribed).map((h) => {
    const line = handsets.line(h.ipei);
    return {
      ipei: h.ipei, extension: line?.owner?.number ?? null, name: line?.owner?.name ?? null, located: h.baseId ?? null, serving: h.servingBase ?? null,
      state: line?.state ?? 'unassigned',
      rssi: Object.fromEntries(handsets.heard(h.ipei).map((s) => [String(s.rpn), s.rssi])),
      quality: handsets.heard(h.ipei).find((s) => s.rpn === h.servingBase)?.quality ?? null,
    };
  });
  const recent = controller.log.filter((r) => i.now - r.at < HOUR_MS);
  const failed = recent.filter((r) => !r.ok).length;
  const alarms: Array<Record<string, unknown>> = recent.length > 0 && failed / recent.length > i.alarmShare ? [{ kind: 'handover-failures', failed, attempts: recent.length, window_s: HOUR_MS / 1000 }] : [];
  const drops = i.dropped.filter((x) => i.now - x.at < HOUR_MS);
  if (drops.length) alarms.push({ kind: 'calls-dropped', count: drops.length, ipeis: [...new Set(drops.map((x) => x.ipei))], window_s: HOUR_MS / 1000 });
  return {
    subscription: { open_s: Math.ceil(driver.subscriptionRemainingMs() / 1000) },
    bases,
    handsets: list,
    handovers: controller.log.slice(-50).map((r) => ({
      ipei: r.ipei, from: r.from, to: r.to ?? null, at: r.at, from_rssi: r.fromRssi ?? null, to_rssi: r.toRssi ?? null, reason: r.reason, gap_ms: r.gapMs ?? null, ok: r.ok,
    })),
    alarms,
    coverage: coverageMap(bases),
  };
}
