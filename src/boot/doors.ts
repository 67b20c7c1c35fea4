/**
 * The doors layer (issue 17): the board's GPIO (relays behind the relay guard, debounced
 * inputs), the configuration's doors bound to them, the switch told which extensions are SIP
 * door stations, GET /api/doors and, on a sim board, the door station's side of the
 * simulator. Started after the line cards (an FXS door station is rung through them).
 */
import type { Runtime } from './runtime.js';
import type { Config } from '../config/schema.js';
import { DoorHardware } from '../doors/door-hardware.js';
import { DoorService } from '../doors/door-service.js';
import { doorRoutes, type DoorSimulator } from '../api/routes/doors.js';
import { emulatedPinLevel, setEmulatedPin } from '../../drivers/gpio/sysfs.js';
import type { Db } from '../store/db.js';
import { DoorAuditLog, type DoorAuditEntry } from '../store/door-audit.js';

/** How long the simulator holds the door button down (well above the inputs' debounce). */
const PRESS_MS = 200;
/** How long the sim board's door station rings before it answers by itself. */
const STATION_ANSWERS_AFTER_MS = 300;

/** `db`: where every opening attempt is audited (store/door-audit.ts). */
export async function startDoors(rt: Runtime, dataDir: string, db?: Db): Promise<void> {
  const log = rt.log.child({ component: 'doors' });
  const hardware = await DoorHardware.start(rt.board, dataDir, rt.clock, log);
  const audit = db ? new DoorAuditLog(db) : undefined;
  rt.onClose(() => hardware.close());
  const service = new DoorService({
    clock: rt.clock, log, events: rt.events, board: rt.board, hardware, switch: rt.switch, config: () => rt.config.snapshot(),
    ...(audit ? { audit: (e: DoorAuditEntry) => audit.record(e) } : {}),
    stationLeg: (audio) => ('fxs' in audio ? rt.analog?.extension(audio.fxs)?.offer() : sipStation(rt, audio.sip)),
  });
  const apply = (c: Readonly<Config> | null): void => {
    service.apply(c);
    if (rt.simulator) void emulateStations(rt, c);
  };
  apply(rt.config.snapshot());
  rt.onClose(rt.config.onChange(apply));
  rt.switch.setDoors(service);
  rt.routes.push((app) => doorRoutes(app, service, rt.board.simulator ? simulator(rt, hardware) : undefined));
}

/** The SIP door station's leg, asked to answer by itself (its first registered contact). */
function sipStation(rt: Runtime, extension: string) {
  const employee = rt.config.snapshot()?.employees.find((e) => e.extension === extension);
  return employee ? rt.switch.employeeLegs(employee, { intercom: true })[0] : undefined;
}

/** On the sim board, an FXS port that is a door's audio has an emulated door station: it answers by itself. */
async function emulateStations(rt: Runtime, config: Readonly<Config> | null): Promise<void> {
  for (const door of config?.doors ?? []) {
    if (!('fxs' in door.audio)) continue;
    try {
      await rt.simulator!.request('fxs', door.audio.fxs, 'fxs.autoanswer', { after_ms: STATION_ANSWERS_AFTER_MS });
    } catch (err) {
      rt.log.warn({ err, door: door.name }, 'doors: the emulated door station could not be set up');
    }
  }
}

function simulator(rt: Runtime, hw: DoorHardware): DoorSimulator {
  const door = (name: string) => rt.config.snapshot()?.doors?.find((d) => d.name === name);
  const line = (name: string | undefined) => (name === undefined ? undefined : rt.board.inputs.find((i) => i.name === name && i.emulator) ?? rt.board.relays.find((r) => r.name === name && r.emulator));
  const level = (name: string | undefined): boolean | null => {
    const l = line(name);
    return l ? (emulatedPinLevel(hw.emulatedRoot, l.gpio) === 1) !== l.active_low : null;
  };
  return {
    async press(name) {
      const d = door(name);
      // An analog station whose button lifts its line: the simulator lifts it (it hangs up on busy tone).
      if (d && 'fxs' in d.button) return void (await rt.simulator!.request('fxs', d.button.fxs, 'fxs.hook', { state: 'off' }));
      const l = d && 'input' in d.button ? line(d.button.input) : undefined;
      if (!l) return;
      setEmulatedPin(hw.emulatedRoot, l.gpio, l.active_low ? 0 : 1);
      await new Promise<void>((r) => rt.clock.setTimeout(r, PRESS_MS));
      setEmulatedPin(hw.emulatedRoot, l.gpio, l.active_low ? 1 : 0);
    },
    contact(name, open) {
      const l = line(door(name)?.contact?.input);
      if (l) setEmulatedPin(hw.emulatedRoot, l.gpio, open !== l.active_low ? 1 : 0);
    },
    pins(name) {
      const d = door(name);
      if (!d || !line(d.relay)) return undefined;
      return {
        relay: level(d.relay) ? 'energised' : 'released',
        button: 'input' in d.button ? level(d.button.input) : null,
        contact: level(d.contact?.input),
      };
    },
  };
}
