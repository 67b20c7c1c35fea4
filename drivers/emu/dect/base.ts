/**
 * One emulated DECT base (radio fixed part) on its serial link: PROTOCOL.md's base side.
 * The link (hello, heartbeat, acks, dedupe, host-gone fail safe) lives here; the radio (which
 * handsets hear it, bearers' audio) is the World's, which this base asks and tells.
 */
import { randomInt } from 'node:crypto';
import { SystemClock, type Clock } from '../../../common/clock.js';
import { encodeFrame, FrameDecoder } from '../../linecard/framing.js';
import { AckStatus, decodeMessage, encodeMessage, isReliable, PROTOCOL_VERSION, type Message, type ReliableMessage, type Unnumbered } from '../../dect/messages.js';
import { ReliableChannel } from '../../dect/reliable.js';

/** What a base needs from the radio world. */
export interface Radio {
  /** Handle a host command for this base; returns the ACK status. */
  command(base: EmulatedBase, m: ReliableMessage): number;
  /** The host vanished (1000 ms silence) or the link was cut: drop bearers, close the window. */
  hostGone(base: EmulatedBase): void;
  /** The host said hello: tell it again about every handset locked to this base (PROTOCOL.md §2). */
  hostBack(base: EmulatedBase): void;
  audioFromHost(base: EmulatedBase, bearer: number, frameNo: number, samples: Uint8Array): void;
}

export interface BaseOptions { rpn: number; x: number; y: number; maxCalls: number; radioChannels: number; maxHandsets: number }

export class EmulatedBase {
  readonly rpn: number;
  readonly x: number;
  readonly y: number;
  readonly maxCalls: number;
  plugged = false;
  /** False while the base is powered off: no beacon, no link. */
  powered = true;
  synced = true;
  masterRpn: number;
  subWindowUntil = 0;
  /** Host bearer id → handset IPEI. */
  readonly bearers = new Map<number, string>();
  /** Write each frame in pieces (tests: a frame split across reads). */
  splitWrites = false;
  private bootId = randomInt(1, 2 ** 32 - 1);
  private readonly clock: Clock = new SystemClock();
  private decoder = new FrameDecoder();
  private readonly events: ReliableChannel;
  private hostSeen = false;
  private lastRx = 0;
  private lastApplied: number | undefined;
  private lastStatus: number = AckStatus.Ok;
  private readonly started = performance.now();
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly opts: BaseOptions, private readonly radio: Radio, private readonly out: (b: Buffer) => void, masterRpn: number) {
    this.rpn = opts.rpn;
    this.x = opts.x;
    this.y = opts.y;
    this.maxCalls = opts.maxCalls;
    this.masterRpn = masterRpn;
    this.events = new ReliableChannel(this.clock, { ackTimeoutMs: 100, maxTransmissions: 5 }, (f) => this.writeRaw(f), () => this.hostSeen && this.plugged);
  }

  start(): void {
    this.heartbeat = setInterval(() => this.tick(), 250);
    this.heartbeat.unref();
  }

  stop(): void {
    clearInterval(this.heartbeat);
    this.events.failAll(new Error('stopped'));
  }

  /** Bytes from the host. */
  input(chunk: Buffer): void {
    if (!this.powered) return;
    for (const body of this.decoder.feed(chunk)) {
      let m: Message;
      try {
        m = decodeMessage(body);
      } catch {
        continue;
      }
      this.lastRx = performance.now();
      this.onMessage(m);
    }
  }

  /** Queue a reliable event towards the host (dropped if the link is down or after 5 tries). */
  event(m: Unnumbered): void {
    if (!this.hostSeen || !this.plugged || !this.powered) return;
    this.events.send(m).catch(() => {});
  }

  send(m: Message): void {
    this.writeRaw(encodeFrame(encodeMessage(m)));
  }

  garbage(n: number): void {
    const junk = Buffer.alloc(n);
    for (let i = 0; i < n; i++) junk[i] = randomInt(1, 256); // no 0x00: it would be a delimiter
    this.writeRaw(junk);
    this.writeRaw(Buffer.from([0]));
  }

  /** The cable was cut or the base lost power: the host is gone for us. */
  linkDown(): void {
    this.hostSeen = false;
    this.events.failAll(new Error('link down'));
    this.radio.hostGone(this);
  }

  powerOff(): void {
    this.powered = false;
    this.linkDown();
  }

  powerOn(): void {
    this.powered = true;
    this.bootId = randomInt(1, 2 ** 32 - 1);
    this.decoder = new FrameDecoder();
    this.hello();
  }

  setSync(synced: boolean): void {
    this.synced = synced;
    this.event({ type: 'syncStatus', synced, masterRpn: synced ? this.masterRpn : 0xff });
  }

  private writeRaw(frame: Buffer): void {
    if (!this.plugged || !this.powered) return;
    if (!this.splitWrites && this.pieces.length === 0) return this.out(frame);
    // Three pieces, each on a later turn of the event loop (separate reads on the host), in
    // order: everything written meanwhile queues behind them.
    const a = Math.max(1, Math.floor(frame.length / 3));
    if (this.splitWrites) this.pieces.push(frame.subarray(0, a), frame.subarray(a, 2 * a), frame.subarray(2 * a));
    else this.pieces.push(frame);
    if (!this.draining) this.drain();
  }

  private pieces: Buffer[] = [];
  private draining = false;

  private drain(): void {
    const next = this.pieces.shift();
    if (!next) {
      this.draining = false;
      return;
    }
    this.draining = true;
    if (this.plugged && this.powered) this.out(next);
    setTimeout(() => this.drain(), 1);
  }

  private hello(): void {
    this.send({ type: 'hello', seq: 0, version: PROTOCOL_VERSION, bootId: this.bootId, rpn: this.rpn, radioChannels: this.opts.radioChannels, maxCalls: this.maxCalls, maxHandsets: this.opts.maxHandsets, firmware: 'autocom-emu-dect 1.0' });
  }

  private tick(): void {
    if (!this.plugged || !this.powered) return;
    this.send({ type: 'heartbeat', seq: 0, uptimeMs: Math.floor(performance.now() - this.started) >>> 0 });
    if (this.hostSeen && performance.now() - this.lastRx > 1000) this.linkDown();
  }

  private onMessage(m: Message): void {
    if (m.type === 'hostHello') {
      const wasSeen = this.hostSeen;
      this.hostSeen = true;
      this.lastApplied = undefined;
      this.events.restart();
      this.hello();
      this.event({ type: 'syncStatus', synced: this.synced, masterRpn: this.synced ? this.masterRpn : 0xff });
      this.radio.hostBack(this);
      if (!wasSeen) this.events.pump();
      return;
    }
    if (m.type === 'ack') return this.events.onAck(m.ackedSeq, m.status);
    if (m.type === 'heartbeat' || !this.hostSeen) return;
    if (m.type === 'audio') return this.radio.audioFromHost(this, m.bearer, m.seq, m.samples);
    if (!isReliable(m)) return;
    const duplicate = m.seq === this.lastApplied;
    // A retransmission (its ACK was lost) gets the same answer again, and is not applied twice.
    const status = duplicate ? this.lastStatus : this.radio.command(this, m);
    this.send({ type: 'ack', seq: 0, ackedSeq: m.seq, status });
    this.lastApplied = m.seq;
    this.lastStatus = status;
  }
}
