/**
 * GET /api/calls with 500 live channels (issue 10's target: ≤ 20 ms). A real Switch routes
 * 250 calls from fake inbound channels to fake outbound legs that answer (each call: two
 * channels and a bridge), behind the real API (fastify, a logged-in admin, SQLite store);
 * then the route is asked N times over loopback HTTP, one request at a time, by a client in
 * a process of its own (client.ts); the server's own share of each request is printed too.
 *
 * Usage: npx tsx bench/api-calls/run.ts [calls=250] [requests=200]
 */
import { spawn } from 'node:child_process';
import { SystemClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { createApi } from '../../src/api/server.js';
import { callsRoutes } from '../../src/api/routes/calls.js';
import { ConfigService } from '../../src/core/config-service.js';
import { EventBus } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { SessionRepository } from '../../src/store/session-repo.js';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { FakeChannel } from '../../test/helpers/fake-channel.js';
import { ApiClient } from '../../test/helpers/http.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { example } from '../../test/config/example.js';

const CALLS = Number(process.argv[2] ?? 250);
const REQUESTS = Number(process.argv[3] ?? 200);

const clock = new SystemClock();
const log = silentLogger();
const db = openDatabase(tempDir('autocom-bench-'));
const events = new EventBus(() => clock.now());
const configRepo = new ConfigRepository(db);
const config = new ConfigService(db, configRepo, events, log);
await config.apply(example(), 'bench');
const sw = new Switch({ clock, log, events, config: () => config.snapshot() });
sw.addLegFactory({
  tech: 'sip',
  legsFor: (e) => {
    const leg = new FakeChannel('outbound', e.extension);
    leg.once('state', () => setImmediate(() => leg.deviceAnswers())); // rings, then answers
    return [leg];
  },
});
const callers: FakeChannel[] = [];
for (let i = 0; i < CALLS; i++) {
  const a = new FakeChannel('inbound', '201', { number: '201', name: 'Galina Ivanovna' });
  callers.push(a);
  sw.accept(a);
  a.dial('202');
}
while (sw.activeCalls().some((c) => c.state !== 'connected')) await new Promise((r) => setImmediate(r));

const app = await createApi({ clock, log, events, config, configRepo, sessions: new SessionRepository(db, () => clock.now()), startedAt: 0, extraRoutes: [(a) => callsRoutes(a, () => sw.liveView())] });
// The exchange's own share of each request (fastify: from the request's arrival to the reply sent),
// apart from the client's and the machine's: on a shared machine the tail is mostly waiting for a CPU.
const serverMs: number[] = [];
let timing = false;
app.addHook('onResponse', async (_req, reply) => {
  if (timing) serverMs.push(reply.elapsedTime);
});
await app.listen({ host: '127.0.0.1', port: 0 });
const admin = new ApiClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
if ((await admin.login('201', 'change-me-201')) !== 200) throw new Error('login failed');

const first = await admin.get('/api/calls');
const channels = first.body.channels.length as number;
if (channels !== CALLS * 2) throw new Error(`expected ${CALLS * 2} channels, got ${channels}`);
// Timed in a client process of its own (client.ts): the request until its last byte arrived.
const url = `${admin.base}/api/calls`;
const cookie = (admin as unknown as { cookie: string }).cookie;
const client = spawn(process.execPath, ['--import', 'tsx', new URL('./client.ts', import.meta.url).pathname, url, cookie, String(REQUESTS)], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
client.stdout.on('data', (d: Buffer) => (out += d.toString()));
timing = true;
await new Promise((r) => client.once('exit', r));
timing = false;
serverMs.splice(0, 20); // the client's warm-up requests
const ms = JSON.parse(out) as number[];
ms.sort((a, b) => a - b);
const pct = (p: number): string => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))]!.toFixed(2);
const bytes = JSON.stringify(first.body).length;
console.log(`GET /api/calls: ${channels} channels, ${first.body.bridges.length} bridges, ${(bytes / 1024).toFixed(0)} KiB; ${REQUESTS} requests`);
console.log(`  load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
console.log(`  p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${ms[ms.length - 1]!.toFixed(2)} ms (target: ≤ 20 ms)`);
serverMs.sort((a, b) => a - b);
const spct = (p: number): string => serverMs[Math.min(serverMs.length - 1, Math.floor((p / 100) * serverMs.length))]!.toFixed(2);
console.log(`  in the server (arrival to reply sent): p50 ${spct(50)} ms, p99 ${spct(99)} ms`);

for (const a of callers) a.deviceHangsUp();
await app.close();
closeDatabase(db);
