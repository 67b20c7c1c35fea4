/**
 * Boots a board: store → drivers → channels → core → api, in that order, and closes in
 * the reverse order. `startExchange()` is what `autocom start` runs and what integration
 * tests start in-process; it resolves once every listener is bound.
 */
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SystemClock, type Clock } from '../common/clock.js';
import { createLogger, type Logger } from '../common/log.js';
import { loadBoard, type Board } from './boot/board.js';
import { openDatabase, closeDatabase, type Db } from './store/db.js';
import { ConfigRepository } from './store/config-repo.js';
import { SessionRepository } from './store/session-repo.js';
import { CdrRepository } from './store/cdr-repo.js';
import { LiveStateRepository } from './store/live-state.js';
import { meRoutes } from './api/routes/me.js';
import { cdrRoutes } from './api/routes/cdr.js';
import { callsRoutes } from './api/routes/calls.js';
import { modeRoutes } from './api/routes/mode.js';
import { OfficeModeRepository } from './store/office-mode-repo.js';
import { OfficeMode } from './core/office-mode.js';
import { FailureLimiter } from '../common/failure-limiter.js';
import { MODE_PIN_LIMIT } from './apps/office-mode-code.js';
import { MAILBOX_PIN_LIMIT } from './apps/voicemail-menu.js';
import { mailboxOf } from './apps/voicemail.js';
import { VoicemailRepository } from './store/voicemail-repo.js';
import { archiveRemovedBoxes, findMailbox, mailboxes as allMailboxes } from './config/mailboxes.js';
import { SpokenNames } from './media/spoken-names.js';
import { SkillsHistoryRepository } from './acd/skills-history.js';
import type { Config } from './config/schema.js';
import { siteLanguage } from './media/prompts.js';
import { departmentBoxesOf, lampsOfBox, mayWatchBox, summed } from './core/mailbox-lamps.js';
import type { MailboxCounts } from './core/office-services.js';
import { voicemailRoutes } from './api/routes/voicemail.js';
import { promptRoutes } from './api/routes/prompts.js';
import { secretaryRoutes } from './api/routes/secretary.js';
import { SecretaryRepository } from './secretary/store.js';
import { WaitingCallers } from './secretary/services.js';
import { SecretaryDesk } from './secretary/desk.js';
import { secretaryDeskRoutes } from './api/routes/secretary-desk.js';
import { lampsRoutes } from './api/routes/lamps.js';
import { siteRoutes } from './api/routes/site.js';
import { callControlRoutes } from './api/routes/call-control.js';
import { queuesRoutes } from './api/routes/queues.js';
import { Acd } from './acd/acd.js';
import type { Availability } from './core/availability.js';
import type { Channel } from './channels/channel.js';
import type { CallRecord } from './core/call-record.js';
import { AgentRepository } from './acd/agent-repo.js';
import { QueueEventsRepository } from './acd/events-repo.js';
import { cdrCustomerHistory } from './acd/customer-history.js';
import { EventBus } from './core/events.js';
import { ConfigService } from './core/config-service.js';
import { parseYaml } from './config/yaml.js';
import { demoConfig, type DemoSeed } from './config/demo.js';
import { createApi } from './api/server.js';
import { Switch } from './core/switch.js';
import { startDoors } from './boot/doors.js';
import { startDect } from './boot/dect.js';
import { SHUTDOWN_GRACE_MS, type Runtime } from './boot/runtime.js';
import { startLineCards } from './boot/linecards.js';
import { startSip } from './boot/sip.js';
import { StickyService } from './sticky/lookup.js';
import { stickyRoutes } from './api/routes/sticky.js';
import { startTrunks } from './boot/trunks.js';
import { parseFrontProxy } from './channels/sip/front-proxy.js';
import { archiveRoutes } from './api/routes/archive.js';
import { applyStagedRestore } from './backup/archive.js';
import { VERSION } from './version.js';
import { passwordRoutes } from './api/routes/password.js';
import { GeneratedPasswordRepository } from './store/generated-password-repo.js';
import { systemRoutes } from './api/routes/system.js';
import { drainingRoutes } from './api/routes/draining.js';
import { RecentWarnings } from '../common/log.js';
import { Retention } from './store/retention.js';
import { retentionRoutes } from './api/routes/retention.js';
import { startNetwork, type NetworkLayer } from './boot/network.js';

