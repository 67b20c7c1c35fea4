/**
 * Media replaced mid-call (issue 10): 201 moves its RTP to a new port (and codec) with a
 * re-INVITE during a call. The exchange's leg emits `media`, the bridge re-wires the relay
 * (inside the media worker, without a gap for the other party), and audio flows both ways
 * at the new port: 202 hears what 201 sends from it, and what
 * 202 says reaches 201's new socket (nothing more goes to the old one).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { sdp } from '../../../src/sip/index.js';
import { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { decode, encode, type G711Law } from '../../../common/g711.js';
import { connectCall, sendInDialog } from './call-harness.js';

/** A recognisable frame: a ramp (survives G.711 A↔µ transcoding within a few steps). */
const RAMP = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 100);

/** Whether a received payload is the ramp, in either law, after at most one transcoding. */
function isRamp(codec: G711Law, payload: Uint8Array): boolean {
  if (payload.length !== RAMP.length) return false;
  const pcm = decode(codec, payload);
  return pcm.every((v, i) => Math.abs(v - RAMP[i]!) <= Math.max(64, Math.abs(RAMP[i]!) / 8));
}

/** What `from` sends (in its law) reaches `to` (in its law) within a few seconds. */
async function hears(to: RtpEndpoint, toLaw: G711Law, from: RtpEndpoint, what: string): Promise<void> {
  let heard = 0;
  const words = encode(from.codec, RAMP);
  const off = to.onRtp((p) => {
    if (isRamp(toLaw, p.payload)) heard++;
  });
  try {
    await waitFor(() => {
      from.session.send(words, { payloadType: from.payloadType, timestampStep: 160 });
      return heard >= 3;
    }, 5000, what);
  } finally {
    off();
  }
}

let ex: Exchange;

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
});
test.after(async () => {
  await ex.close();
});

const offer = (port: number, version: number, codecs: sdp.Codec[]): string =>
  sdp.buildOffer({ address: '127.0.0.1', port, codecs: [...codecs, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: '77', sessionVersion: version });

for (const codec of ['PCMU', 'PCMA'] as const) {
  test(`a re-INVITE moving 201's RTP to a new port (${codec}) keeps audio flowing both ways at the new port`, async () => {
    const c = await connectCall(ex);
    const moved = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, codec });
    try {
      await hears(c.callee.rtp, 'PCMU', c.caller.rtp, '202 to hear 201 before the move');
      await hears(c.caller.rtp, 'PCMU', c.callee.rtp, '201 to hear 202 before the move');
      const leg = ex.switch.channels.byOwner('201').find((ch) => ch.direction === 'inbound');
      assert.ok(leg, "201's leg is in the channel registry");
      const replaced: unknown[] = [];
      leg.on('media', (e) => replaced.push(e));
      const re = await sendInDialog(ex, c.caller.sip, c.callerDialog, 'INVITE', { body: offer(moved.localPort, 2, [codec === 'PCMU' ? sdp.PCMU : sdp.PCMA]) });
      assert.is(re.status, 200);
      const answer = sdp.audioStream(sdp.parseSdp(re.body))!;
      moved.setRemote({ address: answer.address, port: answer.port, codec });
      assert.is(replaced.length, 1, 'the leg said its media moved (the bridge re-wires on it)');
      assert.is(replaced[0], leg.media);
      let toOld = 0;
      const offOld = c.caller.rtp.onRtp(() => toOld++);
      await hears(c.callee.rtp, 'PCMU', moved, '202 to hear 201 from its new port');
      await hears(moved, codec, c.callee.rtp, '201 to hear 202 at its new port');
      const before = toOld;
      await hears(moved, codec, c.callee.rtp, '201 to keep hearing 202 at its new port');
      offOld();
      assert.is(toOld, before, 'nothing more reaches the old port');
      await sendInDialog(ex, c.caller.sip, c.callerDialog, 'BYE');
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
    } finally {
      await moved.close();
      await c.close();
    }
  });
}

test.run();
