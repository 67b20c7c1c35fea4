/**
 * Call pickup and call park end to end with our test phones over loopback (issue 10):
 * - 201 calls 202, whose phone rings; 203 (Sales, like 202) dials *8 and talks with 201;
 *   202's INVITE is cancelled; the call's record says 203 answered by pickup;
 * - *8 + extension picks up the call ringing that extension; *8 with nothing ringing: 404;
 * - 202 dials the park code: it is answered, hears music (not silence) and slot 590 is
 *   published; 201 dials 590 and 202 hears 201's own audio.
 * The park recall on the fake clock is in test/apps/pickup-park.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../../common/log.js';
import { encode, MULAW_DECODE } from '../../../common/g711.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent } from '../../../src/core/events.js';
import { Dialog, InviteServerTransaction, createResponse, newTag, sdp, type SipResponse, type ServerTransaction } from '../../../src/sip/index.js';
import type { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { example } from '../../config/example.js';
import { creds, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from './call-harness.js';

let ex: Exchange;
const events: ExchangeEvent[] = [];

test.before(async () => {
  const cfg = example();
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  cfg.employees.push({ name: 'Olga Stock', extension: '204', devices: [{ type: 'sip', secret: 's3cret-204' }] });
  cfg.departments[0].members.push('203');
  cfg.site.operator = '600';
  cfg.park = { slots: '590-599' };
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
});
test.after(async () => {
  await ex.close();
});

interface Placed {
  final: SipResponse;
  dialog?: Dialog;
  /** The exchange's RTP port for this call, from its answer. */
  port: number;
}

/** `p` (extension `from`) calls `target`; resolves on the final answer (ACKed when 2xx). */
async function place(p: HarnessPhone, from: string, target: string): Promise<Placed> {
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target, from, body: offerFor(p.rtp.localPort) }, creds(from));
  if (r.final.status !== 200) return { final: r.final, port: 0 };
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  return { final: r.final, dialog, port: mine.port };
}

/** 202's phone rings on the exchange's INVITE and answers nothing; resolves with that INVITE's transaction. */
function ringsOnly(p: HarnessPhone): () => Promise<ServerTransaction> {
  p.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : createResponse(req, 200, 'OK'));
  return async () => {
    const { tx } = await waitFor(() => p.unanswered.find((u) => u.req.method === 'INVITE'), 5000, 'the INVITE to ring the phone');
    tx.respond(createResponse(tx.request, 180, 'Ringing', newTag()));
    return tx;
  };
}

const frame = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 100);
const said = Buffer.from(encode('PCMU', frame));

/** `from` talks; `to` must receive its bytes unchanged from the exchange's `port`. */
async function hears(to: RtpEndpoint, port: number, from: RtpEndpoint, what: string): Promise<void> {
  let heard = 0;
  const off = to.onRtp((pk, _raw, src) => {
    if (src.port === port && Buffer.from(pk.payload).equals(said)) heard++;
  });
  try {
    await waitFor(() => {
      from.writeFrame(frame);
      return heard >= 3;
    }, 5000, what);
  } finally {
    off();
  }
}

/** RMS of what `to` receives from `port` during `ms` (music is loud, silence is 0). */
async function loudness(to: RtpEndpoint, port: number, ms: number): Promise<{ packets: number; rms: number }> {
  let sum = 0;
  let n = 0;
  let packets = 0;
  const off = to.onRtp((pk, _raw, src) => {
    if (src.port !== port || pk.payloadType !== 0) return;
    packets++;
    for (const b of pk.payload) {
      const s = MULAW_DECODE[b]!;
      sum += s * s;
      n++;
    }
  });
  await new Promise((r) => setTimeout(r, ms));
  off();
  return { packets, rms: n ? Math.sqrt(sum / n) : 0 };
}

const idle = () => waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'every call to end');

