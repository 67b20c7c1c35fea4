/**
 * What the calls-per-second benchmarks (bench/sip-cps, bench/trunk-cps) measure the same way:
 * one run at a fixed rate against the exchange process (its CPU, its event-loop delay, the
 * kernel's UDP drops), and the search for the highest rate that passes.
 */
import { readFileSync } from 'node:fs';
import type { ExchangeProcess } from './exchange-process.js';
import type { Run } from './report.js';
import type { CallerResult } from './sipp.js';

/** Datagrams the kernel dropped for full receive buffers (whole machine: RcvbufErrors). */
export function udpReceiveDrops(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const head = lines[0]!.split(/\s+/);
  return Number(lines[1]!.split(/\s+/)[head.indexOf('RcvbufErrors')]);
}

/** `calls` calls placed at `rate` by `place`, measured on `exchange`; a run passes with every call through at ≥ 95 % of the rate. */
export async function measureRun(exchange: ExchangeProcess, label: string, rate: number, calls: number, place: () => Promise<CallerResult>): Promise<Run> {
  const cpu0 = exchange.cpuS();
  const threads0 = exchange.threadCpuS();
  const drops0 = udpReceiveDrops();
  await exchange.loopDelay(); // reset
  const t0 = performance.now();
  const r = await place();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = exchange.cpuS() - cpu0;
  const threadCpuPerCallUs: Record<string, number> = {};
  for (const [t, s] of exchange.threadCpuS()) {
    const us = r.successful ? ((s - (threads0.get(t) ?? 0)) * 1e6) / r.successful : NaN;
    if (us > 0) threadCpuPerCallUs[t] = Math.round(us);
  }
  const udpDrops = udpReceiveDrops() - drops0;
  const loop = await exchange.loopDelay();
  const pass = r.exitCode === 0 && r.failed === 0 && r.successful === calls && r.achievedRate >= 0.95 * rate;
  return { ...r, label, udpDrops, loop, cpuShare: cpu / wallS, cpuPerCallUs: r.successful ? (cpu * 1e6) / r.successful : NaN, threadCpuPerCallUs, pass };
}

/**
 * The peak rate: up by 100 calls/s until a run fails, then by 25 from the last pass on a
 * fresh exchange each, then a run three times as long at 80 % of the peak.
 */
export async function searchPeak(
  measure: (label: string, rate: number, seconds: number) => Promise<Run>,
  fresh: () => Promise<void>,
  durationS: number,
): Promise<{ runs: Run[]; peak: number; hold?: Run }> {
  const runs: Run[] = [];
  await fresh();
  let lastPass = 0;
  let firstFail = 0;
  for (let rate = 100; rate <= 3000; rate += 100) {
    const r = await measure('ramp', rate, durationS);
    runs.push(r);
    if (r.pass) lastPass = rate;
    else {
      firstFail = rate;
      break;
    }
  }
  for (let rate = lastPass + 25; firstFail && rate < firstFail; rate += 25) {
    await fresh();
    const r = await measure('refine', rate, durationS);
    runs.push(r);
    if (!r.pass) break;
    lastPass = rate;
  }
  if (!lastPass) return { runs, peak: 0 };
  await fresh();
  const hold = await measure('80 % of peak', Math.floor(lastPass * 0.8), durationS * 3);
  runs.push(hold);
  return { runs, peak: lastPass, hold };
}
