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
}

/** Longest a shutdown waits for the BYEs and CANCELs of the calls it ended to be answered. */
export const SHUTDOWN_GRACE_MS = 2000;
