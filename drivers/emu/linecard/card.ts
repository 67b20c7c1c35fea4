/**
 * The emulated line card: the card side of PROTOCOL.md (link, reliable events, commands
 * from the host, the ports' audio). What hangs on the ports — telephones on FXS ports and
 * city lines on FXO ports — is in devices.ts.
 * I/O is injected (bytes out, bytes in), so main.ts decides where the wire is (a pty).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { SystemClock, type Clock, type TimerHandle } from '../../../common/clock.js';
import { FskReceiver, fskModulate } from '../../linecard/fsk-callerid.js';
import { CadencePlayer, RING_CADENCES } from '../../linecard/sig-analog.js';
import { dtmfSamples, FRAME, Listener, mix, ToneSource } from './audio.js';
import { PortDevices } from './devices.js';
import type { PortSim } from './port-sim.js';
import { Deframer, decode, encode, frame, g711Decode, g711Encode, type WireMsg } from './wire.js';

export interface CardConfig {
  fxo: number;
  fxs: number;
  law?: 'alaw' | 'ulaw';
  model?: string;
  firmware?: string;
}

/** The PROTOCOL.md version this card speaks (its title). */
const VERSION = 2;
const OK = 0, NO_PORT = 1, WRONG_TYPE = 2, ILLEGAL = 3;
const FORMAT_STD = { 1: 'v23', 2: 'bell202' } as const;
/** One audio frame every 20 ms (PROTOCOL.md §5), and how many late frames a stalled emulator plays at once. */
const FRAME_MS = 20;
const MAX_CATCH_UP = 10;

export type { PortSim };

export class EmulatedCard {
  private readonly clock: Clock = new SystemClock();
  readonly ports: PortSim[];
  private readonly deframer = new Deframer();
  private bootId = randomInt(1, 0xffffffff);
  /** Start of the uptime clock (monotonic, so setting the wall clock cannot move it). */
  private readonly bootedAt = this.clock.monotonic();
  /** The audio clock: when it started and how many 20 ms frames it has played since. */
  private audioFrom = 0;
  private framesPlayed = 0;
  plugged = true;
  /** When set, the card sends nothing at all (a hung firmware). */
  mute = false;
  private lastHostRx = 0;
  private hostAlive = false;
  private txSeq = 1;
  private queue: WireMsg[] = [];
  private inflight: { m: WireMsg; tries: number; timer: TimerHandle } | undefined;
  private lastApplied: number | undefined;
  private frameNo = 0;
  private timers: TimerHandle[] = [];
  private readonly alaw: boolean;
  /** The telephones and city lines on the ports (what the control channel drives). */
  readonly devices: PortDevices;

  constructor(private readonly cfg: CardConfig, private readonly out: (b: Buffer) => void) {
    this.alaw = (cfg.law ?? 'alaw') === 'alaw';
    this.devices = new PortDevices({ clock: this.clock, uptime: () => this.uptime(), event: (m) => this.event(m), stopLineRing: (p) => this.stopLineRing(p) });
    const kinds = [...Array<'fxo'>(cfg.fxo).fill('fxo'), ...Array<'fxs'>(cfg.fxs).fill('fxs')];
    let nFxs = 0, nFxo = 0;
    this.ports = kinds.map((kind, index) => ({
      index, kind, number: kind === 'fxs' ? ++nFxs : ++nFxo, fromHost: [], cardTone: undefined, cardSamples: [],
      listener: new Listener(), speech: undefined, offHook: false, ring: undefined, ringCadence: undefined, callerId: undefined, mwi: false, autoAnswerMs: undefined,
      rx: [new FskReceiver('v23'), new FskReceiver('bell202')], seized: false, lineRing: undefined, ringVoltage: false,
      dialled: '', answered: false, reversed: false, busy: false,
      lineTones: { dial: new ToneSource([440], 3000), busy: new ToneSource([440], 3000, [500, 500]) },
    }));
  }

  start(): void {
    this.audioFrom = this.clock.monotonic();
    this.framesPlayed = 0;
    this.timers.push(this.clock.setInterval(() => this.audioClock(), FRAME_MS));
    this.timers.push(this.clock.setInterval(() => this.heartbeat(), 250));
    this.sendHello(); // unsolicited at boot
  }

