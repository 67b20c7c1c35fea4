/**
 * What hangs on the emulated card's ports: a telephone on each FXS port (goes off-hook,
 * dials DTMF or pulses, flashes, speaks, decodes caller ID and message waiting while
 * on-hook) and a city line on each FXO port (rings with caller ID, hears the digits the
 * exchange dials, answers, hangs up with a polarity reversal, a loop drop or only a busy
 * tone). The card (card.ts) carries their signals over the protocol.
 */
import type { Clock } from '../../../common/clock.js';
import { buildCallerIdMessage, FskReceiver, fskModulate, parseCallerIdMessage, parseDtmfClip } from '../../linecard/fsk-callerid.js';
import { CadencePlayer, RING_CADENCES } from '../../linecard/sig-analog.js';
import { dtmfSamples, FRAME, mix, ToneSource } from './audio.js';
import type { PortSim } from './card.js';
import type { WireMsg } from './wire.js';

/** What the devices need from their card. */
export interface CardSide {
  readonly clock: Clock;
  /** The card's uptime clock, ms mod 2^32 (PROTOCOL.md §2.1): what HOOK stamps and HEARTBEAT read. */
  uptime(): number;
  /** Queue a reliable event towards the host. */
  event(m: Omit<WireMsg, 'seq'>): void;
  stopLineRing(p: PortSim): void;
}

export class PortDevices {
  constructor(private readonly card: CardSide) {}

  /** An on-hook phone decodes caller ID and message waiting from the line. */
  onHookReceive(p: PortSim, down: Int16Array): void {
    for (const rx of p.rx) {
      for (const msg of rx.push(down)) {
        try {
          const m = parseCallerIdMessage(msg);
          if (m.kind === 'mwi') p.mwi = m.on;
          else {
            const { kind: _k, ...cid } = m;
            p.callerId = cid;
          }
        } catch {
          /* not for us */
        }
      }
    }
    const clip = /([AB]\d*C)$/.exec(p.listener.digits);
    if (clip) {
      p.callerId = { ...parseDtmfClip(clip[1]!) };
      p.listener.digits = '';
    }
  }

  speak(p: PortSim): Int16Array {
    const out = new Int16Array(FRAME);
    if (p.kind === 'fxo' && !p.answered && !p.dialled && !p.speech) mix(out, p.lineTones.dial.next());
    if (p.kind === 'fxo' && p.busy) mix(out, p.lineTones.busy.next());
    const s = p.speech;
    if (s && 'tone' in s) mix(out, s.tone.next());
    else if (s) {
      mix(out, s.pcm.subarray(s.at, s.at + FRAME));
      s.at += FRAME;
      if (s.at >= s.pcm.length) p.speech = undefined;
    }
    return out;
  }

  // ---- what the control channel asks the phones and lines to do ----

  phoneHook(p: PortSim, off: boolean): void {
    if (p.offHook === off) return;
    p.offHook = off;
    if (off) {
      p.ring?.stop(); // ring trip
      p.ring = undefined;
      p.cardSamples = [];
      p.listener.clear();
    } else p.speech = undefined;
    this.loopEdge(p, off, this.card.uptime());
  }

  async phoneDial(p: PortSim, digits: string, pulse: boolean): Promise<void> {
    if (!p.offHook) throw new Error('the phone is on-hook');
    // A rotary dial is a mechanism: its loop opens and closes on its own schedule whatever the
    // emulator's process is doing. So the card stamps each edge with its scheduled time on the
    // card clock (what a DSP sampling the loop would see) and the timers only play it out.
    let at = this.card.uptime();
    const until = async (due: number): Promise<void> => {
      at = due;
      await this.sleep(Math.max(0, (due - this.card.uptime()) | 0)); // | 0: signed, across the u32 wrap
    };
    for (const d of digits) {
      if (pulse) {
        const n = d === '0' ? 10 : Number(d);
        if (!(n >= 1 && n <= 10)) throw new Error(`cannot pulse-dial ${d}`);
        for (let i = 0; i < n; i++) {
          this.loopEdge(p, false, at);
          await until(at + 60);
          this.loopEdge(p, true, at);
          await until(at + 40);
        }
        await until(at + 600);
      } else {
        p.speech = { pcm: dtmfSamples(d, 80, 0), at: 0 };
        this.card.event({ t: 'digit', port: p.index, digit: d.charCodeAt(0) });
        await this.sleep(160);
        at = this.card.uptime();
      }
    }
  }

