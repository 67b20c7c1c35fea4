/**
 * LineCardDriver: the host side of PROTOCOL.md over a serial port (USB CDC or UART).
 *
 * Owns the link (open, hello, heartbeat, reconnect with backoff), the reliable command
 * channel (stop-and-wait, seq/ack/retry) and the ports. Knows nothing about extensions or
 * calls: it reports what the hardware did and does what it is told.
 */
import { SystemClock, type Clock, type TimerHandle } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../../common/log.js';
import type {
  AnalogPort, AudioFrame, CallerIdFormat, CardFault, CardInfo, CardStatus, FxoPort, FxsPort, LineCard, LineCardEvents,
} from '../hal.js';
import { TypedEmitter } from './emitter.js';
import { decode as decodeG711, encode as encodeG711, type G711Law } from '../../common/g711.js';
import { encodeFrame, type FramingStats } from './framing.js';
import { SerialConnection } from '../serial-connection.js';
import { AckStatus, decodeMessage, encodeMessage, FRAME_SAMPLES, isReliable, PROTOCOL_VERSION, SUPPORTED_CARD_VERSIONS, type Message, type ReliableMessage } from './messages.js';
import { CardUnavailableError, CommandRejectedError, ReliableSender } from './reliable.js';
import { FxoPortImpl, FxsPortImpl, type Command, type PortLink } from './ports.js';
import { RING_CADENCES, type HookTimingOptions, type RingDetectOptions } from './sig-analog.js';

export interface LineCardDriverOptions {
  /** Serial device, e.g. /dev/ttyACM0 or the emulator's pty path. */
  path: string;
  /** Default 3 000 000 (PROTOCOL.md §5 sizing). Ignored by USB CDC, used by UARTs. */
  baudRate?: number;
  clock?: Clock;
  logger?: Logger;
  /** Caller-ID / VMWI signalling on FXS ports (default 'etsi'). */
  callerIdFormat?: CallerIdFormat;
  /** Ring cadence when ring() gets none (default RING_CADENCES.FR). */
  defaultCadence?: readonly number[];
  hookTiming?: HookTimingOptions;
  ringDetect?: RingDetectOptions;
  /** open() rejects if the card is not online by then (default 5000 ms); reconnecting goes on. */
  openTimeoutMs?: number;
  /** Protocol timers (PROTOCOL.md §3–4); change only in tests. */
  timing?: Partial<typeof DEFAULT_TIMING>;
}

export const DEFAULT_TIMING = {
  heartbeatMs: 250,
  helloRetryMs: 250,
  silenceTimeoutMs: 1000,
  ackTimeoutMs: 100,
  maxTransmissions: 5,
  reopenMinMs: 100,
  reopenMaxMs: 500,
};

export { CardUnavailableError, CommandRejectedError };

/** The card's hello names its law as the wire protocol does; the codec names it as SDP does. */
const WIRE_LAW: Readonly<Record<'ulaw' | 'alaw', G711Law>> = { ulaw: 'PCMU', alaw: 'PCMA' };
const FAULT_CODES: Record<number, CardFault['code']> = { 1: 'overCurrent', 2: 'overTemperature', 3: 'ringGenerator' };

export class LineCardDriver extends TypedEmitter<LineCardEvents> implements LineCard {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly t: typeof DEFAULT_TIMING;
  private readonly serial: SerialConnection;
  private state: CardStatus = 'offline';
  private started = false;
  private cardInfo: CardInfo | undefined;
  private portList: Array<FxsPortImpl | FxoPortImpl> = [];
  private readonly portLink: PortLink;
  private readonly startedAt: number;
  private lastRx = 0;
  private timers: { heartbeat?: TimerHandle; hello?: TimerHandle } = {};
  private frameNo = new Map<number, number>();
  /** Reliable channel, host → card. */
  private readonly reliable: ReliableSender;
  // Reliable channel, card → host.
  private lastAppliedSeq: number | undefined;
  private waitingOpen: Array<{ resolve: (i: CardInfo) => void; reject: (e: Error) => void }> = [];
  /** Framing counters summed over every connection (diagnostics). */
  readonly stats: FramingStats & { retransmissions: number; reconnects: number } = { frames: 0, crcErrors: 0, framingErrors: 0, retransmissions: 0, reconnects: 0 };

