/**
 * Media benchmark (results in docs/PERFORMANCE.md, "## Media"). Not a test: run it by hand.
 *
 *   npx tsx bench/media/relay-bench.ts [--workers[=N]] [--nice=N] [--runs=N] [--pin] [relay:500] [transcode:200] [conference]
 *
 * For each "mode:calls" scenario this process plays the exchange: two RtpEndpoints per
 * call joined by bridge() (relay fast path, or A-law↔µ-law transcoding) — in media worker
 * threads with `--workers`, as the running exchange does — while rtp-load.c (a separate
 * process, compiled on first use; see generator.ts) plays both phones of every call at
 * 50 packets/s each and measures loss and transit per packet with kernel receive
 * timestamps. This process reports its CPU use (all threads) and its main thread's
 * event-loop delay — the delay SIP signalling would suffer — during the measurement.
 * `--runs=N` repeats each scenario (the machine is shared: single runs vary).
 *
 * "conference" measures a 10-party conference: the decoded path per leg (G.711 decode,
 * jitter buffer, N−1 mix, encode) without sockets, as a share of one core.
 */
import { execFileSync } from 'node:child_process';
import { startGenerator } from './generator.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SystemClock, FakeClock } from '../../common/clock.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { bridge, type Bridge } from '../../src/media/relay.js';
import { MediaWorkerPool } from '../../src/media/worker/pool.js';
import type { WorkerRtpEndpoint } from '../../src/media/worker/worker-endpoint.js';
import { ConferenceMixer } from '../../src/media/mixer.js';
import { JitterBuffer } from '../../src/media/jitter-buffer.js';
import { decode, encode } from '../../src/media/g711.js';
import type { FrameListener, MediaEndpoint } from '../../src/media/endpoint.js';

const WARMUP_MS = 2000;
const DURATION_MS = 10000;

async function scenario(mode: 'relay' | 'transcode', calls: number): Promise<Record<string, unknown>> {
  const clock = new SystemClock();
  type Leg = RtpEndpoint | WorkerRtpEndpoint;
  const legs: Array<[Leg, Leg]> = [];
  const pool = WORKERS ? new MediaWorkerPool({ size: POOL_SIZE, nice: NICE, onPriority: (r) => r.ok || console.error(`media worker priority: ${r.reason}`) }) : undefined;
  for (let c = 0; c < calls; c++) {
    const codecA = mode === 'relay' ? 'PCMU' : 'PCMA';
    if (pool) {
      const a = await pool.open({ host: '127.0.0.1', port: 0, codec: codecA });
      legs.push([a, await pool.open({ host: '127.0.0.1', port: 0, codec: 'PCMU' }, a)]);
    } else {
      const a = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, codec: codecA });
      legs.push([a, await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, codec: 'PCMU' })]);
    }
  }
  const gen = await startGenerator();
  // --pin: the exchange (every thread of this process) on core 0, the phones on core 1, so
  // the two never share a core. For comparison only: the relaying worker then shares its
  // core with its own main thread and V8's helpers, which costs more (PERFORMANCE.md).
  if (PIN) {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(gen.pid)], { stdio: 'ignore' });
  }
  const pbxPorts = legs.flatMap(([a, b]) => [a.localPort, b.localPort]);
  const ready = (await gen.exchange(`setup ${calls} ${legs[0]![0].payloadType} ${legs[0]![1].payloadType} ${pbxPorts.join(' ')}`)).split(' ');
  if (ready[0] !== 'ready') throw new Error(`load generator: ${ready.join(' ')}`);
  const phonePorts = ready.slice(1).map(Number);
  const bridges: Bridge[] = legs.map(([a, b], c) => {
    a.setRemote({ address: '127.0.0.1', port: phonePorts[2 * c]! });
    b.setRemote({ address: '127.0.0.1', port: phonePorts[2 * c + 1]! });
    return bridge(a, b);
  });
  const result = gen.exchange(`start ${WARMUP_MS} ${DURATION_MS}`).then((line) => JSON.parse(line) as Record<string, number>);
  // Measure this process (the exchange) during the measurement window only.
  await new Promise((r) => setTimeout(r, 50 + WARMUP_MS));
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  loop.disable();
  const res = await result;
  // The exchange's main thread only (event-loop delay above); with --workers the CPU figure
  // is the whole process (all threads), so it includes the workers.
  const pbx = await Promise.all(legs.flat().map(async (e) => ('fetchStats' in e ? (await e.fetchStats())! : e.stats())));
  const pbxReceived = pbx.reduce((n, s) => n + s.packetsReceived, 0);
  const pbxSent = pbx.reduce((n, s) => n + s.packetsSent, 0);
  const socketErrors = pbx.reduce((n, s) => n + s.socketErrors, 0);
  // Gaps the exchange itself saw on its incoming legs (RFC 3550 A.3): packets lost before
  // reaching its sockets, as opposed to lost inside it.
  const pbxSawLost = pbx.reduce((n, s) => n + s.lost, 0);
  const pbxRejected = pbx.reduce((n, s) => n + s.duplicates + s.foreignDropped, 0);
  for (const br of bridges) br.close();
  await Promise.all(legs.flat().map((e) => e.close()));
  gen.kill();
  const workersUsed = pool?.load().length;
  await pool?.close();
  return {
    mode: WORKERS ? `${mode} (${workersUsed} workers)` : mode,
    calls,
    packetsPerSecondIn: calls * 2 * 50,
    cpuPctOfOneCore: +(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1),
    eventLoopDelayP99Ms: +(loop.percentile(99) / 1e6).toFixed(2),
    eventLoopDelayMaxMs: +(loop.max / 1e6).toFixed(2),
    lossPct: +(res.lossPct as number).toFixed(4),
    transitP50Ms: +(res.transitP50 as number).toFixed(2),
    transitP99Ms: +(res.transitP99 as number).toFixed(2),
    addedJitterP99Ms: +(res.addedJitterP99 as number).toFixed(2),
    pbxReceived,
    pbxSent,
    socketErrors,
    pbxSawLost,
    pbxRejected,
    late: res.late,
    generatorSent: res.sentTotal,
    generatorCpuPct: +(res.generatorCpuPct as number).toFixed(1),
    generatorSendLatenessP99Ms: +(res.sendLatenessP99Ms as number).toFixed(2),
  };
}