  stop(): void {
    for (const t of this.timers) this.clock.clearInterval(t);
    for (const p of this.ports) {
      p.ring?.stop();
      p.lineRing?.stop();
    }
  }

  port(kind: 'fxs' | 'fxo', n: number): PortSim {
    const p = this.ports.find((x) => x.kind === kind && x.number === n);
    if (!p) throw new Error(`no ${kind} port ${n}`);
    return p;
  }

  // ---- link ----

  private send(m: WireMsg): void {
    if (this.plugged && !this.mute) this.out(frame(encode(m)));
  }

  /** Write raw bytes (the `garbage` fault). */
  raw(b: Buffer): void {
    if (this.plugged) this.out(b);
  }

  private event(m: Omit<WireMsg, 'seq'>): void {
    this.queue.push({ ...m, seq: 0 } as WireMsg);
    this.pump();
  }

  private pump(): void {
    if (this.inflight || !this.queue.length) return;
    const m = this.queue.shift()!;
    m.seq = this.txSeq;
    this.txSeq = (this.txSeq % 255) + 1;
    const attempt = (tries: number): void => {
      if (tries >= 5) {
        this.inflight = undefined; // dropped; PORT_STATE after the next hello restores the truth
        this.pump();
        return;
      }
      this.send(m);
      this.inflight = { m, tries, timer: this.clock.setTimeout(() => attempt(tries + 1), 100) };
    };
    attempt(0);
  }

  private resetChannels(): void {
    if (this.inflight) this.clock.clearTimeout(this.inflight.timer);
    this.inflight = undefined;
    this.queue = [];
    this.txSeq = 1;
    this.lastApplied = undefined;
  }

  private sendHello(): void {
    this.resetChannels();
    this.send({
      t: 'hello', seq: 0, version: VERSION, bootId: this.bootId, law: this.alaw ? 1 : 0,
      model: this.cfg.model ?? `EMU-LC${this.ports.length}`, fw: this.cfg.firmware ?? '1.0.0-emu',
      types: Uint8Array.from(this.ports.map((p) => (p.kind === 'fxo' ? 1 : 0))),
    });
    for (const p of this.ports) {
      const flags = p.kind === 'fxs' ? (p.offHook ? 1 : 0) : (p.seized ? 1 : 0) | (p.reversed ? 2 : 0) | (p.lineRing ? 4 : 0);
      this.event({ t: 'portState', port: p.index, flags });
    }
  }

  /** PROTOCOL.md §2.1: ms since boot mod 2^32, for HEARTBEAT and the HOOK stamps. */
  uptime(): number {
    return Math.floor(this.clock.monotonic() - this.bootedAt) >>> 0;
  }

  private heartbeat(): void {
    this.send({ t: 'heartbeat', seq: 0, uptime: this.uptime() });
    if (this.hostAlive && Date.now() - this.lastHostRx > 1000) {
      this.hostAlive = false;
      this.failSafe();
    }
  }

  /** PROTOCOL.md §4.5: the host is gone; nothing may ring or stay seized for ever. */
  private failSafe(): void {
    for (const p of this.ports) {
      p.ring?.stop();
      p.ring = undefined;
      p.cardTone = undefined;
      if (p.seized) this.releaseLine(p);
    }
  }

  /** Bytes from the host. */
  input(chunk: Buffer): void {
    if (!this.plugged) return;
    this.receive(chunk);
    // A DSP plays on its own clock. The frames of this chunk waited in the pty while this
    // process was not scheduled: a real card had received them one by one and played them in
    // the time that fell due since. So they are queued first and the overdue time is played
    // after, from them; only what is still ahead of the clock counts against the card's
    // 5-frame queue (PROTOCOL.md §5), which drops the newest frames past it. Playing the
    // overdue time first would have filled the stall with silence and then dropped the
    // frames that belonged to it (a digit from the exchange lost three of its four frames).
    this.audioClock();
    for (const p of this.ports) if (p.fromHost.length > 5) p.fromHost.length = 5;
  }

