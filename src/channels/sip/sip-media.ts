/**
 * The media half of a SIP leg: its RTP endpoint on the exchange and the SDP offer/answer
 * (RFC 3264) that points the phone at it. Each leg has its own endpoint, so the two
 * phones of a call only ever see the exchange (media anchored for NAT and recording);
 * the core bridges the endpoints (relay fast path when both legs use one codec).
 *
 * With a media worker pool in the context (the running exchange) the endpoint lives in a
 * worker thread and two SIP legs relay inside it; without one (unit tests on a fake clock)
 * it runs on this thread. Both kinds have the API used here and by the channels. The
 * second leg of a call opens next to the first (`open(ctx, near)`), in the same worker.
 */
import { RtpEndpoint } from '../../media/rtp-endpoint.js';
import { WorkerRtpEndpoint } from '../../media/worker/worker-endpoint.js';
import type { MediaEndpoint } from '../../media/endpoint.js';
import type { G711Law } from '../../media/g711.js';
import { audioStream, buildAnswer, buildOffer, parseSdp, PCMA, PCMU, TELEPHONE_EVENT, type Codec, type Direction } from '../../sip/sdp.js';
import { SipError } from '../../sip/errors.js';
import { randomDecimal } from '../../sip/random.js';
import type { SipContext } from './context.js';

const VOICE: Record<string, G711Law> = { pcmu: 'PCMU', pcma: 'PCMA' };

/** A SIP leg's RTP endpoint: on this thread or in a media worker. */
export type RtpLeg = RtpEndpoint | WorkerRtpEndpoint;

export class SipMedia {
  private version = 1;
  /** Unpredictable, as every identifier the exchange puts on the wire (RFC 4566 §5.2 o= sess-id). */
  private readonly sessionId = randomDecimal();
  /** The direction the phone last asked for (hold detection). */
  held = false;

  private constructor(readonly endpoint: RtpLeg) {}

  /**
   * Open the leg's RTP endpoint.
   * @param near the media of the call's other leg, if known. When it lives in one of the
   *   pool's workers the new endpoint opens in the same worker, so bridge() can relay the
   *   call inside it (two legs in different workers fall back to frames posted between
   *   threads). Anything else (an analog port, no pool) is ignored: the pool picks the
   *   least loaded worker.
   */
  static async open(ctx: SipContext, near?: MediaEndpoint): Promise<SipMedia> {
    if (ctx.mediaPool) {
      const sameWorker = near instanceof WorkerRtpEndpoint ? near : undefined;
      return new SipMedia(await ctx.mediaPool.open({ host: ctx.rtpHost, port: 0, ...(ctx.rtpPorts ? { portRange: ctx.rtpPorts } : {}) }, sameWorker));
    }
    return new SipMedia(await RtpEndpoint.open({ host: ctx.rtpHost, port: 0, clock: ctx.clock, ...(ctx.rtpPorts ? { portRange: ctx.rtpPorts } : {}) }));
  }

  /** The media is gone without close() (its worker died): the leg should hang up. */
  onLost(listener: (err: Error) => void): () => void {
    return 'onEnded' in this.endpoint ? this.endpoint.onEnded(listener) : () => undefined;
  }

  /**
   * Answer the phone's offer and point our endpoint at it.
   * @throws SipError 488 when no codec is common (RFC 3261 §13.3.1.3).
   */
  answer(offer: Buffer | string): string {
    const a = buildAnswer(offer, { address: this.endpoint.localAddress, port: this.endpoint.localPort, sessionId: this.sessionId, sessionVersion: this.version++ });
    if (!a) throw new SipError(488, 'Not Acceptable Here');
    this.apply(offer, a.codec, a.telephoneEvent);
    return a.sdp;
  }

  /** Our offer, with `preferred` first so both legs of a call can share one codec (relay). */
  offer(preferred: G711Law = 'PCMU', direction: Direction = 'sendrecv'): string {
    const voice = preferred === 'PCMA' ? [PCMA, PCMU] : [PCMU, PCMA];
    return buildOffer({
      address: this.endpoint.localAddress,
      port: this.endpoint.localPort,
      codecs: [...voice, TELEPHONE_EVENT],
      direction,
      sessionId: this.sessionId,
      sessionVersion: this.version++,
    });
  }

  /** Take the phone's answer to our offer. False when it is unusable (no common codec). */
  takeAnswer(answer: Buffer | string): boolean {
    const audio = audioStream(parseSdp(answer));
    const voice = audio?.codecs.find((c) => VOICE[c.name.toLowerCase()]);
    if (!audio || !voice || audio.port === 0) return false;
    this.apply(answer, voice, audio.codecs.find((c) => c.name.toLowerCase() === 'telephone-event'));
    return true;
  }

  async close(): Promise<void> {
    await this.endpoint.close();
  }

  private apply(sdp: Buffer | string, voice: Codec, te: Codec | undefined): void {
    const audio = audioStream(parseSdp(sdp))!;
    this.held = audio.onHold;
    if (audio.address === '0.0.0.0') return; // RFC 2543 hold: keep the old address, stop sending
    this.endpoint.setRemote({
      address: audio.address,
      port: audio.port,
      codec: VOICE[voice.name.toLowerCase()]!,
      payloadType: voice.payload,
      ...(te ? { telephoneEventPayloadType: te.payload } : {}),
    });
  }
}
