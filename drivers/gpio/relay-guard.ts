/**
 * The exchange's side of the relay guard (relay-guard-main.ts): starts the guard process,
 * keeps it fed with a heartbeat, and hands out one {@link Relay} per relay of the board.
 * A relay's `on` is what the guard reports, not what was asked: the guard may release it on
 * its own (pulse over, watchdog), and the door's state in the API follows the pin.
 *
 * The heartbeat runs on the real timers of this process, never on an injected clock: it
 * proves to the guard that this event loop turns, which a fake clock cannot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Relay, RelayChange, RelayEvents } from '../hal.js';
import type { GpioBackend } from './line.js';

export interface GuardedRelaySpec {
  name: string;
  gpio: number;
  activeLow: boolean;
  /** How the guard drives the line (default sysfs). */
  backend?: GpioBackend;
}

export interface RelayGuardOptions {
  /** `/sys/class/gpio`, or an emulated tree (the sim board's, a test's). */
  root: string;
  emulated: boolean;
  relays: GuardedRelaySpec[];
  /** No line from the exchange for this long and the guard releases every relay (default 500 ms). */
  watchdogMs?: number;
  /** Told about the guard's own errors and restarts (the exchange logs them). */
  onError?: (err: Error) => void;
}

const HEARTBEAT_MS = 100;
/** A guard that died unasked is started again after this long. */
const RESTART_MS = 1000;

const FROM_SOURCES = import.meta.url.endsWith('.ts');
const MAIN = new URL(FROM_SOURCES ? './relay-guard-main.ts' : './relay-guard.js', import.meta.url).pathname;
const CWD = new URL(FROM_SOURCES ? '../../' : './', import.meta.url).pathname;
const LOADER = FROM_SOURCES ? ['--import', 'tsx'] : [];

class GuardedRelay extends EventEmitter implements Relay {
  energised = false;
  constructor(readonly name: string, private readonly guard: RelayGuard) {
    super();
  }
  async set(energised: boolean): Promise<void> {
    await this.guard.send({ op: 'set', relay: this.name, on: energised });
  }
  async pulse(ms: number): Promise<void> {
    await this.guard.send({ op: 'pulse', relay: this.name, ms });
  }
  async close(): Promise<void> {
    await this.set(false);
  }
  /** The guard said so. */
  changed(energised: boolean, why: RelayChange): void {
    this.energised = energised;
    this.emit('change', energised, why);
  }
}
// The typed view of the emitter (node's EventEmitter is untyped).
interface GuardedRelay {
  emit<K extends keyof RelayEvents & string>(e: K, ...a: RelayEvents[K]): boolean;
}

export class RelayGuard {
  private child: ChildProcess | undefined;
  private readonly relays = new Map<string, GuardedRelay>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private closing = false;
  private ready: Promise<void> = Promise.resolve();

  private constructor(private readonly o: RelayGuardOptions) {
    for (const r of o.relays) this.relays.set(r.name, new GuardedRelay(r.name, this));
  }

  /** Start the guard; resolves once it has put every relay at rest. */
  static async start(o: RelayGuardOptions): Promise<RelayGuard> {
    const g = new RelayGuard(o);
    await g.spawn();
    g.heartbeat = setInterval(() => void g.send({ op: 'hb' }).catch(() => {}), HEARTBEAT_MS);
    g.heartbeat.unref();
    return g;
  }

  relay(name: string): Relay | undefined {
    return this.relays.get(name);
  }

  /** The guard's process id (tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async send(m: Record<string, unknown>): Promise<void> {
    await this.ready;
    const child = this.child;
    if (!child?.stdin?.writable) throw new Error('the relay guard is not running');
    child.stdin.write(`${JSON.stringify(m)}\n`);
  }

  /** Every relay to rest, then the guard exits (it also does when this process dies). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin?.end(); // the guard rests every relay when its stdin closes
    await gone;
  }

  private spawn(): Promise<void> {
    const config = { root: this.o.root, emulated: this.o.emulated, watchdog_ms: this.o.watchdogMs ?? 500, relays: this.o.relays.map((r) => ({ name: r.name, gpio: r.gpio, active_low: r.activeLow, backend: r.backend ?? 'sysfs' })) };
    const child = spawn(process.execPath, [...LOADER, MAIN, JSON.stringify(config)], { cwd: CWD, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    let started: () => void = () => {};
    this.ready = new Promise<void>((r) => (started = r));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let m: { ev?: string; relay?: string; on?: boolean; why?: RelayChange; message?: string };
      try {
        m = JSON.parse(line);
      } catch {
        return;
      }
      if (m.ev === 'ready') started();
      else if (m.ev === 'state' && m.relay) this.relays.get(m.relay)?.changed(!!m.on, m.why ?? 'set');
      else if (m.ev === 'error') this.o.onError?.(new Error(`relay guard: ${m.message}`));
    });
    child.once('exit', (code, signal) => {
      for (const r of this.relays.values()) if (r.energised) r.changed(false, 'exchange-gone');
      if (this.closing) return;
      const err = new Error(`relay guard exited (${signal ?? code}); restarting`);
      this.o.onError?.(err);
      for (const r of this.relays.values()) r.emit('fault', err);
      setTimeout(() => void this.spawn(), RESTART_MS).unref();
    });
    return this.ready;
  }
}