  constructor(private readonly opts: LineCardDriverOptions) {
    super((err, ev) => this.log.error({ err, event: ev }, 'line card listener threw'));
    this.clock = opts.clock ?? new SystemClock();
    this.log = opts.logger ?? silentLogger();
    this.t = { ...DEFAULT_TIMING, ...opts.timing };
    this.serial = new SerialConnection({
      path: opts.path,
      baudRate: opts.baudRate ?? 3_000_000,
      clock: this.clock,
      timing: this.t,
      stats: this.stats,
      onBody: (body) => this.onBody(body),
      onOpen: () => {
        this.log.debug({ path: this.opts.path }, 'serial open, saying hello');
        this.lastRx = this.clock.monotonic();
        this.sayHello();
      },
      onLost: (reason) => this.linkLost(reason),
    });
    this.startedAt = this.clock.monotonic();
    this.reliable = new ReliableSender(this.clock, this.t, (f) => this.writeFrame(f), () => this.state === 'online', this.stats);
    this.portLink = {
      clock: this.clock,
      command: (c) => this.command(c),
      sendAudio: (i, f) => this.sendAudio(i, f),
      callerIdFormat: opts.callerIdFormat ?? 'etsi',
      defaultCadence: opts.defaultCadence ?? RING_CADENCES.FR,
      hookTiming: opts.hookTiming ?? {},
      ringDetect: opts.ringDetect ?? {},
      onListenerError: (err, ev) => this.log.error({ err, event: ev }, 'port listener threw'),
    };
  }

  get status(): CardStatus {
    return this.state;
  }
  get info(): CardInfo | undefined {
    return this.cardInfo;
  }
  get ports(): readonly AnalogPort[] {
    return this.portList;
  }

  fxs(n: number): FxsPort {
    const p = this.portList.filter((x): x is FxsPortImpl => x.kind === 'fxs')[n - 1];
    if (!p) throw new NotFoundError(`line card has no FXS port ${n}`);
    return p;
  }

  fxo(n: number): FxoPort {
    const p = this.portList.filter((x): x is FxoPortImpl => x.kind === 'fxo')[n - 1];
    if (!p) throw new NotFoundError(`line card has no FXO port ${n}`);
    return p;
  }

