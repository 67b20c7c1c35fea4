/**
 * The doors of the configuration, bound to the board's hardware: each door's opener (who
 * may open, the code, the lockout), its button (a GPIO input: the exchange calls the door
 * station — on an FXS port, or a SIP one asked to answer by itself — then its phones; or
 * the SIP door station's own call, which the switch hands over through `forStation`), its
 * lock relay and its contact.
 * What GET /api/doors shows: relay state, wiring, last ring, recent openings, contact and
 * the forced-door alarm.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Input } from '../../drivers/hal.js';
import type { Channel } from '../channels/channel.js';
import type { Board } from '../boot/board.js';
import type { DoorConfig } from '../config/door-schema.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../core/events.js';
import type { Switch } from '../core/switch.js';
import type { DoorHardware } from './door-hardware.js';
import { DoorOpener, type DoorAttempt } from './door-opener.js';
import { NO_SITE, type AccessContext } from './door-access.js';

/** How long the FXS door station may take to answer the exchange's ring. */
export const STATION_ANSWER_MS = 10_000;
/** A busy station (its port still settling after the last call) is tried this often, this long apart. */
const STATION_TRIES = 6;
const STATION_RETRY_MS = 500;
/** A door contact opening within this long after the relay released still counts as the opening's. */
const OPENING_GRACE_MS = 10_000;

/**
 * The leg that calls a door station for its audio: an FXS port's (analog registry), or the
 * SIP door station's registered contact with the auto-answer headers (LegPurpose `intercom`);
 * undefined when there is none (unknown port, station not registered).
 */
export type StationLeg = (audio: DoorConfig['audio']) => Channel | undefined;

export interface DoorView {
  name: string;
  relay: 'open' | 'locked';
  relay_energised: boolean;
  wiring: 'fail_secure' | 'fail_safe';
  last_ring: number | null;
  openings: readonly DoorAttempt[];
  contact: 'open' | 'closed' | null;
  /** When the contact last changed (epoch ms), null before the first change seen. */
  contact_changed_at: number | null;
  /** The forced-door alarm: the door opened without an opening; latched until an admin acknowledges it. */
  forced: boolean;
  forced_at: number | null;
  locked_out_s: number;
  fault: string | null;
  /** Whether the one asking (GET /api/doors) may open it from the web UI now, and if not why. */
  may_open?: 'allowed' | 'not-allowed' | 'outside-hours';
}

interface BoundDoor {
  config: DoorConfig;
  opener: DoorOpener;
  lastRing: number | null;
  lastOpenEnd: number;
  contact: boolean | null;
  contactAt: number | null;
  forced: boolean;
  forcedAt: number | null;
  fault: string | null;
  offs: Array<() => void>;
}

export interface DoorServiceDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  board: Board;
  hardware: DoorHardware;
  switch: Switch;
  stationLeg: StationLeg;
  /** The configuration now (departments, time zone and holidays for the time profiles). */
  config: () => Readonly<Config> | null;
  /** Every opening attempt, for the audit log (store/door-audit.ts). */
  audit?: (e: DoorAttempt & { door: string }) => void;
}

export class DoorService {
  private readonly doors = new Map<string, BoundDoor>();

  constructor(private readonly d: DoorServiceDeps) {}

  /** Bind the configuration's doors (again after a change: openers and their lockouts are kept by name). */
  apply(config: Readonly<Config> | null): void {
    const wanted = new Map((config?.doors ?? []).map((x) => [x.name, x]));
    for (const [name, b] of this.doors) {
      for (const off of b.offs) off();
      if (!wanted.has(name)) this.doors.delete(name);
    }
    for (const door of wanted.values()) this.bind(door);
  }

  /**
   * A door station calling — the SIP station (its extension), or the analog one whose button
   * lifted its line (the port's owner, `fxsN`) — gets its door and opener: the switch routes
   * the call there, whatever was dialled.
   */
  forStation(owner: string): { door: DoorConfig; opener: DoorOpener } | undefined {
    for (const b of this.doors.values()) {
      const button = b.config.button;
      const station = 'sip' in button ? button.sip : 'fxs' in button ? `fxs${button.fxs}` : undefined;
      if (station === owner && !b.fault) {
        b.lastRing = this.d.clock.now();
        return { door: b.config, opener: b.opener };
      }
    }
    return undefined;
  }

