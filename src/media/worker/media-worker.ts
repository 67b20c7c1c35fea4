/**
 * A media worker: owns the UDP sockets of the RTP legs the main thread opened here and
 * relays (or A↔µ transcodes) between bridged legs entirely on its own event loop, so the
 * per-packet work (two system calls per packet) never delays SIP signalling on the main
 * thread. It reuses RtpEndpoint and bridge() as they are; the main thread sees only
 * opens, closes, digits and — for legs on the decoded path — 20 ms frames.
 *
 * What one phone sends never ends the worker: each leg's socket handlers and timers run
 * inside its LegGuard (leg-guard.ts) and each command for a leg inside a try/catch here;
 * a fault ends that leg only — the worker closes it and tells the main thread (`failed`),
 * which hangs its call up. Only a fault outside any leg still kills the worker (pool.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RtpEndpoint } from '../rtp-endpoint.js';
import { bridge, type Bridge } from '../relay.js';
import type { FromWorker, MediaWorkerData, Opened, ToWorker } from './protocol.js';
import { setThreadNice } from './thread-priority.js';
import { RtpTimeoutError } from '../rtp/rtp-timeout.js';
import { WorkerRecordings } from './recordings.js';
import { WorkerMixing } from './worker-mixing.js';
import { adoptMusicOnHold } from '../playback.js';
import { Outbox } from './outbox.js';
import { SystemClock } from '../../../common/clock.js';
import { frameTickerFor } from '../frame-ticker.js';

const port = parentPort;
if (!port) throw new Error('media-worker.ts must run in a worker thread');

const endpoints = new Map<number, { ep: RtpEndpoint; offFrames?: () => void }>();
const bridges = new Map<number, { bridge: Bridge; legs: [number, number] }>();
// Replies and events of one turn go to the main thread as one batch (outbox.ts).
const outbox = new Outbox<FromWorker>((batch, transfer) => port.postMessage(batch, transfer));
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => outbox.push(m, transfer);
const recordings = new WorkerRecordings(post);
// One clock and one 20 ms frame tick for every leg, player and mixer of this worker
// (frame-ticker.ts): drift-free, and a conference mixes its members' frames of that tick.
const clock = new SystemClock();
const frames = frameTickerFor(clock);
/** Conferences and playbacks run here, beside the legs they play to (worker-mixing.ts). */
const mixing = new WorkerMixing({ endpoint: (id) => endpoints.get(id)?.ep, post }, clock);

// Priority first, before any socket exists: every packet this thread relays benefits.
const { nice, moh } = (workerData ?? {}) as MediaWorkerData;
if (moh) adoptMusicOnHold(moh);
if (nice !== undefined) post({ ev: 'priority', result: setThreadNice(nice) });

function get(id: number): RtpEndpoint {
  const e = endpoints.get(id);
  if (!e) throw new Error(`no endpoint ${id} in this worker`);
  return e.ep;
}

async function handle(m: ToWorker): Promise<unknown> {
  switch (m.op) {
    case 'open': {
      const ep = await RtpEndpoint.open({ ...m.opts, clock, frames });
      endpoints.set(m.id, { ep });
      ep.onEnded((err) => {
        post({ ev: 'failed', id: m.id, error: `media leg ${m.id}: ${err.message}`, timeout: err instanceof RtpTimeoutError });
        closeLeg(m.id);
      });
      // Keypresses are rare: always forward them, the handle fans them out.
      ep.onDigit((digit) => post({ ev: 'digit', id: m.id, digit }));
      const opened: Opened = { localPort: ep.localPort, localAddress: ep.localAddress, payloadType: ep.payloadType };
      return opened;
    }
    case 'remote':
      return get(m.id).setRemote(m.remote);
    case 'hold':
      return get(m.id).setHeld(m.held);
    case 'bridge':
      return void bridges.set(m.bid, { bridge: bridge(get(m.a), get(m.b)), legs: [m.a, m.b] });
    case 'unbridge':
      bridges.get(m.bid)?.bridge.close();
      return void bridges.delete(m.bid);
    case 'frames': {
      const e = endpoints.get(m.id);
      if (!e) return;
      e.offFrames?.();
      delete e.offFrames;
      // Frame buffers are reused by the producer: send a copy, transferred (no second copy).
      if (m.on) e.offFrames = e.ep.onFrame((f) => {
        const copy = f.slice();
        post({ ev: 'frame', id: m.id, frame: copy }, [copy.buffer as ArrayBuffer]);
      });
      return;
    }
    case 'write':
      return endpoints.get(m.id)?.ep.writeFrame(m.frame);
    case 'digit':
      return get(m.id).sendDigit(m.digit, m.durationMs);
    case 'stats':
      return get(m.id).stats();
    case 'close': {
      // The leg's last statistics, taken before its close (the RTCP BYE) as a 'stats' would be.
      const stats = endpoints.get(m.id)?.ep.stats();
      await closeLeg(m.id);
      return stats;
    }
    case 'record':
      return recordings.start(m.rec, m.id, get(m.id), m.path, m.limits);
    case 'stopRecord':
      return recordings.stop(m.rec);
    case 'crash':
      setImmediate(() => {
        throw new Error('media worker crash requested (test)');
      });
      return;
    default:
      return mixing.handle(m);
  }
}

async function closeLeg(id: number): Promise<void> {
  const e = endpoints.get(id);
  if (!e) return;
  endpoints.delete(id);
  recordings.stopLeg(id);
  e.offFrames?.();
  mixing.legClosed(id, e.ep);
  for (const [bid, b] of bridges) {
    if (b.legs.includes(id)) {
      b.bridge.close();
      bridges.delete(bid);
    }
  }
  await e.ep.close();
}

// The main thread posts batches (outbox.ts): each message is started in order.
port.on('message', (batch: ToWorker[]) => {
  for (const m of batch) run(m);
});

function run(m: ToWorker): void {
  const rid = 'rid' in m ? m.rid : undefined;
  handle(m).then(
    (value) => rid !== undefined && post({ rid, ok: true, value }),
    (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      if (rid !== undefined) post({ rid, ok: false, error: error.message });
      // A command for one leg that throws (what its phone's SDP made of it) fails that leg.
      else if ('id' in m) endpoints.get(m.id)?.ep.session.guard.fail(error);
    },
  );
}