export interface StartOptions {
  board: string;
  data: string;
  /** A configuration file imported at start (replaces the stored one). */
  config?: string;
  bind: string;
  /** Address advertised to phones instead of the local one (NAT); wins over the board's network.advertise. */
  advertise?: string | undefined;
  sipPort: number;
  /** SIP over TLS for the network of sites (boot/network.ts); default 5061, 0 = any free port (tests). */
  tlsPort?: number;
  httpPort: number;
  logLevel: string;
  /** A front proxy (Kamailio) this box is an application server behind: `ADDR[:PORT]` (channels/sip/front-proxy.ts). */
  frontProxy?: string | undefined;
  clock?: Clock;
  logger?: Logger;
  /** Seed the demo office when the data folder has no configuration (default true). */
  seedDemo?: boolean;
  /** The ring the log's warnings go to (createLogger's `recent`), listed by GET /api/system; made here when the logger is. */
  recentWarnings?: RecentWarnings;
  /** DNS servers (`address[:port]`) for the trunks' RFC 3263 lookups (trunks/locate.ts); default the system's. */
  dnsServers?: string[];
  /** Asks whoever started the exchange to close it and start it again (POST /api/archive/pending/apply); without it the API says a restart is needed. */
  onRestartRequested?: (reason: string) => void;
}

export interface Exchange {
  board: Board;
  switch: Switch;
  events: EventBus;
  config: ConfigService;
  /** Call queues: the engine, agents and live figures (src/acd). */
  acd: Acd;
  /** Bound addresses (ports resolved when 0 was asked). */
  http: { host: string; port: number };
  /** The SIP port bound on UDP and TCP. */
  sip: { host: string; port: number };
  /** Set when this start seeded the demo office: its generated credentials, shown once. */
  seeded?: DemoSeed;
  /** The network of sites (running while the configuration names site.id). */
  network?: NetworkLayer;
  /** What the layers hold now, by layer (Runtime.stats): for benchmarks and leak checks. */
  stats(): Record<string, Record<string, number>>;
  /** Stop everything; safe to call more than once. */
  close(): Promise<void>;
}

/** The network of sites' TLS port (RFC 3261 §26.2.1, RFC 5630: 5061). */
export const DEFAULT_TLS_PORT = 5061;

export const DEFAULTS = { board: 'board/sim.yaml', data: './data', bind: '127.0.0.1', sipPort: 5060, httpPort: 8080, logLevel: 'info' } as const;

