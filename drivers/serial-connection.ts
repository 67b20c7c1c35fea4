/**
 * The serial side of a device link (LineCardDriver, the DECT BaseLink): one serial port and
 * its frame decoder at a time, framing counters summed over every connection, and reopening
 * with exponential backoff after the link was lost. What the frames mean, hellos, heartbeats
 * and when the link counts as lost are the driver's.
 */
import { SerialPort } from 'serialport';
import type { Clock, TimerHandle } from '../common/clock.js';
import { FrameDecoder, type FramingStats } from './linecard/framing.js';

export interface SerialConnectionOptions {
  path: string;
  baudRate: number;
  clock: Clock;
  timing: { reopenMinMs: number; reopenMaxMs: number };
  /** The driver's counters: the framing counters of each closed connection and every reopen are added to them. */
  stats: FramingStats & { reconnects: number };
  /** One frame's body. */
  onBody(body: Buffer): void;
  /** The port is open and its frames are decoded. */
  onOpen(): void;
  /** The current port failed, closed or could not be opened. */
  onLost(reason: string): void;
}

export class SerialConnection {
  private serial: SerialPort | undefined;
  private decoder: FrameDecoder | undefined;
  private stopped = false;
  private reopenDelay: number;
  private reopenTimer: TimerHandle | undefined;

  constructor(private readonly o: SerialConnectionOptions) {
    this.reopenDelay = o.timing.reopenMinMs;
  }

  get isOpen(): boolean {
    return this.serial?.isOpen === true;
  }

  /** The framing counters of the current connection only (not yet added to `stats`). */
  get liveStats(): FramingStats {
    return this.decoder?.stats ?? { frames: 0, crcErrors: 0, framingErrors: 0 };
  }

  connect(): void {
    if (this.stopped) return;
    const serial = new SerialPort({ path: this.o.path, baudRate: this.o.baudRate, autoOpen: false });
    const decoder = new FrameDecoder();
    this.serial = serial;
    this.decoder = decoder;
    const lost = (reason: string): void => {
      if (serial === this.serial) this.o.onLost(reason);
    };
    serial.on('error', (err) => lost(`serial error: ${err.message}`));
    serial.on('close', () => lost('serial port closed'));
    decoder.on('data', (body: Buffer) => this.o.onBody(body));
    serial.open((err) => {
      if (serial !== this.serial) return;
      if (err) return lost(`cannot open ${this.o.path}: ${err.message}`);
      serial.pipe(decoder);
      this.o.onOpen();
    });
  }

  write(frame: Buffer): void {
    if (this.serial?.isOpen) this.serial.write(frame);
  }

  /** The link works again: the next loss reopens after the shortest delay. */
  resetBackoff(): void {
    this.reopenDelay = this.o.timing.reopenMinMs;
  }

  /** Reopen after the current delay, which doubles (up to reopenMaxMs) for the next time. */
  scheduleReopen(): void {
    this.o.clock.clearTimeout(this.reopenTimer);
    this.reopenTimer = this.o.clock.setTimeout(() => {
      this.o.stats.reconnects++;
      this.connect();
    }, this.reopenDelay);
    this.reopenDelay = Math.min(this.o.timing.reopenMaxMs, this.reopenDelay * 2);
  }

  /** No more reopening (the driver is closing). */
  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.reopenTimer);
  }

  /** Let the current port go: its counters are added to `stats`, it is closed. */
  async drop(): Promise<void> {
    const serial = this.serial;
    const decoder = this.decoder;
    this.serial = undefined;
    this.decoder = undefined;
    if (decoder) {
      this.o.stats.frames += decoder.stats.frames;
      this.o.stats.crcErrors += decoder.stats.crcErrors;
      this.o.stats.framingErrors += decoder.stats.framingErrors;
      decoder.removeAllListeners('data');
    }
    if (serial) {
      serial.unpipe();
      serial.removeAllListeners();
      serial.on('error', () => {}); // late errors from a port we gave up on
      if (serial.isOpen) await new Promise<void>((r) => serial.close(() => r()));
    }
  }
}
