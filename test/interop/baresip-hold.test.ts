/**
 * baresip (Debian's baresip-core) puts a call on hold and resumes it (issue 10): baresip 201
 * calls 202 (our test phone) while its microphone plays 440 Hz; its menu's `/hold` — sent
 * over the `cons` module's UDP console, no terminal needed — re-INVITEs with a=sendonly:
 * the exchange moves 202 into its holding bridge and 202's RTP carries music on hold (loud,
 * and not baresip's 440 Hz); `/resume` re-INVITEs a=sendrecv and 202 hears 440 Hz again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { silentLogger } from '../../common/log.js';
import { MULAW_DECODE } from '../../common/g711.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { sdp, type SipRequest } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { requireTool } from '../helpers/tools.js';
import { toneShare } from '../helpers/tone-share.js';
import { sine, startBaresip } from '../helpers/baresip.js';
import { EXAMPLE_PATH } from '../config/example.js';
import { harnessPhone, register, rtpLevel, unregister } from '../channels/sip/call-harness.js';

let ex: Exchange;

if (requireTool('baresip', 'baresip-core', 'the baresip hold test')) {
  test.before(async () => {
    ex = await startExchange({ board: 'board/sim.yaml', data: `${tempDir()}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  });
  test.after(() => ex.close());

  /** What 202 hears from the exchange's `port` during `ms`, decoded. */
  async function heard(rtp: Awaited<ReturnType<typeof harnessPhone>>['rtp'], port: number, ms: number): Promise<Int16Array> {
    const samples: number[] = [];
    const off = rtp.onRtp((p, _raw, src) => {
      if (src.port === port && p.payloadType === 0) for (const b of p.payload) samples.push(MULAW_DECODE[b]!);
    });
    await new Promise((r) => setTimeout(r, ms));
    off();
    return Int16Array.from(samples);
  }

  const reinvites = (q: SipRequest[]): SipRequest[] => q.filter((r) => r.method === 'INVITE' && r.to.tag);

  test('baresip 201 holds 202 (/hold: a=sendonly): 202 hears music, not silence nor 201; /resume: 202 hears 201 again', async () => {
    const p202 = await harnessPhone(ex, '202');
    await register(p202, '202');
    const cons = await freePort();
    const bs = await startBaresip({ ext: '201', secret: 's3cret-201', sipPort: ex.sip.port, source: sine(440, 25, 3000), dial: '202', console: cons });
    const udp = createSocket('udp4');
    try {
      await waitFor(() => p202.acks.length > 0, 10_000, `baresip's call to 202 to be answered:\n${bs.output()}`);
      const offer = p202.received.find((q) => q.method === 'INVITE')!;
      const port = sdp.audioStream(sdp.parseSdp(offer.body))!.port;
      await new Promise((r) => setTimeout(r, 500)); // the first packets, the jitter buffers
      const talking = await heard(p202.rtp, port, 1000);
      assert.ok(talking.length >= 4000 && toneShare(talking, 0, 4000, 440) > 0.5, `202 hears baresip's 440 Hz before the hold (${talking.length} samples)`);

      udp.send('/hold\n', cons, '127.0.0.1');
      await waitFor(() => ex.switch.holding.size === 1, 5000, `202 in the holding bridge after baresip's /hold:\n${bs.output()}`);
      assert.is(ex.switch.channels.byOwner('201').length, 1, 'baresip\'s leg is still on the call');
      const music = await rtpLevel(p202.rtp, 1000, { port });
      assert.ok(music.packets >= 25, `202 receives RTP while held (${music.packets} packets in 1 s)`);
      assert.ok(music.rms > 100, `202's RTP carries music, not silence (rms ${music.rms.toFixed(0)})`);
      const held = await heard(p202.rtp, port, 1000);
      assert.ok(toneShare(held, 0, Math.min(held.length, 8000), 440) < 0.3, `what 202 hears while held is not baresip's tone (${toneShare(held, 0, Math.min(held.length, 8000), 440).toFixed(3)})`);

      udp.send('/resume\n', cons, '127.0.0.1');
      await waitFor(() => ex.switch.holding.size === 0, 5000, `202 out of the holding bridge after /resume:\n${bs.output()}`);
      await new Promise((r) => setTimeout(r, 300));
      const back = await heard(p202.rtp, port, 1000);
      assert.ok(back.length >= 4000 && toneShare(back, back.length - 4000, 4000, 440) > 0.5, `202 hears baresip's 440 Hz again (${back.length} samples)`);
      assert.is(reinvites(p202.received).length, 0, 'the hold is the exchange\'s: 202 was never re-INVITEd');
    } finally {
      udp.close();
      await bs.stop();
      for (const ch of ex.switch.channels.all()) ch.hangup('normal');
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
      await unregister(p202, '202');
      await Promise.all([p202.sip.stop(), p202.rtp.close()]);
    }
  });
}

test.run();