  opener(name: string): DoorOpener | undefined {
    return this.doors.get(name)?.opener;
  }

  /**
   * Someone pressed the door's button (its GPIO input, or the simulator): call the door
   * station for its audio — the FXS station answers by itself, the SIP one is asked to
   * (Call-Info answer-after=0) — then ring the door's phones with the station as the caller.
   */
  async ring(name: string): Promise<'ringing' | 'busy' | 'unknown' | 'fault'> {
    const b = this.doors.get(name);
    if (!b) return 'unknown';
    if (b.fault) return 'fault';
    b.lastRing = this.d.clock.now();
    // The station's port may still be settling from the last visitor (an on-hook counts only
    // after the hook-flash time): try again for a few seconds before giving up.
    let leg: Channel | undefined;
    for (let attempt = 0; attempt < STATION_TRIES; attempt++) {
      if (attempt > 0) await new Promise<void>((r) => this.d.clock.setTimeout(r, STATION_RETRY_MS));
      const offered = this.d.stationLeg(b.config.audio);
      if (!offered) break;
      const outcome = await this.callStation(offered);
      if (outcome === 'answered') {
        leg = offered;
        break;
      }
      if (outcome === 'no-answer') break;
    }
    if (!leg) {
      this.d.log.warn({ door: name }, 'door: the door station is busy, offline or did not answer; nobody is rung');
      return 'busy';
    }
    this.d.switch.doorCall(leg, b.config, b.opener);
    return 'ringing';
  }

  /** Ring the door station; it answers by itself, or is busy (refused at once), or does not answer. */
  private callStation(leg: Channel): Promise<'answered' | 'busy' | 'no-answer'> {
    return new Promise((resolve) => {
      const timer = this.d.clock.setTimeout(() => done('no-answer'), STATION_ANSWER_MS);
      const onState = (to: string): void => void (to === 'up' ? done('answered') : undefined);
      const onHangup = (): void => done('busy');
      const done = (outcome: 'answered' | 'busy' | 'no-answer'): void => {
        this.d.clock.clearTimeout(timer);
        leg.off('state', onState).off('hangup', onHangup);
        if (outcome === 'no-answer' && leg.state !== 'released') leg.hangup('no-answer');
        resolve(outcome);
      };
      leg.on('state', onState).on('hangup', onHangup);
      leg.call({ number: 'door', name: 'Door' });
    });
  }

  views(viewer?: { extension: string; admin: boolean }): DoorView[] {
    return [...this.doors.values()].map((b) => {
      const relay = this.d.hardware.relay(b.config.relay);
      const wiring = this.d.board.relays.find((r) => r.name === b.config.relay)?.wiring ?? 'fail_secure';
      return {
        name: b.config.name,
        relay: relay?.energised ? 'open' : 'locked',
        relay_energised: !!relay?.energised,
        wiring,
        last_ring: b.lastRing,
        // Who came in when is the admins' record; a user sees their own attempts only.
        openings: !viewer || viewer.admin ? b.opener.recent() : b.opener.recent().filter((a) => a.by === viewer.extension),
        contact: b.contact === null ? null : b.contact ? 'open' : 'closed',
        contact_changed_at: b.contactAt,
        forced: b.forced,
        forced_at: b.forcedAt,
        locked_out_s: Math.ceil(b.opener.lockedForMs() / 1000),
        fault: b.fault,
        ...(viewer ? { may_open: viewer.admin ? 'allowed' : b.opener.access(viewer.extension) } : {}),
      };
    });
  }

