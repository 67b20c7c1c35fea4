/**
 * Boards are data (as Zephyr's): a YAML file says which card sits on which serial port,
 * which GPIO pin drives the door relay, what each device must report. The file is
 * validated at boot; a wrong board stops the start with the key and the reason, before
 * any device is touched.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ConfigError } from '../../common/errors.js';
import { GPIO_BACKENDS } from '../../drivers/gpio/line.js';
import { parseYaml } from '../config/yaml.js';
import { formatPath } from '../config/validate.js';
import { DEFAULT_RTP_PORTS } from '../media/rtp/udp-pair.js';

const serialLink = z
  .object({
    /** Serial device of a real card (`/dev/ttyACM0`), or absent with `emulator`. */
    path: z.string().startsWith('/dev/', 'must be a device path such as /dev/ttyACM0').optional(),
    baud: z.number().int().positive().default(3_000_000),
    /** Run the device's emulator in a separate process behind a pty instead of a real card. */
    emulator: z.boolean().default(false),
  })
  .strict();

export const lineCardSchema = serialLink
  .extend({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    /** The ports the card must report in its hello; a card that reports fewer is a fault. */
    fxo: z.number().int().min(0).max(16),
    fxs: z.number().int().min(0).max(32),
  })
  .strict()
  .refine((c) => c.emulator !== (c.path !== undefined), { message: 'give either path (a real card) or emulator: true' });

/** What every GPIO line of the board has, a relay's or an input's. */
const gpioLineFields = {
  name: z.string().min(1).max(40),
  /** GPIO line number (sysfs numbering); with `emulator`, the line of the emulated tree. */
  gpio: z.number().int().min(0).max(1023),
  /** The line is emulated (the sim board): a sysfs-like tree in the data folder. */
  emulator: z.boolean().default(false),
  active_low: z.boolean().default(false),
};

/**
 * A relay of the board (the door lock's): energised only while it opens the lock, at rest
 * (de-energised) otherwise — at boot, on exit, when the exchange crashes or hangs (the relay
 * guard, drivers/gpio/relay-guard-main.ts). `wiring` says what the lock does without power:
 * `fail_secure` stays locked (most entry doors: an electric strike on the relay's normally
 * open contact), `fail_safe` opens (a magnetic lock on an escape route, fed through the
 * normally closed contact). board/README.md shows both.
 */
export const relaySchema = z
  .object({
    ...gpioLineFields,
    /** The relay's contact at rest (informational, for the installer's wiring). */
    safe_state: z.enum(['open', 'closed']).default('open'),
    wiring: z.enum(['fail_secure', 'fail_safe']).default('fail_secure'),
    /** How the line is driven on a real board: our sysfs code (default) or the onoff package (drivers/gpio/line.ts). */
    backend: z.enum(GPIO_BACKENDS).default('sysfs'),
  })
  .strict();

/** A digital input of the board (door button, door contact), debounced by the exchange. */
export const inputSchema = z
  .object({
    ...gpioLineFields,
    debounce_ms: z.number().int().min(1).max(1000).default(50),
    backend: z.enum(GPIO_BACKENDS).default('sysfs'),
  })
  .strict();

/**
 * The media plane on this board (docs/PERFORMANCE.md, Media): worker threads that relay
 * RTP, their scheduling priority, and the UDP ports RTP may use (for the firewall).
 */
export const mediaSchema = z
  .object({
    /** Media worker threads; default one per core (measured: 2 on 2 cores carry 500 relayed calls). */
    workers: z.number().int().min(1).max(64).optional(),
    /**
     * Legs (two per relayed call) every running media worker carries before another is
     * started: a small office's calls share one worker thread and the idle box keeps one
     * worker's memory; busier traffic spreads over up to `workers` threads.
     */
    legs_per_worker: z.number().int().min(1).max(10_000).default(64),
    /**
     * Seconds a media worker may host nothing before it is stopped (0: never): an exchange
     * idle since its last call then holds no worker's memory; the next call starts one.
     */
    worker_idle_stop_s: z.number().int().min(0).max(86_400).default(600),
    /**
     * Nice value of the media threads (−20 highest … 19): ahead of everything else on the
     * box, as Asterisk's -p. Needs CAP_SYS_NICE; without it they run at normal priority.
     */
    nice: z.number().int().min(-20).max(19).default(-10),
    /** Inclusive UDP range for RTP/RTCP pairs (RTP on the even port). */
    rtp_ports: z
      .object({ min: z.number().int().min(1024).max(65534), max: z.number().int().min(1025).max(65535) })
      .strict()
      .refine((r) => r.max - r.min >= 3, { message: 'needs room for at least two RTP/RTCP pairs (max − min ≥ 3)' })
      .default({ ...DEFAULT_RTP_PORTS }),
    /**
     * Dead-call detection: a call whose phone sent no RTP and no RTCP for this many seconds
     * while not on hold is ended (BYE, cause `failure`). 0 turns it off.
     */
    rtp_timeout_s: z.number().int().min(0).max(3600).default(60),
    /**
     * Conference members the board mixes at once, across every room and three-way call
     * (the mixer's CPU budget). A caller beyond it hears "the conference is full".
     */
    conference_max: z.number().int().min(3).max(512).default(30),
  })
  .strict();