export async function startExchange(opts: StartOptions): Promise<Exchange> {
  const clock = opts.clock ?? new SystemClock();
  const recentWarnings = opts.recentWarnings ?? (opts.logger ? undefined : new RecentWarnings());
  const log = opts.logger ?? createLogger(opts.logLevel, 'autocom', recentWarnings);
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
    applyStagedRestore(resolve(opts.data), log); // an archive of the box staged by PUT /api/archive
    db = openDatabase(resolve(opts.data));
    const openDb = db;
    closers.push(() => closeDatabase(openDb));
    const configRepo = new ConfigRepository(db);
    const sessions = new SessionRepository(db, () => clock.now());
    const generatedPasswords = new GeneratedPasswordRepository(db);
    const config = new ConfigService(db, configRepo, events, log.child({ component: 'config' }), resolve(opts.data));
    let seeded: DemoSeed | undefined;
    if (opts.config) {
      await config.apply(parseYaml(readFileSync(resolve(opts.config), 'utf8'), opts.config), `start --config ${opts.config}`);
    } else if (!config.snapshot() && opts.seedDemo !== false) {
      seeded = demoConfig();
      await config.apply(seeded.config, 'first start (demo office)');
      const admin = configRepo.credentials(seeded.adminExtension);
      if (admin) generatedPasswords.record(seeded.adminExtension, admin); // shown once: the first sign-in on a real board replaces it
    }
    config.watch(clock);
    closers.push(() => config.close(clock));

    // core: built before the channels so each channel can hand its legs to it.
    const cdr = new CdrRepository(db);
    // Live state (forwarding, DND, call waiting) is not configuration: an import keeps it, except for employees it removes.
    const liveState = new LiveStateRepository(db, () => clock.now());
    const pruneLog = log.child({ component: 'live-state' });
    const prune = (c: { employees: ReadonlyArray<{ extension: string }> }): void => {
      const gone = liveState.prune(new Set(c.employees.map((e) => e.extension)));
      if (gone.length) pruneLog.info({ extensions: gone }, 'live state of employees no longer configured removed');
    };
    const snapshot = config.snapshot();
    if (snapshot) prune(snapshot);
    config.onChange(prune);
    // The queue agents' log-ins too (src/acd): never passed to a newcomer with the same extension.
    config.onChange((c) => {
      const gone = acd.engine.agents.prune(new Set(c.employees.map((e) => e.extension)));
      if (gone.length) pruneLog.info({ extensions: gone }, 'queue agent state of employees no longer configured removed');
    });
    // Incoming distribution: the office mode (its forced state is live state in the store).
    const modeRepo = new OfficeModeRepository(db);
    const mode = new OfficeMode({ clock, log: log.child({ component: 'mode' }), events, config: () => config.snapshot(), store: modeRepo });
    closers.push(() => mode.close());
    const offConfig = events.on('config.applied', () => mode.reconfigured());
    closers.push(() => void offConfig());
    // Voicemail: PINs and the messages' index are live state; the audio is in <data>/voicemail.
    const voicemailRepo = new VoicemailRepository(db, join(resolve(opts.data), 'voicemail'), () => clock.now());
    // A removed owner's box is kept aside until purged: a newcomer with the extension starts empty.
    const archiveBoxes = (c: Parameters<typeof archiveRemovedBoxes>[1]): void => {
      for (const m of archiveRemovedBoxes(voicemailRepo, c)) log.info({ component: 'voicemail', ...m }, 'mailbox of a removed owner kept until purged');
    };
    if (snapshot) archiveBoxes(snapshot);
    config.onChange(archiveBoxes);
    // The owners' names for the default greetings, synthesized once each in the background (media/spoken-names.ts).
    const spokenNames = new SpokenNames({ dataFolder: resolve(opts.data), log: log.child({ component: 'voicemail' }) });
    const speakNames = (c: Readonly<Config>): void => spokenNames.prepare(allMailboxes(c).map((m) => m.name), siteLanguage(c.site));
    if (snapshot) speakNames(snapshot);
    config.onChange(speakNames);
    closers.push(() => spokenNames.close());
    // How long call records, voicemail and recordings are kept (System screen); nothing is removed unless set.
    const retention = new Retention({ db, clock, log: log.child({ component: 'retention' }), voicemail: voicemailRepo, dataFolder: resolve(opts.data) });
    retention.start();
    closers.push(() => retention.close());
    // The director's secretary: switches and call notes are live state; a director's new notes light their message lamp.
    const secretary = { repo: new SecretaryRepository(db, () => clock.now()), waiting: new WaitingCallers(), desk: new SecretaryDesk(), namesDir: join(resolve(opts.data), 'screening') };
    const mailboxes: MailboxCounts = {
      counts: (box: string) => {
        const c = config.snapshot();
        const e = c?.employees.find((x) => x.extension === box);
        // A department box's own lamp (a phone subscribed to it): that box alone.
        if (!e) return c?.departments.some((d) => d.extension === box && findMailbox(c, box)?.box === box) ? summed([box], (b) => voicemailRepo.count(b)) : undefined;
        const director = c?.executives?.some((x) => x.extension === box) === true;
        const boxes = [...(mailboxOf(e) ? [box] : []), ...(c ? departmentBoxesOf(c, box) : [])]; // with the department boxes they listen to
        if (boxes.length === 0 && !director) return undefined;
        const notes = director ? { notes: { fresh: secretary.repo.newCount(box), done: secretary.repo.doneCount(box) } } : {};
        return { ...summed(boxes, (b) => voicemailRepo.count(b)), ...notes };
      },
      lampsOf: (box: string) => { const c = config.snapshot(); return c ? lampsOfBox(c, box) : [box]; },
      mayWatch: (subscriber: string, resource: string) => { const c = config.snapshot(); return c ? mayWatchBox(c, subscriber, resource) : subscriber === resource; },
    };
    // Call queues: the agents' log-ins are live state, the outcomes feed the reports (src/acd).
    const queueOutcomes = new QueueEventsRepository(db);
    const acd: Acd = new Acd({
      clock, log: log.child({ component: 'acd' }), events, config: () => config.snapshot(),
      availability: (ext): Availability => core.availability(ext),
      store: new AgentRepository(db, () => clock.now()), outcomes: queueOutcomes, customers: cdrCustomerHistory(db, () => clock.now()),
      skillsHistory: new SkillsHistoryRepository(db),
      originate: { employeeLegs: (e): Channel[] => core.employeeLegs(e), originate: (leg, n): CallRecord => core.originate(leg, n) },
      recordingsDir: join(resolve(opts.data), 'queue-recordings'),
    });
    closers.push(() => acd.close());
    const atStart = config.snapshot();
    if (atStart) acd.engine.agents.prune(new Set(atStart.employees.map((e) => e.extension)));
    const office = {
      mode, modePin: () => modeRepo.pin(), pinFailures: new FailureLimiter(clock, MODE_PIN_LIMIT),
      voicemail: { repo: voicemailRepo, pinFailures: new FailureLimiter(clock, MAILBOX_PIN_LIMIT) },
      // The sticky manager (src/sticky/README.md): a known caller's responsible employee.
      sticky: new StickyService({ clock, log: log.child({ component: 'sticky' }), config: () => config.snapshot(), db, events, onConfigChange: (l) => config.onChange(l) }),
      secretary,
      acd,
    };
    const sticky = office.sticky;
    const core = new Switch({ clock, log: log.child({ component: 'switch' }), events, config: () => config.snapshot(), records: cdr, liveState, office, conferenceMax: board.media.conference_max, dataFolder: resolve(opts.data),
    });
    sw = core;
    const rt: Runtime = {
      clock, log, events, board, config, switch: core, bind: opts.bind, sipPort: opts.sipPort, mailboxes,
      ...(opts.advertise ? { advertise: opts.advertise } : {}),
      ...(opts.frontProxy ? { frontProxy: parseFrontProxy(opts.frontProxy) } : {}),
      routes: [
        (app) => cdrRoutes(app, cdr), (app) => callsRoutes(app, () => core.liveView()),
        (app) => meRoutes(app, { config: () => config.snapshot(), liveState, events, remote: () => core.remote }),
        (app) => modeRoutes(app, { mode, repo: modeRepo }),
        (app) => voicemailRoutes(app, { config: () => config.snapshot(), repo: voicemailRepo, events }),
        (app) => stickyRoutes(app, { lookup: sticky }),
        (app) => promptRoutes(app, { dataFolder: resolve(opts.data) }),
        (app) => secretaryRoutes(app, { config: () => config.snapshot(), repo: secretary.repo, waiting: secretary.waiting, desk: secretary.desk, events, clock, log: log.child({ component: 'secretary' }), sw: core }),
        (app) => secretaryDeskRoutes(app, { config: () => config.snapshot(), desk: secretary.desk }),
        (app) => lampsRoutes(app, { config: () => config.snapshot(), lamps: core.lamps }),
        (app) => siteRoutes(app, { config: () => config.snapshot(), board, sipPort: () => sip.port }),
        (app) => callControlRoutes(app, {
          channels: () => core.liveView().channels.flatMap((v) => { const ch = core.channels.get(v.id); return ch ? [{ channel: ch, call: v.call }] : []; }),
        }),
        (app) => queuesRoutes(app, { acd, config: () => config.snapshot(), outcomes: queueOutcomes, now: () => clock.now(), recordingsDir: join(resolve(opts.data), 'queue-recordings') }),
        (app) => archiveRoutes(app, { dataFolder: resolve(opts.data), db: openDb, firmware: VERSION, now: () => clock.now(), restart: opts.onRestartRequested }),
        (app) => passwordRoutes(app, { clock, config: configRepo, sessions }),
        (app) => systemRoutes(app, { dataFolder: resolve(opts.data), warnings: () => recentWarnings?.list() ?? [] }),
        (app) => retentionRoutes(app, { retention }),
        (app) => drainingRoutes(app, { draining: () => sip.draining, events }),
      ],
      stats: {
        core: () => ({ calls: core.activeCalls().length, bridges: core.bridges().length, ...(clock.pending ? { timers: clock.pending() } : {}) }),
      },
      onClose: (step) => closers.push(step),
      onDrain: (step) => drains.push(step),
    };

    // drivers → channels: each layer starts its devices and registers its legs with the core.
    await startLineCards(rt);
    const sip = await startSip(rt);
    startTrunks(rt, sip, opts.dnsServers);
    await startDoors(rt, resolve(opts.data), db);
    const network = await startNetwork(rt, resolve(opts.data), opts.tlsPort ?? DEFAULT_TLS_PORT, sip.ctx);
    await startDect(rt, openDb);

    // api
    const api = await createApi({
      clock, log, events, config, configRepo, sessions, startedAt,
      // On a real board an admin whose password the exchange generated sets their own at the first sign-in; the sim board (a demo) does not ask.
      ...(board.simulator ? {} : { firstPassword: { required: (ext: string, who: { role: 'admin' | 'user'; password_hash: string | null }) => who.role === 'admin' && generatedPasswords.isGenerated(ext, who) } }),
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
      acd,
      http: { host: opts.bind, port: addr.port },
      sip: { host: opts.bind, port: sip.port },
      close,
      stats: () => Object.fromEntries(Object.entries(rt.stats).map(([layer, read]) => [layer, read()])),
      ...(seeded ? { seeded } : {}),
      network,
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
 * beside this bundled module (OUT/webui); from the sources, webui/dist in the checkout, which
 * scripts/webui.ts builds (`npm start` and the tests run it) — never a dist/ left over from an
 * older firmware build.
 */
function resolveWebui(): string {
  const built = import.meta.url.endsWith('.js');
  return new URL(built ? './webui' : '../webui/dist', import.meta.url).pathname;
}
