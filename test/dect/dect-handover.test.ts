/**
 * Handover through the whole exchange on the sim board (issue 16): handset 301 talks with
 * the SIP phone 202 and walks the corridor past bases 1, 2 and 3; the switching core's handover
 * controller moves the call (make before break) and the DECT channel's media endpoint is
 * replaced under the bridge. The far end must keep receiving the handset's voice: counted
 * at the receiving side as frames, not as wall-clock time — every uplink frame the handset
 * sent with its tone must arrive at 202 as one RTP packet with the tone, at most one frame
 * lost per handover and none twice; the handset counts the downlink the same way by the
 * exchange's frame counter. Then a base that loses synchronisation: it keeps its call until
 * the call is handed over, and takes no new one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MULAW_DECODE } from '../../common/g711.js';
import { Dialog, type SipRequest } from '../../src/sip/index.js';
import { creds, harnessPhone, offerFor, register, unregister, defaultAnswer, type HarnessPhone } from '../channels/sip/call-harness.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { H301, H302, startDectExchange, type DectExchange } from './exchange-harness.js';

let d: DectExchange;
let p202: HarnessPhone;
let stopTalking = (): void => {};

const rms = (payload: Uint8Array): number => Math.sqrt(payload.reduce((a, b) => a + MULAW_DECODE[b]! ** 2, 0) / payload.length);

/** 202 talks (800 Hz) every 20 ms until stopped, as a phone does. */
function talk(p: HarnessPhone): () => void {
  let phase = 0;
  const t = setInterval(() => {
    p.rtp.writeFrame(Int16Array.from({ length: 160 }, () => {
      const v = Math.round(8000 * Math.sin(phase));
      phase += (2 * Math.PI * 800) / 8000;
      return v;
    }));
  }, 20);
  return () => clearInterval(t);
}

test.before(async () => {
  try {
    d = await startDectExchange();
    p202 = await harnessPhone(d.ex, '202');
    await register(p202, '202');
  } catch (err) {
    console.error(err); // uvu does not report a failed before hook
    throw err;
  }
});
test.after(async () => {
  stopTalking();
  await unregister(p202, '202').catch(() => {});
  await Promise.all([p202?.sip.stop(), p202?.rtp.close()]);
  await d?.ex.close();
});

/** `ipei` calls 202, which answers; resolves once 202 hears it and it hears 202. */
async function callTo202(ipei: string): Promise<void> {
  let invite: SipRequest | undefined;
  p202.received.length = 0;
  p202.respond = (req) => {
    if (req.method === 'INVITE') invite = req;
    return defaultAnswer(p202, '202', req);
  };
  await d.act(ipei, 'hook', { state: 'off' });
  await d.hears(ipei, 440, `${ipei} hears the dial tone`, { within: 40 }); // on frames heard now, not the last one's stale pitch
  await d.act(ipei, 'dial', { digits: '202' });
  await waitFor(() => invite, 8000, '202 receives the INVITE');
  stopTalking = talk(p202);
  await d.hears(ipei, 800, `${ipei} hears 202`);
}

async function hangUp(ipei: string): Promise<void> {
  stopTalking();
  await d.idle(ipei);
}

test('301 walks past the three bases talking with 202: handovers 1 → 2 → 3 in order, the call never dropped, no frame lost beyond one per handover either way', async () => {
  await callTo202(H301);
  assert.is((await d.handset(H301)).active?.rpn, 1, 'the call starts on base 1');
  // 202 counts what it receives of the handset: packets with its tone, and the silence after.
  let toneReceived = 0;
  let silentAfterTone = 0;
  const offRtp = p202.rtp.onRtp((p) => {
    if (rms(p.payload) > 1000) {
      toneReceived++;
      silentAfterTone = 0;
    } else if (toneReceived > 0) silentAfterTone++;
  });
  try {
    const before = await d.handset(H301);
    await d.act(H301, 'tone', { hz: 1000 });
    await d.act(H301, 'walk', { path: [[58, 1]], speed_mps: 6 });
    const moved = await until(d.dect, (v) => v.handovers.some((h) => h.ipei === H301 && h.ok && h.to === 3), 'the call handed over to base 3', 30_000);
    await until(() => d.handset(H301), (h) => h.x === 58 && h.active?.rpn === 3 && h.bearers.length === 1, 'at base 3, one bearer left', 10_000);
    // Talk a while on base 3, then stop: every tone frame sent is accounted for at 202.
    const at = toneReceived;
    await waitFor(() => toneReceived > at + 25, 8000, '202 keeps receiving the handset on base 3');
    await d.act(H301, 'tone', { hz: 0 });
    await waitFor(() => silentAfterTone >= 10, 8000, '202 receives the silence after the tone');
    const after = await d.handset(H301);
    const handovers = (await d.dect()).handovers.filter((h) => h.ipei === H301 && h.ok);
    assert.equal(handovers.map((h) => [h.from, h.to]), [[1, 2], [2, 3]], `in order, no ping-pong: ${JSON.stringify(handovers)}`);
    for (const h of handovers) assert.ok(h.gap_ms !== null && h.gap_ms <= 20, `gap ${h.gap_ms} ms`);
    const sent = after.sent.tone_frames - before.sent.tone_frames;
    assert.ok(toneReceived <= sent, `no frame twice at 202 (sent ${sent}, received ${toneReceived})`);
    assert.ok(sent - toneReceived <= handovers.length, `at most one frame lost per handover at 202 (sent ${sent}, received ${toneReceived})`);
    const downLost = after.heard.lost - before.heard.lost;
    const downRepeated = after.heard.repeated - before.heard.repeated;
    assert.ok(downLost + downRepeated <= handovers.length, `the handset heard 202 with ${downLost} lost and ${downRepeated} repeated frames`);
    assert.ok(!p202.received.some((r) => r.method === 'BYE'), 'no BYE: the call was never dropped');
    await d.hears(H301, 800, '301 still hears 202 on base 3'); // fresh frames: a handset that stopped hearing keeps its last pitch
    assert.ok(moved.handovers.every((h) => h.reason === 'stronger'));
  } finally {
    offRtp();
    await hangUp(H301);
  }
});

