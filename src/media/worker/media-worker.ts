/**
 * A media worker: owns the UDP sockets of the RTP legs the main thread opened here and
 * relays (or A↔µ transcodes) between bridged legs entirely on its own event loop, so the
 * per-packet work (two system calls per packet) never delays SIP signalling on the main
 * thread. It reuses RtpEndpoint and bridge() as they are; the main thread sees only
 * opens, closes, digits and — for legs on the decoded path — 20 ms frames.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RtpEndpoint } from '../rtp-endpoint.js';
import { bridge, type Bridge } from '../relay.js';
import type { FromWorker, MediaWorkerData, Opened, ToWorker } from './protocol.js';
import { setThreadNice } from './thread-priority.js';

const port = parentPort;
if (!port) throw new Error('media-worker.ts must run in a worker thread');

const endpoints = new Map<number, { ep: RtpEndpoint; offFrames?: () => void }>();
const bridges = new Map<number, Bridge>();
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

// Priority first, before any socket exists: every packet this thread relays benefits.
const { nice } = (workerData ?? {}) as MediaWorkerData;
if (nice !== undefined) post({ ev: 'priority', result: setThreadNice(nice) });

function get(id: number): RtpEndpoint {
  const e = endpoints.get(id);
  if (!e) throw new Error(`no endpoint ${id} in this worker`);
  return e.ep;
}

async function handle(m: ToWorker): Promise<unknown> {
  switch (m.op) {
    case 'open': {
      const ep = await RtpEndpoint.open(m.opts);
      endpoints.set(m.id, { ep });
      // Keypresses are rare: always forward them, the handle fans them out.
      ep.onDigit((digit) => post({ ev: 'digit', id: m.id, digit }));
      const opened: Opened = { localPort: ep.localPort, localAddress: ep.localAddress, payloadType: ep.payloadType };
      return opened;
    }
    case 'remote':
      return get(m.id).setRemote(m.remote);
    case 'bridge':
      return void bridges.set(m.bid, bridge(get(m.a), get(m.b)));
    case 'unbridge':
      bridges.get(m.bid)?.close();
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
      const e = endpoints.get(m.id);
      if (!e) return;
      endpoints.delete(m.id);
      e.offFrames?.();
      return e.ep.close();
    }
    case 'crash':
      setImmediate(() => {
        throw new Error('media worker crash requested (test)');
      });
      return;
  }
}

port.on('message', (m: ToWorker) => {
  const rid = 'rid' in m ? m.rid : undefined;
  handle(m).then(
    (value) => rid !== undefined && post({ rid, ok: true, value }),
    (err: unknown) => {
      if (rid !== undefined) post({ rid, ok: false, error: err instanceof Error ? err.message : String(err) });
    },
  );
});
