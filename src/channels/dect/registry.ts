/**
 * The DECT handsets of the exchange, mapped to the configuration: a handset is the telephone
 * of the employee whose `dect` device names its IPEI. Gives the core its DECT leg factory,
 * fans the driver's events out to each handset's line (hook, digits, audio, a lost call)
 * and keeps each handset's last radio report (for the API and for choosing another base
 * when one refuses a bearer). A configuration change re-assigns handsets at once; a call in
 * progress keeps its leg.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { AudioFrame, DectRadioSample, DectSystem } from '../../../drivers/hal.js';
import type { Config } from '../../config/schema.js';
import type { DeviceLegFactory } from '../../core/switch.js';
import type { Channel, Party } from '../channel.js';
import type { AnalogRouter } from '../analog/router.js';
import type { DigitTimeouts } from '../fxs/digit-collector.js';
import { HandsetLine, type HandsetState } from './handset-line.js';

/** An IPEI as the wire and the register spell it: no space, upper case. */
export const normalIpei = (ipei: string): string => ipei.replace(/\s+/g, '').toUpperCase();

export interface DectHandsetsOptions {
  clock: Clock;
  log: Logger;
  dect: DectSystem;
  router: AnalogRouter;
  config: () => Readonly<Config> | null;
  timeouts?: DigitTimeouts;
  /** Called whenever a handset's line state changes (the event bus). */
  onState?: (ipei: string, state: HandsetState, extension: string | null) => void;
  /** A call of the handset was released because its radio link was lost (for the alarms). */
  onCallDropped?: (ipei: string, extension: string | null) => void;
}

export class DectHandsets {
  private readonly lines = new Map<string, HandsetLine>();
  private readonly uplinks = new Map<string, Set<(frame: AudioFrame) => void>>();
  private readonly radio = new Map<string, DectRadioSample[]>();
  private readonly offs: Array<() => void> = [];

  constructor(private readonly o: DectHandsetsOptions) {
    const d = o.dect;
    const on = <A extends unknown[]>(ev: string, fn: (...a: A) => void): void => {
      (d as unknown as { on(e: string, f: (...a: A) => void): void }).on(ev, fn);
      this.offs.push(() => (d as unknown as { off(e: string, f: (...a: A) => void): void }).off(ev, fn));
    };
    on('offHook', (ipei: string) => this.lines.get(ipei)?.offHook());
    on('onHook', (ipei: string) => this.lines.get(ipei)?.onHook());
    on('digits', (ipei: string, digits: string) => this.lines.get(ipei)?.digits(digits));
    on('callLost', (ipei: string) => this.lines.get(ipei)?.callLost());
    on('radio', (ipei: string, samples: DectRadioSample[]) => void this.radio.set(ipei, samples));
    on('audio', (ipei: string, frame: AudioFrame) => {
      for (const l of this.uplinks.get(ipei) ?? []) l(frame);
    });
    const cfg = o.config();
    if (cfg) this.applyConfig(cfg);
  }

  /** Give every handset named in the configuration its employee; the others lose theirs. */
  applyConfig(config: Readonly<Config>): void {
    const owners = new Map<string, Party>();
    for (const e of config.employees) {
      for (const dev of e.devices) if (dev.type === 'dect') owners.set(normalIpei(dev.ipei), { number: e.extension, name: e.name });
    }
    for (const ipei of owners.keys()) if (!this.lines.has(ipei)) this.lines.set(ipei, this.newLine(ipei));
    for (const [ipei, line] of this.lines) line.assign(owners.get(ipei));
  }

  /** The line of a handset (tests, the API). */
  line(ipei: string): HandsetLine | undefined {
    return this.lines.get(normalIpei(ipei));
  }

  /** The handset's last report of the bases it hears. */
  heard(ipei: string): readonly DectRadioSample[] {
    return this.radio.get(normalIpei(ipei)) ?? [];
  }

  /** The handover controller moved `ipei`'s call to base `to`. */
  handedOver(ipei: string, to: number): void {
    this.lines.get(normalIpei(ipei))?.handedOver(to);
  }

  /** Whether the handset could ring now: subscribed and located at a base that is online. */
  reachable(ipei: string): boolean {
    const h = this.o.dect.handsets.find((x) => x.ipei === normalIpei(ipei));
    if (!h?.subscribed || h.baseId === undefined) return false;
    return this.o.dect.bases.some((b) => b.rpn === h.baseId && b.online);
  }

  readonly legFactory: DeviceLegFactory = {
    tech: 'dect',
    legsFor: (_employee, device): Channel[] => {
      if (device.type !== 'dect') return [];
      const line = this.lines.get(normalIpei(device.ipei));
      if (!line) return [];
      // Out of range: no leg, so the employee's forwarding (unavailable) applies, as for an unregistered phone.
      if (!this.reachable(device.ipei)) return [];
      return [line.offer(true)];
    },
    reachable: (_employee, device): boolean => device.type === 'dect' && this.reachable(device.ipei),
  };

  close(): void {
    for (const off of this.offs.splice(0)) off();
    for (const line of this.lines.values()) line.onHook();
  }

  private newLine(ipei: string): HandsetLine {
    const line = new HandsetLine({
      ipei, dect: this.o.dect, clock: this.o.clock, log: this.o.log, router: this.o.router,
      audio: {
        uplink: (listener) => {
          const set = this.uplinks.get(ipei) ?? new Set();
          set.add(listener);
          this.uplinks.set(ipei, set);
          return () => void set.delete(listener);
        },
        downlink: (frame) => this.o.dect.sendAudio(ipei, frame),
      },
      country: () => this.o.config()?.site.country ?? 'fr',
      heard: () => this.heard(ipei),
      outOfRangeHoldMs: () => (this.o.config()?.dect?.out_of_range_hold_s ?? 5) * 1000,
      outOfRangeAudio: () => this.o.config()?.dect?.out_of_range_hold_audio ?? 'silence',
      ...(this.o.timeouts ? { timeouts: this.o.timeouts } : {}),
    });
    line.on('state', (s) => this.o.onState?.(ipei, s, line.owner?.number ?? null));
    line.on('callDropped', () => this.o.onCallDropped?.(ipei, line.owner?.number ?? null));
    return line;
  }
}
