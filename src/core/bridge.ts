/**
 * A bridge: channels that hear each other (or, in a holding bridge, music). The core moves
 * channels in and out; the bridge picks the media path for its members each time they
 * change, never per packet:
 *
 * - two members: the media engine's `bridge()` — the relay fast path or A↔µ transcoding
 *   inside one media worker, decoded frames otherwise;
 * - three or more, or members and a playback: a conference (media/conference.ts), mixed
 *   inside the media worker that hosts most members (each hears every other, never
 *   itself); a membership change or a replaced endpoint updates it in place, so those who
 *   stay never lose a frame;
 * - a holding bridge: every member hears music on hold (moh.ts) from their arrival, played
 *   inside the member's media worker (media/playback.ts), and nobody hears the members.
 *
 * A channel whose media endpoint is replaced mid-call (`media` event: a re-INVITE moving
 * the RTP, a DECT handover) is re-wired the same way.
 *
 * DTMF policy: `pass` makes a digit from one member reach every other in the form that
 * member negotiated (RFC 4733 relayed by the fast path, tones in the audio, or the member
 * plays it itself: INFO, RFC 4733 generated, tones on an analog line); `app` delivers the
 * digits to the application that owns the bridge only. Either way every digit is emitted
 * as `dtmf` (the call's observers publish it).
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../common/clock.js';
import type { Channel, DtmfVia } from '../channels/channel.js';
import type { MediaEndpoint } from '../media/endpoint.js';
import type { MixerBudget } from '../media/mixer.js';
import { conference, type Conference } from '../media/conference.js';
import { playTo, type Playback, type PlaybackSource } from '../media/playback.js';
import { bridge as bridgeMedia } from '../media/relay.js';

export type DtmfPolicy = 'pass' | 'app';
export type BridgeKind = 'mixing' | 'holding';
/** The media path in use: none (fewer than two members with media), the two-party paths, the mixer, music. */
export type BridgeMediaMode = 'none' | 'relay' | 'transcode' | 'decoded' | 'mix' | 'music';

export interface BridgeEvents {
  joined: [channel: Channel];
  left: [channel: Channel];
  dtmf: [from: Channel, digit: string, via: DtmfVia];
}

export interface BridgeOptions {
  clock: Clock;
  kind?: BridgeKind;
  dtmf?: DtmfPolicy;
  /** The board's mixing budget, shared by every bridge of three or more. */
  budget?: MixerBudget;
}

interface Member {
  channel: Channel;
  off: () => void;
}

/** A playback attached to the bridge: where it runs now (rebuilt with the media path). */
interface BridgePlayback {
  source: PlaybackSource;
  running?: { on: Conference; playback: Playback };
  end(gone: boolean): void;
}

type MediaPath = { mode: BridgeMediaMode; close(): void; conference?: Conference };

let nextBridgeId = 1;

export class Bridge extends EventEmitter<BridgeEvents> {
  readonly id = `bridge-${nextBridgeId++}`;
  readonly kind: BridgeKind;
  readonly dtmf: DtmfPolicy;
  private readonly members = new Map<string, Member>();
  /** Media without a channel heard by every member: a playback (prompt, tone) attached to the bridge. */
  private readonly attached = new Set<MediaEndpoint>();
  private readonly playbacks = new Set<BridgePlayback>();
  /** Holding bridge: each member's music, from its arrival. */
  private readonly music = new Map<MediaEndpoint, Playback>();
  private media: MediaPath = { mode: 'none', close() {} };
  private closed = false;

  constructor(private readonly opts: BridgeOptions) {
    super();
    this.kind = opts.kind ?? 'mixing';
    this.dtmf = opts.dtmf ?? (this.kind === 'holding' ? 'app' : 'pass');
  }

  get mode(): BridgeMediaMode {
    return this.media.mode;
  }

  channels(): Channel[] {
    return [...this.members.values()].map((m) => m.channel);
  }

  has(channel: Channel): boolean {
    return this.members.has(channel.id);
  }

  get size(): number {
    return this.members.size;
  }

  /** Move a channel in (a released channel is refused: false). */
  add(channel: Channel): boolean {
    if (this.closed || channel.state === 'released') return false;
    if (this.members.has(channel.id)) return true;
    const onDigits = (digits: string, via: DtmfVia = 'inband'): void => this.digits(channel, digits, via);
    const onHangup = (): void => this.remove(channel);
    const onMedia = (): void => this.remediate();
    channel.on('digits', onDigits).on('hangup', onHangup).on('media', onMedia);
    const off = (): void => void channel.off('digits', onDigits).off('hangup', onHangup).off('media', onMedia);
    this.members.set(channel.id, { channel, off });
    this.remediate();
    this.emit('joined', channel);
    return true;
  }

  /** Move a channel out; it keeps its call (another bridge, a playback, hang-up). */
  remove(channel: Channel): void {
    const m = this.members.get(channel.id);
    if (!m) return;
    m.off();
    this.members.delete(channel.id);
    this.remediate();
    this.emit('left', channel);
  }

