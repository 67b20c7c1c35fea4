/**
 * Boots a board: store → drivers → channels → core → api, in that order, and closes in
 * the reverse order. `startExchange()` is what `autocom start` runs and what integration
 * tests start in-process; it resolves once every listener is bound.
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SystemClock, type Clock } from '../common/clock.js';
import { createLogger, type Logger } from '../common/log.js';
import { loadBoard, type Board } from './boot/board.js';
import { openDatabase, closeDatabase, type Db } from './store/db.js';
import { ConfigRepository } from './store/config-repo.js';
import { SessionRepository } from './store/session-repo.js';
import { CdrRepository } from './store/cdr-repo.js';
import { cdrRoutes } from './api/routes/cdr.js';
import { callsRoutes } from './api/routes/calls.js';
import { EventBus } from './core/events.js';
import { ConfigService } from './core/config-service.js';
import { parseYaml } from './config/yaml.js';
import { demoConfig, type DemoSeed } from './config/demo.js';
import { createApi } from './api/server.js';
import { Switch } from './core/switch.js';
import { SHUTDOWN_GRACE_MS, type Runtime } from './boot/runtime.js';
import { startLineCards } from './boot/linecards.js';
import { startSip } from './boot/sip.js';

export interface StartOptions {
  board: string;
  data: string;
  /** A configuration file imported at start (replaces the stored one). */
  config?: string;
  bind: string;
  /** Address advertised to phones instead of the local one (NAT); wins over the board's network.advertise. */
  advertise?: string | undefined;
  sipPort: number;
  httpPort: number;
  logLevel: string;
  clock?: Clock;
  logger?: Logger;
  /** Seed the demo office when the data folder has no configuration (default true). */
  seedDemo?: boolean;
}

export interface Exchange {
  board: Board;
  switch: Switch;
  events: EventBus;
  config: ConfigService;
  /** Bound addresses (ports resolved when 0 was asked). */
  http: { host: string; port: number };
  /** The SIP port bound on UDP and TCP. */
  sip: { host: string; port: number };
  /** Set when this start seeded the demo office: its generated credentials, shown once. */
  seeded?: DemoSeed;
  /** What the layers hold now, by layer (Runtime.stats): for benchmarks and leak checks. */
  stats(): Record<string, Record<string, number>>;
  /** Stop everything; safe to call more than once. */
  close(): Promise<void>;
}

export const DEFAULTS = { board: 'board/sim.yaml', data: './data', bind: '127.0.0.1', sipPort: 5060, httpPort: 8080, logLevel: 'info' } as const;

export async function startExchange(opts: StartOptions): Promise<Exchange> {
  const clock = opts.clock ?? new SystemClock();
  const log = opts.logger ?? createLogger(opts.logLevel);
  const startedAt = clock.monotonic();
  const closers: Array<() => Promise<void> | void> = [];
  const drains: Array<(maxMs: number) => Promise<void>> = [];
  let sw: Switch | undefined;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      events.emit('exchange.stopping', {});
      // Calls end first, while the transports and drivers still carry their signalling;
      // the layers then wait (bounded) for those BYEs and CANCELs to be answered.
      if (sw) {
        const calls = sw.activeCalls().length;
        sw.close();
        if (calls) log.info({ calls }, 'shutdown: ended the calls in progress');
        await Promise.all(drains.map((d) => d(SHUTDOWN_GRACE_MS).catch((err: unknown) => log.error({ err }, 'error while ending calls'))));
      }
      for (const c of closers.reverse()) {
        try {
          await c();
        } catch (err) {
          log.error({ err }, 'error while shutting down');
        }
      }
      log.info('autocom stopped');
      log.flush?.();
    })());

  const events = new EventBus(() => clock.now(), log);
  let db: Db | undefined;
  try {
    const board = loadBoard(resolve(opts.board));
    log.info({ board: board.name }, 'board loaded');

    // store
    db = openDatabase(resolve(opts.data));
    const openDb = db;
    closers.push(() => closeDatabase(openDb));
    const configRepo = new ConfigRepository(db);
    const sessions = new SessionRepository(db, () => clock.now());
    const config = new ConfigService(db, configRepo, events, log.child({ component: 'config' }));
    let seeded: DemoSeed | undefined;
    if (opts.config) {
      await config.apply(parseYaml(readFileSync(resolve(opts.config), 'utf8'), opts.config), `start --config ${opts.config}`);
    } else if (!config.snapshot() && opts.seedDemo !== false) {
      seeded = demoConfig();
      await config.apply(seeded.config, 'first start (demo office)');
    }
    config.watch(clock);
    closers.push(() => config.close(clock));

    // core: built before the channels so each channel can hand its legs to it.
    const cdr = new CdrRepository(db);
    const core = new Switch({ clock, log: log.child({ component: 'switch' }), events, config: () => config.snapshot(), records: cdr });
    sw = core;
    const rt: Runtime = {
      clock, log, events, board, config, switch: core, bind: opts.bind, sipPort: opts.sipPort,
      ...(opts.advertise ? { advertise: opts.advertise } : {}),
      routes: [(app) => cdrRoutes(app, cdr), (app) => callsRoutes(app, () => core.liveView())],
      stats: {
        core: () => ({ calls: core.activeCalls().length, bridges: core.bridges().length, ...(clock.pending ? { timers: clock.pending() } : {}) }),
      },
      onClose: (step) => closers.push(step),
      onDrain: (step) => drains.push(step),
    };

    // drivers → channels: each layer starts its devices and registers its legs with the core.
    await startLineCards(rt);
    const sip = await startSip(rt);

    // api
    const api = await createApi({
      clock, log, events, config, configRepo, sessions, startedAt,
      webuiDir: resolveWebui(),
      extraRoutes: rt.routes,
    });
    await api.listen({ host: opts.bind, port: opts.httpPort });
    closers.push(() => api.close());
    const addr = api.server.address() as AddressInfo;

    const exchange: Exchange = {
      board,
      switch: sw,
      events,
      config,
      http: { host: opts.bind, port: addr.port },
      sip: { host: opts.bind, port: sip.port },
      close,
      stats: () => Object.fromEntries(Object.entries(rt.stats).map(([layer, read]) => [layer, read()])),
      ...(seeded ? { seeded } : {}),
    };
    events.emit('exchange.ready', { http: `http://${opts.bind}:${addr.port}`, sip: `sip:${opts.bind}:${sip.port}` });
    return exchange;
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Where the web UI is served from: from a build (tsup.config.ts), the copy in the output folder
 * beside this bundled module (OUT/webui); from the sources, webui/ in the checkout — never a
 * dist/ left over from an older build.
 */
function resolveWebui(): string {
  const built = import.meta.url.endsWith('.js');
  return new URL(built ? './webui' : '../webui', import.meta.url).pathname;
}
