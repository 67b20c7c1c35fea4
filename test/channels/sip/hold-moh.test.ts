/**
 * Hold with music on hold, end to end with our test phones over loopback (issue 10): 201
 * puts 202 on hold with a re-INVITE (a=sendonly, RFC 3264 §8.4): the exchange moves 202
 * into its holding bridge and 202's RTP carries music, not silence, while 201 sends
 * nothing; 201 retrieves with a=sendrecv and 202 hears 201's own bytes again, no music.
 * The same with a=inactive.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { encode } from '../../../common/g711.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { sdp } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { connectCall, rtpLevel, sendInDialog, type Call } from './call-harness.js';

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

const offer = (port: number, version: number, direction: 'sendrecv' | 'sendonly' | 'inactive'): string =>
  sdp.buildOffer({ address: '127.0.0.1', port, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction, sessionId: '77', sessionVersion: version });

const frame = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 100);
/** What 201 says, as 202 receives it. */
const expected = Buffer.from(encode('PCMU', frame));

/** `from`'s frames must reach `to` unchanged (the two talk again). */
async function hearsCaller(c: Call): Promise<void> {
  let heard = 0;
  const off = c.callee.rtp.onRtp((p, _raw, src) => {
    if (src.port === c.calleeLegPort && Buffer.from(p.payload).equals(expected)) heard++;
  });
  try {
    await waitFor(() => {
      c.caller.rtp.writeFrame(frame);
      return heard >= 3;
    }, 5000, '202 to hear 201 again');
  } finally {
    off();
  }
}

for (const direction of ['sendonly', 'inactive'] as const) {
  test(`201 holds 202 (a=${direction}): 202 hears music on hold, not silence; retrieve brings 201 back`, async () => {
    const c = await connectCall(ex);
    try {
      await hearsCaller(c);
      const held = await sendInDialog(ex, c.caller.sip, c.callerDialog, 'INVITE', { body: offer(c.caller.rtp.localPort, 2, direction) });
      assert.is(held.status, 200);
      await waitFor(() => ex.switch.holding.size === 1, 3000, '202 in the holding bridge');
      const music = await rtpLevel(c.callee.rtp, 600, { port: c.calleeLegPort });
      assert.ok(music.packets >= 15, `202 receives RTP while held (${music.packets} packets in 600 ms)`);
      assert.ok(music.rms > 100, `202's RTP carries music, not silence (rms ${music.rms.toFixed(0)})`);

      const back = await sendInDialog(ex, c.caller.sip, c.callerDialog, 'INVITE', { body: offer(c.caller.rtp.localPort, 3, 'sendrecv') });
      assert.is(back.status, 200);
      await waitFor(() => ex.switch.holding.size === 0, 3000, '202 out of the holding bridge');
      await hearsCaller(c);
      const after = await rtpLevel(c.callee.rtp, 300, { port: c.calleeLegPort, except: expected }); // 201's last words may still be in flight
      assert.is(after.packets, 0, 'no more music once retrieved (201 is silent)');
      await sendInDialog(ex, c.caller.sip, c.callerDialog, 'BYE');
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
    } finally {
      await c.close();
    }
  });
}

test.run();