  /**
   * Let every member hear `endpoint` (a playback): it joins the media path as one more
   * participant, so two members and a prompt are mixed. Returns the detach function.
   */
  attach(endpoint: MediaEndpoint): () => void {
    if (this.closed || this.kind === 'holding') return () => {};
    this.attached.add(endpoint);
    this.remediate();
    return () => {
      if (this.attached.delete(endpoint) && !this.closed) this.remediate();
    };
  }

  /**
   * A playback every member hears (a prompt, a tone, music), produced where the mixing runs
   * (the media worker); cancel with stop(). Ends `gone` when the bridge closes. A holding
   * bridge plays only its music (gone at once).
   */
  play(source: PlaybackSource): Playback {
    const listeners = new Set<(gone: boolean) => void>();
    const bp: BridgePlayback = {
      source,
      end: (gone) => {
        if (!this.playbacks.delete(bp)) return;
        bp.running?.playback.stop();
        if (!this.closed) this.remediate(); // back to the two-party path, maybe
        for (const l of listeners) l(gone);
      },
    };
    const handle: Playback = {
      onEnd(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      stop: () => {
        listeners.clear();
        if (!this.playbacks.delete(bp)) return;
        bp.running?.playback.stop();
        if (!this.closed) this.remediate();
      },
    };
    this.playbacks.add(bp);
    if (this.closed || this.kind === 'holding') queueMicrotask(() => bp.end(true));
    else this.remediate();
    return handle;
  }

  /** Remove every member and release the media path. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const m of [...this.members.values()]) this.remove(m.channel);
    this.closed = true;
    this.attached.clear();
    this.media.close();
    for (const bp of [...this.playbacks]) bp.end(true);
  }

  private digits(from: Channel, digits: string, via: DtmfVia): void {
    for (const digit of digits) this.emit('dtmf', from, digit, via);
    if (this.dtmf !== 'pass') return;
    for (const { channel: to } of this.members.values()) {
      if (to !== from && !this.carries(to, via)) to.sendDigits?.(digits);
    }
  }

  /**
   * Whether the media path already delivers a digit of form `via` to `to`: in-band tones
   * ride in any audio path; RFC 4733 events only through the relay/transcode fast path to a
   * member whose endpoint agreed telephone-event (a capability, not a class); INFO never.
   */
  private carries(to: Channel, via: DtmfVia): boolean {
    const mode = this.media.mode;
    if (mode === 'none' || mode === 'music') return false;
    if (via === 'inband') return true;
    if (via === 'info') return false;
    return (mode === 'relay' || mode === 'transcode') && to.media?.telephoneEventPayloadType !== undefined;
  }

  /** Rebuild the media path for the members now (on a membership or endpoint change only). */
  private remediate(): void {
    const endpoints = this.channels().map((c) => c.media).filter((e): e is MediaEndpoint => e !== undefined);
    if (this.kind === 'holding') return this.holdMusic(endpoints);
    endpoints.push(...this.attached);
    const conf = this.media.conference;
    if (endpoints.length >= 3 || (endpoints.length >= 1 && this.playbacks.size > 0)) {
      if (conf) conf.set(endpoints); // in place: nobody who stays misses a frame
      else {
        this.media.close();
        this.media = { mode: 'none', close() {} };
        const c = conference(endpoints, { clock: this.opts.clock, ...(this.opts.budget ? { budget: this.opts.budget } : {}) });
        this.media = { mode: 'mix', close: () => c.close(), conference: c };
      }
      this.startPlaybacks();
      return;
    }
    this.media.close();
    if (endpoints.length === 2) this.media = bridgeMedia(endpoints[0]!, endpoints[1]!);
    else this.media = { mode: 'none', close() {} };
  }

  /** Bridge playbacks not yet running on the current conference start there. */
  private startPlaybacks(): void {
    const on = this.media.conference;
    if (!on) return;
    for (const bp of this.playbacks) {
      if (bp.running?.on === on) continue;
      const playback = on.play(bp.source);
      bp.running = { on, playback };
      playback.onEnd((gone) => {
        // Gone with a conference that was replaced: the next one runs it again.
        if (!gone || this.media.conference === on) bp.end(gone);
      });
    }
  }

  /** Holding bridge: music for each member, started when it arrives, stopped when it leaves. */
  private holdMusic(endpoints: MediaEndpoint[]): void {
    const now = new Set(endpoints);
    for (const [e, p] of [...this.music]) {
      if (now.has(e)) continue;
      p.stop();
      this.music.delete(e);
    }
    for (const e of endpoints) if (!this.music.has(e)) this.music.set(e, playTo(this.opts.clock, e, { kind: 'moh' }));
    this.media = { mode: this.music.size ? 'music' : 'none', close: () => this.stopMusic() };
  }

  private stopMusic(): void {
    for (const p of this.music.values()) p.stop();
    this.music.clear();
  }
}
