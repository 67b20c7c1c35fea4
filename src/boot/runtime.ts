/**
 * What each boot layer receives: the shared services of a running exchange. A layer
 * (line cards, SIP, …) is a function `(rt) => Promise<void>` that starts its part and
 * registers how to stop it with `rt.onClose`; shutdown runs those in reverse order.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Board } from './board.js';
import type { ConfigService } from '../core/config-service.js';
import type { EventBus } from '../core/events.js';
import type { Switch } from '../core/switch.js';
import type { MailboxCounts } from '../core/office-services.js';
import type { Channel } from '../channels/channel.js';
import type { Simulator } from '../api/routes/sim.js';

export interface Runtime {
  clock: Clock;
  log: Logger;
  events: EventBus;
  board: Board;
  config: ConfigService;
  switch: Switch;
  /** Addresses to bind (from the command line / environment). */
  bind: string;
  /** The address to advertise instead of the local one (--advertise, else the board's network.advertise). */
  advertise?: string;
  sipPort: number;
  /** The trusted front proxy (Kamailio, --front-proxy): registrar for the phones, trusted by address (channels/sip/front-proxy.ts). */
  frontProxy?: { address: string; port: number };
  /** The analog ports (boot/linecards.ts): an FXS door station's port is rung through them. */
  analog?: { extension(port: number): { offer(): Channel } | undefined };
  /** The simulator of the emulated hardware (sim boards only, boot/linecards.ts). */
  simulator?: Simulator;
  /** The mailboxes' counts, for the message-waiting lamps (SIP NOTIFY, analog VMWI). */
  mailboxes?: MailboxCounts;
  /** API routes a layer contributes (the simulator panel, the lines view); registered before listening. */
  routes: Array<(app: FastifyInstance) => void>;
  /**
   * Counters a layer exposes for introspection (what it holds now: transactions, dialogs,
   * RTP legs …), read by Exchange.stats(); not an API route (bench/soak asks over IPC).
   */
  stats: Record<string, () => Record<string, number>>;
  /** Register a shutdown step; steps run in reverse order of registration. */
  onClose(step: () => Promise<void> | void): void;
  /**
   * Register a wait for the signalling that ending the calls sent (BYE, CANCEL answered).
   * Shutdown ends every call, runs these together, bounded by {@link SHUTDOWN_GRACE_MS},
   * and only then the onClose steps (transports, media workers, drivers).
   */
  onDrain(step: (maxMs: number) => Promise<void>): void;
  /** The SIP trunks' states for GET /api/lines (set by boot/trunks.ts). */
  trunkViews?: () => unknown[];
}

/** Longest a shutdown waits for the BYEs and CANCELs of the calls it ended to be answered. */
export const SHUTDOWN_GRACE_MS = 2000;
