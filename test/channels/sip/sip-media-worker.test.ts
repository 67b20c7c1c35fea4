/**
 * SIP legs' RTP in a media worker: the SDP points at the worker's socket, two legs relay
 * inside the worker, and a dead worker is reported to the leg (which then hangs up).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { SipMedia } from '../../../src/channels/sip/sip-media.js';
import type { SipContext } from '../../../src/channels/sip/context.js';
import { MediaWorkerPool } from '../../../src/media/worker/pool.js';
import { WorkerRtpEndpoint } from '../../../src/media/worker/worker-endpoint.js';
import { bridge } from '../../../src/media/relay.js';
import { sdp } from '../../../src/sip/index.js';

function context(pool: MediaWorkerPool): SipContext {
  // Only what SipMedia reads; the stack is not needed for media.
  return { clock: new SystemClock(), log: silentLogger(), rtpHost: '127.0.0.1', dialogs: new Map(), mediaPool: pool } as unknown as SipContext;
}

const offer = (port: number, codec: typeof sdp.PCMU) =>
  sdp.buildOffer({ address: '127.0.0.1', port, codecs: [codec, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });

test('a SIP leg opened with a pool lives in a worker; its answer carries the worker\'s port', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const a = await SipMedia.open(context(pool));
    const b = await SipMedia.open(context(pool));
    assert.ok(a.endpoint instanceof WorkerRtpEndpoint);
    assert.match(a.answer(offer(40000, sdp.PCMA)), new RegExp(`m=audio ${a.endpoint.localPort} `));
    b.answer(offer(40002, sdp.PCMU));
    assert.is(a.endpoint.codec, 'PCMA');
    assert.is(a.endpoint.telephoneEventPayloadType, 101);
    assert.is(bridge(a.endpoint, b.endpoint).mode, 'transcode');
    await Promise.all([a.close(), b.close()]);
  } finally {
    await pool.close();
  }
});

test('the worker dies: the leg hears of it (and would hang up) instead of staying up silent', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const a = await SipMedia.open(context(pool));
    const lost = new Promise<Error>((resolve) => a.onLost(resolve));
    pool.crashWorker(0);
    const err = await lost;
    assert.match(err.message, /crash requested/);
    await a.close(); // does not hang
  } finally {
    await pool.close();
  }
});

test.run();
