/**
 * Blind-transfer latency (issue 10's benchmark): from a REFER sent to the exchange to the
 * transfer target's INVITE arriving (the target phone starts ringing), at a steady rate of
 * transfers per second. The exchange runs in this process on loopback with the repository's
 * transfer configuration; our test phones (test/channels/sip/call-harness.ts) play 201
 * (caller and transferor), 202 (callee, the transferee) and 203 (the target, answering at
 * once). First CALLS calls 201 → 202 are set up, then each is transferred to 203 at RATE/s.
 *
 *   npx tsx bench/transfer/run.ts [--calls 250] [--rate 50]
 *
 * Prints p50/p99/max in ms. The phones share the process (and its CPU) with the exchange,
 * so the figure is an upper bound of the exchange's own cost.
 */
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { silentLogger } from '../../common/log.js';
import { startExchange } from '../../src/main.js';
import { Dialog, type SipRequest } from '../../src/sip/index.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { creds, harnessPhone, offerFor, register, unregister } from '../../test/channels/sip/call-harness.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '250' }, rate: { type: 'string', default: '50' } } });
const CALLS = Number(values.calls);
const RATE = Number(values.rate);
const CONFIG = new URL('../../test/fixtures/config/transfer.yaml', import.meta.url).pathname;

const ex = await startExchange({
  board: 'board/sim.yaml', data: `${tempDir()}/data`, config: CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
  logLevel: 'silent', logger: silentLogger(),
});
const to = { protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port };
const p201 = await harnessPhone(ex, '201');
const p202 = await harnessPhone(ex, '202');
const p203 = await harnessPhone(ex, '203');
await register(p202, '202');
await register(p203, '203');

/** When each REFER left; 203's INVITEs are matched to them in order (one every 1/RATE s: they do not overtake each other). */
const sentAt: number[] = [];
const latencies: number[] = [];
const seen = p203.respond;
p203.respond = (req: SipRequest) => {
  if (req.method === 'INVITE' && !req.to.tag) {
    const t0 = sentAt[latencies.length];
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  }
  return seen(req);
};

const dialogs: Dialog[] = [];
for (let i = 0; i < CALLS; i++) {
  const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  if (r.final.status !== 200) throw new Error(`call ${i}: ${r.final.status}`);
  const d = Dialog.asUac(r.request, r.final);
  p201.sip.stack.sendAck(d.createAck(r.request.cseq.seq), to);
  dialogs.push(d);
}
console.log(`${CALLS} calls up; transferring at ${RATE}/s`);

// Where a slow transfer's time goes: the main thread's event loop blocked (delay), garbage
// collection pauses, or neither (then the process waited for a CPU: the machine's load).
const loop = monitorEventLoopDelay({ resolution: 1 });
const gcPauses: number[] = [];
const gc = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push(e.duration);
});
gc.observe({ entryTypes: ['gc'] });
loop.enable();
// A stall of the loop is ours (a long task: utilisation near 1 over the gap) or the machine's
// (the thread waited for a CPU while its loop was idle: utilisation near 0).
const stalls: Array<{ gap: number; busy: number }> = [];
let lastTick = performance.now();
let lastElu = performance.eventLoopUtilization();
const sampler = setInterval(() => {
  const now = performance.now();
  const elu = performance.eventLoopUtilization();
  const gap = now - lastTick;
  if (gap > 25) stalls.push({ gap, busy: performance.eventLoopUtilization(elu, lastElu).utilization });
  lastTick = now;
  lastElu = elu;
}, 5);
const cpu0 = process.cpuUsage();
const start = performance.now();
for (const [i, d] of dialogs.entries()) {
  const due = start + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const refer = d.createRequest('REFER', { headers: [['Refer-To', '<sip:203@127.0.0.1>']] });
  sentAt.push(performance.now());
  p201.sip.stack.sendRequest(refer, { destination: to, onResponse: () => undefined });
}
const deadline = performance.now() + 10_000;
while (latencies.length < CALLS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));

loop.disable();
gc.disconnect();
clearInterval(sampler);
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - start;

const sorted = [...latencies].sort((a, b) => a - b);
const q = (p: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN).toFixed(1);
console.log(`transfers: ${latencies.length}/${CALLS} reached the target; REFER → target INVITE: p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; first ${latencies[0]?.toFixed(1)} ms (computes music on hold); over 50 ms: ${latencies.filter((l) => l > 50).length}`);

const gcSorted = gcPauses.sort((a, b) => a - b);
console.log(`main event loop delay during the run: p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
console.log(`GC pauses: ${gcSorted.length}, total ${gcSorted.reduce((a, b) => a + b, 0).toFixed(0)} ms, max ${(gcSorted.at(-1) ?? 0).toFixed(1)} ms; process CPU ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(0)}% of one core over ${(wall / 1000).toFixed(1)} s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const ours = stalls.filter((x) => x.busy > 0.5);
console.log(`loop stalls over 25 ms: ${stalls.length}; with the loop busy (our own work) ${ours.length}, longest ${Math.max(0, ...ours.map((x) => x.gap)).toFixed(0)} ms; with the loop idle (waiting for a CPU) ${stalls.length - ours.length}, longest ${Math.max(0, ...stalls.filter((x) => x.busy <= 0.5).map((x) => x.gap)).toFixed(0)} ms`);

for (const ch of ex.switch.channels.all()) ch.hangup('normal');
await unregister(p202, '202');
await unregister(p203, '203');
await Promise.all([p201, p202, p203].flatMap((p) => [p.sip.stop(), p.rtp.close()]));
await ex.close();
