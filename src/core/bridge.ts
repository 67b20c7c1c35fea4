/**
 * A bridge: channels that hear each other (or, in a holding bridge, music). The core moves
 * channels in and out; the bridge picks the media path for its members each time they
 * change, never per packet:
 *
 * - two members: the media engine's `bridge()` — the relay fast path or A↔µ transcoding
 *   inside one media worker, decoded frames otherwise;
 * - three or more: the conference mixer (each hears every other, never itself);
 * - a holding bridge: every member hears music on hold (the committed asset, moh.ts), and
 *   nobody hears the members.
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
import { ConferenceMixer, type MixerBudget } from '../media/mixer.js';
import { musicOnHold } from '../media/moh.js';
import { PcmSource, Player } from '../media/player.js';
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

/** Music on hold, computed once per process (24 s, loops without a seam). */
let moh: Int16Array | undefined;

let nextBridgeId = 1;

export class Bridge extends EventEmitter<BridgeEvents> {
  readonly id = `bridge-${nextBridgeId++}`;
  readonly kind: BridgeKind;
  readonly dtmf: DtmfPolicy;
  private readonly members = new Map<string, Member>();
  /** Media without a channel heard by every member: a playback (prompt, tone) attached to the bridge. */
  private readonly attached = new Set<MediaEndpoint>();
  private media: { mode: BridgeMediaMode; close(): void } = { mode: 'none', close() {} };
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

  /** Remove every member and release the media path. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const m of [...this.members.values()]) this.remove(m.channel);
    this.closed = true;
    this.attached.clear();
    this.media.close();
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
    this.media.close();
    const endpoints = this.channels().map((c) => c.media).filter((e): e is MediaEndpoint => e !== undefined);
    if (this.kind !== 'holding') endpoints.push(...this.attached);
    if (this.kind === 'holding') this.media = endpoints.length ? this.music(endpoints) : { mode: 'none', close() {} };
    else if (endpoints.length === 2) this.media = bridgeMedia(endpoints[0]!, endpoints[1]!);
    else if (endpoints.length >= 3) this.media = this.mix(endpoints);
    else this.media = { mode: 'none', close() {} };
  }

  private mix(endpoints: MediaEndpoint[]): { mode: BridgeMediaMode; close(): void } {
    const mixer = new ConferenceMixer({ clock: this.opts.clock, maxLegs: Math.max(10, endpoints.length), ...(this.opts.budget ? { budget: this.opts.budget } : {}) });
    try {
      for (const e of endpoints) mixer.add(e);
    } catch (err) {
      mixer.close();
      throw err;
    }
    return { mode: 'mix', close: () => mixer.close() };
  }

  private music(endpoints: MediaEndpoint[]): { mode: BridgeMediaMode; close(): void } {
    const player = new Player(this.opts.clock, new PcmSource((moh ??= musicOnHold()), true));
    const off = player.onFrame((f) => {
      for (const e of endpoints) e.writeFrame(f);
    });
    player.start();
    return {
      mode: 'music',
      close: () => {
        off();
        player.stop();
      },
    };
  }
}
