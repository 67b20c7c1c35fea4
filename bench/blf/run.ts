/**
 * Busy-lamp fan-out (issue 15's benchmark): SUBS dialog subscriptions (RFC 4235) held by
 * real SIP watchers in another process, and RATE lamp changes per second: how long from a
 * change of an extension's call state to the NOTIFY reaching each of its watchers (p50,
 * p99, max), and what the exchange spends on it — CPU over the steady phase and memory per
 * 1,000 subscriptions.
 *
 *   npx tsx bench/blf/run.ts [--subs 1000] [--watched 100] [--rate 50] [--seconds 20]
 *
 * The exchange runs in this process on loopback. Its watched extensions' calls are driven
 * through the channel registry with the unit-test channel (test/helpers/fake-channel.ts):
 * each call of a watched extension is four lamp changes — trying (the channel appears),
 * early (it rings), confirmed (answered), terminated (hung up) — taken in turn across the
 * watched extensions at RATE changes per second, so the watchers of each extension (SUBS /
 * WATCHED of them) get a NOTIFY per change. The SIP of calls is left out on purpose: the
 * figure is the notifier's (lamp board → subscription → NOTIFY on the wire), not a call's.
 * Latency is measured from the change to the NOTIFY's arrival at the watcher (both clocks
 * are this machine's wall clock), so it includes the loopback and the watcher's receive path.
 */
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import { Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange } from '../../src/main.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { example } from '../../test/config/example.js';
import { FakeChannel } from '../../test/helpers/fake-channel.js';

const { values } = parseArgs({
  options: { subs: { type: 'string', default: '1000' }, watched: { type: 'string', default: '100' }, rate: { type: 'string', default: '50' }, seconds: { type: 'string', default: '20' } },
});
const SUBS = Number(values.subs);
const WATCHED = Number(values.watched);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const PER_WATCHER = 50; // BLF keys per phone (a desk phone with an expansion module)
const WATCHERS = Math.ceil(SUBS / PER_WATCHER);

const dir = tempDir();
const cfg = example();
const watched = Array.from({ length: WATCHED }, (_, i) => String(4000 + i));
const watchers = Array.from({ length: WATCHERS }, (_, i) => ({ ext: String(3000 + i), secret: `bench-secret-${3000 + i}` }));
for (const ext of watched) cfg.employees.push({ name: `Watched ${ext}`, extension: ext, devices: [{ type: 'sip', secret: `w-${ext}-secret` }] });
for (const w of watchers) cfg.employees.push({ name: `Watcher ${w.ext}`, extension: w.ext, devices: [{ type: 'sip', secret: w.secret }] });
writeFileSync(`${dir}/office.yaml`, stringify(cfg));
const ex = await startExchange({
  board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
  logLevel: 'silent', logger: silentLogger(),
});

const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed;
};
const heapBefore = heap();
const rssBefore = process.memoryUsage().rss;