for (const [name, code] of [['group pickup (*8, a colleague of the same department)', '*8'], ['directed pickup (*8202)', '*8202']] as const) {
  test(`${name}: 203 answers 202's ringing phone and talks with 201; 202 stops ringing; the record says who answered`, async () => {
    const caller = await harnessPhone(ex, '201');
    const ringing = await harnessPhone(ex, '202');
    const picker = await harnessPhone(ex, '203');
    await register(ringing, '202');
    const rung = ringsOnly(ringing);
    try {
      const call = place(caller, '201', '202');
      const tx = await rung();
      await waitFor(() => ex.switch.ringingCalls().length === 1, 3000, 'the call to ring 202');
      const p = await place(picker, '203', code);
      assert.is(p.final.status, 200, 'the pickup answers 203');
      const c = await call;
      assert.is(c.final.status, 200, '201 is answered');
      await waitFor(() => tx instanceof InviteServerTransaction && tx.cancelled, 3000, '202\'s INVITE to be cancelled');
      await hears(picker.rtp, p.port, caller.rtp, '203 to hear 201');
      await hears(caller.rtp, c.port, picker.rtp, '201 to hear 203');
      assert.ok(events.some((e) => e.type === 'call.picked-up' && (e.data as { by: string }).by === '203'));
      await sendInDialog(ex, picker.sip, p.dialog!, 'BYE');
      await idle();
      const ended = events.filter((e) => e.type === 'call.ended').map((e) => e.data as { to: string; record: { legs: Array<{ owner: string; how?: string; cause?: string; answeredAt?: number }>; disposition?: string } });
      const rec = ended.find((e) => e.to === '202')!.record;
      assert.is(rec.disposition, 'answered');
      assert.equal(rec.legs.map((l) => [l.owner, l.how ?? 'offered', l.answeredAt !== undefined, l.cause]), [['202', 'offered', false, 'answered-elsewhere'], ['203', 'pickup', true, 'normal']]);
    } finally {
      await unregister(ringing, '202');
      await Promise.all([caller, ringing, picker].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
    }
  });
}

test('a pickup with nothing to pick up is answered 404, and a colleague outside the group finds nothing either', async () => {
  const picker = await harnessPhone(ex, '203');
  const caller = await harnessPhone(ex, '201');
  const ringing = await harnessPhone(ex, '202');
  await register(ringing, '202');
  const rung = ringsOnly(ringing);
  try {
    assert.is((await place(picker, '203', '*8')).final.status, 404);
    const call = place(caller, '201', '202');
    const tx = await rung();
    await waitFor(() => ex.switch.ringingCalls().length === 1, 3000, 'the call to ring 202');
    const outsider = await harnessPhone(ex, '204');
    assert.is((await place(outsider, '204', '*8')).final.status, 404, '204 is in no department with 202');
    await outsider.sip.stop();
    await outsider.rtp.close();
    tx.respond(createResponse(tx.request, 486, 'Busy Here', newTag()));
    assert.is((await call).final.status, 486, 'the call goes on untouched: 202 declines it');
    await idle();
  } finally {
    await unregister(ringing, '202');
    await Promise.all([caller, ringing, picker].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
  }
});

test('202 parks itself with *7: it hears music, slot 590 is published; 201 dials 590 and 202 hears 201', async () => {
  const parked = await harnessPhone(ex, '202');
  const retriever = await harnessPhone(ex, '201');
  try {
    const p = await place(parked, '202', '*7');
    assert.is(p.final.status, 200, 'the park answers');
    const ev = await waitFor(() => events.find((e) => e.type === 'call.parked'), 3000, 'call.parked');
    assert.is((ev.data as { slot: string }).slot, '590');
    const music = await loudness(parked.rtp, p.port, 600);
    assert.ok(music.packets >= 15, `202 receives RTP while parked (${music.packets} packets in 600 ms)`);
    assert.ok(music.rms > 100, `202 hears music, not silence (rms ${music.rms.toFixed(0)})`);

    const r = await place(retriever, '201', '590');
    assert.is(r.final.status, 200, 'dialling the slot answers');
    await hears(parked.rtp, p.port, retriever.rtp, '202 to hear 201 after the retrieve');
    await hears(retriever.rtp, r.port, parked.rtp, '201 to hear 202');
    assert.equal(ex.switch.parking.list(), [], 'slot 590 is free again');
    await sendInDialog(ex, retriever.sip, r.dialog!, 'BYE');
    await idle();
  } finally {
    await Promise.all([parked, retriever].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
  }
});

test.run();
