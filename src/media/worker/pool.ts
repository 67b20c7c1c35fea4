/**
 * A small pool of media workers (media-worker.ts): at most one per core by default —
 * relaying is event-driven and idle without calls, and the workers run at a higher priority
 * than SIP signalling only when the board asks (`nice`). Workers start on demand: with
 * `spreadAt` the pool starts another one only once every running worker hosts that many
 * legs, so a small office's traffic lives in one worker and the idle box carries one thread's
 * memory (about 9 MiB each: docs/PERFORMANCE.md, Memory), while a busy one still spreads over
 * the cores. Each worker owns the sockets
 * of the RTP legs opened on it; two legs of one call must share a worker for the relay to
 * stay inside it, so `open(opts, near)` places a leg next to another.
 *
 * A worker that dies (a bug, an uncaught exception) is reported through `onCrash` and every
 * leg it hosted ends (its `onEnded` listeners fire), so calls hang up instead of going
 * silent; the next opens start a fresh worker in its place.
 *
 * With `idleStopMs` a worker that has hosted nothing (no leg, recording, playback,
 * conference or request in flight) for that long is stopped: an exchange idle since its last
 * call holds no worker thread's memory (about 9 MiB each), and the next call starts one
 * again (tens of milliseconds, once).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { FromWorker, ToWorker, WorkerEndpointOptions, Opened, MediaWorkerData } from './protocol.js';
import type { MixEvent } from './mix-protocol.js';
import { sharedMusicOnHold } from '../playback.js';
import type { PriorityResult } from './thread-priority.js';
import { WorkerRtpEndpoint } from './worker-endpoint.js';
import { RecordingWaiters } from './worker-recording.js';
import { MediaLegError } from '../leg-guard.js';
import { RtpTimeoutError } from '../rtp/rtp-timeout.js';
import { SystemClock, type Clock, type TimerHandle } from '../../../common/clock.js';
import { Outbox } from './outbox.js';

export interface MediaWorkerPoolOptions {
  /** Most workers; default one per core. */
  size?: number;
  /**
   * Legs every running worker must host before the pool starts another (up to `size`).
   * Absent: a new worker for each new call until there are `size` of them.
   */
  spreadAt?: number;
  /**
   * The worker's entry file. Default: media-worker next to this module — `.ts` under tsx
   * (then started through tsx's loader, see spawn()), `.js` in the build, where tsup.config.ts
   * emits media-worker.js into the folder that holds this module's bundled code.
   */
  workerUrl?: URL;
  /**
   * Nice value for the workers' threads (−20…19; media ahead of everything else, as
   * Asterisk's -p): see thread-priority.ts. Absent: the default priority.
   */
  nice?: number;
  /** Told once per worker whether its priority could be set (the exchange logs it). */
  onPriority?: (result: PriorityResult) => void;
  /** Stop a worker that has hosted nothing for this long (ms). Absent or 0: workers stay. */
  idleStopMs?: number;
  /** The clock of the idle checks; default the system clock. */
  clock?: Clock;
}

/** Commands posted without waiting for the turn's batch (MediaWorker.post). */
const ROUTING: ReadonlySet<string> = new Set(['remote', 'hold', 'bridge', 'frames']);

/** One worker thread and what the main thread knows about it. */
export class MediaWorker {
  readonly endpoints = new Map<number, WorkerRtpEndpoint>();
  /** Recordings running in this worker, by recording id (they outlive their leg's close). */
  readonly recordings = new RecordingWaiters();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextRid = 1;
  /** This turn's messages, posted as one batch (outbox.ts); the worker applies them in order. */
  private readonly outbox = new Outbox<ToWorker>((batch, transfer) => {
    if (!this.dead) this.thread.postMessage(batch, transfer);
  });
  dead: Error | undefined;
  /** What the worker reported about its scheduling priority (when one was asked). */
  priority: PriorityResult | undefined;
  /** Conferences and playbacks hosted here (worker/conference.ts, playback.ts): their events by lid/pid. */
  readonly mixEvents = new Map<string, (m: MixEvent) => void>();
  /** Open another leg in this worker (the pool sets it): a conference's loopback legs. */
  openHere: (opts: WorkerEndpointOptions) => Promise<WorkerRtpEndpoint> = () => Promise.reject(new Error('not in a pool'));

