/**
 * The analog ports of every line card on the board, mapped to the configuration: FXS port
 * n is the telephone of the employee whose `fxs` device says `port: n`, FXO port n is the
 * line whose `port` is n. Ports are numbered across the board's cards in board order
 * (card 1 has FXS 1–6, card 2 continues with 7…), so the configuration does not change
 * when a card comes online late.
 *
 * It gives the core its FXS leg factory and the city lines as an outside-line provider,
 * and the API its view of every port. Configuration changes re-assign ports at once; a
 * call in progress keeps its leg.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { LineCard } from '../../../drivers/hal.js';
import type { Config } from '../../config/schema.js';
import type { DeviceLegFactory, OutsideLineProvider } from '../../core/switch.js';
import type { Channel, Party } from '../channel.js';
import { FxoLine, type FxoTiming } from '../fxo/fxo-line.js';
import { inboundRouteFor } from '../fxo/inbound-route.js';
import { fxoOutsideLine } from '../fxo/outside-line.js';
import type { OutsideLine } from '../../outgoing/trunk-groups.js';
import type { DigitTimeouts } from '../fxs/digit-collector.js';
import { FxsExtension } from '../fxs/fxs-extension.js';
import type { AnalogRouter } from './router.js';
import type { Country } from './card-tones.js';

/** A line card as the board declares it. */
export interface DeclaredCard {
  id: string;
  fxs: number;
  fxo: number;
}

/** One port as the installer sees it (GET /api/lines). */
export interface PortView {
  kind: 'fxs' | 'fxo';
  /** Board-wide number among ports of this kind (what the configuration uses). */
  port: number;
  card: string;
  /** FXS: the employee's extension; FXO: the line's name. Null when unassigned. */
  assigned: string | null;
  /** idle, dialing, ringing, talking, … or offline / fault. */
  state: string;
  /** The other party of the call in progress. */
  peer: { number: string; name?: string } | null;
  held?: boolean;
}

export interface AnalogPortsOptions {
  clock: Clock;
  log: Logger;
  router: AnalogRouter;
  cards: readonly DeclaredCard[];
  config: () => Readonly<Config> | null;
  ringCadence?: (country: Country) => readonly number[] | undefined;
  digitTimeouts?: DigitTimeouts;
  fxoTiming?: Partial<FxoTiming>;
  /** Called whenever a port's state changes (the event bus). */
  onPortState?: (view: PortView) => void;
}

interface Slot<T> {
  card: string;
  port: number;
  ctl: T | undefined;
  fault: boolean;
}

export class AnalogPorts {
  private readonly fxs: Slot<FxsExtension>[] = [];
  private readonly fxo: Slot<FxoLine>[] = [];
  private readonly attached = new Set<string>();

  constructor(private readonly o: AnalogPortsOptions) {
    for (const c of o.cards) {
      for (let i = 0; i < c.fxs; i++) this.fxs.push({ card: c.id, port: this.fxs.length + 1, ctl: undefined, fault: false });
      for (let i = 0; i < c.fxo; i++) this.fxo.push({ card: c.id, port: this.fxo.length + 1, ctl: undefined, fault: false });
    }
  }

  /** The card answered its first hello: its ports exist now. Later calls do nothing. */
  attach(cardId: string, card: LineCard): void {
    if (this.attached.has(cardId)) return;
    this.attached.add(cardId);
    const country = (): Country => this.o.config()?.site.country ?? 'fr';
    const mine = <T>(slots: Slot<T>[]): Slot<T>[] => slots.filter((s) => s.card === cardId);
    mine(this.fxs).forEach((slot, i) => {
      let port;
      try {
        port = card.fxs(i + 1);
      } catch {
        this.o.log.error({ card: cardId, fxs: i + 1 }, 'the board declares an FXS port the card does not have');
        return;
      }
      slot.ctl = new FxsExtension({
        port, clock: this.o.clock, log: this.o.log, router: this.o.router, country,
        ...(this.o.ringCadence ? { ringCadence: this.o.ringCadence } : {}),
        ...(this.o.digitTimeouts ? { timeouts: this.o.digitTimeouts } : {}),
      });
      slot.ctl.on('state', () => this.publish('fxs', slot));
    });
    mine(this.fxo).forEach((slot, i) => {
      let port;
      try {
        port = card.fxo(i + 1);
      } catch {
        this.o.log.error({ card: cardId, fxo: i + 1 }, 'the board declares an FXO port the card does not have');
        return;
      }
      slot.ctl = new FxoLine({
        port, clock: this.o.clock, log: this.o.log, router: this.o.router, country,
        inboundRoute: (name) => inboundRouteFor(this.o.config(), name),
        ...(this.o.fxoTiming ? { timing: this.o.fxoTiming } : {}),
      });
      slot.ctl.on('state', () => this.publish('fxo', slot));
    });
    const cfg = this.o.config();
    if (cfg) this.applyConfig(cfg);
  }

