/**
 * Conferences and playbacks inside a media worker (the commands of mix-protocol.ts).
 *
 * A conference here is the same ConferenceMixer the main thread used to run, on the
 * worker's system clock: its members are this worker's RTP legs (decoded path, inside the
 * worker), loopback legs standing in for legs of other workers (see worker/conference.ts),
 * and frame links for members that live on the main thread. A playback is a Player whose
 * frames go to one leg, or that joins a mixer as one more (earless) member.
 */
import { SystemClock, type Clock } from '../../../common/clock.js';
import { FRAME_SAMPLES, type FrameListener, type MediaEndpoint } from '../endpoint.js';
import { ConferenceMixer } from '../mixer.js';
import { frameTickerFor, type FrameTicker } from '../frame-ticker.js';
import { Player } from '../player.js';
import { frameSource } from '../playback.js';
import type { MixCommand, MixEvent, PlaybackSource } from './mix-protocol.js';

/** A member on the main thread: what it says arrives by message, what it hears leaves by message. */
class FrameLink implements MediaEndpoint {
  private readonly listeners = new Set<FrameListener>();
  constructor(private readonly hear: (frame: Int16Array) => void) {}
  onFrame(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  say(frame: Int16Array): void {
    if (frame.length !== FRAME_SAMPLES) return;
    for (const l of this.listeners) l(frame);
  }
  writeFrame(frame: Int16Array): void {
    this.hear(frame);
  }
}

export interface MixingHost {
  /** An endpoint of this worker by the main thread's id, if open. */
  endpoint(id: number): MediaEndpoint | undefined;
  post(m: MixEvent, transfer?: ArrayBuffer[]): void;
}

export class WorkerMixing {
  /** The worker's frame tick: its legs' playout, these players, then these mixers (frame-ticker.ts). */
  private readonly frames: FrameTicker;
  private readonly mixers = new Map<number, { mixer: ConferenceMixer; playbacks: Set<number> }>();
  private readonly links = new Map<number, { link: FrameLink; mid: number }>();
  private readonly playbacks = new Map<number, { player: Player; leg?: number; mid?: number; off: () => void }>();

  /** `clock`: the worker's, shared with its RTP legs so that all of them run on one frame tick. */
  constructor(
    private readonly host: MixingHost,
    private readonly clock: Clock = new SystemClock(),
  ) {
    this.frames = frameTickerFor(clock);
  }

  handle(m: MixCommand): void {
    switch (m.op) {
      case 'mixer-open':
        if (!this.mixers.has(m.mid)) this.mixers.set(m.mid, { mixer: new ConferenceMixer({ clock: this.clock, frames: this.frames, maxLegs: Number.MAX_SAFE_INTEGER }), playbacks: new Set() });
        return;
      case 'mixer-close': {
        const x = this.mixers.get(m.mid);
        if (!x) return;
        for (const pid of [...x.playbacks]) this.endPlayback(pid, true);
        for (const [lid, l] of this.links) if (l.mid === m.mid) this.links.delete(lid);
        x.mixer.close();
        this.mixers.delete(m.mid);
        return;
      }
      case 'mixer-add': {
        const e = this.host.endpoint(m.id);
        if (e) this.mixers.get(m.mid)?.mixer.add(e);
        return;
      }
      case 'mixer-remove': {
        const e = this.host.endpoint(m.id);
        if (e) this.mixers.get(m.mid)?.mixer.remove(e);
        return;
      }
      case 'link-open': {
        const x = this.mixers.get(m.mid);
        if (!x || this.links.has(m.lid)) return;
        const lid = m.lid;
        const link = new FrameLink((f) => {
          const copy = f.slice(); // the mixer reuses its output buffer
          this.host.post({ ev: 'hear', lid, frame: copy }, [copy.buffer as ArrayBuffer]);
        });
        this.links.set(lid, { link, mid: m.mid });
        x.mixer.add(link);
        return;
      }
      case 'link-say':
        return this.links.get(m.lid)?.link.say(m.frame);
      case 'link-close': {
        const l = this.links.get(m.lid);
        if (!l) return;
        this.links.delete(m.lid);
        this.mixers.get(l.mid)?.mixer.remove(l.link);
        return;
      }
      case 'play':
        return this.play(m.pid, m.to, m.source);
      case 'play-stop':
        return this.endPlayback(m.pid, false, true);
    }
  }

  /** A leg of this worker closed: its playbacks end (reported gone); mixers drop it. */
  legClosed(id: number, e: MediaEndpoint): void {
    for (const [pid, p] of this.playbacks) if (p.leg === id) this.endPlayback(pid, true);
    for (const { mixer } of this.mixers.values()) mixer.remove(e);
  }

  private play(pid: number, to: { leg: number } | { mixer: number }, source: PlaybackSource): void {
    if (this.playbacks.has(pid)) return;
    const player = new Player(this.clock, frameSource(source), this.frames);
    if ('leg' in to) {
      const e = this.host.endpoint(to.leg);
      if (!e) return this.host.post({ ev: 'played', pid, gone: true });
      const off = player.onFrame((f) => e.writeFrame(f));
      this.playbacks.set(pid, { player, leg: to.leg, off });
    } else {
      const x = this.mixers.get(to.mixer);
      if (!x) return this.host.post({ ev: 'played', pid, gone: true });
      x.mixer.add(player);
      x.playbacks.add(pid);
      this.playbacks.set(pid, { player, mid: to.mixer, off: () => x.mixer.remove(player) });
    }
    player.onEnd(() => this.endPlayback(pid, false));
    player.start();
  }

  private endPlayback(pid: number, gone: boolean, cancelled = false): void {
    const p = this.playbacks.get(pid);
    if (!p) return;
    this.playbacks.delete(pid);
    p.player.stop();
    p.off();
    if (p.mid !== undefined) this.mixers.get(p.mid)?.playbacks.delete(pid);
    if (!cancelled) this.host.post({ ev: 'played', pid, gone });
  }
}
