/**
 * What the emulated card (card.ts) knows of each port: the telephone on an FXS port, the
 * city line on an FXO port, the sounds on it and what the host asked of it.
 */
import type { FskReceiver } from '../../linecard/fsk-callerid.js';
import type { CadencePlayer } from '../../linecard/sig-analog.js';
import type { Listener, ToneSource } from './audio.js';

/** Something that makes sound: a tone source, or a finite sample buffer. */
export type Sound = { tone: ToneSource } | { pcm: Int16Array; at: number };

export interface PortSim {
  index: number;
  kind: 'fxs' | 'fxo';
  number: number;
  fromHost: Int16Array[];
  cardTone: ToneSource | undefined;
  /** Samples the card itself puts on the line (caller-ID FSK or DTMF). */
  cardSamples: number[];
  listener: Listener;
  speech: Sound | undefined;
  // FXS: the telephone
  offHook: boolean;
  ring: CadencePlayer | undefined;
  /** The cadence of the ringing now (or last rung), as the host's RING gave it: what the phone's bell did. */
  ringCadence: number[] | undefined;
  callerId: Record<string, unknown> | undefined;
  mwi: boolean;
  rx: FskReceiver[];
  /**
   * A door station (or any auto-answering device) hangs on this port: it goes off-hook this
   * long after ringing starts, and back on-hook once it hears busy or congestion tone (the
   * exchange ended the call), as analog door stations with tone disconnect do.
   */
  autoAnswerMs: number | undefined;
  // FXO: the city line
  seized: boolean;
  lineRing: CadencePlayer | undefined;
  ringVoltage: boolean;
  dialled: string;
  answered: boolean;
  reversed: boolean;
  busy: boolean;
  /** The exchange's own tones on this line (dial tone until the first digit, busy after a hang-up). */
  lineTones: { dial: ToneSource; busy: ToneSource };
}
