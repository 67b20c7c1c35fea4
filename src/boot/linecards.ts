/**
 * The line-card layer of the boot: for each card of the board, start its emulator behind a
 * pty when the board says `emulator: true`, open a LineCardDriver on its serial path, and
 * turn its ports into channels (FXS extensions, FXO city lines) registered with the core.
 * Follows configuration changes without dropping calls, publishes card and port status on
 * the event bus, serves GET /api/lines and, on a simulator board, /api/sim.
 */
import type { Logger } from '../../common/log.js';
import type { CardInfo, LineCard } from '../../drivers/hal.js';
import { LineCardDriver } from '../../drivers/linecard/driver.js';
import { ringCadence } from '../../drivers/linecard/sig-analog.js';
import { spawnLineCardEmulator, type SpawnedLineCard } from '../../drivers/emu/linecard/spawn.js';
import { AnalogPorts } from '../channels/analog/registry.js';
import { linesRoutes, type CardView } from '../api/routes/lines.js';
import { NotEmulatedError, simRoutes, type Simulator } from '../api/routes/sim.js';
import type { Board } from './board.js';
import type { Runtime } from './runtime.js';

type BoardCard = Board['linecards'][number];

interface StartedCard {
  decl: BoardCard;
  driver: LineCard | undefined;
  emulator: SpawnedLineCard | undefined;
}

export async function startLineCards(rt: Runtime): Promise<void> {
  const log = rt.log.child({ component: 'linecards' });
  const ports = new AnalogPorts({
    clock: rt.clock,
    log: rt.log.child({ component: 'analog' }),
    router: rt.switch,
    cards: rt.board.linecards,
    config: () => rt.config.snapshot(),
    ringCadence: (country) => ringCadence(country),
    onPortState: (v) => rt.events.emit('line.state', { kind: v.kind, port: v.port, card: v.card, state: v.state, assigned: v.assigned, peer: v.peer?.number ?? null }),
  });
  rt.switch.addLegFactory(ports.legFactory);
  rt.switch.addOutsideLines(ports.outsideLines);
  rt.analog = ports;

  const started: StartedCard[] = [];
  for (const decl of rt.board.linecards) {
    const card: StartedCard = { decl, driver: undefined, emulator: undefined };
    started.push(card);
    await startCard(rt, log.child({ card: decl.id }), ports, card);
  }

  const offConfig = rt.config.onChange((c) => ports.applyConfig(c));
  const offLamps = rt.mailboxes ? followMessageLamps(rt, ports, log) : undefined;
  // Registered last, so it runs first on shutdown: calls end before their cards close.
  rt.onClose(() => {
    offConfig();
    offLamps?.();
    ports.close();
  });

  rt.routes.push((app) =>
    linesRoutes(app, {
      cards: () => started.map((c) => cardView(c)),
      ports: () => ports.ports(),
      groups: () => rt.switch.outside.campOn.view(),
      trunks: () => rt.trunkViews?.() ?? [],
    }),
  );
  if (rt.board.simulator) {
    const sim = simulator(started);
    rt.simulator = sim;
    rt.routes.push((app) => simRoutes(app, sim));
  }
}

/**
 * The message lamps of analog phones (VMWI, the card's `mwi` command): on while the
 * employee's mailbox (or a department box they listen to) has a new message, set when it changes and again when a card comes
 * (back) online.
 */
function followMessageLamps(rt: Runtime, ports: AnalogPorts, log: Logger): () => void {
  const fxsPorts = (ext: string): number[] =>
    (rt.config.snapshot()?.employees.find((e) => e.extension === ext)?.devices ?? []).flatMap((d) => (d.type === 'fxs' ? [d.port] : []));
  const set = (ext: string, on: boolean): void => {
    for (const n of fxsPorts(ext)) ports.extension(n)?.setMwi(on).catch((err: Error) => log.warn({ port: n, err: err.message }, 'message lamp not set'));
  };
  const lit = (c: { unheard: number; notes?: { fresh: number } }): boolean => c.unheard > 0 || (c.notes?.fresh ?? 0) > 0;
  // A department box lights its members' and listeners' lamps too (core/mailbox-lamps.ts).
  const offBox = rt.events.on('voicemail.changed', (e) => {
    for (const ext of rt.mailboxes?.lampsOf(e.box) ?? [e.box]) {
      const c = rt.mailboxes?.counts(ext) ?? (ext === e.box ? e : undefined);
      if (c) set(ext, lit(c));
    }
  });
  // A director's new call notes light the same lamp (src/secretary).
  const offNotes = rt.events.on('notes.changed', (e) => set(e.director, lit(rt.mailboxes?.counts(e.director) ?? { unheard: 0, notes: e })));
  const offCard = rt.events.on('card.status', (e) => {
    if (e.status !== 'online' && e.status !== 'rebooted') return;
    // Every lamp as it should be: one switched while the link was down missed its command.
    for (const emp of rt.config.snapshot()?.employees ?? []) {
      const c = rt.mailboxes?.counts(emp.extension);
      if (c) set(emp.extension, lit(c));
    }
  });
  return () => {
    void offBox();
    void offNotes();
    void offCard();
  };
}

