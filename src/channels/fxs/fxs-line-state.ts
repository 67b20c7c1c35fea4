/**
 * The line state of an FXS port's telephone (fxs-extension.ts), with its transitions: kept
 * apart so the table can be read (and tested) without the extension's call handling.
 */
import type { TransitionTable } from '../../../common/state-machine.js';

/**
 * What the telephone on the port is doing.
 *
 * - `idle` (on-hook) → `dialing` (lifted) | `ringing` (a call is offered) | `talking` (a page to a
 *   loudspeaker port: its audio opens without ringing) | `tone` | `offline`
 * - `dialing` (dial tone, collecting digits) → `calling` (number complete) | `tone` (invalid, timeout) | `idle` (hung up) | `offline`
 * - `calling` (the call is routed; ringback) → `talking` (answered) | `tone` (refused, ended) | `idle` | `offline`
 * - `ringing` (the phone rings) → `talking` (lifted) | `idle` (the caller gave up) | `offline`
 * - `talking` (one or two calls) → `tone` (the last call ended) | `idle` (hung up; a page ended) | `offline`
 * - `tone` (busy or reorder tone until the phone is hung up) → `idle` | `offline`
 * - `offline` (the card is gone) → `idle` | `tone` (back with the phone off-hook: hang up first)
 */
export type FxsLineState = 'idle' | 'dialing' | 'calling' | 'ringing' | 'talking' | 'tone' | 'offline';

export const FXS_LINE_TRANSITIONS: TransitionTable<FxsLineState> = {
  idle: ['dialing', 'ringing', 'talking', 'tone', 'offline'],
  dialing: ['calling', 'tone', 'idle', 'offline'],
  calling: ['talking', 'tone', 'idle', 'offline'],
  ringing: ['talking', 'idle', 'offline'],
  talking: ['tone', 'idle', 'offline'],
  tone: ['idle', 'offline'],
  offline: ['idle', 'tone'],
};
