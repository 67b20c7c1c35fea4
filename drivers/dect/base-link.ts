/**
 * The host's link to one DECT base over its serial port (PROTOCOL.md §1): open, hello,
 * heartbeat, silence detection, reopen with backoff, the reliable command channel, and the
 * base's reliable events acked and applied once (the serial port itself and its reopening
 * are drivers/serial-connection.ts's). What the messages mean is DectDriver's job.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { encodeFrame, type FramingStats } from '../linecard/framing.js';
import { SerialConnection } from '../serial-connection.js';
import { AckStatus, decodeMessage, encodeMessage, isReliable, PROTOCOL_VERSION, type Message, type ReliableMessage, type Unnumbered } from './messages.js';
import { BaseUnavailableError, ReliableChannel } from './reliable.js';

export const DEFAULT_TIMING = { heartbeatMs: 250, helloRetryMs: 250, silenceTimeoutMs: 1000, ackTimeoutMs: 100, maxTransmissions: 5, reopenMinMs: 100, reopenMaxMs: 500 };
export type LinkTiming = typeof DEFAULT_TIMING;

export type HelloMessage = Extract<Message, { type: 'hello' }>;

export interface BaseLinkHandlers {
  hello(m: HelloMessage): void;
  offline(reason: string): void;
  /** A reliable event, applied once; returns the ACK status. */
  event(m: ReliableMessage): number;
  audio(bearer: number, frameNo: number, samples: Uint8Array): void;
}

export class BaseLink {
  online = false;
  private readonly serial: SerialConnection;
  private closed = false;
  private lastRx = 0;
  private lastApplied: number | undefined;
  private lastStatus: number = AckStatus.Ok;
  private timers: { heartbeat?: TimerHandle; hello?: TimerHandle } = {};
  private readonly reliable: ReliableChannel;
  private readonly startedAt: number;
  readonly stats: FramingStats & { retransmissions: number; reconnects: number; malformed: number } = { frames: 0, crcErrors: 0, framingErrors: 0, retransmissions: 0, reconnects: 0, malformed: 0 };

  constructor(
    readonly path: string,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly t: LinkTiming,
    private readonly on: BaseLinkHandlers,
  ) {
    this.serial = new SerialConnection({
      path,
      baudRate: 3_000_000,
      clock,
      timing: t,
      stats: this.stats,
      onBody: (body) => this.onBody(body),
      onOpen: () => {
        this.lastRx = this.clock.monotonic();
        this.sayHello();
      },
      onLost: (reason) => this.linkLost(reason),
    });
    this.startedAt = clock.monotonic();
    this.reliable = new ReliableChannel(clock, t, (f) => this.writeFrame(f), () => this.online);
  }

  start(): void {
    this.timers.heartbeat = this.clock.setInterval(() => this.tick(), this.t.heartbeatMs);
    this.connect();
  }

  /** Send a reliable command; resolves with the base's ACK status. */
  command(m: Unnumbered): Promise<number> {
    if (this.closed) return Promise.reject(new BaseUnavailableError('DECT driver closed'));
    if (!this.online) return Promise.reject(new BaseUnavailableError(`base on ${this.path} offline`));
    return this.reliable.send(m);
  }

  sendAudio(bearer: number, frameNo: number, samples: Uint8Array): void {
    if (this.online) this.write({ type: 'audio', seq: frameNo & 0xff, bearer, samples });
  }

  /** Framing counters of the current connection plus those of every earlier one. */
  counters(): FramingStats & { retransmissions: number; reconnects: number; malformed: number } {
    const d = this.serial.liveStats;
    return { ...this.stats, frames: this.stats.frames + d.frames, crcErrors: this.stats.crcErrors + d.crcErrors, framingErrors: this.stats.framingErrors + d.framingErrors, retransmissions: this.reliable.retransmissions };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.online = false;
    for (const k of ['heartbeat', 'hello'] as const) this.clock.clearTimeout(this.timers[k]);
    this.serial.stop();
    this.reliable.failAll(new BaseUnavailableError('DECT driver closed'));
    await this.serial.drop();
  }

  private connect(): void {
    if (this.closed) return;
    this.serial.connect();
  }

  private sayHello(): void {
    this.clock.clearTimeout(this.timers.hello);
    if (this.online || this.closed || !this.serial.isOpen) return;
    this.write({ type: 'hostHello', seq: 0, version: PROTOCOL_VERSION });
    this.timers.hello = this.clock.setTimeout(() => this.sayHello(), this.t.helloRetryMs);
  }

  private linkLost(reason: string): void {
    if (this.closed) return;
    const wasOnline = this.online;
    this.online = false;
    this.clock.clearTimeout(this.timers.hello);
    this.reliable.failAll(new BaseUnavailableError(`base offline: ${reason}`));
    void this.serial.drop();
    if (wasOnline) {
      this.log.warn({ path: this.path, reason }, 'DECT base link lost');
      this.serial.resetBackoff();
      this.on.offline(reason);
    }
    this.serial.scheduleReopen();
  }

  private tick(): void {
    if (!this.serial.isOpen) return;
    this.write({ type: 'heartbeat', seq: 0, uptimeMs: Math.floor(this.clock.monotonic() - this.startedAt) >>> 0 });
    if (this.clock.monotonic() - this.lastRx > this.t.silenceTimeoutMs) this.linkLost('no heartbeat from the base');
  }

  private write(m: Message): void {
    this.writeFrame(encodeFrame(encodeMessage(m)));
  }

  private writeFrame(frame: Buffer): void {
    this.serial.write(frame);
  }

  private onBody(body: Buffer): void {
    let m: Message;
    try {
      m = decodeMessage(body);
    } catch (err) {
      this.stats.malformed++;
      this.log.debug({ err, path: this.path }, 'undecodable DECT frame dropped');
      return;
    }
    this.lastRx = this.clock.monotonic();
    if (m.type === 'hello') {
      if (m.version !== PROTOCOL_VERSION) {
        this.log.error({ version: m.version, path: this.path }, 'DECT base speaks another protocol version; staying offline');
        return;
      }
      this.clock.clearTimeout(this.timers.hello);
      this.reliable.restart();
      this.lastApplied = undefined;
      this.online = true;
      this.serial.resetBackoff();
      this.on.hello(m);
      this.reliable.pump();
      return;
    }
    if (m.type === 'ack') return this.reliable.onAck(m.ackedSeq, m.status);
    if (m.type === 'heartbeat' || !this.online) return;
    if (m.type === 'audio') return this.on.audio(m.bearer, m.seq, m.samples);
    if (!isReliable(m)) return;
    // Ack everything, apply once; a retransmission gets the same answer (PROTOCOL.md §1).
    const status = m.seq === this.lastApplied ? this.lastStatus : this.on.event(m);
    this.write({ type: 'ack', seq: 0, ackedSeq: m.seq, status });
    this.lastApplied = m.seq;
    this.lastStatus = status;
  }
}