  /** Assign ports to employees and lines from a configuration snapshot. */
  applyConfig(config: Readonly<Config>): void {
    for (const slot of this.fxs) {
      const e = config.employees.find((x) => x.devices.some((d) => d.type === 'fxs' && d.port === slot.port));
      slot.ctl?.assign(e ? { number: e.extension, name: e.name } : undefined);
      // An analog door station whose button lifts its line: a hot line to the door (src/doors).
      const door = config.doors?.find((d) => 'fxs' in d.button && d.button.fxs === slot.port);
      slot.ctl?.setHotline(door ? door.name : undefined);
    }
    for (const slot of this.fxo) slot.ctl?.assign(config.lines.find((l) => l.port === slot.port)?.name);
  }

  /** The card's link went down or came back. Coming back clears port faults. */
  setCardOnline(cardId: string, online: boolean): void {
    for (const slot of [...this.fxs, ...this.fxo]) {
      if (slot.card !== cardId) continue;
      if (online) slot.fault = false;
      slot.ctl?.setOnline(online);
    }
  }

  /** The card reported a fault on one port (index 0-based on the card), or on all of them. */
  portFault(cardId: string, port: { kind: 'fxs' | 'fxo'; number: number } | undefined): void {
    for (const [kind, slots] of [['fxs', this.fxs], ['fxo', this.fxo]] as const) {
      for (const slot of slots as Slot<FxsExtension | FxoLine>[]) {
        if (slot.card !== cardId || !slot.ctl) continue;
        if (port && (port.kind !== kind || slot.ctl.port.number !== port.number)) continue;
        slot.fault = true;
        slot.ctl.setOnline(false);
        this.publish(kind, slot);
      }
    }
  }

  /** The core's factory of legs that ring an employee's analog phone. */
  readonly legFactory: DeviceLegFactory = {
    tech: 'fxs',
    legsFor: (_employee, device, purpose): Channel[] => {
      if (device.type !== 'fxs') return [];
      const slot = this.fxs[device.port - 1];
      if (!slot?.ctl || slot.fault || slot.ctl.state === 'offline') return [];
      return [slot.ctl.offer(purpose)];
    },
    reachable: (_employee, device): boolean => {
      const slot = device.type === 'fxs' ? this.fxs[device.port - 1] : undefined;
      return !!slot?.ctl && !slot.fault && slot.ctl.state !== 'offline';
    },
  };

  /** The city lines, for outside calls: by name for the trunk groups, or the first free configured line. */
  readonly outsideLines: OutsideLineProvider = {
    lines: (): OutsideLine[] =>
      this.fxo.flatMap((slot) => (slot.fault || !slot.ctl?.name ? [] : [fxoOutsideLine(slot.ctl, slot.ctl.name, this.o.config, this.o.log)])),
    seize: (number: string, _caller: Party): Channel | undefined => {
      for (const slot of this.fxo) {
        if (slot.fault || !slot.ctl?.free) continue;
        const leg = slot.ctl.seizeFor(number);
        if (leg) return leg;
      }
      return undefined;
    },
  };

  /** The FXS extension on board-wide port `n` (tests, MWI). */
  extension(n: number): FxsExtension | undefined {
    return this.fxs[n - 1]?.ctl;
  }

  line(n: number): FxoLine | undefined {
    return this.fxo[n - 1]?.ctl;
  }

  /** Every declared port with its state. */
  ports(): PortView[] {
    return [...this.fxs.map((s) => this.view('fxs', s)), ...this.fxo.map((s) => this.view('fxo', s))];
  }

  close(): void {
    for (const slot of [...this.fxs, ...this.fxo]) slot.ctl?.dispose();
  }

  private view(kind: 'fxs' | 'fxo', slot: Slot<FxsExtension | FxoLine>): PortView {
    const ctl = slot.ctl;
    const assigned = ctl instanceof FxsExtension ? ctl.owner?.number : ctl?.name;
    const peer = ctl?.peer;
    const v: PortView = {
      kind, port: slot.port, card: slot.card,
      assigned: assigned ?? this.assignedFromConfig(kind, slot.port),
      state: slot.fault ? 'fault' : (ctl?.state ?? 'offline'),
      peer: peer ? { number: peer.number, ...(peer.name ? { name: peer.name } : {}) } : null,
    };
    if (ctl instanceof FxsExtension && ctl.held) v.held = true;
    return v;
  }

  /** Before the card came online the configuration still says who the port is for. */
  private assignedFromConfig(kind: 'fxs' | 'fxo', port: number): string | null {
    const c = this.o.config();
    if (!c) return null;
    if (kind === 'fxo') return c.lines.find((l) => l.port === port)?.name ?? null;
    return c.employees.find((e) => e.devices.some((d) => d.type === 'fxs' && d.port === port))?.extension ?? null;
  }

  private publish(kind: 'fxs' | 'fxo', slot: Slot<FxsExtension | FxoLine>): void {
    this.o.onPortState?.(this.view(kind, slot));
  }
}
