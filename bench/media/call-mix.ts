/**
 * Issue 10's media benchmark (results in docs/PERFORMANCE.md, "Calls and conferences at
 * once"): 200 two-party calls plus 10 five-party conferences, all at once, in the media
 * worker pool as the running exchange has it (one worker per core, nice −10).
 *
 *   npx tsx bench/media/call-mix.ts [--calls=200] [--conferences=10] [--parties=5] [--runs=N]
 *
 * - The two-party calls relay inside a worker (bridge()); their phones are rtp-load.c (see
 *   relay-bench.ts), which measures loss and added jitter per packet with kernel receive
 *   timestamps.
 * - Each conference is media/conference.ts as a bridge of five uses it: mixed in the
 *   worker hosting most members; one member of each conference is opened in the other
 *   worker, so the loopback path between workers is measured too. Their phones are
 *   conf-phones.c in a process of its own (loss by sequence number; with kernel receive
 *   timestamps, the inter-arrival jitter D of the mixed streams and their delay variation
 *   against their RTP timestamps — the buffer depth a phone needs — and the mixer's drift;
 *   each also for the members of the host worker and those on the loopback path apart).
 * This process reports its CPU (all threads) and its main thread's event-loop delay.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { SystemClock } from '../../common/clock.js';
import { bridge } from '../../src/media/relay.js';
import { MediaWorkerPool } from '../../src/media/worker/pool.js';
import type { WorkerRtpEndpoint } from '../../src/media/worker/worker-endpoint.js';
import { conference } from '../../src/media/conference.js';
import { buildTool, startGenerator } from './generator.js';

const arg = (name: string, dflt: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const CALLS = arg('calls', 200);
const CONFERENCES = arg('conferences', 10);
const PARTIES = arg('parties', 5);
const RUNS = arg('runs', 1);
// The conference phones need at least one leg (without, they exit and this run would hang).
if (CONFERENCES < 1 || PARTIES < 2) throw new Error('call-mix needs --conferences ≥ 1 and --parties ≥ 2 (relay alone: relay-bench.ts)');
const WARMUP_MS = 2000;
const DURATION_MS = 10000;

/** `ports[i]` with the group its stream is reported in (conf-phones.c's `PORT:GROUP`). */
async function phones(ports: number[], groups: number[]) {
  const child = spawn(buildTool('conf-phones', ['-lm']), ports.map((p, i) => `${p}:${groups[i] ?? 0}`), { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(l: string) => void> = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const next = () => new Promise<string>((r) => waiting.push(r));
  const ready = (await next()).split(' ');
  if (ready[0] !== 'ready') throw new Error(`conference phones: ${ready.join(' ')}`);
  return {
    ports: ready.slice(1).map(Number),
    start(): Promise<Record<string, number> & { groups: Array<Record<string, number>> }> {
      const res = next().then((l) => JSON.parse(l) as Record<string, number> & { groups: Array<Record<string, number>> });
      child.stdin!.write(`start ${WARMUP_MS} ${DURATION_MS}\n`);
      return res;
    },
    kill: () => child.kill(),
  };
}

async function run(): Promise<Record<string, unknown>> {
  const clock = new SystemClock();
  const pool = new MediaWorkerPool({ nice: -10 });
  const open = (near?: WorkerRtpEndpoint) => pool.open({ host: '127.0.0.1', port: 0, codec: 'PCMU' }, near);
  const pairs: Array<[WorkerRtpEndpoint, WorkerRtpEndpoint]> = [];
  for (let c = 0; c < CALLS; c++) {
    const a = await open();
    pairs.push([a, await open(a)]);
  }
  const rooms: WorkerRtpEndpoint[][] = [];
  for (let k = 0; k < CONFERENCES; k++) {
    const first = await open();
    const room = [first];
    for (let p = 1; p < PARTIES - 1; p++) room.push(await open(first));
    // The last member in the other worker (when there is one): the inter-worker path.
    const other = await pool.open({ host: '127.0.0.1', port: 0, codec: 'PCMU' });
    room.push(other);
    rooms.push(room);
  }
  const crossWorker = rooms.filter((r) => r.some((e) => e.worker !== r[0]!.worker)).length;

  const gen = await startGenerator();
  const ready = (await gen.exchange(`setup ${CALLS} 0 0 ${pairs.flatMap(([a, b]) => [a.localPort, b.localPort]).join(' ')}`)).split(' ');
  if (ready[0] !== 'ready') throw new Error(`load generator: ${ready.join(' ')}`);
  const genPorts = ready.slice(1).map(Number);
  const relays = pairs.map(([a, b], c) => {
    a.setRemote({ address: '127.0.0.1', port: genPorts[2 * c]! });
    b.setRemote({ address: '127.0.0.1', port: genPorts[2 * c + 1]! });
    return bridge(a, b);
  });
  const confLegs = rooms.flat();
  // Group 0: members mixed in their own worker; group 1: members reached over the loopback path.
  const ph = await phones(
    confLegs.map((e) => e.localPort),
    rooms.flatMap((r) => r.map((e) => (e.worker === r[0]!.worker ? 0 : 1))),
  );
  confLegs.forEach((e, i) => e.setRemote({ address: '127.0.0.1', port: ph.ports[i]!, codec: 'PCMU' }));
  const confs = rooms.map((r) => conference(r, { clock, onError: (err) => console.error(`conference: ${err.message}`) }));

  const relayResult = gen.exchange(`start ${WARMUP_MS} ${DURATION_MS}`).then((l) => JSON.parse(l) as Record<string, number>);
  const confResult = ph.start();
  await new Promise((r) => setTimeout(r, 50 + WARMUP_MS));
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  loop.disable();
  const [rel, conf] = await Promise.all([relayResult, confResult]);
  for (const c of confs) c.close();
  for (const b of relays) b.close();
  gen.kill();
  ph.kill();
  const workers = pool.load();
  await pool.close();
  return {
    calls: CALLS,
    conferences: `${CONFERENCES}×${PARTIES} (${crossWorker} with a member in the other worker)`,
    workers: workers.length,
    cpuPctOfOneCore: +(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1),
    mainLoopDelayP99Ms: +(loop.percentile(99) / 1e6).toFixed(2),
    relayLossPct: +(rel.lossPct as number).toFixed(4),
    relayAddedJitterP99Ms: +(rel.addedJitterP99 as number).toFixed(2),
    confLossPct: +(conf.lossPct as number).toFixed(4),
    confJitterP50Ms: +(conf.addedJitterP50Ms as number).toFixed(2),
    confJitterP99Ms: +(conf.addedJitterP99Ms as number).toFixed(2),
    confJitterMaxMs: +(conf.addedJitterMaxMs as number).toFixed(2),
    confDelayVariationP50Ms: +(conf.delayVariationP50Ms as number).toFixed(2),
    confDelayVariationP99Ms: +(conf.delayVariationP99Ms as number).toFixed(2),
    confDriftMsPerS: +(conf.driftMsPerS as number).toFixed(2),
    confByPath: Object.fromEntries(conf.groups.map((g) => [g.group === 0 ? 'ownWorker' : 'loopback', { lossPct: +g.lossPct!.toFixed(3), jitterP99Ms: +g.jitterP99Ms!.toFixed(2), delayVariationP99Ms: +g.delayVariationP99Ms!.toFixed(2) }])),
    confPhonesSendLatenessP99Ms: +(conf.phonesSendLatenessP99Ms as number).toFixed(2),
    loadAverage: loadavg().map((l) => +l.toFixed(1)),
  };
}

for (let i = 0; i < RUNS; i++) console.log(JSON.stringify(await run()));