async function startCard(rt: Runtime, log: Logger, ports: AnalogPorts, card: StartedCard): Promise<void> {
  const { decl } = card;
  let path = decl.path;
  if (decl.emulator) {
    try {
      card.emulator = await spawnLineCardEmulator({ layout: { fxo: decl.fxo, fxs: decl.fxs } });
    } catch (err) {
      log.error({ err: (err as Error).message }, 'the line card emulator did not start; its ports stay offline');
      rt.events.emit('card.status', { card: decl.id, status: 'offline', reason: 'emulator did not start' });
      return;
    }
    const emu = card.emulator;
    rt.onClose(() => emu.close());
    path = emu.path;
  }
  const driver = new LineCardDriver({ path: path!, baudRate: decl.baud, clock: rt.clock, logger: log, defaultCadence: ringCadence(rt.config.snapshot()?.site.country ?? 'fr') });
  card.driver = driver;
  rt.onClose(() => driver.close());

  const status = (status: 'online' | 'offline' | 'rebooted' | 'fault', extra: { reason?: string; info?: CardInfo } = {}): void => {
    rt.events.emit('card.status', {
      card: decl.id, status,
      ...(extra.reason ? { reason: extra.reason } : {}),
      ...(extra.info ? { model: extra.info.model, firmware: extra.info.firmware } : {}),
    });
  };
  driver.on('online', (info) => {
    const fxs = info.ports.filter((k) => k === 'fxs').length;
    const fxo = info.ports.length - fxs;
    if (fxs < decl.fxs || fxo < decl.fxo) log.error({ board: { fxs: decl.fxs, fxo: decl.fxo }, card: { fxs, fxo } }, 'the card has fewer ports than the board declares');
    ports.attach(decl.id, driver);
    ports.setCardOnline(decl.id, true);
    status('online', { info });
  });
  driver.on('offline', (reason) => {
    ports.setCardOnline(decl.id, false);
    status('offline', { reason });
  });
  driver.on('rebooted', (info) => status('rebooted', { info }));
  driver.on('fault', (fault) => {
    log.warn({ code: fault.code, port: fault.port ? `${fault.port.kind}${fault.port.number}` : 'card' }, 'line card fault');
    ports.portFault(decl.id, fault.port ? { kind: fault.port.kind, number: fault.port.number } : undefined);
    status('fault', { reason: fault.code });
  });
  try {
    await driver.open();
  } catch (err) {
    // The driver keeps reconnecting; the ports come up when the card does.
    log.warn({ err: (err as Error).message, path }, 'line card not online yet');
    status('offline', { reason: (err as Error).message });
  }
}

function cardView(c: StartedCard): CardView {
  const info = c.driver?.info;
  return { id: c.decl.id, status: c.driver?.status ?? 'offline', model: info?.model ?? null, firmware: info?.firmware ?? null };
}

/** Board-wide port numbers → (emulator, the port's number on that card). */
function simulator(cards: readonly StartedCard[]): Simulator {
  const locate = (kind: 'fxs' | 'fxo', port: number): { card: StartedCard; local: number } => {
    let first = 1;
    for (const card of cards) {
      const n = card.decl[kind];
      if (port < first + n) return { card, local: port - first + 1 };
      first += n;
    }
    throw new NotEmulatedError(`no ${kind.toUpperCase()} port ${port} on this board`);
  };
  return {
    fxs: cards.reduce((a, c) => a + c.decl.fxs, 0),
    fxo: cards.reduce((a, c) => a + c.decl.fxo, 0),
    async request(kind, port, cmd, args = {}) {
      const { card, local } = locate(kind, port);
      if (!card.emulator) throw new NotEmulatedError(`${kind.toUpperCase()} port ${port} is on card ${card.decl.id}, which is not emulated`);
      const { id: _id, ok: _ok, ...rest } = await card.emulator.control.request({ ...args, cmd, port: local }, 30_000);
      return rest;
    },
    async card(id, action) {
      const card = cards.find((c) => c.decl.id === id);
      if (!card?.emulator) throw new NotEmulatedError(`no emulated line card ${id} on this board`);
      await card.emulator.control.request({ cmd: action });
    },
  };
}