  private receive(chunk: Buffer): void {
    for (const body of this.deframer.push(chunk)) {
      const m = decode(body);
      if (!m) continue;
      this.lastHostRx = Date.now();
      this.hostAlive = true;
      if (m.t === 'hostHello') this.sendHello();
      else if (m.t === 'ack') {
        if (this.inflight && this.inflight.m.seq === m.acked) {
          this.clock.clearTimeout(this.inflight.timer);
          this.inflight = undefined;
          this.pump();
        }
      } else if (m.t === 'audio') {
        // Queued past the limit for now: see the end of input().
        this.ports[m.port as number]?.fromHost.push(g711Decode(m.pcm as Uint8Array, this.alaw));
      } else if (m.t !== 'heartbeat' && m.seq !== 0) {
        const dup = m.seq === this.lastApplied;
        const status = dup ? OK : this.command(m);
        if (status === OK) this.lastApplied = m.seq;
        this.send({ t: 'ack', seq: 0, acked: m.seq, status });
      }
    }
  }

  // ---- commands from the host ----

  private command(m: WireMsg): number {
    const p = this.ports[m.port as number];
    if (!p) return NO_PORT;
    const fxsOnly = ['ring', 'stopRing', 'mwi'];
    const fxoOnly = ['seize', 'release', 'dial'];
    if ((fxsOnly.includes(m.t) && p.kind !== 'fxs') || (fxoOnly.includes(m.t) && p.kind !== 'fxo')) return WRONG_TYPE;
    switch (m.t) {
      case 'ring': {
        if (p.offHook) return ILLEGAL;
        p.ring?.stop();
        const cadence = m.cadence as number[];
        const cid = m.cid as Uint8Array;
        const fmt = m.cidFormat as number;
        p.callerId = undefined;
        p.ringCadence = [...(cadence.length ? cadence : RING_CADENCES.FR)];
        p.ring = new CadencePlayer(this.clock, cadence.length ? cadence : RING_CADENCES.FR, (on, segment) => {
          if (on || segment !== 1 || !cid.length) return;
          const player = p.ring;
          // EN 300 659-1: caller ID in the first silent interval, ≥ 500 ms after the first ring.
          this.clock.setTimeout(() => {
            if (p.ring === player && !p.offHook) p.cardSamples.push(...this.cidSamples(fmt, cid));
          }, 500);
        });
        p.ring.start();
        if (p.autoAnswerMs !== undefined) {
          const ringing = p.ring;
          this.clock.setTimeout(() => {
            if (p.ring === ringing && !p.offHook) this.devices.phoneHook(p, true);
          }, p.autoAnswerMs);
        }
        return OK;
      }
      case 'stopRing':
        p.ring?.stop();
        p.ring = undefined;
        return OK;
      case 'mwi':
        if (p.offHook) return ILLEGAL;
        p.cardSamples.push(...this.cidSamples(m.cidFormat as number, m.fsk as Uint8Array));
        return OK;
      case 'toneOn': {
        const f = [m.f1 as number, m.f2 as number].filter((x) => x > 0);
        const amp = 32768 * 0.7 * 10 ** ((m.level as number) / 20); // 0 dBm0 ≈ 3.14 dB below full scale (G.711)
        p.cardTone = new ToneSource(f, amp, m.cadence as number[]);
        return OK;
      }
      case 'toneOff':
        p.cardTone = undefined;
        return OK;
      case 'seize':
        if (!p.seized) {
          p.seized = true;
          p.dialled = '';
          p.busy = false;
          p.listener.clear();
          p.answered = !!p.lineRing; // seizing a ringing line answers the incoming call
          this.stopLineRing(p);
          this.event({ t: 'loop', port: p.index, current: 1 });
        }
        return OK;
      case 'release':
        if (p.seized) this.releaseLine(p);
        return OK;
      case 'dial':
        if (!p.seized) return ILLEGAL;
        this.dialOnLine(p, Buffer.from(m.digits as Uint8Array).toString('latin1'), m.method === 1);
        return OK;
      default:
        return 4;
    }
  }