test('base 2 loses sync: its call is kept and handed over, and it takes no new call', async () => {
  await callTo202(H302);
  assert.is((await d.handset(H302)).active?.rpn, 2, '302 talks through base 2');
  assert.is((await d.admin.post('/api/sim/dect/bases/2/sync', { synced: false })).status, 200);
  try {
    await until(d.dect, (v) => v.bases[1]!.synced === false, 'the exchange sees base 2 out of sync');
    const v = await until(d.dect, (x) => x.handovers.some((h) => h.ipei === H302 && h.ok && h.from === 2), 'the call leaves base 2', 15_000);
    assert.is(v.handovers.find((h) => h.ipei === H302 && h.from === 2)!.reason, 'servingSyncLost');
    await until(() => d.handset(H302), (h) => h.active?.rpn !== undefined && h.active.rpn !== 2, '302 talks through another base');
    await d.hears(H302, 800, '302 still hears 202, through another base');
    assert.ok(!p202.received.some((r) => r.method === 'BYE'), 'no BYE: the call was kept');
    await hangUp(H302);
    // A new call from the same handset: base 2 refuses the bearer, another base carries it.
    await callTo202(H302);
    const h = await d.handset(H302);
    assert.ok(h.active && h.active.rpn !== 2, `the new call is not on the unsynchronised base (${JSON.stringify(h.bearers)})`);
    assert.is((await d.dect()).bases[1]!.calls, 0, 'base 2 carries no call');
  } finally {
    await hangUp(H302);
    await d.admin.post('/api/sim/dect/bases/2/sync', { synced: true });
  }
});

test('301 walks out of range mid-call: the call is held a few seconds, then 202 gets the BYE; calling it then fails as unavailable', async () => {
  await callTo202(H301);
  try {
    const gone = Date.now();
    await d.act(H301, 'position', { x: 900, y: 0 });
    await waitFor(() => p202.received.some((r) => r.method === 'BYE'), 20_000, '202 receives the BYE once the hold is over');
    assert.ok(Date.now() - gone >= 4000, `the call was held out_of_range_hold_s (5 s) first: ${Date.now() - gone} ms`);
    stopTalking();
    await waitFor(() => d.ex.switch.activeCalls().length === 0, 10_000, 'the call is over');
    const alarms = ((await d.admin.get('/api/dect')).body as { alarms: Array<{ kind: string; ipeis?: string[] }> }).alarms;
    assert.ok(alarms.some((a) => a.kind === 'calls-dropped' && a.ipeis?.includes(H301)), `an alarm for the dropped call: ${JSON.stringify(alarms)}`);
    const caller = await harnessPhone(d.ex, '202');
    try {
      const r = await caller.sip.sendAuthenticated({ method: 'INVITE', target: '301', from: '202', body: offerFor(caller.rtp.localPort) }, creds('202'));
      assert.is(r.final.status, 480, 'a handset out of range is unavailable');
      // With a forwarding for when 301 does not answer, the call out of range follows it:
      // the employee's rules, as for an unregistered phone. 101 (analog) rings, showing 202.
      assert.is((await d.admin.put('/api/employees/301/forwarding', { no_answer: '101' })).status, 200);
      const forwarded = caller.sip.sendAuthenticated({ method: 'INVITE', target: '301', from: '202', body: offerFor(caller.rtp.localPort) }, creds('202'));
      const rung = await until(() => d.admin.get('/api/sim/fxs/1'), (v) => (v.body as { caller_id: string | null }).caller_id !== null, '101 rings with a caller ID (after the first ring): 301\'s call forwarded', 15_000);
      assert.is((rung.body as { caller_id: string | null }).caller_id, '202');
      await d.admin.post('/api/sim/fxs/1/hook', { state: 'off' });
      const answered = await forwarded;
      assert.is(answered.final.status, 200, '101 answers the forwarded call');
      caller.sip.stack.sendAck(Dialog.asUac(answered.request, answered.final).createAck(answered.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: d.ex.sip.port });
      await d.admin.post('/api/sim/fxs/1/hook', { state: 'on' });
      await waitFor(() => d.ex.switch.activeCalls().length === 0, 10_000, 'the forwarded call is over');
      assert.is((await d.admin.put('/api/employees/301/forwarding', {})).status, 200);
    } finally {
      await Promise.all([caller.sip.stop(), caller.rtp.close()]);
    }
  } finally {
    stopTalking();
    await d.act(H301, 'position', { x: 2, y: 1 });
    await until(d.dect, (v) => v.handsets.find((h) => h.ipei === H301)?.located === 1, '301 back at base 1', 10_000);
  }
});

test.run();
