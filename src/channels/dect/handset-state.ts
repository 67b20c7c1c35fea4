/** The state machine of a DECT handset's line (handset-line.ts). */
import type { TransitionTable } from '../../../common/state-machine.js';

/**
 * What the handset is doing.
 *
 * - `idle` → `connecting` (talk pressed) | `ringing` (paged)
 * - `connecting` (bearer being set up) → `dialing` | `idle` (no base took it, or hung up)
 * - `dialing` (dial tone, digits) → `calling` | `tone` | `idle`
 * - `calling` (routed; ringback) → `talking` | `tone` | `idle`
 * - `ringing` (paged) → `answering` (talk pressed) | `idle` (the caller gave up, rejected)
 * - `answering` (bearer being set up) → `talking` | `idle`
 * - `talking` → `tone` (the call ended under it: failed, or lost) | `idle`
 * - `tone` (busy or reorder for a while, then the bearer is released) → `idle`
 */
export type HandsetState = 'idle' | 'connecting' | 'dialing' | 'calling' | 'ringing' | 'answering' | 'talking' | 'tone';

export const HANDSET_TRANSITIONS: TransitionTable<HandsetState> = {
  idle: ['connecting', 'ringing'],
  connecting: ['dialing', 'idle'],
  dialing: ['calling', 'tone', 'idle'],
  calling: ['talking', 'tone', 'idle'],
  ringing: ['answering', 'idle'],
  answering: ['talking', 'idle'],
  talking: ['tone', 'idle'],
  tone: ['idle'],
};