  constructor(
    readonly thread: Worker,
    private readonly onDeath: (w: MediaWorker, err: Error, legs: number) => void,
    private readonly onPriority?: (result: PriorityResult) => void,
  ) {
    thread.on('message', (batch: FromWorker[]) => {
      for (const m of batch) this.receive(m);
    });
    thread.on('error', (err) => this.die(err));
    thread.on('exit', (code) => this.die(new Error(`media worker exited with code ${code}`)));
  }

  post(m: ToWorker, transfer?: ArrayBuffer[]): void {
    if (this.dead) return;
    this.outbox.push(m, transfer);
    // What tells the worker where a leg's packets go leaves at once (with what was queued
    // before it, in order): the phone that gets our SDP next must not beat it to the worker.
    if (ROUTING.has(m.op)) this.outbox.flush();
  }

  request<T>(m: ToWorker & { rid: number }): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(m.rid, { resolve: resolve as (v: unknown) => void, reject });
      this.outbox.push(m);
    });
  }

  rid(): number {
    return this.nextRid++;
  }

  /** Nothing lives here: no leg, recording, playback or conference, no request awaiting its answer. */
  get idle(): boolean {
    return this.endpoints.size === 0 && this.pending.size === 0 && this.recordings.size === 0 && this.mixEvents.size === 0;
  }

  /** Stopped on purpose (idle): not a death, so nobody is told of a crash. */
  retire(): Promise<number> {
    this.dead ??= new Error('media worker stopped while idle');
    return this.thread.terminate();
  }

  private receive(m: FromWorker): void {
    if ('rid' in m) {
      const p = this.pending.get(m.rid);
      this.pending.delete(m.rid);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(m.error));
    } else if (m.ev === 'priority') {
      this.priority = m.result;
      this.onPriority?.(m.result);
    } else if (m.ev === 'failed') {
      // One leg's fault (or RTP timeout): that leg ends, the worker and its other calls go on.
      const ep = this.endpoints.get(m.id);
      this.endpoints.delete(m.id);
      ep?.lost(m.timeout ? new RtpTimeoutError(0, m.error) : new MediaLegError(m.error));
    } else if (m.ev === 'recorded') this.recordings.settle(m);
    else if (m.ev === 'hear') this.mixEvents.get(`l${m.lid}`)?.(m);
    else if (m.ev === 'played') this.mixEvents.get(`p${m.pid}`)?.(m);
    else this.endpoints.get(m.id)?.deliver(m);
  }

  /** First of 'error'/'exit' wins; everything waiting on this worker is released. */
  private die(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    this.outbox.clear();
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.recordings.lost(err);
    const eps = [...this.endpoints.values()];
    this.endpoints.clear();
    this.onDeath(this, err, eps.length);
    for (const ep of eps) ep.lost(err);
    // Playbacks here are over (their targets are gone with the worker).
    for (const [key, l] of [...this.mixEvents]) if (key.startsWith('p')) l({ ev: 'played', pid: Number(key.slice(1)), gone: true });
    this.mixEvents.clear();
  }
}

export class MediaWorkerPool {
  private readonly workers: MediaWorker[] = [];
  private readonly crashListeners = new Set<(err: Error, legs: number) => void>();
  private readonly size: number;
  private readonly spreadAt: number;
  private readonly url: URL;
  private readonly workerData: MediaWorkerData;
  private readonly onPriority: ((result: PriorityResult) => void) | undefined;
  private nextId = 1;
  private closed = false;
  private readonly clock: Clock;
  private readonly idleStopMs: number;
  /** When each worker was first seen idle by the sweep (absent: busy at the last look). */
  private readonly idleSince = new Map<MediaWorker, number>();
  private sweeper: TimerHandle | undefined;
  /** Workers stopped because they were idle (tests, stats). */
  stoppedIdle = 0;

  constructor(opts: MediaWorkerPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    this.spreadAt = Math.max(0, opts.spreadAt ?? 0);
    const ts = import.meta.url.endsWith('.ts');
    this.url = opts.workerUrl ?? new URL(ts ? './media-worker.ts' : './media-worker.js', import.meta.url);
    // Computed here, at boot, once for every worker (playback.ts): never during a call.
    this.workerData = { moh: sharedMusicOnHold(), ...(opts.nice === undefined ? {} : { nice: opts.nice }) };
    this.onPriority = opts.onPriority;
    this.clock = opts.clock ?? new SystemClock();
    this.idleStopMs = Math.max(0, opts.idleStopMs ?? 0);
  }

