/**
 * A route's declared role is enforced by one mechanism wherever the route lives: in the
 * core's routes, in the boot layer's (lines, simulator), in an encapsulated plugin with its
 * own prefix, outside /api, and on WebSocket routes; a route that declares nothing is
 * admin-only and a misspelt role is refused when the route is registered.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { createApi, type ApiDeps } from '../../src/api/server.js';
import { simRoutes, type Simulator } from '../../src/api/routes/sim.js';
import { linesRoutes } from '../../src/api/routes/lines.js';
import { ConfigService } from '../../src/core/config-service.js';
import { EventBus } from '../../src/core/events.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { SessionRepository } from '../../src/store/session-repo.js';
import { openDatabase, closeDatabase, type Db } from '../../src/store/db.js';
import { ROOT } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';
import { dectRoutes } from '../../src/api/routes/dect.js';

const clock = new FakeClock();
let db: Db;
let deps: ApiDeps;
let app: FastifyInstance;
let base: string;
const anon = (): ApiClient => new ApiClient(base);
let user: ApiClient;
let admin: ApiClient;

/** The emulated line cards' side of the simulator routes; what it answers does not matter here. */
const sim: Simulator = { fxs: 2, fxo: 1, request: async () => ({ hook: 'on', ringing: false }), card: async () => undefined };

/** Routes as other layers and plugins would add them, none declaring a role unless said. */
function pluginRoutes(a: FastifyInstance): void {
  a.get('/metrics', async () => ({ calls: 0 })); // outside /api, nothing declared
  void a.register(async (p) => {
    p.get('/undeclared', async () => ({ ok: true }));
    p.get('/for-users', { config: { role: 'user' } }, async () => ({ ok: true }));
    p.get('/for-anyone', { config: { role: 'public' } }, async () => ({ ok: true }));
    p.get('/stream', { websocket: true }, (socket) => socket.send('hello'));
  }, { prefix: '/api/plugin' });
  linesRoutes(a, { cards: () => [], ports: () => [] });
  dectRoutes(a, { view: () => ({ bases: [], handsets: [{ ipei: '0077A 1000301', extension: '301', base: 1 }] }), openSubscription: async () => true });
  simRoutes(a, sim);
}

test.before(async () => {
  db = openDatabase(tempDir());
  const events = new EventBus(() => clock.now());
  const configRepo = new ConfigRepository(db);
  const config = new ConfigService(db, configRepo, events, silentLogger());
  const office = example();
  office.employees[1].password = 'semyon-secret-1';
  await config.apply(office, 'test');
  deps = {
    clock, log: silentLogger(), events, config, configRepo, sessions: new SessionRepository(db, () => clock.now()), startedAt: 0,
    webuiDir: `${ROOT}webui`, extraRoutes: [pluginRoutes],
  };
  app = await createApi(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  user = new ApiClient(base);
  admin = new ApiClient(base);
  assert.is(await user.login('202', 'semyon-secret-1'), 200);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(async () => {
  await app.close();
  closeDatabase(db);
});

/** [method, path, body, status for anonymous, for a user, for an admin] */
const TABLE: Array<[string, string, unknown, number, number, number]> = [
  ['GET', '/api/health', undefined, 200, 200, 200],
  ['GET', '/', undefined, 200, 200, 200], // the web UI's page asks for the login itself
  ['GET', '/api/me', undefined, 401, 200, 200],
  ['GET', '/api/config', undefined, 401, 403, 200],
  ['GET', '/metrics', undefined, 401, 403, 200],
  ['GET', '/api/plugin/undeclared', undefined, 401, 403, 200],
  ['GET', '/api/plugin/for-users', undefined, 401, 200, 200],
  ['GET', '/api/plugin/for-anyone', undefined, 200, 200, 200],
  ['GET', '/api/lines', undefined, 401, 200, 200],
  ['GET', '/api/dect', undefined, 401, 403, 200], // where every handset is: the admin's business
  ['POST', '/api/dect/subscription', { minutes: 2 }, 401, 403, 200],
  ['GET', '/api/sim/fxs/1', undefined, 401, 403, 200],
  ['POST', '/api/sim/fxs/1/hook', { state: 'off' }, 401, 403, 200],
  ['POST', '/api/sim/fxo/1/ring', {}, 401, 403, 200],
  ['POST', '/api/sim/cards/card1/unplug', {}, 401, 403, 200],
  ['GET', '/api/no-such-route', undefined, 404, 404, 404],
];

for (const [method, path, body, forAnon, forUser, forAdmin] of TABLE) {
  test(`${method} ${path}: ${forAnon} anonymous, ${forUser} user, ${forAdmin} admin`, async () => {
    for (const [who, client, expected] of [['anonymous', anon(), forAnon], ['user', user, forUser], ['admin', admin, forAdmin]] as const) {
      const r = await client.request(method, path, body);
      assert.is(r.status, expected, `${who}: ${JSON.stringify(r.body)}`);
    }
  });
}

async function upgrade(path: string, client: ApiClient | undefined): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${(app.server.address() as { port: number }).port}${path}`, {
    headers: client ? { cookie: (client as any).cookie } : {},
  });
  const status = await new Promise<number>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => resolve(-1));
  });
  ws.close();
  return status;
}

test('WebSocket routes are checked before the upgrade, by the same rule', async () => {
  assert.equal([await upgrade('/api/events', undefined), await upgrade('/api/events', user), await upgrade('/api/events', admin)], [401, 101, 101]);
  assert.equal([await upgrade('/api/plugin/stream', undefined), await upgrade('/api/plugin/stream', user), await upgrade('/api/plugin/stream', admin)], [401, 403, 101]);
});

test('a route with a misspelt role is refused when it is registered', async () => {
  const broken = { ...deps, webuiDir: undefined, extraRoutes: [(a: FastifyInstance) => a.get('/api/oops', { config: { role: 'admn' as any } }, async () => ({}))] };
  let err: unknown;
  try {
    const a = await createApi(broken);
    await a.ready();
    await a.close();
  } catch (e) {
    err = e;
  }
  assert.match(String(err), /route GET \/api\/oops: unknown role "admn"/);
});

test.run();
