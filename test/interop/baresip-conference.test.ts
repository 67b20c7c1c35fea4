/**
 * baresip (Debian's baresip-core) in a meet-me room with two of our test phones (issue 10):
 * baresip 203 dials room 710 while its microphone plays 1700 Hz; 201 sends 500 Hz and 202
 * 1100 Hz. Each test phone hears baresip's tone and the other's, not its own; baresip's own
 * recording (sndfile) holds 500 and 1100 Hz and not its 1700 Hz. The call ends when
 * baresip's WAV runs out, and the room goes on with the other two.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { FRAME_SAMPLES } from '../../src/media/endpoint.js';
import { Dialog, sdp } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { requireTool } from '../helpers/tools.js';
import { toneShare } from '../helpers/tone-share.js';
import { sine, startBaresip } from '../helpers/baresip.js';
import { creds, harnessPhone, offerFor, sendInDialog, type HarnessPhone } from '../channels/sip/call-harness.js';

const CONFIG = new URL('../fixtures/config/conference.yaml', import.meta.url).pathname;
let ex: Exchange;

if (requireTool('baresip', 'baresip-core', 'the baresip conference test')) {
  test.before(async () => {
    ex = await startExchange({ board: 'board/sim.yaml', data: `${tempDir()}/data`, config: CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  });
  test.after(() => ex.close());

  const members = (): string[] => ex.switch.conferences.list().find((r) => r.room === '710')?.members.map((m) => m.owner).sort() ?? [];

  async function join(ext: string): Promise<{ phone: HarnessPhone; dialog: Dialog }> {
    const phone = await harnessPhone(ex, ext);
    const r = await phone.sip.sendAuthenticated({ method: 'INVITE', target: '710', from: ext, body: offerFor(phone.rtp.localPort) }, creds(ext));
    assert.is(r.final.status, 200);
    const dialog = Dialog.asUac(r.request, r.final);
    phone.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    const s = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    phone.rtp.setRemote({ address: s.address, port: s.port, codec: 'PCMU' });
    return { phone, dialog };
  }

  test('baresip and two test phones in room 710: each hears the other two tones, never its own', async () => {
    const a = await join('201');
    const b = await join('202');
    const heard: number[][] = [[], []];
    const offs = [a, b].map((m, i) => m.phone.rtp.onFrame((f) => void heard[i]!.push(...f)));
    let n = 0;
    const send = setInterval(() => {
      [500, 1100].forEach((hz, i) => {
        const f = new Int16Array(FRAME_SAMPLES);
        for (let k = 0; k < FRAME_SAMPLES; k++) f[k] = Math.round(6000 * Math.sin((2 * Math.PI * hz * (n * FRAME_SAMPLES + k)) / 8000));
        [a, b][i]!.phone.rtp.writeFrame(f);
      });
      n++;
    }, 20);
    const bs = await startBaresip({ ext: '203', secret: 's3cret-203', sipPort: ex.sip.port, source: sine(1700, 6), dial: '710' });
    try {
      await waitFor(() => members().length === 3, 10_000, `baresip to join the room:\n${bs.output()}`);
      await new Promise((r) => setTimeout(r, 1000)); // the chime, the jitter buffers
      for (const h of heard) h.length = 0;
      await new Promise((r) => setTimeout(r, 1500));
      const windows = heard.map((x) => x.slice(-4000));
      for (const [i, ext, own, other] of [[0, '201', 500, 1100], [1, '202', 1100, 500]] as const) {
        const w = windows[i]!;
        assert.ok(w.length === 4000, `${ext} heard too little`);
        assert.ok(toneShare(w, 0, 4000, 1700) > 0.2, `${ext} hears baresip (${toneShare(w, 0, 4000, 1700).toFixed(3)})`);
        assert.ok(toneShare(w, 0, 4000, other) > 0.2, `${ext} hears the other test phone`);
        assert.ok(toneShare(w, 0, 4000, own) < 0.02, `${ext} does not hear itself`);
      }
      await waitFor(() => members().length === 2, 15_000, `baresip to leave when its WAV ends:\n${bs.output()}`);
      await bs.stop();
      const rec = bs.recording();
      assert.ok(rec && rec.length > 8000 * 4, `baresip recorded what it heard:\n${bs.output()}`);
      const mid = rec!.subarray(8000 * 2, 8000 * 4); // the steady middle of its call
      assert.ok(toneShare(mid, 0, mid.length, 500) > 0.2, `baresip hears 201 (${toneShare(mid, 0, mid.length, 500).toFixed(3)})`);
      assert.ok(toneShare(mid, 0, mid.length, 1100) > 0.2, `baresip hears 202 (${toneShare(mid, 0, mid.length, 1100).toFixed(3)})`);
      assert.ok(toneShare(mid, 0, mid.length, 1700) < 0.02, `baresip does not hear itself (${toneShare(mid, 0, mid.length, 1700).toFixed(3)})`);
    } finally {
      clearInterval(send);
      for (const off of offs) off();
      await bs.stop();
      for (const m of [a, b]) await sendInDialog(ex, m.phone.sip, m.dialog, 'BYE').catch(() => undefined);
      await waitFor(() => ex.switch.activeCalls().length === 0 && ex.switch.conferences.list().length === 0, 5000, 'every call and room to end');
      await Promise.all([a, b].flatMap((m) => [m.phone.sip.stop(), m.phone.rtp.close()]));
    }
  });
}

test.run();