  /** A worker died: `legs` calls lost their media and were ended. */
  onCrash(listener: (err: Error, legs: number) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /** Open an RTP leg in a worker: next to `near` when given (same call), else on the least loaded. */
  async open(opts: WorkerEndpointOptions, near?: WorkerRtpEndpoint): Promise<WorkerRtpEndpoint> {
    if (this.closed) throw new Error('media worker pool is closed');
    const w = near && !near.worker.dead && this.workers.includes(near.worker) ? near.worker : this.pick();
    return this.openIn(w, opts);
  }

  private async openIn(w: MediaWorker, opts: WorkerEndpointOptions): Promise<WorkerRtpEndpoint> {
    if (this.closed) throw new Error('media worker pool is closed');
    if (w.dead) throw w.dead;
    const id = this.nextId++;
    const opened = await w.request<Opened>({ op: 'open', rid: w.rid(), id, opts });
    const ep = new WorkerRtpEndpoint(w, id, opts, opened);
    if (w.dead) ep.lost(w.dead);
    else w.endpoints.set(id, ep);
    return ep;
  }

  /** What each running worker reported about its priority (tests, the UI). */
  priorities(): Array<PriorityResult | undefined> {
    return this.workers.map((w) => w.priority);
  }

  /** Legs per worker (tests, the UI). */
  load(): number[] {
    return this.workers.map((w) => w.endpoints.size);
  }

  /** Test hook: make worker `i` die as a bug would. */
  crashWorker(i: number): void {
    this.workers[i]?.post({ op: 'crash' });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clock.clearInterval(this.sweeper);
    this.sweeper = undefined;
    const ws = this.workers.splice(0);
    await Promise.all(ws.map(async (w) => {
      await Promise.all([...w.endpoints.values()].map((ep) => ep.close()));
      w.dead ??= new Error('media worker pool closed');
      await w.thread.terminate();
    }));
  }

  private pick(): MediaWorker {
    const least = this.workers.reduce<MediaWorker | undefined>((best, w) => (!best || w.endpoints.size < best.endpoints.size ? w : best), undefined);
    if (this.workers.length < this.size && (!least || least.endpoints.size >= this.spreadAt)) return this.spawn();
    return least!;
  }

  private spawn(): MediaWorker {
    // Under tsx the worker needs the TypeScript loader too. Node 20 refuses a .ts entry file
    // before any loader runs, and `execArgv: ['--import', 'tsx']` does not reach a worker's
    // imports (tried: "Unknown file extension"), so a one-line script registers tsx's loader
    // in the worker and then imports the entry (tsx resolved here: an eval'd script resolves
    // bare names from the working directory). A built .js worker is started directly.
    const thread = this.url.pathname.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(this.url.href)}); })`, { eval: true, execArgv: [], workerData: this.workerData })
      : new Worker(this.url, { workerData: this.workerData });
    const w = new MediaWorker(thread, (dead, err, legs) => {
      const i = this.workers.indexOf(dead);
      if (i >= 0) this.workers.splice(i, 1);
      if (this.closed) return;
      for (const l of this.crashListeners) l(err, legs);
    }, this.onPriority);
    w.openHere = (opts) => this.openIn(w, opts);
    this.workers.push(w);
    this.watchIdle();
    return w;
  }

  /**
   * Looks at the workers every quarter of `idleStopMs` (at most a minute): a worker found idle
   * at every look over `idleStopMs` is taken out of the pool at once (so no open can pick it)
   * and stopped. Polling rather than hooks on every close: a leg, a playback and a conference
   * end in different places, and one timer per pool costs nothing; a call that comes and goes
   * between two looks is not seen, which only moves the stop by one look.
   */
  private watchIdle(): void {
    if (this.idleStopMs === 0 || this.sweeper) return;
    this.sweeper = this.clock.setInterval(() => this.sweepIdle(), Math.min(60_000, Math.max(1, Math.floor(this.idleStopMs / 4))));
  }

  private sweepIdle(): void {
    const now = this.clock.monotonic();
    for (const w of [...this.workers]) {
      if (!w.idle) {
        this.idleSince.delete(w);
        continue;
      }
      const since = this.idleSince.get(w) ?? now;
      this.idleSince.set(w, since);
      if (now - since < this.idleStopMs) continue;
      this.idleSince.delete(w);
      this.workers.splice(this.workers.indexOf(w), 1);
      this.stoppedIdle++;
      void w.retire();
    }
    for (const w of this.idleSince.keys()) if (!this.workers.includes(w)) this.idleSince.delete(w);
    if (this.workers.length === 0) {
      this.clock.clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
