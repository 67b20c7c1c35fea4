/**
 * What a HandsetLine (handset-line.ts) is built with, and the events it emits.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { DectRadioSample, DectSystem } from '../../../drivers/hal.js';
import type { AnalogRouter } from '../analog/router.js';
import type { DigitTimeouts } from '../fxs/digit-collector.js';
import type { HandsetAudio } from './handset-media.js';
import type { HandsetState } from './handset-state.js';

export interface HandsetLineOptions {
  ipei: string;
  dect: DectSystem;
  audio: HandsetAudio;
  clock: Clock;
  log: Logger;
  router: AnalogRouter;
  /** The site's country (tone plan), read at each use. */
  country: () => string;
  /** The last radio report of the handset: which bases it hears. */
  heard: () => readonly DectRadioSample[];
  /** How long a call whose radio link is gone is kept (ms), and what the other party hears meanwhile. */
  outOfRangeHoldMs: () => number;
  outOfRangeAudio?: () => 'silence' | 'music';
  timeouts?: DigitTimeouts;
}

export interface HandsetLineEvents {
  state: [to: HandsetState];
  /** A call was released because its radio link was gone longer than the hold (an abnormal release). */
  callDropped: [];
}
