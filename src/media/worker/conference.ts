/**
 * A conference mixed inside a media worker, driven from the main thread. The mixer runs in
 * the worker hosting most of the members (chosen when the conference forms; a conference
 * is not moved afterwards, as that would interrupt everyone's audio); each member joins it
 * by the cheapest path there is:
 *
 * - a leg of that worker: joins directly (decoded inside the worker; no message per frame);
 * - a leg of another worker: a **loopback RTP pair** — one leg in each worker, pointed at
 *   each other on 127.0.0.1; the member's worker relays between the member and its half
 *   (the existing packet fast path, no decoding there), the host's half joins the mixer.
 *   Chosen over a MessagePort or a SharedArrayBuffer ring between the workers because it
 *   reuses the relay, the jitter buffer and the loss concealment exactly as a phone's leg
 *   uses them (the two workers' 20 ms timers beat against each other; the jitter buffer is
 *   what absorbs that), adds no code on the per-packet path, and costs the kernel a
 *   loopback datagram (a few µs) per 20 ms each way. The price: two more sockets per such
 *   member, and the loopback half's 20 ms of playout delay;
 * - anything on the main thread (an analog port, a main-thread player): a frame link, one
 *   message per 20 ms each way, as the decoded path between threads always was.
 *
 * `set(endpoints)` changes the membership in place: members that stay keep hearing each
 * other without a gap (a join, a leave or a replaced endpoint touches only that member).
 */
import type { MediaEndpoint } from '../endpoint.js';
import type { MixerBudget } from '../mixer.js';
import { MixerCapacityError } from '../mixer.js';
import type { Playback, PlaybackSource } from '../playback.js';
import { WorkerRtpEndpoint } from './worker-endpoint.js';
import type { MediaWorker } from './pool.js';
import { nextMixId, workerPlayback } from './worker-playback.js';

const LOOPBACK = '127.0.0.1';

/** The live worker hosting most of `endpoints`, if any is hosted by one. */
export function mostMembers(endpoints: readonly MediaEndpoint[]): MediaWorker | undefined {
  const count = new Map<MediaWorker, number>();
  for (const e of endpoints) if (e instanceof WorkerRtpEndpoint && !e.worker.dead) count.set(e.worker, (count.get(e.worker) ?? 0) + 1);
  let best: MediaWorker | undefined;
  for (const [w, n] of count) if (!best || n > count.get(best)!) best = w;
  return best;
}

export class WorkerConference {
  readonly mode = 'mix' as const;
  private readonly mid = nextMixId();
  /** Each member's way out of the mixer. */
  private readonly members = new Map<MediaEndpoint, () => void>();
  private closed = false;

  constructor(
    readonly host: MediaWorker,
    private readonly budget?: MixerBudget,
    private readonly onError?: (err: Error) => void,
  ) {
    host.post({ op: 'mixer-open', mid: this.mid });
  }

  get size(): number {
    return this.members.size;
  }

  /**
   * Make the members exactly `endpoints`. Throws MixerCapacityError (and changes nothing)
   * when the board's mixing budget cannot take the new ones.
   */
  set(endpoints: readonly MediaEndpoint[]): void {
    if (this.closed) return;
    const next = new Set(endpoints);
    const joining = endpoints.filter((e) => !this.members.has(e));
    if (this.budget && this.budget.available < joining.length) throw new MixerCapacityError(`conference capacity of this board reached (${this.budget.capacity} legs)`);
    for (const [e, leave] of [...this.members]) {
      if (next.has(e)) continue;
      this.members.delete(e);
      leave();
      this.budget?.give();
    }
    for (const e of joining) {
      this.budget?.take();
      this.members.set(e, this.join(e));
    }
  }

  /** A playback every member hears, mixed in the worker (cancel with stop()). */
  play(source: PlaybackSource): Playback {
    return workerPlayback(this.host, { mixer: this.mid }, source);
  }

  close(): void {
    if (this.closed) return;
    this.set([]);
    this.closed = true;
    this.host.post({ op: 'mixer-close', mid: this.mid });
  }

  private join(e: MediaEndpoint): () => void {
    if (e instanceof WorkerRtpEndpoint && e.worker === this.host) {
      this.host.post({ op: 'mixer-add', mid: this.mid, id: e.id });
      return () => this.host.post({ op: 'mixer-remove', mid: this.mid, id: e.id });
    }
    if (e instanceof WorkerRtpEndpoint && !e.worker.dead) return this.loopback(e);
    return this.link(e);
  }

  /** A member on the main thread: frames by message both ways. */
  private link(e: MediaEndpoint): () => void {
    const lid = nextMixId();
    const key = `l${lid}`;
    this.host.post({ op: 'link-open', mid: this.mid, lid });
    this.host.mixEvents.set(key, (m) => m.ev === 'hear' && e.writeFrame(m.frame));
    const off = e.onFrame((f) => {
      const copy = f.slice(); // the producer reuses its buffer; the copy is transferred
      this.host.post({ op: 'link-say', lid, frame: copy }, [copy.buffer as ArrayBuffer]);
    });
    return () => {
      off();
      this.host.mixEvents.delete(key);
      this.host.post({ op: 'link-close', lid });
    };
  }

  /** A leg of another worker: a loopback RTP pair between the two workers (see the module comment). */
  private loopback(e: WorkerRtpEndpoint): () => void {
    let left = false;
    let undo = (): void => {};
    const opts = { host: LOOPBACK, port: 0, codec: e.codec, jitter: { initialDelayMs: 20 } };
    void (async () => {
      const opened = await Promise.allSettled([this.host.openHere(opts), e.worker.openHere(opts)]);
      const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        for (const r of opened) if (r.status === 'fulfilled') void r.value.close();
        throw failed.reason;
      }
      const [near, far] = opened.map((r) => (r as PromiseFulfilledResult<WorkerRtpEndpoint>).value) as [WorkerRtpEndpoint, WorkerRtpEndpoint];
      const bridge = left ? undefined : far.bridgeWithin(e);
      undo = () => {
        bridge?.close();
        this.host.post({ op: 'mixer-remove', mid: this.mid, id: near.id });
        void near.close();
        void far.close();
      };
      if (left || !bridge) return undo();
      near.setRemote({ address: LOOPBACK, port: far.localPort, codec: e.codec });
      far.setRemote({ address: LOOPBACK, port: near.localPort, codec: e.codec });
      this.host.post({ op: 'mixer-add', mid: this.mid, id: near.id });
    })().catch((err: unknown) => this.onError?.(err instanceof Error ? err : new Error(String(err))));
    return () => {
      left = true;
      undo();
    };
  }
}
