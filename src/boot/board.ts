/**
 * Boards are data (as Zephyr's): a YAML file says which card sits on which serial port,
 * which GPIO pin drives the door relay, what each device must report. The file is
 * validated at boot; a wrong board stops the start with the key and the reason, before
 * any device is touched.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../common/errors.js';
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

export const relaySchema = z
  .object({
    name: z.string().min(1),
    /** GPIO line number (sysfs numbering), or absent with `emulator`. */
    gpio: z.number().int().min(0).optional(),
    emulator: z.boolean().default(false),
    active_low: z.boolean().default(false),
    /** The state the relay returns to at boot, on shutdown and on any fault. */
    safe_state: z.enum(['open', 'closed']).default('open'),
  })
  .strict()
  .refine((r) => r.emulator !== (r.gpio !== undefined), { message: 'give either gpio (a real pin) or emulator: true' });

/**
 * The media plane on this board (docs/PERFORMANCE.md, Media): worker threads that relay
 * RTP, their scheduling priority, and the UDP ports RTP may use (for the firewall).
 */
export const mediaSchema = z
  .object({
    /** Media worker threads; default one per core (measured: 2 on 2 cores carry 500 relayed calls). */
    workers: z.number().int().min(1).max(64).optional(),
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

export const boardSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    description: z.string().default(''),
    /** The simulator API (/api/sim) is served only on boards that say so. */
    simulator: z.boolean().default(false),
    linecards: z.array(lineCardSchema).default([]),
    relays: z.array(relaySchema).default([]),
    media: mediaSchema.prefault({}),
    network: networkSchema.prefault({}),
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
