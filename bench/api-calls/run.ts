/**
 * GET /api/calls with 500 live channels (issue 10's target: ≤ 20 ms). A real Switch routes
 * 250 calls from fake inbound channels to fake outbound legs that answer (each call: two
 * channels and a bridge), behind the real API (fastify, a logged-in admin, SQLite store);
 * then the route is asked N times over loopback HTTP, one request at a time.
 *
 * Usage: npx tsx bench/api-calls/run.ts [calls=250] [requests=200]
 */
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
await app.listen({ host: '127.0.0.1', port: 0 });
const admin = new ApiClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
if ((await admin.login('201', 'change-me-201')) !== 200) throw new Error('login failed');

const first = await admin.get('/api/calls');
const channels = first.body.channels.length as number;
if (channels !== CALLS * 2) throw new Error(`expected ${CALLS * 2} channels, got ${channels}`);
for (let i = 0; i < 20; i++) await admin.get('/api/calls'); // warm up
// Timed: the request until its last byte arrived (the client does not parse the JSON inside the timing).
const url = `${admin.base}/api/calls`;
const headers = { cookie: (admin as unknown as { cookie: string }).cookie };
const ms: number[] = [];
for (let i = 0; i < REQUESTS; i++) {
  const t0 = performance.now();
  const r = await fetch(url, { headers });
  await r.arrayBuffer();
  ms.push(performance.now() - t0);
  if (r.status !== 200) throw new Error(`status ${r.status}`);
}
ms.sort((a, b) => a - b);
const pct = (p: number): string => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))]!.toFixed(2);
const bytes = JSON.stringify(first.body).length;
console.log(`GET /api/calls: ${channels} channels, ${first.body.bridges.length} bridges, ${(bytes / 1024).toFixed(0)} KiB; ${REQUESTS} requests`);
console.log(`  load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
console.log(`  p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${ms[ms.length - 1]!.toFixed(2)} ms (target: ≤ 20 ms)`);

for (const a of callers) a.deviceHangsUp();
await app.close();
closeDatabase(db);