  open(): Promise<CardInfo> {
    if (this.state === 'closed') return Promise.reject(new Error('line card driver closed'));
    if (this.state === 'online' && this.cardInfo) return Promise.resolve(this.cardInfo);
    const p = new Promise<CardInfo>((resolve, reject) => {
      const entry = { resolve, reject };
      this.waitingOpen.push(entry);
      const timer = this.clock.setTimeout(() => {
        this.waitingOpen = this.waitingOpen.filter((e) => e !== entry);
        reject(new CardUnavailableError(`line card on ${this.opts.path} did not answer within ${this.opts.openTimeoutMs ?? 5000} ms`));
      }, this.opts.openTimeoutMs ?? 5000);
      entry.resolve = (i) => {
        this.clock.clearTimeout(timer);
        resolve(i);
      };
    });
    if (!this.started) {
      this.started = true;
      this.timers.heartbeat = this.clock.setInterval(() => this.tick(), this.t.heartbeatMs);
      this.connect();
    }
    return p;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const k of ['heartbeat', 'hello'] as const) this.clock.clearTimeout(this.timers[k]);
    this.timers = {};
    this.serial.stop();
    this.reliable.failAll(new Error('line card driver closed'));
    for (const w of this.waitingOpen.splice(0)) w.reject(new Error('line card driver closed'));
    for (const p of this.portList) p.close();
    await this.serial.drop();
    this.removeAllListeners();
  }

  // ---- link ------------------------------------------------------------------------------

  private connect(): void {
    if (this.state === 'closed') return;
    this.serial.connect();
  }

  private sayHello(): void {
    this.clock.clearTimeout(this.timers.hello);
    if (this.state === 'online' || this.state === 'closed' || !this.serial.isOpen) return;
    this.write({ type: 'hostHello', version: PROTOCOL_VERSION });
    this.timers.hello = this.clock.setTimeout(() => this.sayHello(), this.t.helloRetryMs);
  }

  private linkLost(reason: string): void {
    if (this.state === 'closed') return;
    this.log.warn({ reason }, 'line card link lost');
    const wasOnline = this.state === 'online';
    this.state = 'offline';
    this.clock.clearTimeout(this.timers.hello);
    this.reliable.failAll(new CardUnavailableError(`line card offline: ${reason}`));
    for (const p of this.portList) if (p.kind === 'fxo') p.failPending(new CardUnavailableError('line card offline'));
    void this.serial.drop();
    if (wasOnline) {
      this.serial.resetBackoff();
      this.emit('offline', reason);
    }
    this.serial.scheduleReopen();
  }

  /** Every heartbeat period: say we are alive, and check the card is. */
  private tick(): void {
    if (!this.serial.isOpen) return;
    this.write({ type: 'heartbeat', uptimeMs: Math.floor(this.clock.monotonic() - this.startedAt) });
    if (this.clock.monotonic() - this.lastRx > this.t.silenceTimeoutMs) this.linkLost('no heartbeat from the card');
  }

  private write(m: Message): void {
    this.writeFrame(encodeFrame(encodeMessage(m)));
  }

  private writeFrame(frame: Buffer): void {
    this.serial.write(frame);
  }

  // ---- receiving -------------------------------------------------------------------------

  private onBody(body: Buffer): void {
    let m: Message;
    try {
      m = decodeMessage(body, this.cardInfo?.protocolVersion ?? PROTOCOL_VERSION);
    } catch (err) {
      this.log.debug({ err }, 'undecodable frame dropped');
      return;
    }
    this.lastRx = this.clock.monotonic();
    if (m.type === 'hello') return this.onHello(m);
    if (m.type === 'ack') return this.reliable.onAck(m.ackedSeq, m.status);
    if (m.type === 'heartbeat') return;
    if (this.state !== 'online') return; // nothing counts before the hello
    if (m.type === 'audio') {
      const port = this.portList[m.port];
      if (port && this.cardInfo) port.audioIn(decodeG711(WIRE_LAW[this.cardInfo.law], m.samples));
      return;
    }
    if (!isReliable(m)) return;
    // PROTOCOL.md §3: ack everything, apply once.
    const status = this.apply(m, m.seq === this.lastAppliedSeq);
    this.write({ type: 'ack', ackedSeq: m.seq, status });
    if (status === AckStatus.Ok) this.lastAppliedSeq = m.seq;
  }

  private apply(m: ReliableMessage, duplicate: boolean): (typeof AckStatus)[keyof typeof AckStatus] {
    if (m.type === 'fault' && m.port === 0xff) {
      if (!duplicate) this.emit('fault', { port: undefined, code: FAULT_CODES[m.code] ?? 'unknown' });
      return AckStatus.Ok;
    }
    const port = this.portList[m.port];
    if (!port) return AckStatus.NoSuchPort;
    if (duplicate) return AckStatus.Ok;
    switch (m.type) {
      case 'fault':
        this.emit('fault', { port, code: FAULT_CODES[m.code] ?? 'unknown' });
        return AckStatus.Ok;
      case 'portState':
        port.portState(m.flags);
        return AckStatus.Ok;
      case 'hook':
        if (port.kind !== 'fxs') return AckStatus.WrongPortType;
        port.rawHook(m.offHook, m.atMs);
        return AckStatus.Ok;
      case 'digit':
        if (port.kind !== 'fxs') return AckStatus.WrongPortType;
        port.dtmfDigit(m.digit);
        return AckStatus.Ok;
      case 'ringDetect':
      case 'callerId':
      case 'polarity':
      case 'loop':
      case 'dialDone':
        if (port.kind !== 'fxo') return AckStatus.WrongPortType;
        if (m.type === 'ringDetect') port.ringVoltage(m.on);
        else if (m.type === 'callerId') port.callerIdReceived(m.cidFormat, m.message);
        else if (m.type === 'polarity') port.polarity(m.reversed);
        else if (m.type === 'loop') port.loopChanged(m.current);
        else port.dialDone();
        return AckStatus.Ok;
      default:
        return AckStatus.Malformed; // a command type sent to the host
    }
  }

  private onHello(m: Extract<Message, { type: 'hello' }>): void {
    const info: CardInfo = { model: m.model, firmware: m.firmware, protocolVersion: m.version, bootId: m.bootId, law: m.law, ports: m.ports };
    const previous = this.cardInfo;
    if (!SUPPORTED_CARD_VERSIONS.includes(m.version)) {
      this.log.error({ version: m.version }, 'line card speaks another protocol version');
      this.emit('fault', { port: undefined, code: 'unknown' });
      return;
    }
    this.clock.clearTimeout(this.timers.hello);
    // A hello resets both reliable channels (PROTOCOL.md §3).
    this.reliable.restart();
    this.lastAppliedSeq = undefined;
    if (!previous) this.createPorts(m.ports);
    else if (previous.ports.join() !== m.ports.join()) {
      this.log.error({ was: previous.ports, now: m.ports }, 'line card port layout changed; keeping the old ports');
      this.emit('fault', { port: undefined, code: 'unknown' });
    }
    const rebooted = previous !== undefined && previous.bootId !== m.bootId;
    const wasOnline = this.state === 'online';
    this.cardInfo = info;
    this.state = 'online';
    this.serial.resetBackoff();
    this.log.info({ model: info.model, firmware: info.firmware, rebooted }, 'line card online');
    if (rebooted) this.emit('rebooted', info);
    // The card drops host-owned state on reboot and after 1 s without us (PROTOCOL.md §4.5).
    if (previous && (rebooted || !wasOnline)) for (const p of this.portList) p.reapply();
    if (!wasOnline || rebooted) this.emit('online', info);
    for (const w of this.waitingOpen.splice(0)) w.resolve(info);
    this.reliable.pump();
  }

  private createPorts(kinds: readonly ('fxs' | 'fxo')[]): void {
    let nFxs = 0;
    let nFxo = 0;
    this.portList = kinds.map((k, i) => (k === 'fxs' ? new FxsPortImpl(this.portLink, i, ++nFxs) : new FxoPortImpl(this.portLink, i, ++nFxo)));
  }

  // ---- reliable commands (stop-and-wait) ---------------------------------------------------

  private command(cmd: Command): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new Error('line card driver closed'));
    if (this.state !== 'online') return Promise.reject(new CardUnavailableError('line card offline'));
    return this.reliable.send(cmd);
  }

  // ---- audio -----------------------------------------------------------------------------

  private sendAudio(index: number, frame: AudioFrame): void {
    if (this.state !== 'online' || !this.cardInfo) return;
    if (frame.length !== FRAME_SAMPLES) throw new RangeError(`audio frames are ${FRAME_SAMPLES} samples`);
    const n = this.frameNo.get(index) ?? 0;
    this.frameNo.set(index, (n + 1) & 0xff);
    this.write({ type: 'audio', port: index, frameNo: n, samples: encodeG711(WIRE_LAW[this.cardInfo.law], frame) });
  }
}