const child = fork(new URL('./watchers.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
const plan = {
  port: ex.sip.port,
  watchers: watchers.map((w, i) => ({
    ...w,
    targets: Array.from({ length: Math.min(PER_WATCHER, SUBS - i * PER_WATCHER) }, (_, k) => watched[(i * PER_WATCHER + k) % WATCHED]!),
  })),
};
const t0 = performance.now();
await new Promise<void>((resolve, reject) => {
  child.once('message', (m) => (m === 'subscribed' ? resolve() : reject(new Error(String(m)))));
  child.once('exit', (code) => reject(new Error(`watchers exited ${code}`)));
  child.send(plan);
});
const subscribeMs = performance.now() - t0;
const held = (ex.stats().sip as { subscriptions: number }).subscriptions;
// What the subscriptions hold, not the transactions that made them: the SUBSCRIBEs' server
// transactions linger 32 s (Timer J) and the first NOTIFYs' 5 s (Timer K) over UDP.
const drainedBy = performance.now() + 40_000;
for (;;) {
  const s = ex.stats().sip as { clientTransactions: number; serverTransactions: number };
  if ((s.clientTransactions === 0 && s.serverTransactions === 0) || performance.now() > drainedBy) break;
  await new Promise((r) => setTimeout(r, 500));
}
const heapAfter = heap();
const rssAfter = process.memoryUsage().rss;
console.log(`${held} subscriptions from ${WATCHERS} phones in ${(subscribeMs / 1000).toFixed(1)} s`);

// The exchange's own share: when each NOTIFY leaves through its UDP socket (this process
// only sends NOTIFYs and responses on it), apart from the loopback and the watcher's receive path.
const sent: Array<[string, number]> = [];
const ENTITY = Buffer.from('entity="sip:');
const send = Socket.prototype.send;
Socket.prototype.send = function (this: Socket, msg: unknown, ...rest: unknown[]) {
  // Cheap on purpose (this runs in the exchange's process, on its CPU): a byte search, no decoding of the whole message.
  if (Buffer.isBuffer(msg) && msg[0] === 0x4e /* N */ && msg.subarray(0, 6).toString('latin1') === 'NOTIFY') {
    const at = msg.indexOf(ENTITY);
    if (at >= 0) {
      const from = at + ENTITY.length;
      sent.push([msg.subarray(from, msg.indexOf(0x40 /* @ */, from)).toString('latin1'), performance.timeOrigin + performance.now()]);
    }
  }
  return (send as (...a: unknown[]) => void).call(this, msg, ...rest);
} as typeof Socket.prototype.send;
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

// Steady phase: RATE changes per second, each watched extension in turn through a call's four states.
const now = (): number => performance.timeOrigin + performance.now();
const changes = new Map<string, number[]>();
const live = new Map<string, FakeChannel>();
let step = 0;
const change = (): void => {
  const ext = watched[step % WATCHED]!;
  const phase = Math.floor(step / WATCHED) % 4;
  step++;
  const at = now();
  (changes.get(ext) ?? changes.set(ext, []).get(ext)!).push(at);
  if (phase === 0) {
    const ch = new FakeChannel('outbound', ext, { number: '201', name: 'Caller' });
    live.set(ext, ch);
    ex.switch.channels.add(ch); // trying
  } else if (phase === 1) live.get(ext)!.ringing(); // early
  else if (phase === 2) live.get(ext)!.answer(); // confirmed
  else {
    live.get(ext)!.hangup('normal'); // terminated
    live.delete(ext);
  }
};
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const startedAt = now();
await new Promise<void>((resolve) => {
  const total = RATE * SECONDS;
  const begin = performance.now();
  const tick = (): void => {
    const due = Math.min(total, Math.floor(((performance.now() - begin) / 1000) * RATE));
    while (step < due) change();
    if (step >= total) return resolve();
    setTimeout(tick, 2);
  };
  tick();
});
await new Promise((r) => setTimeout(r, 1000)); // the last NOTIFYs
const cpu = process.cpuUsage(cpu0);
const wallS = (performance.now() - wall0) / 1000;
const load = loadavg()[0]!;

const arrivals = await new Promise<Array<[string, number]>>((resolve) => {
  child.once('message', (m) => resolve((m as { arrivals: Array<[string, number]> }).arrivals));
  child.send('stop');
});
loop.disable();
/** For each NOTIFY (resource, time), the time since the last change of that resource before it. */
const since = (events: Array<[string, number]>): number[] => {
  const out: number[] = [];
  for (const [ext, at] of events) {
    if (at < startedAt) continue; // the initial NOTIFYs of the subscriptions
    let last: number | undefined;
    for (const t of changes.get(ext) ?? []) if (t <= at) last = t;
    if (last !== undefined) out.push(at - last);
  }
  return out.sort((a, b) => a - b);
};
const latencies = since(arrivals);
const leaving = since(sent);
const pctOf = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const pct = (p: number): number => pctOf(latencies, p);
const expected = step * (SUBS / WATCHED);
const cpuPct = ((cpu.user + cpu.system) / 1e6 / wallS) * 100;
const per1000 = 1000 / Math.max(1, held);
console.log(`${step} changes at ${RATE}/s, ${latencies.length} NOTIFYs measured (${expected} expected)`);
console.log(`change → NOTIFY at the watcher: p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${latencies.at(-1)?.toFixed(2)} ms`);
console.log(`change → NOTIFY leaving the exchange's socket: p50 ${pctOf(leaving, 50).toFixed(2)} ms, p99 ${pctOf(leaving, 99).toFixed(2)} ms; the exchange's event loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
console.log(`exchange CPU ${cpuPct.toFixed(1)} % of one core over ${wallS.toFixed(1)} s (${(cpuPct * per1000).toFixed(1)} % per 1,000 subscriptions)`);
console.log(`memory per 1,000 subscriptions: heap ${(((heapAfter - heapBefore) / 1048576) * per1000).toFixed(1)} MiB, RSS ${(((rssAfter - rssBefore) / 1048576) * per1000).toFixed(1)} MiB${gc ? '' : ' (run with NODE_OPTIONS=--expose-gc for a steadier heap figure)'}`);
console.log(`load average ${load.toFixed(2)}`);
await ex.close();
process.exit(latencies.length && pct(99) <= 50 ? 0 : 1);