  async phoneFlash(p: PortSim, ms: number): Promise<void> {
    if (!p.offHook) throw new Error('the phone is on-hook');
    const at = this.card.uptime();
    this.loopEdge(p, false, at);
    await this.sleep(ms);
    this.loopEdge(p, true, at + ms); // the flash button's break, as the phone timed it
  }

  /** HOOK: the raw loop state and the card-clock time it changed (PROTOCOL.md §2.1). */
  private loopEdge(p: PortSim, off: boolean, at: number): void {
    this.card.event({ t: 'hook', port: p.index, off: off ? 1 : 0, at: at >>> 0 });
  }

  play(p: PortSim, req: { tone_hz?: number | number[]; digits?: string; stop?: boolean }): void {
    if (req.stop) p.speech = undefined;
    else if (req.digits) p.speech = { pcm: dtmfSamples(req.digits), at: 0 };
    else if (req.tone_hz !== undefined) p.speech = { tone: new ToneSource(([] as number[]).concat(req.tone_hz), 4000) };
  }

  lineRing(p: PortSim, req: { caller_id?: string; name?: string; format?: 'etsi' | 'bell202' | 'dtmf'; cadence?: number[] }): void {
    if (p.seized) throw new Error('the line is seized');
    this.card.stopLineRing(p);
    const player = new CadencePlayer(this.card.clock, req.cadence ?? RING_CADENCES.FR, (on, segment) => {
      p.ringVoltage = on;
      this.card.event({ t: 'ringDetect', port: p.index, on: on ? 1 : 0 });
      if (on || segment !== 1 || (!req.caller_id && !req.name)) return;
      this.card.clock.setTimeout(() => {
        if (p.lineRing !== player) return;
        if (req.format === 'dtmf') {
          this.card.event({ t: 'callerId', port: p.index, cidFormat: 3, message: Buffer.from(`A${req.caller_id ?? ''}C`) });
          return;
        }
        // The exchange sends FSK; the card's demodulator turns it back into bytes.
        const d = new Date();
        const msg = buildCallerIdMessage({
          dateTime: { month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes() },
          ...(req.caller_id ? { number: req.caller_id } : { numberAbsence: 'private' }),
          ...(req.name ? { name: req.name } : {}),
        });
        const std = req.format === 'bell202' ? 'bell202' : 'v23';
        const got = new FskReceiver(std).push(fskModulate(msg, std))[0];
        if (got) this.card.event({ t: 'callerId', port: p.index, cidFormat: std === 'v23' ? 1 : 2, message: got });
      }, 500);
    });
    p.lineRing = player;
    player.start();
  }

  lineAnswer(p: PortSim, reversal: boolean): void {
    if (!p.seized) throw new Error('the line is not seized');
    p.answered = true;
    if (reversal) {
      p.reversed = !p.reversed;
      this.card.event({ t: 'polarity', port: p.index, reversed: p.reversed ? 1 : 0 });
    }
  }

  lineHangup(p: PortSim, signal: 'reversal' | 'busy' | 'drop'): void {
    if (p.lineRing) return this.card.stopLineRing(p); // the caller gave up before an answer
    if (!p.seized) throw new Error('no call on the line');
    p.speech = undefined;
    if (signal === 'reversal') {
      p.reversed = !p.reversed;
      this.card.event({ t: 'polarity', port: p.index, reversed: p.reversed ? 1 : 0 });
    } else if (signal === 'drop') {
      this.card.event({ t: 'loop', port: p.index, current: 0 });
      this.card.clock.setTimeout(() => p.seized && this.card.event({ t: 'loop', port: p.index, current: 1 }), 600);
    } else p.busy = true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => this.card.clock.setTimeout(r, ms));
  }
}