  private cidSamples(fmt: number, bytes: Uint8Array): Int16Array {
    if (fmt === 3) return dtmfSamples(Buffer.from(bytes).toString('latin1'), 70, 70);
    return fskModulate(bytes, FORMAT_STD[fmt as 1 | 2] ?? 'v23');
  }

  private releaseLine(p: PortSim): void {
    p.seized = false;
    p.answered = false;
    p.busy = false;
    p.speech = undefined;
    if (p.reversed) {
      p.reversed = false;
      this.event({ t: 'polarity', port: p.index, reversed: 0 });
    }
  }

  private dialOnLine(p: PortSim, digits: string, pulse: boolean): void {
    let delay = 0;
    for (const d of digits) {
      const n = d === '0' ? 10 : Number(d);
      delay += d === ',' ? 1000 : pulse && n >= 1 && n <= 10 ? n * 100 + 500 : 160;
      if (d !== ',') this.clock.setTimeout(() => p.seized && (p.dialled += d), delay);
    }
    this.clock.setTimeout(() => this.event({ t: 'dialDone', port: p.index }), delay + 10);
  }

  private stopLineRing(p: PortSim): void {
    p.lineRing?.stop();
    p.lineRing = undefined;
    if (p.ringVoltage) {
      p.ringVoltage = false;
      this.event({ t: 'ringDetect', port: p.index, on: 0 });
    }
  }

  // ---- audio ----

  /**
   * A card's codec runs at a constant rate whatever the emulator's event loop does: a timer
   * that fires late (a loaded machine) plays every frame that fell due since, as the DSP
   * would have, instead of letting the host's frames pile up past the 5-frame queue and be
   * dropped (a DTMF digit from the exchange would lose frames). After a stall longer than
   * MAX_CATCH_UP frames the card skips ahead, as a codec that lost its clock resyncs.
   */
  private audioClock(): void {
    const due = Math.floor((this.clock.monotonic() - this.audioFrom) / FRAME_MS);
    if (due - this.framesPlayed > MAX_CATCH_UP) {
      // The skipped time's frames are lost with it, as a codec that resyncs loses them.
      const skipped = due - MAX_CATCH_UP - this.framesPlayed;
      for (const p of this.ports) p.fromHost.splice(0, skipped);
      this.framesPlayed = due - MAX_CATCH_UP;
    }
    while (this.framesPlayed < due) {
      this.framesPlayed++;
      this.audioTick();
    }
  }

  private audioTick(): void {
    for (const p of this.ports) {
      const down = p.fromHost.shift() ?? new Int16Array(FRAME);
      if (p.cardTone) mix(down, p.cardTone.next());
      if (p.cardSamples.length) mix(down, Int16Array.from(p.cardSamples.splice(0, FRAME)));
      p.listener.push(down);
      if (p.kind === 'fxs' && !p.offHook) this.devices.onHookReceive(p, down);
      // An auto-answering device hangs up on the exchange's busy or congestion tone (twice a second is plenty).
      if (p.autoAnswerMs !== undefined && p.offHook && this.frameNo % 25 === 0 && /^(busy|congestion)$/.test(p.listener.hears())) this.devices.phoneHook(p, false);
      const active = p.kind === 'fxs' ? p.offHook : p.seized;
      if (!active) continue;
      const up = this.devices.speak(p);
      this.send({ t: 'audio', seq: this.frameNo, port: p.index, pcm: g711Encode(up, this.alaw) });
    }
    this.frameNo = (this.frameNo + 1) & 0xff;
  }

  reboot(): void {
    this.bootId = randomInt(1, 0xffffffff);
    for (const p of this.ports) {
      p.ring?.stop();
      p.ring = undefined;
      p.cardTone = undefined;
      p.cardSamples = [];
      p.fromHost = [];
      if (p.seized) this.releaseLine(p);
    }
    this.sendHello();
  }

  garbage(n: number): void {
    this.raw(randomBytes(n));
  }

  fault(port: number | undefined, code: number): void {
    this.event({ t: 'fault', port: port ?? 0xff, code });
  }

}
