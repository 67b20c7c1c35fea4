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
import { buildAnswer, buildOffer, checkedAudio, PCMA, PCMU, TELEPHONE_EVENT, type AudioStream, type Codec, type Direction } from '../../sip/sdp.js';
import { SdpRejected } from '../../sip/sdp-check.js';
import { SUPPORTED_PTIMES } from '../../media/rtp/packetizer.js';
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
  private current: G711Law | undefined;
  /** The voice codecs this leg may use, in order of preference (a SIP trunk's `codecs`); default both. */
  private allowed: readonly G711Law[] | undefined;
  /** Where and how the phone receives our RTP (address, port, codec), once negotiated: a change mid-call is a media move. */
  remote: string | undefined;
  /**
   * The description we last sent (offer or answer): a session refresh re-INVITE offers it
   * again unchanged, o= version included (RFC 6337 §5.3, RFC 4028 §7.4).
   */
  lastSent: string | undefined;
  /**
   * Our answer to the phone's offer while no other description has been exchanged since:
   * answering the same offer again (the B2BUA's early check, then the 183 or the 200)
   * repeats it instead of parsing, building and posting the remote to the worker again.
   */
  private answered: { offer: Buffer | string; sdp: string } | undefined;

  private constructor(
    readonly endpoint: RtpLeg,
    /** The address our SDP gives the phone for this endpoint (`c=`). */
    private readonly address: string,
  ) {}

  /**
   * Open the leg's RTP endpoint.
   * @param near the media of the call's other leg, if known. When it lives in one of the
   *   pool's workers the new endpoint opens in the same worker, so bridge() can relay the
   *   call inside it (two legs in different workers fall back to frames posted between
   *   threads). Anything else (an analog port, no pool) is ignored: the pool picks the
   *   least loaded worker.
   * @param towards the phone's signalling address: SDP offers it the address it can reach.
   */
  static async open(ctx: SipContext, near?: MediaEndpoint, towards?: string): Promise<SipMedia> {
    const opts = { host: ctx.rtpHost, port: 0, ...(ctx.rtpPorts ? { portRange: ctx.rtpPorts } : {}), ...(ctx.rtpTimeoutMs ? { rtpTimeoutMs: ctx.rtpTimeoutMs } : {}) };
    const endpoint = ctx.mediaPool
      ? await ctx.mediaPool.open(opts, near instanceof WorkerRtpEndpoint ? near : undefined)
      : await RtpEndpoint.open({ ...opts, clock: ctx.clock });
    return new SipMedia(endpoint, ctx.mediaAddress?.(towards) ?? endpoint.localAddress);
  }

  /** Restrict this leg to `codecs` (in order of preference): offers list only them, answers choose among them. */
  allowCodecs(codecs: readonly G711Law[]): void {
    this.allowed = codecs.length ? codecs : undefined;
    this.answered = undefined;
  }

  /**
   * The media is gone without close(): a fault in this leg's media code, its RTP timeout
   * (dead call), or its worker died. The leg should hang up (cause `failure`).
   */
  onLost(listener: (err: Error) => void): () => void {
    return this.endpoint.onEnded(listener);
  }

  /**
   * Answer the phone's offer and point our endpoint at it. Nothing changes when the offer
   * is refused: the leg keeps its current media (RFC 3261 §14.2 for a re-INVITE).
   * @throws SdpRejected when the offer is unusable or no codec is common (the caller answers 488).
   */
  answer(offer: Buffer | string): string {
    if (this.answered?.offer === offer) return this.answered.sdp;
    // The offer's a=ptime is honoured when the endpoint can send at it (RFC 4566 §6: a preference), else 20 ms.
    const supported = this.allowed ? [...this.allowed.map((c) => (c === 'PCMA' ? PCMA : PCMU)), TELEPHONE_EVENT] : undefined;
    const a = buildAnswer(offer, { address: this.address, port: this.endpoint.localPort, family: this.family, sessionId: this.sessionId, sessionVersion: this.version, ptimes: SUPPORTED_PTIMES, ...(supported ? { supported } : {}) });
    this.version++;
    this.apply(a.offered, a.codec, a.telephoneEvent, a.ptime);
    this.answered = { offer, sdp: a.sdp };
    return (this.lastSent = a.sdp);
  }

  /**
   * Our offer, with `preferred` first so both legs of a call can share one codec (relay).
   * Once a codec is in use, a new offer (offerless re-INVITE, session refresh) puts it first.
   */
  offer(preferred: G711Law = this.codec ?? 'PCMU', direction: Direction = 'sendrecv'): string {
    this.setHeld(direction !== 'sendrecv');
    this.answered = undefined;
    // A restricted leg (a SIP trunk's codecs) offers only its codecs; the preferred one first when allowed, so the call can relay.
    const order: readonly G711Law[] = this.allowed ? [...this.allowed].sort((x, y) => Number(y === preferred) - Number(x === preferred)) : preferred === 'PCMA' ? ['PCMA', 'PCMU'] : ['PCMU', 'PCMA'];
    const voice = order.map((c) => (c === 'PCMA' ? PCMA : PCMU));
    return (this.lastSent = buildOffer({
      address: this.address,
      port: this.endpoint.localPort,
      codecs: [...voice, TELEPHONE_EVENT],
      direction,
      sessionId: this.sessionId,
      sessionVersion: this.version++,
    }));
  }

  /**
   * Take the phone's answer to our offer; the media is unchanged when it is unusable.
   * @throws SdpRejected when the answer fails validation or names no codec we offered.
   */
  takeAnswer(answer: Buffer | string): void {
    const { audio } = checkedAudio(answer, this.family);
    this.answered = undefined;
    const voice = audio.codecs.find((c) => VOICE[c.name.toLowerCase()]);
    if (!voice) throw new SdpRejected(305, 'the answer names none of the offered voice codecs');
    this.apply(audio, voice, audio.codecs.find((c) => c.name.toLowerCase() === 'telephone-event'));
  }

  /** The voice codec in use, once an offer or answer has been taken. */
  get codec(): G711Law | undefined {
    return this.current;
  }

  private get family(): 4 | 6 {
    return this.endpoint.localAddress.includes(':') ? 6 : 4;
  }

  async close(): Promise<void> {
    await this.endpoint.close();
  }

  /** Not sendrecv, whichever side asked: the phone may send nothing (RTP timeout off). */
  private setHeld(held: boolean): void {
    this.endpoint.setHeld(held);
  }

  /** `ptime`: what we answered; absent (their answer to our offer): what they asked for. */
  private apply(audio: AudioStream, voice: Codec, te: Codec | undefined, ptime?: number): void {
    this.held = audio.onHold;
    this.setHeld(audio.onHold || audio.direction !== 'sendrecv');
    this.current = VOICE[voice.name.toLowerCase()]!;
    if (audio.address === '0.0.0.0') return; // RFC 2543 hold: keep the old address, stop sending
    this.remote = `${audio.address} ${audio.port} ${this.current}`;
    this.endpoint.setRemote({
      address: audio.address,
      port: audio.port,
      codec: this.current,
      payloadType: voice.payload,
      ...(te ? { telephoneEventPayloadType: te.payload } : {}),
      ...((ptime ?? audio.ptime) !== undefined ? { ptimeMs: ptime ?? audio.ptime } : {}),
    });
  }
}