/** A 10-party conference on the decoded path: decode + jitter buffer + mix + encode per leg. */
function conference(parties = 10): Record<string, unknown> {
  const clock = new FakeClock();
  const mixer = new ConferenceMixer({ clock, maxLegs: parties });
  const payload = encode('PCMU', Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 3))));
  const legs = Array.from({ length: parties }, () => {
    const listeners = new Set<FrameListener>();
    const jb = new JitterBuffer();
    const out = new Uint8Array(160);
    const ep: MediaEndpoint = {
      onFrame: (l) => (listeners.add(l), () => listeners.delete(l)),
      writeFrame: (f) => encode('PCMU', f, out),
    };
    mixer.add(ep);
    return { jb, listeners };
  });
  let seq = 0;
  const frame = () => {
    for (const leg of legs) {
      leg.jb.put(seq, decode('PCMU', payload));
      const f = leg.jb.get();
      for (const l of leg.listeners) l(f);
    }
    mixer.mix();
    seq = (seq + 1) & 0xffff;
  };
  for (let i = 0; i < 500; i++) frame(); // warm up the JIT
  const frames = 50 * 60; // one minute of audio
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < frames; i++) frame();
  const cpu = process.cpuUsage(cpu0);
  const ms = (cpu.user + cpu.system) / 1000;
  mixer.close();
  return { parties, audioSeconds: frames / 50, cpuMs: +ms.toFixed(1), cpuPctOfOneCore: +((ms / ((frames / 50) * 1000)) * 100).toFixed(3) };
}

const PIN = process.argv.includes('--pin');
/** --workers: the legs live in media worker threads (src/media/worker/), as the SIP legs do. */
const WORKERS = process.argv.some((a) => a.startsWith('--workers'));
/** --workers=N: pool size (default: one per core, as the exchange). */
const POOL_SIZE = Number(process.argv.find((a) => a.startsWith('--workers='))?.slice(10)) || undefined;
/** --nice=N: the workers' nice value; default −10, the board's default `media.nice`. */
const NICE = Number(process.argv.find((a) => a.startsWith('--nice='))?.slice(7) ?? -10);
/** --runs=N: each scenario N times. */
const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 1);
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const plan = args.length ? args : ['relay:100', 'relay:500', 'transcode:200', 'conference'];
for (const a of plan) {
  for (let run = 0; run < RUNS; run++) {
    if (a === 'conference') console.log(JSON.stringify(conference()));
    else {
      const [mode, n] = a.split(':');
      console.log(JSON.stringify(await scenario(mode as 'relay' | 'transcode', Number(n))));
    }
  }
}
