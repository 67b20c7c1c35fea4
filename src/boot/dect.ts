/**
 * The DECT layer of the boot (issue 16): for the board's base stations, start the emulator
 * behind one pty per base when the board says `emulator: true` (one process for all the
 * emulated bases: they share one radio world), open a DectDriver on every base's serial
 * path with the subscription register from the store, turn each configured handset into an
 * extension's telephone (channels/dect), run the handover controller (src/dect) on the
 * driver's radio reports, publish bases, handsets and handovers on the event bus, and serve
 * GET /api/dect, POST /api/dect/subscription and, on a sim board, /api/sim/dect.
 */
import type { Logger } from '../../common/log.js';
import type { DectSystem } from '../../drivers/hal.js';
import { DectDriver } from '../../drivers/dect/driver.js';
import { spawnDectEmulator, type SpawnedDect } from '../../drivers/emu/dect/spawn.js';
import { DectHandsets, normalIpei } from '../channels/dect/registry.js';
import { HandoverController, type HandoverRecord } from '../dect/handover-controller.js';
import { dectConfigSchema, handoverPolicyConfig } from '../dect/config.js';
import { dectRoutes } from '../api/routes/dect.js';
import { DectSubscriptionRepository } from '../store/dect-repo.js';
import type { Db } from '../store/db.js';
import type { Runtime } from './runtime.js';
import { dectView } from './dect-view.js';

/** Failed handovers in an hour above this share raise an alarm (what DECT managers show). */
const FAILED_HANDOVER_ALARM = 0.05;

export interface StartedDect {
  driver: DectSystem;
  handsets: DectHandsets;
  controller: HandoverController;
  emulator: SpawnedDect | undefined;
}