  private bind(door: DoorConfig): void {
    const relay = this.d.hardware.relay(door.relay);
    const previous = this.doors.get(door.name);
    const fault = !relay ? `the board has no relay "${door.relay}"` : this.missingInput(door);
    if (fault) this.d.log.error({ door: door.name }, `door: ${fault}; the door cannot open`);
    const opener = previous?.opener ?? new DoorOpener(door, relay ?? nullRelay(door.relay), { ...this.d, site: () => this.site() });
    opener.update(door);
    const contactInput = door.contact ? this.d.hardware.input(door.contact.input) : undefined;
    const b: BoundDoor = {
      config: door, opener, lastRing: previous?.lastRing ?? null, lastOpenEnd: previous?.lastOpenEnd ?? 0,
      // The contact as the input reads it now (the debounced level sampled at start), not only after its first change.
      contact: contactInput ? contactInput.active : null, contactAt: previous?.contactAt ?? null,
      forced: previous?.forced ?? false, forcedAt: previous?.forcedAt ?? null, fault, offs: [],
    };
    this.doors.set(door.name, b);
    if (relay) {
      const onChange = (on: boolean, why: string): void => {
        if (!on) b.lastOpenEnd = this.d.clock.now();
        this.d.events.emit('door.relay', { door: door.name, energised: on, why });
      };
      relay.on('change', onChange);
      b.offs.push(() => void relay.off('change', onChange));
    }
    if ('input' in door.button) this.listen(b, this.d.hardware.input(door.button.input), (active) => active && void this.ring(door.name));
    if (door.contact) this.listen(b, contactInput, (open) => this.contactChanged(b, open));
  }

  private listen(b: BoundDoor, input: Input | undefined, on: (active: boolean) => void): void {
    if (!input) return;
    input.on('change', on);
    b.offs.push(() => void input.off('change', on));
  }

  /**
   * The door contact changed. Opening while the lock is released (or within
   * {@link OPENING_GRACE_MS} after: the visitor pushes the door as the buzzer stops) is the
   * opening's; any other opening is forced — a latched alarm, as access-control panels keep
   * it: it stays (GET /api/doors, the web UI) until an admin acknowledges it, even once the
   * door is closed again, so a forced door at night is still seen in the morning.
   */
  private contactChanged(b: BoundDoor, open: boolean): void {
    const relay = this.d.hardware.relay(b.config.relay);
    const now = this.d.clock.now();
    const opening = !!relay?.energised || now - b.lastOpenEnd < OPENING_GRACE_MS;
    const forced = open && !opening;
    b.contact = open;
    b.contactAt = now;
    if (forced) {
      b.forced = true;
      b.forcedAt = now;
      this.d.log.warn({ door: b.config.name }, 'door: FORCED OPEN (the contact opened without an opening)');
      this.d.events.emit('door.alarm', { door: b.config.name, alarm: 'forced', active: true });
    } else this.d.log.info({ door: b.config.name }, open ? 'door: open' : 'door: closed');
    this.d.events.emit('door.contact', { door: b.config.name, open, forced });
  }

  /** An admin saw the forced-door alarm: it is cleared (and that is logged and published). */
  acknowledge(name: string, by: string): 'cleared' | 'no-alarm' | 'unknown' {
    const b = this.doors.get(name);
    if (!b) return 'unknown';
    if (!b.forced) return 'no-alarm';
    b.forced = false;
    this.d.log.info({ door: name, by }, 'door: forced-door alarm acknowledged');
    this.d.events.emit('door.alarm', { door: name, alarm: 'forced', active: false, by });
    return 'cleared';
  }

  /** What the time profiles need of the configuration now. */
  private site(): AccessContext {
    const c = this.d.config();
    return c ? { departments: c.departments, timezone: c.site.timezone, holidays: c.schedule?.holidays ?? [] } : NO_SITE;
  }

  private missingInput(door: DoorConfig): string | null {
    for (const name of ['input' in door.button ? door.button.input : undefined, door.contact?.input]) {
      if (name !== undefined && !this.d.board.inputs.some((i) => i.name === name)) return `the board has no input "${name}"`;
    }
    return null;
  }
}

/** A door whose relay the board lacks: every opening fails (and says why). */
function nullRelay(name: string) {
  const fail = (): Promise<void> => Promise.reject(new Error(`the board has no relay "${name}"`));
  const r = { name, energised: false, set: fail, pulse: fail, close: async () => {}, on: () => r, once: () => r, off: () => r };
  return r;
}
