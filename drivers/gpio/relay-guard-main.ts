/**
 * The relay guard: a tiny process of its own that owns the GPIO lines of the door relays, so
 * that a relay is never left energised by a fault of the exchange (issue 17, "Fail-safe by
 * design"). The exchange (drivers/gpio/relay-guard.ts) talks to it over its stdin/stdout and
 * sends a heartbeat every 100 ms. Every relay goes to rest (de-energised):
 * - at start, before the guard says it is ready (boot);
 * - when a pulse's time is up — timed here, so a pulse ends even if the exchange hangs;
 * - when no line came from the exchange for `watchdog_ms` (its main loop is blocked: a hang);
 * - when its stdin closes (the exchange exited or was killed: the pipe's other end is gone);
 * - on SIGTERM/SIGINT and on any error in this process, before it exits.
 * It does nothing else, imports nothing but node's own modules and the GPIO lines (line.ts:
 * sysfs.ts, or the onoff package when the board names it), and never
 * trusts a command beyond what the board declared (relay names, pulse ≤ 30 s).
 *
 *   node relay-guard.js '<json: {root, emulated, watchdog_ms, relays:[{name,gpio,active_low,backend}]}>'
 *
 * Lines in (JSON): {"op":"hb"} | {"op":"set","relay":N,"on":bool} | {"op":"pulse","relay":N,"ms":n}
 * Lines out (JSON): {"ev":"ready"} | {"ev":"state","relay":N,"on":bool,"why":…} | {"ev":"error","message":…}
 */
import { createInterface } from 'node:readline';
import { openGpioLine, type GpioBackend, type GpioLine } from './line.js';

interface GuardConfig {
  root: string;
  emulated: boolean;
  watchdog_ms: number;
  relays: Array<{ name: string; gpio: number; active_low: boolean; backend?: GpioBackend }>;
}

/** The longest pulse the guard accepts, whatever it is asked (the 1–30 s). */
const MAX_PULSE_MS = 30_000;

const config = JSON.parse(process.argv[2] ?? '{}') as GuardConfig;
const say = (m: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(m)}\n`);

interface Line {
  line: GpioLine;
  on: boolean;
  until: ReturnType<typeof setTimeout> | undefined;
}
const lines = new Map<string, Line>();

function set(name: string, l: Line, on: boolean, why: string): void {
  clearTimeout(l.until);
  l.until = undefined;
  l.line.write(on);
  if (l.on !== on) say({ ev: 'state', relay: name, on, why });
  l.on = on;
}

/** Every relay to rest, synchronously: the one thing that must happen on any way out. */
function restAll(why: string): void {
  for (const [name, l] of lines) {
    try {
      set(name, l, false, why);
    } catch (err) {
      say({ ev: 'error', message: `${name}: ${(err as Error).message}` });
    }
  }
}

function exit(code: number, why: string): never {
  restAll(why);
  process.exit(code);
}

process.on('uncaughtException', (err) => {
  say({ ev: 'error', message: err.message });
  exit(1, 'exchange-gone');
});
process.on('SIGTERM', () => exit(0, 'exchange-gone'));
process.on('SIGINT', () => exit(0, 'exchange-gone'));

for (const r of config.relays ?? []) {
  // Output at rest from the first write: `low` as the direction sets the level and the
  // direction at once, so the pin never shows the energised level while being configured.
  lines.set(r.name, { line: openGpioLine({ backend: r.backend ?? 'sysfs', root: config.root, gpio: r.gpio, direction: 'out', activeLow: r.active_low, initial: false, emulated: config.emulated }), on: false, until: undefined });
}

let lastHeard = Date.now();
let watchdogFired = false;
// Real time on purpose: the watchdog is about this process's own view of the exchange.
setInterval(() => {
  if (Date.now() - lastHeard <= config.watchdog_ms || watchdogFired) return;
  watchdogFired = true;
  restAll('watchdog');
}, Math.max(10, Math.floor(config.watchdog_ms / 5)));

function command(m: { op?: unknown; relay?: unknown; on?: unknown; ms?: unknown }): void {
  if (m.op === 'hb') return;
  const l = typeof m.relay === 'string' ? lines.get(m.relay) : undefined;
  if (!l) return say({ ev: 'error', message: `no relay ${JSON.stringify(m.relay)}` });
  const name = m.relay as string;
  if (m.op === 'set' && typeof m.on === 'boolean') return set(name, l, m.on, 'set');
  if (m.op === 'pulse' && typeof m.ms === 'number' && m.ms > 0) {
    set(name, l, true, 'pulse');
    l.until = setTimeout(() => set(name, l, false, 'pulse-end'), Math.min(m.ms, MAX_PULSE_MS));
    return;
  }
  say({ ev: 'error', message: `bad command ${JSON.stringify(m)}` });
}

const input = createInterface({ input: process.stdin });
input.on('line', (text) => {
  lastHeard = Date.now();
  watchdogFired = false;
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return say({ ev: 'error', message: 'not JSON' });
  }
  if (typeof m === 'object' && m !== null) command(m as Record<string, unknown>);
});
// The exchange is gone (exited, crashed, SIGKILLed): its end of the pipe closed.
input.on('close', () => exit(0, 'exchange-gone'));

say({ ev: 'ready' });
