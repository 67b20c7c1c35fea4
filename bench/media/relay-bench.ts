/**
 * Media benchmark (results in docs/PERFORMANCE.md, "## Media"). Not a test: run it by hand.
 *
 *   npx tsx bench/media/relay-bench.ts [--pin] [--workers[=N]] [relay:500] [transcode:200] [conference]
 *
 * For each "mode:calls" scenario this process plays the exchange: two RtpEndpoints per
 * call joined by bridge() (relay fast path, or A-law↔µ-law transcoding), while a child
 * process (load-gen.ts) plays both phones of every call at 50 packets/s each and measures
 * loss and transit per packet. This process reports its own CPU use and its event-loop
 * delay — the delay SIP signalling would suffer — during the measurement.
 *
 * "conference" measures a 10-party conference: the decoded path per leg (G.711 decode,
 * jitter buffer, N−1 mix, encode) without sockets, as a share of one core.
 */
import { execFileSync, fork } from 'node:child_process';
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
  const pool = WORKERS ? new MediaWorkerPool({ size: POOL_SIZE }) : undefined;
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
  const child = fork(new URL('./load-gen.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'] });
  // --pin: the exchange (every thread of this process) on core 0, the phones on core 1, so
  // the two do not compete for one core and the numbers are the exchange's own.
  if (PIN) {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(child.pid)], { stdio: 'ignore' });
  }
  const next = <T>(type: string) => new Promise<T>((resolve) => child.once('message', (m: { type: string }) => m.type === type && resolve(m as T)));
  const ready = next<{ phonePorts: Array<[number, number]> }>('ready');
  child.send({ type: 'setup', calls, pbxPorts: legs.map(([a, b]) => [a.localPort, b.localPort]), payloadTypes: [legs[0]![0].payloadType, legs[0]![1].payloadType] });
  const { phonePorts } = await ready;
  const bridges: Bridge[] = legs.map(([a, b], c) => {
    a.setRemote({ address: '127.0.0.1', port: phonePorts[c]![0] });
    b.setRemote({ address: '127.0.0.1', port: phonePorts[c]![1] });
    return bridge(a, b);
  });
  const result = next<Record<string, unknown>>('result');
  child.send({ type: 'start', warmupMs: WARMUP_MS, durationMs: DURATION_MS });
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
  child.kill();
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
    generatorLoopDelayP99Ms: +(res.generatorLoopDelayP99Ms as number).toFixed(2),
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
/** --workers=N: pool size (default: cores − 1). */
const POOL_SIZE = Number(process.argv.find((a) => a.startsWith('--workers='))?.slice(10)) || undefined;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const plan = args.length ? args : ['relay:100', 'relay:500', 'transcode:200', 'conference'];
for (const a of plan) {
  if (a === 'conference') console.log(JSON.stringify(conference()));
  else {
    const [mode, n] = a.split(':');
    console.log(JSON.stringify(await scenario(mode as 'relay' | 'transcode', Number(n))));
  }
}