export async function startDect(rt: Runtime, db: Db): Promise<StartedDect | undefined> {
  const decl = rt.board.dect;
  if (decl.bases.length === 0) return undefined;
  const log = rt.log.child({ component: 'dect' });
  const emulated = decl.bases.filter((b) => b.emulator);
  let emulator: SpawnedDect | undefined;
  if (emulated.length) {
    try {
      emulator = await spawnDectEmulator({
        bases: emulated.map((b) => ({ x: b.x, y: b.y })),
        capacity: decl.emulated_capacity,
        handsets: decl.emulated_handsets.map((h) => ({ ipei: normalIpei(h.ipei), x: h.x, y: h.y })),
      });
    } catch (err) {
      log.error({ err: (err as Error).message }, 'the DECT emulator did not start; its bases stay offline');
      return undefined;
    }
    const emu = emulator;
    rt.onClose(() => emu.close());
  }
  let next = 0;
  const paths = decl.bases.map((b) => (b.emulator ? emulator!.paths[next++]! : b.path!));

  const repo = new DectSubscriptionRepository(db, () => rt.clock.now());
  const subscribed = new Set([...repo.all(), ...decl.emulated_handsets.map((h) => normalIpei(h.ipei))]);
  const section = (): ReturnType<typeof dectConfigSchema.parse> => rt.config.snapshot()?.dect ?? dectConfigSchema.parse({});
  const driver = new DectDriver({ paths, clock: rt.clock, logger: log, subscribed: [...subscribed], ...(section().access_code ? { accessCode: section().access_code! } : {}) });
  rt.onClose(() => driver.close());

  const extensionOf = (ipei: string): string | null => handsets.line(ipei)?.owner?.number ?? null;
  /** When calls were dropped for a lost radio link (the last hour's feed the alarms). */
  const dropped: Array<{ ipei: string; at: number }> = [];
  const handsets = new DectHandsets({
    clock: rt.clock, log, dect: driver, router: rt.switch, config: () => rt.config.snapshot(),
    onState: (ipei, state, extension) => rt.events.emit('dect.handset', { ipei, extension, event: 'state', state }),
    onCallDropped: (ipei, extension) => {
      dropped.push({ ipei, at: rt.clock.now() });
      if (dropped.length > 200) dropped.shift();
      log.warn({ ipei, extension }, 'DECT call released abnormally: the handset stayed out of range');
      rt.events.emit('dect.handset', { ipei, extension, event: 'state', state: 'dropped' });
    },
  });
  rt.switch.addLegFactory(handsets.legFactory);
  const controller = new HandoverController(driver, rt.clock, log, handoverPolicyConfig(section().handover));
  controller.on('handover', (r: HandoverRecord) => {
    if (r.ok && r.to !== undefined) handsets.handedOver(r.ipei, r.to);
    rt.events.emit('dect.handover', {
      ipei: r.ipei, extension: extensionOf(r.ipei), from: r.from, to: r.to ?? null, from_rssi: r.fromRssi ?? null, to_rssi: r.toRssi ?? null,
      reason: r.reason, gap_ms: r.gapMs ?? null, ok: r.ok, ...(r.error ? { error: r.error } : {}),
    });
  });

  const idOf = (rpn: number): string => decl.bases[rpn - 1]?.id ?? `rpn${rpn}`;
  const baseEvent = (rpn: number, reason?: string): void => {
    const b = driver.bases.find((x) => x.rpn === rpn);
    rt.events.emit('dect.base', { rpn, id: idOf(rpn), online: b?.online ?? false, synced: b?.synced ?? false, master: b?.masterRpn ?? null, calls: b?.calls ?? 0, ...(reason ? { reason } : {}) });
  };
  driver.on('baseOnline', (b) => baseEvent(b.rpn));
  driver.on('baseOffline', (rpn, reason) => baseEvent(rpn, reason));
  driver.on('syncChanged', (b) => {
    if (!b.synced) log.warn({ rpn: b.rpn }, 'DECT base lost synchronisation: no new call on it, its calls are handed over');
    baseEvent(b.rpn);
  });
  driver.on('subscribed', (h) => {
    repo.add(h.ipei);
    log.info({ ipei: h.ipei }, 'DECT handset subscribed');
    rt.events.emit('dect.handset', { ipei: h.ipei, extension: extensionOf(h.ipei), event: 'subscribed' });
  });
  driver.on('subscriptionRefused', (ipei, reason) => rt.events.emit('dect.handset', { ipei, extension: null, event: 'refused', reason }));
  driver.on('located', (ipei, rpn) => rt.events.emit('dect.handset', { ipei, extension: extensionOf(ipei), event: 'located', base: rpn }));
  driver.on('detached', (ipei) => rt.events.emit('dect.handset', { ipei, extension: extensionOf(ipei), event: 'detached' }));

  const offConfig = rt.config.onChange((c) => {
    handsets.applyConfig(c);
    driver.setAccessCode(c.dect?.access_code);
  });
  // Registered last, so it runs first on shutdown: calls end before the bases close.
  rt.onClose(() => {
    offConfig();
    handsets.close();
  });

  rt.routes.push((app) =>
    dectRoutes(
      app,
      {
        view: () => dectView({ board: decl, driver, handsets, controller, dropped, alarmShare: FAILED_HANDOVER_ALARM, now: rt.clock.now() }),
        openSubscription: async (minutes, by) => {
          if (!section().access_code) return false;
          await driver.openSubscription(minutes * 60_000);
          log.info({ minutes, by }, 'DECT subscription window opened');
          rt.events.emit('dect.subscription', { seconds: minutes * 60, by });
          return true;
        },
      },
      rt.board.simulator && emulator ? { request: (cmd, args) => emulator!.control.request({ ...args, cmd }) } : undefined,
    ),
  );
  rt.stats.dect = () => ({ bases: driver.bases.filter((b) => b.online).length, calls: driver.bases.reduce((a, b) => a + b.calls, 0), handovers: controller.log.length });

  await openBases(driver, log);
  return { driver, handsets, controller, emulator };
}

async function openBases(driver: DectDriver, log: Logger): Promise<void> {
  try {
    await driver.open();
  } catch (err) {
    // The driver keeps reconnecting; each base comes up when it answers.
    log.warn({ err: (err as Error).message }, 'DECT bases not all online yet');
  }
}
