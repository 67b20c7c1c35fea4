/**
 * GET /api/lines for an employee: every port's state, but the other party only on their own
 * ports (an admin sees all of it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FastifyInstance } from 'fastify';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { createApi } from '../../src/api/server.js';
import { linesRoutes } from '../../src/api/routes/lines.js';
import { ConfigService } from '../../src/core/config-service.js';
import { EventBus } from '../../src/core/events.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { SessionRepository } from '../../src/store/session-repo.js';
import { openDatabase, closeDatabase, type Db } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';

const clock = new FakeClock();
let db: Db;
let app: FastifyInstance;
let user: ApiClient;
let admin: ApiClient;
const PORTS = [
  { kind: 'fxs', port: 1, card: 'lc1', assigned: '101', state: 'talking', peer: { number: '0611223344', name: 'A customer' }, held: true },
  { kind: 'fxs', port: 2, card: 'lc1', assigned: '202', state: 'talking', peer: { number: '201' } },
  { kind: 'fxo', port: 1, card: 'lc1', assigned: 'City 1', state: 'talking', peer: { number: '0611223344' } },
];

test.before(async () => {
  db = openDatabase(tempDir());
  const events = new EventBus(() => clock.now());
  const configRepo = new ConfigRepository(db);
  const config = new ConfigService(db, configRepo, events, silentLogger());
  const office = example();
  office.employees[1].password = 'semyon-secret-1';
  await config.apply(office, 'test');
  app = await createApi({
    clock, log: silentLogger(), events, config, configRepo, sessions: new SessionRepository(db, () => clock.now()), startedAt: 0,
    extraRoutes: [(a) => linesRoutes(a, { cards: () => [], ports: () => PORTS })],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  user = new ApiClient(base);
  admin = new ApiClient(base);
  assert.is(await user.login('202', 'semyon-secret-1'), 200);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(async () => {
  await app.close();
  closeDatabase(db);
});

test('an employee sees every port busy or not, and whom only on their own', async () => {
  const r = await user.get('/api/lines');
  assert.is(r.status, 200);
  assert.equal(r.body.ports.map((p: { state: string }) => p.state), ['talking', 'talking', 'talking']);
  assert.equal(r.body.ports[1].peer, { number: '201' }, 'their own port');
  assert.is(r.body.ports[0].peer, null, "a colleague's caller is not shown");
  assert.is(r.body.ports[0].held, undefined);
  assert.is(r.body.ports[2].peer, null, "a city line's caller is not shown");
});

test('an admin sees all of it', async () => {
  assert.equal((await admin.get('/api/lines')).body.ports, PORTS);
});

test.run();
