/**
 * What DectDriver (driver.ts) is given and keeps: its options, the refusal a base answers
 * with, and its records of each base, bearer and handset.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { DectBase, DectBearerCause } from '../hal.js';
import type { LinkTiming } from './base-link.js';
import { AckStatus, BearerCause } from './messages.js';

/** A base refused a command (ACK status ≠ 0): at capacity, not synchronised, handset unknown… */
export class DectRefusedError extends Error {
  override readonly name = 'DectRefusedError';
  constructor(readonly command: string, readonly status: number, readonly rpn: number) {
    super(`DECT base ${rpn} refused ${command}: ${Object.keys(AckStatus).find((k) => AckStatus[k as keyof typeof AckStatus] === status) ?? status}`);
  }
}

export interface DectDriverOptions {
  /** One serial device per base (e.g. /dev/serial/by-id/…, or the emulator's paths). */
  paths: readonly string[];
  clock?: Clock;
  logger?: Logger;
  /** IPEIs already subscribed (from the store). */
  subscribed?: readonly string[];
  /** The installer's access code; without one, every subscription attempt is refused. */
  accessCode?: string;
  /** Failed access codes per handset before it is refused until the window reopens (default 5). */
  maxFailedCodes?: number;
  openTimeoutMs?: number;
  /** How long a base may take to bring a bearer up (default 1000 ms). */
  bearerTimeoutMs?: number;
  timing?: Partial<LinkTiming>;
}

export interface BaseState extends DectBase {
  rpn: number; online: boolean; synced: boolean; masterRpn: number | undefined; maxCalls: number; radioChannels: number; maxHandsets: number; firmware: string; calls: number;
  bootId: number | undefined;
}

export interface Bearer { id: number; rpn: number; up: boolean; waiting?: { resolve: () => void; reject: (e: Error) => void } }

export interface HandsetState {
  ipei: string;
  subscribed: boolean;
  baseId: number | undefined;
  bearers: Bearer[];
  active: number | undefined;
  uplinkLast: number | undefined;
  uplinkLost: number;
  downNo: number;
}

export const CAUSES: Record<number, DectBearerCause> = { [BearerCause.RadioLost]: 'radioLost', [BearerCause.SyncLost]: 'syncLost', [BearerCause.HungUp]: 'hungUp' };
