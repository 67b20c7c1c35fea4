/**
 * Park + page ("you are wanted on line 590") through a running exchange: park announces on
 * page group 700 (`park.announce`). SIP 201 dials the park code *7 and waits in 590; SIP
 * 203, the group's member, answers the page by itself and hears exactly the announcement —
 * the committed prompts "you are wanted on line" and "five nine zero", twice — then is
 * released; 202 dials 590 and takes the call back.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { Dialog, sdp, type SipRequest } from '../../src/sip/index.js';
import { encode } from '../../common/g711.js';
import { digitsPrompt, sequence } from '../../src/media/prompts.js';
import { creds, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { waitFor } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from '../config/example.js';

let ex: Exchange;
const events: ExchangeEvent[] = [];

test.before(async () => {
  const cfg = example();
  cfg.site.country = 'gb'; // English prompts
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  cfg.site.operator = '600';
  cfg.park = { slots: '590-599', announce: '700' };
  cfg.paging = [{ number: '700', name: 'Everyone', members: ['203'] }];
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
});
test.after(() => ex?.close());

async function place(p: HarnessPhone, from: string, target: string) {
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target, from, body: offerFor(p.rtp.localPort) }, creds(from));
  assert.is(r.final.status, 200, `${from} → ${target} answered`);
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  return dialog;
}

test('201 parks itself: 203 is paged with "you are wanted on line five nine zero" twice, then released; 202 takes 590', async () => {
  const parked = await harnessPhone(ex, '201');
  const member = await harnessPhone(ex, '203');
  const retriever = await harnessPhone(ex, '202');
  await register(member, '203');
  const payloads: Buffer[] = [];
  member.rtp.onRtp((pk) => payloads.push(Buffer.from(pk.payload)));
  try {
    const parkedDialog = await place(parked, '201', '*7');
    const ev = await waitFor(() => events.find((e) => e.type === 'call.parked'), 5000, 'call.parked');
    assert.is((ev.data as { slot: string }).slot, '590');
    const invite = await waitFor(() => member.received.find((q: SipRequest) => q.method === 'INVITE'), 5000, '203 to be paged');
    assert.is(invite.headers.get('Alert-Info'), '<http://127.0.0.1>;info=alert-autoanswer');
    assert.is(sdp.audioStream(sdp.parseSdp(invite.body))!.direction, 'sendonly');

    // What 203 must hear: the announcement, frame by frame, as PCMU.
    const words = ['wanted-on-line', 250, ...digitsPrompt('590')];
    const expected = sequence('en', [...words, 1000, ...words]);
    const frames = Math.floor(expected.length / 160);
    await waitFor(() => member.received.some((q) => q.method === 'BYE'), 20_000, '203 released at the end of the announcement');
    const first = Buffer.from(encode('PCMU', expected.subarray(0, 160)));
    const start = payloads.findIndex((p) => p.equals(first));
    assert.ok(start >= 0, 'the announcement starts at its first frame');
    let same = 0;
    for (let i = 0; i < frames; i++) if (payloads[start + i]?.equals(Buffer.from(encode('PCMU', expected.subarray(i * 160, (i + 1) * 160))))) same++;
    assert.ok(same >= frames - 2, `203 heard the announcement of slot 590 (${same}/${frames} frames exact)`);

    await place(retriever, '202', '590');
    await waitFor(() => events.some((e) => e.type === 'call.unparked'), 5000, 'the call taken out of 590');
    await sendInDialog(ex, parked.sip, parkedDialog, 'BYE');
    await waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'every call to end');
  } finally {
    await unregister(member, '203');
    await Promise.all([parked, member, retriever].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
  }
});

test.run();
