/**
 * The pieces of a voicemail test through a running exchange on a FakeClock: moving the
 * clock (in fake or real time), a call the exchange answers with its DTMF by SIP INFO, and
 * what a phone hears.
 */
import * as assert from 'uvu/assert';
import type { FakeClock } from '../../common/clock.js';
import type { Exchange } from '../../src/main.js';
import { Dialog, sdp } from '../../src/sip/index.js';
import { classifyTone } from '../../src/media/tones/classify.js';
import { waitFor } from '../helpers/net.js';
import { creds, offerFor, type HarnessPhone } from '../channels/sip/call-harness.js';

export interface AnsweredCall {
  dialog: Dialog;
  bye(): Promise<void>;
  info(digits: string): Promise<void>;
}

export function vmHarness(ex: () => Exchange, clock: FakeClock, phones: Record<string, HarnessPhone>) {
  /** Move the fake clock `ms` in 20 ms steps, letting real I/O (RTP, SIP) run between them. */
  const pump = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 20) {
      clock.advance(20);
      if (t % 100 === 0) await new Promise((r) => setTimeout(r, 1));
    }
  };
  /** Move the fake clock with real time (a phone talking: its RTP arrives in real time). */
  const realTime = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 20) {
      await new Promise((r) => setTimeout(r, 20));
      clock.advance(20);
    }
  };
  const pumpUntil = async (cond: () => boolean, maxFakeMs: number, what: string): Promise<void> => {
    for (let t = 0; t < maxFakeMs && !cond(); t += 200) await pump(200);
    assert.ok(cond(), what);
  };
  const idle = () => pumpUntil(() => ex().switch.activeCalls().length === 0, 60_000, 'every call to end');

  /** `from` calls `to` and is answered by the exchange (voicemail, a feature code). */
  const callAnswered = async (from: string, to: string): Promise<AnsweredCall> => {
    const p = phones[from]!;
    let done = false;
    const pending = p.sip.sendAuthenticated({ method: 'INVITE', target: to, from, body: offerFor(p.rtp.localPort) }, creds(from)).finally(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    for (let t = 0; t < 60_000 && !done; t += 100) await pump(100); // a ring time may come first
    const r = await pending;
    assert.is(r.final.status, 200, `${to} answered`);
    const dialog = Dialog.asUac(r.request, r.final);
    p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex().sip.port });
    const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
    return {
      dialog,
      bye: async () => void (await p.sip.send(dialog.createRequest('BYE'))),
      info: async (digits: string) => {
        for (const d of digits) assert.is((await p.sip.send(dialog.createRequest('INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' }))).status, 200);
      },
    };
  };

  /**
   * What `from` hears while `during` runs: the dominant frequency of each 200 ms of loud
   * audio, in order (a voice prompt gives scattered values, a tone the same one again).
   */
  const heardTones = async (from: string, during: () => Promise<void>): Promise<number[]> => {
    const frames: Int16Array[] = [];
    const off = phones[from]!.rtp.onFrame((f) => frames.push(f));
    try {
      await during();
    } finally {
      off();
    }
    const loud = frames.filter((f) => f.some((s) => Math.abs(s) > 2000));
    const out: number[] = [];
    for (let i = 0; i + 10 <= loud.length; i += 10) out.push(classifyTone(loud.slice(i, i + 10)).dominantHz ?? 0);
    return out;
  };
  /** Whether `from` heard a steady `hz` tone (at least 600 ms of it) while `during` ran. */
  const heardHz = async (from: string, hz: number, during: () => Promise<void>): Promise<{ heard: boolean; tones: number[] }> => {
    const tones = await heardTones(from, during);
    return { heard: tones.filter((t) => Math.abs(t - hz) <= 15).length >= 3, tones };
  };

  return { pump, realTime, pumpUntil, idle, callAnswered, heardTones, heardHz, waitFor };
}
