/**
 * RFC 4733 telephone-events (DTMF over RTP).
 *
 * Payload (§2.3): event (8 bits) | E (end) | R | volume (6 bits, −dBm0) | duration (16 bits,
 * timestamp units). All packets of one event share the RTP timestamp of its start; the
 * duration grows; the first packet carries the marker bit (§2.5.1.2); the end packet is
 * sent three times (§2.5.1.4) because it cannot be retransmitted.
 */
import { ParseError } from '../../../common/errors.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { digitToEvent, eventToDigit, type DtmfDigit } from './digits.js';
import type { RtpPacket } from '../rtp/packet.js';

export interface TelephoneEvent {
  event: number;
  end: boolean;
  /** Power level as a positive number of dB below 0 dBm0 (0..63). */
  volume: number;
  /** Duration in timestamp units. */
  duration: number;
}

export function encodeTelephoneEvent(ev: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(4);
  out[0] = ev.event & 0xff;
  out[1] = (ev.end ? 0x80 : 0) | (ev.volume & 0x3f);
  out[2] = (ev.duration >> 8) & 0xff;
  out[3] = ev.duration & 0xff;
  return out;
}

export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  if (payload.length < 4) throw new ParseError(`telephone-event payload of ${payload.length} bytes`);
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/** What the sender needs from an RTP session. */
export type EventPacketSink = (payload: Uint8Array, marker: boolean, timestamp: number) => void;

export interface Rfc4733SenderOptions {
  clock: Clock;
  sink: EventPacketSink;
  /** Timestamp for the start of the next event (e.g. the session's last timestamp + 160). */
  nextTimestamp: () => number;
  /** Called after an event with the timestamp where audio may resume. */
  onEventDone?: (resumeTimestamp: number) => void;
  /** Interval between update packets, ms (default 20, one per packetisation interval). */
  intervalMs?: number;
  clockRate?: number;
}

/**
 * Sends digits one after another. Each digit: a start packet with the marker, an update
 * every `intervalMs`, then the end packet ×3 — then a 40 ms pause before the next digit,
 * so the receiving end's detector sees separate keypresses.
 */
export class Rfc4733Sender {
  private readonly queue: Array<{ digit: DtmfDigit; durationMs: number; volume: number; resolve: () => void }> = [];
  private busy = false;
  private timer: TimerHandle | undefined;
  private readonly interval: number;
  private readonly rate: number;

  constructor(private readonly opts: Rfc4733SenderOptions) {
    this.interval = opts.intervalMs ?? 20;
    this.rate = opts.clockRate ?? 8000;
  }

  /** Queue a digit; resolves when its last end packet has been sent. */
  send(digit: DtmfDigit, durationMs = 100, volume = 10): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ digit, durationMs, volume, resolve });
      if (!this.busy) this.pump();
    });
  }

  private pump(): void {
    const job = this.queue.shift();
    if (!job) {
      this.busy = false;
      return;
    }
    this.busy = true;
    const ts = this.opts.nextTimestamp() >>> 0;
    const event = digitToEvent(job.digit);
    const total = Math.round((job.durationMs * this.rate) / 1000);
    const step = Math.round((this.interval * this.rate) / 1000);
    let duration = 0;
    let first = true;
    const tick = () => {
      duration = Math.min(total, duration + step);
      if (duration < total) {
        this.opts.sink(encodeTelephoneEvent({ event, end: false, volume: job.volume, duration }), first, ts);
        first = false;
        this.timer = this.opts.clock.setTimeout(tick, this.interval);
        return;
      }
      const end = encodeTelephoneEvent({ event, end: true, volume: job.volume, duration: total });
      for (let i = 0; i < 3; i++) this.opts.sink(end, first && i === 0, ts);
      this.opts.onEventDone?.((ts + total) >>> 0);
      job.resolve();
      this.timer = this.opts.clock.setTimeout(() => this.pump(), 40);
    };
    tick();
  }

  /** Drop queued digits and stop (the call ended). Pending promises never resolve. */
  stop(): void {
    this.queue.length = 0;
    this.opts.clock.clearTimeout(this.timer);
    this.busy = false;
  }
}

export interface ReceivedDigit {
  digit: DtmfDigit;
  /** RTP timestamp of the event start: identifies the keypress. */
  timestamp: number;
  /** Duration in ms; known once the end packet arrived (0 in `onDigit` at the start). */
  durationMs: number;
}

/**
 * Turns telephone-event packets into keypresses: one `digit` per event timestamp, reported
 * on the first packet seen (start, update or end — any may be lost), and one `end` with the
 * final duration. Retransmitted end packets and updates are ignored (§2.5.2.2).
 */
export class Rfc4733Receiver {
  private currentTs: number | undefined;
  private ended = false;
  private readonly recent: number[] = [];
  private readonly digitListeners = new Set<(d: ReceivedDigit) => void>();
  private readonly endListeners = new Set<(d: ReceivedDigit) => void>();

  constructor(private readonly clockRate = 8000) {}

  onDigit(l: (d: ReceivedDigit) => void): () => void {
    this.digitListeners.add(l);
    return () => this.digitListeners.delete(l);
  }

  onEnd(l: (d: ReceivedDigit) => void): () => void {
    this.endListeners.add(l);
    return () => this.endListeners.delete(l);
  }

  receive(packet: Pick<RtpPacket, 'timestamp' | 'payload'>): void {
    let ev: TelephoneEvent;
    try {
      ev = decodeTelephoneEvent(packet.payload);
    } catch {
      return;
    }
    const digit = eventToDigit(ev.event);
    if (!digit) return; // flash and tones are not keypresses
    const ts = packet.timestamp >>> 0;
    if (ts !== this.currentTs) {
      // A late packet of an event we already finished must not start it again.
      if (this.recent.includes(ts)) return;
      this.currentTs = ts;
      this.ended = false;
      this.recent.push(ts);
      if (this.recent.length > 8) this.recent.shift();
      for (const l of this.digitListeners) l({ digit, timestamp: ts, durationMs: 0 });
    }
    if (ev.end && !this.ended) {
      this.ended = true;
      const durationMs = (ev.duration * 1000) / this.clockRate;
      for (const l of this.endListeners) l({ digit, timestamp: ts, durationMs });
    }
  }
}
