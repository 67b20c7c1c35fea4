/**
 * Transfer and hold with sipp (Debian sip-tester) as the transferor: sipp registers nothing,
 * calls 202 (our test phone) as 201 with digest auth, then REFERs 202 to 203 (another
 * test phone). sipp's scenario checks the 202 Accepted and the NOTIFY message/sipfrag
 * bodies (100 Trying, then 200 OK) and answers the exchange's BYE; the test checks that
 * 202 ends up talking with 203 (RTP from 203 reaches 202 and back). A busy 203: sipp sees
 * NOTIFY 486 and its call with 202 goes on (its BYE later is answered 200, and 202 then
 * gets the BYE): the transferee was never dropped. And sipp as a second phone of 201
 * taking over 201's call by INVITE with Replaces (RFC 3891).
 *
 * Attended (RFC 3891 §6.1): a second sipp, as another phone of 201, consults 203; the first
 * REFERs 202 with Replaces naming that dialog: NOTIFY 100 then 200, both sipps are released
 * and 202 talks with 203. A transferor that hangs up at once, the target then busy: 201's
 * (harness) phone rings again showing 202, and the two talk (recall). Hold: sipp holds 202
 * with a=sendonly for 3 s while echoing RTP (-rtp_echo): 202 hears itself, then music (RMS
 * well above silence), then itself again once resumed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { createResponse, newTag } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { connectCall, defaultAnswer, harnessPhone, register, rtpLevel, unregister, type HarnessPhone, hears } from '../channels/sip/call-harness.js';

const TRANSFER_CONFIG = new URL('../fixtures/config/transfer.yaml', import.meta.url).pathname;
let ex: Exchange;
const enabled = haveSipp();

if (enabled) {
  test.before(async () => {
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${tempDir()}/data`, config: TRANSFER_CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
  });
  test.after(() => ex.close());

  async function phones(busy: boolean): Promise<{ p202: HarnessPhone; p203: HarnessPhone; close(): Promise<void> }> {
    const p202 = await harnessPhone(ex, '202');
    const p203 = await harnessPhone(ex, '203');
    await register(p202, '202');
    await register(p203, '203');
    if (busy) {
      const dflt = p203.respond;
      p203.respond = (req) => (req.method === 'INVITE' ? createResponse(req, 486, 'Busy Here') : dflt(req));
    }
    return {
      p202, p203,
      async close() {
        await unregister(p202, '202');
        await unregister(p203, '203');
        await Promise.all([p202.sip.stop(), p203.sip.stop(), p202.rtp.close(), p203.rtp.close()]);
      },
    };
  }

  /** sipp as a phone of 201 calling `callee` with `scenario`. */
  const phone201 = async (scenario: string, keys: Record<string, string>, extra: string[] = []) => sipp({
    scenario, remote: `127.0.0.1:${ex.sip.port}`, localPort: await freePort(),
    keys: { caller: '201', ...keys }, auth: { user: '201', password: 's3cret-201' }, extra,
  });
  const transferor = async (scenario: string, keys: Record<string, string> = {}) => (await phone201(scenario, { callee: '202', target: '203', ...keys })).done;

  /** The calls a phone was offered (INVITEs outside a dialog); a re-INVITE telling it who it talks with now is not one. */
  const newCalls = (p: HarnessPhone): number => p.received.filter((q) => q.method === 'INVITE' && !q.to.tag).length;
  /** The identities the exchange told a phone in-dialog (UPDATE or re-INVITE with P-Asserted-Identity: connected line). */
  const identities = (p: HarnessPhone): string[] => p.received.filter((q) => (q.method === 'UPDATE' || q.method === 'INVITE') && q.to.tag).map((q) => q.headers.get('P-Asserted-Identity') ?? '');

  const hangUpAll = async (): Promise<void> => {
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
  };

  test('sipp REFERs 202 to 203: 202 Accepted, NOTIFY 100 then 200, sipp released; 202 and 203 talk', async () => {
    const { p202, p203, close } = await phones(false);
    try {
      const r = await transferor('uac-refer-blind.xml');
      assert.is(r.code, 0, `sipp (transferor) failed:\n${r.output}`);
      assert.ok(p203.received.some((q) => q.method === 'INVITE' && q.from.uri.user === '202'), '203 is called by the transferee');
      await hears(p202, p203, '202 to hear 203');
      await hears(p203, p202, '203 to hear 202');
      assert.is(ex.switch.activeCalls().length, 1);
    } finally {
      for (const ch of ex.switch.channels.all()) ch.hangup('normal');
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
      await close();
    }
  });

  test('sipp as another phone of 201 takes over 201\'s call with 202 (INVITE with Replaces): the desk phone gets BYE', async () => {
    const c = await connectCall(ex);
    try {
      const id = c.callerDialog.id;
      const r = await sipp({
        scenario: 'uac-invite-replaces.xml', remote: `127.0.0.1:${ex.sip.port}`, localPort: await freePort(),
        keys: { caller: '201', callee: '202', replaces: `${id.callId};to-tag=${id.remoteTag};from-tag=${id.localTag}` },
        auth: { user: '201', password: 's3cret-201' },
      }).done;
      assert.is(r.code, 0, `sipp (the new phone) failed:\n${r.output}`);
      assert.ok(c.caller.received.some((q) => q.method === 'BYE'), 'the desk phone was released');
      await waitFor(() => c.callee.received.some((q) => q.method === 'BYE'), 3000, '202 released when sipp hung up');
      assert.is(newCalls(c.callee), 1, '202 kept one call throughout');
    } finally {
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
      await c.close();
    }
  });

  test('sipp transfers 202 to a busy 203: NOTIFY 486, 202 stays with sipp until sipp hangs up', async () => {
    const { p202, close } = await phones(true);
    try {
      const r = await transferor('uac-refer-busy.xml');
      assert.is(r.code, 0, `sipp (transferor) failed:\n${r.output}`);
      await waitFor(() => p202.received.some((q) => q.method === 'BYE'), 3000, '202 released after sipp hung up');
      assert.is(newCalls(p202), 1, '202 was never dropped and called again');
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
    } finally {
      await close();
    }
  });

  test('sipp 201 consults 203 from a second phone and REFERs 202 there with Replaces: NOTIFY 100 then 200, both sipps released; 202 and 203 talk', async () => {
    const { p202, p203, close } = await phones(false);
    try {
      const consultation = await phone201('uac-call-released.xml', { callee: '203' });
      await waitFor(() => p203.acks.length === 1, 5000, 'the consultation call to be up');
      const leg = ex.switch.channels.all().find((c) => c.owner === '201' && c.sipDialog);
      assert.ok(leg?.sipDialog, 'the exchange has 201\'s consultation leg');
      // RFC 3891 §6.1 from 201's side: to-tag is the exchange's tag, from-tag sipp's own.
      const d = leg!.sipDialog!;
      const replaces = encodeURIComponent(`${d.callId};to-tag=${d.localTag};from-tag=${d.remoteTag}`);
      const r = await transferor('uac-refer-attended.xml', { replaces });
      assert.is(r.code, 0, `sipp (transferor) failed:\n${r.output}`);
      const c = await consultation.done;
      assert.is(c.code, 0, `sipp (consultation) was not released:\n${c.output}`);
      await hears(p202, p203, '202 to hear 203');
      await hears(p203, p202, '203 to hear 202');
      assert.is(p203.received.filter((q) => q.method === 'BYE').length, 0, '203 keeps its call');
      assert.is(newCalls(p202), 1, '202 was called once, by sipp');
      await waitFor(() => identities(p202).some((i) => i.includes('sip:203@')), 3000, '202 told it talks with 203 now (connected line)');
      await waitFor(() => identities(p203).some((i) => i.includes('sip:202@')), 3000, '203 (whose phone showed 201) told it talks with 202');
      assert.is(ex.switch.activeCalls().length, 1, 'one call left: 202 with 203');
    } finally {
      await hangUpAll();
      await close();
    }
  });

  /**
   * Semi-attended: a second sipp (another phone of 201) calls 203, which rings (180, the
   * test answers later); the first sipp calls 202 and REFERs it with Replaces naming that
   * still-ringing dialog. Returns once both sipps are done, with 203's INVITE to answer.
   */
  async function semiAttended(p203: HarnessPhone) {
    const dflt = p203.respond;
    p203.respond = (req) => (req.method === 'INVITE' ? undefined : dflt(req)); // 203 rings; the test answers
    const consultation = await phone201('uac-call-ringing-ended.xml', { callee: '203' });
    await waitFor(() => p203.unanswered.some((u) => u.req.method === 'INVITE'), 5000, '203 to be called');
    const invite = p203.unanswered.find((u) => u.req.method === 'INVITE')!;
    const tag = newTag();
    invite.tx.respond(createResponse(invite.req, 180, 'Ringing', tag));
    await waitFor(() => ex.switch.channels.all().some((c) => c.owner === '201' && c.state === 'alerting' && c.sipDialog), 3000, '201\'s consultation to ring');
    const d = ex.switch.channels.all().find((c) => c.owner === '201' && c.state === 'alerting')!.sipDialog!;
    const replaces = encodeURIComponent(`${d.callId};to-tag=${d.localTag};from-tag=${d.remoteTag}`);
    const r = await transferor('uac-refer-attended.xml', { replaces });
    assert.is(r.code, 0, `sipp (transferor) failed:\n${r.output}`);
    const c = await consultation.done;
    assert.is(c.code, 0, `sipp (consultation) did not get its 487:\n${c.output}`);
    return { invite, tag };
  }

  test('sipp REFERs 202 with Replaces naming a consultation still ringing at 203: NOTIFY 200, both sipps released; 202 hears ringback, then talks with 203 when it answers', async () => {
    const { p202, p203, close } = await phones(false);
    try {
      const { invite, tag } = await semiAttended(p203);
      assert.ok(!ex.switch.holding.has(ex.switch.channels.all().find((c) => c.owner === '202')!), '202 is not left with music');
      const ringback = await rtpLevel(p202.rtp, 4000);
      assert.ok(ringback.rms > 100, `202 hears ringback while 203 rings (rms ${ringback.rms.toFixed(0)})`);
      invite.tx.respond(defaultAnswer(p203, '203', invite.req, tag));
      await hears(p202, p203, '202 to hear 203');
      await hears(p203, p202, '203 to hear 202');
      assert.is(newCalls(p203), 1, '203 was called once: by the consultation');
      assert.is(newCalls(p202), 1, '202 was called once, by sipp');
      // Connected line: 203's phone rang for 201 (the consultation); both learn whom they talk with.
      await waitFor(() => identities(p203).some((i) => i.includes('sip:202@')), 3000, '203 told it talks with 202 (connected line)');
      await waitFor(() => identities(p202).some((i) => i.includes('sip:203@')), 3000, '202 told it talks with 203');
      assert.is(ex.switch.activeCalls().length, 1, 'one call left: 202 with 203');
    } finally {
      await hangUpAll();
      await close();
    }
    // Both calls' records show the transfer: the one sipp made to 202 and its consultation to 203.
    const admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
    const records = (await admin.get('/api/cdr?limit=2')).body.records as Array<{ dialled: string; disposition: string; transfers: Array<{ by: string; target: string }> }>;
    for (const dialled of ['202', '203']) {
      const cdr = records.find((x) => x.dialled === dialled);
      assert.ok(cdr, `the call to ${dialled} has a record`);
      assert.is(cdr!.disposition, 'transferred', `the call to ${dialled} says transferred`);
      assert.equal(cdr!.transfers.map((t) => [t.by, t.target]), [['201', '203']], `the call to ${dialled} shows the transfer`);
    }
  });

  test('semi-attended transfer to 203, which then turns out busy: 202 is not dropped, 201 rings again showing 202, and they talk', async () => {
    const { p202, p203, close } = await phones(false);
    const p201 = await harnessPhone(ex, '201');
    await register(p201, '201');
    try {
      const { invite, tag } = await semiAttended(p203);
      invite.tx.respond(createResponse(invite.req, 486, 'Busy Here', tag));
      await waitFor(() => p201.received.some((q) => q.method === 'INVITE'), 5000, '201 to ring again');
      assert.is(p201.received.find((q) => q.method === 'INVITE')!.from.uri.user, '202', 'the recall shows the transferee');
      await hears(p202, p201, '202 to hear 201 after the recall');
      await hears(p201, p202, '201 to hear 202 after the recall');
      assert.is(p202.received.filter((q) => q.method === 'BYE').length, 0, '202 was never dropped');
    } finally {
      await hangUpAll();
      await unregister(p201, '201');
      await Promise.all([p201.sip.stop(), p201.rtp.close(), close()]);
    }
  });

  test('sipp transfers 202 to 203 and hangs up at once; 203 turns out busy: 201 rings again showing 202, and they talk (recall)', async () => {
    const { p202, p203, close } = await phones(false);
    const p201 = await harnessPhone(ex, '201');
    await register(p201, '201');
    const dflt = p203.respond;
    p203.respond = (req) => (req.method === 'INVITE' ? undefined : dflt(req)); // answered by the test, once sipp is gone
    try {
      const r = await transferor('uac-refer-hangup.xml');
      assert.is(r.code, 0, `sipp (transferor) failed:\n${r.output}`);
      await waitFor(() => p203.unanswered.some((u) => u.req.method === 'INVITE'), 3000, '203 to be called');
      const invite = p203.unanswered.find((u) => u.req.method === 'INVITE')!;
      invite.tx.respond(createResponse(invite.req, 486, 'Busy Here'));
      await waitFor(() => p201.received.some((q) => q.method === 'INVITE'), 5000, '201 to ring again');
      assert.is(p201.received.find((q) => q.method === 'INVITE')!.from.uri.user, '202', 'the recall shows the transferee');
      await hears(p202, p201, '202 to hear 201 after the recall');
      await hears(p201, p202, '201 to hear 202 after the recall');
      assert.is(newCalls(p202), 1, '202 was never dropped and called again');
    } finally {
      await hangUpAll();
      await unregister(p201, '201');
      await Promise.all([p201.sip.stop(), p201.rtp.close(), close()]);
    }
  });

  test('sipp holds 202 (a=sendonly) and resumes: 202 hears itself through sipp, then music on hold (not silence), then itself again', async () => {
    const { p202, close } = await phones(false);
    try {
      const run = await phone201('uac-hold-music.xml', { callee: '202' }, ['-rtp_echo', '-mp', String(await freePort())]);
      await waitFor(() => p202.acks.length === 1, 5000, '202 to answer sipp');
      await hears(p202, p202, '202 to hear itself echoed by sipp');
      await waitFor(() => ex.switch.holding.size === 1, 5000, '202 in the holding bridge');
      const music = await rtpLevel(p202.rtp, 600);
      assert.ok(music.packets >= 15, `202 receives RTP while held (${music.packets} packets in 600 ms)`);
      assert.ok(music.rms > 100, `202's RTP carries music, not silence (rms ${music.rms.toFixed(0)})`);
      await waitFor(() => ex.switch.holding.size === 0, 6000, '202 out of the holding bridge');
      await hears(p202, p202, '202 to hear itself again once resumed');
      const r = await run.done;
      assert.is(r.code, 0, `sipp (holding phone) failed:\n${r.output}`);
      await waitFor(() => p202.received.some((q) => q.method === 'BYE'), 3000, '202 released when sipp hung up');
    } finally {
      await hangUpAll();
      await close();
    }
  });
}

test.run();