/** How the box sits on its network (README, "On a LAN"). */
export const networkSchema = z
  .object({
    /**
     * The address phones reach the box at, written in Via, Contact and SDP `c=` instead of
     * the local one: a NAT's public address, or the LAN address when the box sits behind a
     * port forward. Default: the local address towards each phone.
     */
    advertise: z.ipv4().or(z.ipv6()).optional(),
  })
  .strict();

/** An IPEI as printed on a handset (`0077A 1234567`) or without its space. */
const ipeiSchema = z.string().regex(/^[0-9A-Fa-f]{5} ?[0-9]{7}$/, 'must be an IPEI like "0077A 1234567"');

/**
 * A DECT base station (radio fixed part) of the board's multi-cell system (issue 16,
 * drivers/dect/PROTOCOL.md): one serial link per base, as a line card's. Its rpn is its
 * place in the list (1, 2, …). `x`/`y` place it on the floor plan, in metres: the site
 * survey's coverage map, and the emulator's radio model on a sim board.
 */
export const dectBaseSchema = serialLink
  .extend({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    x: z.number().min(-10_000).max(10_000).default(0),
    y: z.number().min(-10_000).max(10_000).default(0),
  })
  .strict()
  .refine((c) => c.emulator !== (c.path !== undefined), { message: 'give either path (a real base) or emulator: true' });

/** A handset of the emulated radio world (sim boards): subscribed from the start, standing at x, y. */
export const emulatedHandsetSchema = z.object({ ipei: ipeiSchema, x: z.number().default(0), y: z.number().default(0) }).strict();

export const dectBoardSchema = z
  .object({
    bases: z.array(dectBaseSchema).max(32).default([]),
    /** Handsets of the emulator's world (needs emulated bases); real handsets subscribe over the air. */
    emulated_handsets: z.array(emulatedHandsetSchema).max(64).default([]),
    /** Simultaneous calls each emulated base carries (8 narrowband is typical). */
    emulated_capacity: z.number().int().min(1).max(12).default(8),
  })
  .strict();

export const boardSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    description: z.string().default(''),
    /** The simulator API (/api/sim) is served only on boards that say so. */
    simulator: z.boolean().default(false),
    linecards: z.array(lineCardSchema).default([]),
    relays: z.array(relaySchema).default([]),
    inputs: z.array(inputSchema).default([]),
    media: mediaSchema.prefault({}),
    network: networkSchema.prefault({}),
    /** DECT multi-cell (issue 16): the base stations and, on a sim board, the emulated handsets. */
    dect: dectBoardSchema.prefault({}),
  })
  .strict();

export type Board = z.output<typeof boardSchema>;

export function parseBoard(input: unknown, source: string): Board {
  const r = boardSchema.safeParse(input);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => ({ path: `${source}: ${formatPath(i.path)}`, message: i.message })));
  }
  const ids = new Set<string>();
  for (const [i, c] of r.data.linecards.entries()) {
    if (ids.has(c.id)) throw new ConfigError([{ path: `${source}: linecards[${i}].id`, message: `"${c.id}" is used twice` }]);
    ids.add(c.id);
  }
  const dectIds = new Set<string>();
  for (const [i, b] of r.data.dect.bases.entries()) {
    if (dectIds.has(b.id) || ids.has(b.id)) throw new ConfigError([{ path: `${source}: dect.bases[${i}].id`, message: `"${b.id}" is used twice` }]);
    dectIds.add(b.id);
  }
  const ipeis = new Set<string>();
  for (const [i, h] of r.data.dect.emulated_handsets.entries()) {
    const at = `${source}: dect.emulated_handsets[${i}]`;
    if (!r.data.dect.bases.some((b) => b.emulator)) throw new ConfigError([{ path: at, message: 'emulated handsets need at least one emulated base' }]);
    const ipei = h.ipei.replace(' ', '').toUpperCase();
    if (ipeis.has(ipei)) throw new ConfigError([{ path: `${at}.ipei`, message: `"${h.ipei}" is listed twice` }]);
    ipeis.add(ipei);
  }
  // GPIO: a name or a line used twice would drive one pin from two places.
  const names = new Map<string, string>();
  const lines = new Map<string, string>();
  for (const [key, list] of [['relays', r.data.relays], ['inputs', r.data.inputs]] as const) {
    for (const [i, g] of list.entries()) {
      const at = `${source}: ${key}[${i}]`;
      const line = `${g.emulator ? 'emulated ' : ''}GPIO ${g.gpio}`;
      if (g.emulator && g.backend !== 'sysfs') throw new ConfigError([{ path: `${at}.backend`, message: `an emulated line is a sysfs-like tree: backend "${g.backend}" drives real GPIO only` }]);
      if (names.has(g.name)) throw new ConfigError([{ path: `${at}.name`, message: `"${g.name}" is already ${names.get(g.name)}` }]);
      if (lines.has(line)) throw new ConfigError([{ path: `${at}.gpio`, message: `${line} is already ${lines.get(line)}` }]);
      names.set(g.name, `${key}[${i}]`);
      lines.set(line, `${key}[${i}] "${g.name}"`);
    }
  }
  return r.data;
}

/** Read and validate a board file. @throws ConfigError naming the file, key and reason. */
export function loadBoard(file: string): Board {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ path: file, message: `cannot read the board file (${(err as NodeJS.ErrnoException).code ?? err})` }]);
  }
  return parseBoard(parseYaml(text, file), file);
}
