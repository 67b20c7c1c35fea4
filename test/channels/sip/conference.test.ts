/**
 * Conferences end to end with our test phones over loopback (issue 10), through a running
 * exchange whose board mixes at most 3 conference members (`media.conference_max: 3`):
 *
 * - three phones in meet-me room 710, each sending a tone of its own (500, 1100, 1700 Hz):
 *   each phone hears the other two tones and not its own, measured at each phone;
 * - the PIN room 720: a wrong PIN (SIP INFO digits) is refused with a prompt, the right one
 *   lets the caller in; repeated wrong PINs lock the caller out ("too many wrong PINs", the
 *   call ends) — the lockout's expiry is on the fake clock in test/apps/conference.test.ts;
 * - a fourth member beyond the board's capacity gets early media (183) with "the
 *   conference is full", then 486;
 * - SIP three-way: 201 talks with 202, holds it (re-INVITE a=sendonly), consults 203, then
 *   dials *3: 201's two calls are transferred into 201's ad-hoc room (both dialogs get a BYE)
 *   and the three hear each other.
 * /api/calls shows the room and the CDR of each member's call names the room's bridge.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, sdp, type SipResponse } from '../../../src/sip/index.js';
import { FRAME_SAMPLES } from '../../../src/media/endpoint.js';
import type { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import { ApiClient } from '../../helpers/http.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { toneShare } from '../../helpers/tone-share.js';
import { connectCall, creds, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from './call-harness.js';

const CONFIG = new URL('../../fixtures/config/conference.yaml', import.meta.url).pathname;
let ex: Exchange;

test.before(async () => {
  const dir = tempDir();
  const board = `${dir}/board.yaml`;
  writeFileSync(board, `${readFileSync('board/sim.yaml', 'utf8')}\nmedia:\n  conference_max: 3\n`);
  ex = await startExchange({ board, data: `${dir}/data`, config: CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
});
test.after(async () => {
  await ex.close();
});

interface Member {
  phone: HarnessPhone;
  ext: string;
  dialog: Dialog;
  final: SipResponse;
}

/** `ext`'s phone calls `number` and is answered (the exchange's 200). */
async function dialIn(ext: string, number: string, phone?: HarnessPhone): Promise<Member> {
  const p = phone ?? (await harnessPhone(ex, ext));
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target: number, from: ext, body: offerFor(p.rtp.localPort) }, creds(ext));
  assert.is(r.final.status, 200, `${ext} is answered by ${number}`);
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  return { phone: p, ext, dialog, final: r.final };
}

/** Key digits as SIP INFO (application/dtmf-relay), one request per digit. */
async function key(m: Member, digits: string): Promise<void> {
  for (const d of digits) {
    const res = await sendInDialog(ex, m.phone.sip, m.dialog, 'INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' });
    assert.is(res.status, 200);
  }
}

const members = (room: string): string[] => ex.switch.conferences.list().find((r) => r.room === room)?.members.map((m) => m.owner).sort() ?? [];

/**
 * Each phone sends a tone at its own frequency; after the chimes, each listens for 1.2 s.
 * Returns, per phone, the share of what it heard at each of the frequencies.
 */
async function tones(phones: RtpEndpoint[], freqs: number[]): Promise<number[][]> {
  const heard: number[][] = phones.map(() => []);
  const offs = phones.map((p, i) => p.onFrame((f) => void heard[i]!.push(...f)));
  let n = 0;
  const timer = setInterval(() => {
    phones.forEach((p, i) => {
      const f = new Int16Array(FRAME_SAMPLES);
      for (let k = 0; k < FRAME_SAMPLES; k++) f[k] = Math.round(6000 * Math.sin((2 * Math.PI * freqs[i]! * (n * FRAME_SAMPLES + k)) / 8000));
      p.writeFrame(f);
    });
    n++;
  }, 20);
  try {
    await new Promise((r) => setTimeout(r, 800)); // the chimes end, the jitter buffers fill
    for (const h of heard) h.length = 0;
    await new Promise((r) => setTimeout(r, 1200));
  } finally {
    clearInterval(timer);
    for (const off of offs) off();
  }
  return heard.map((x) => {
    assert.ok(x.length >= 4000, `a phone heard only ${x.length} samples`);
    const start = x.length - 4000;
    return freqs.map((hz) => toneShare(x, start, 4000, hz));
  });
}

/** Every phone hears the others' tones and not its own. */
function assertEachHearsTheOthers(shares: number[][], names: string[]): void {
  shares.forEach((s, i) =>
    s.forEach((share, j) => {
      if (i === j) assert.ok(share < 0.02, `${names[i]} does not hear itself (share ${share.toFixed(3)})`);
      else assert.ok(share > 0.2, `${names[i]} hears ${names[j]} (share ${share.toFixed(3)})`);
    }),
  );
}

async function hangUp(...ms: Member[]): Promise<void> {
  for (const m of ms) if (!m.phone.received.some((r) => r.method === 'BYE' && r.callId === m.dialog.id.callId)) await sendInDialog(ex, m.phone.sip, m.dialog, 'BYE').catch(() => undefined);
  await waitFor(() => ex.switch.conferences.list().length === 0 && ex.switch.activeCalls().length === 0, 5000, 'every room and call to end');
}

async function stop(...ps: HarnessPhone[]): Promise<void> {
  await Promise.all(ps.flatMap((p) => [p.sip.stop(), p.rtp.close()]));
}

test('three phones in meet-me room 710: each hears the other two tones and never its own; /api/calls and the CDR show the room', async () => {
  const a = await dialIn('201', '710');
  const b = await dialIn('202', '710');
  const c = await dialIn('203', '710');
  const admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  try {
    await waitFor(() => members('710').length === 3, 3000, 'three in the room');
    const shares = await tones([a.phone.rtp, b.phone.rtp, c.phone.rtp], [500, 1100, 1700]);
    assertEachHearsTheOthers(shares, ['201', '202', '203']);
    const view = (await admin.get('/api/calls')).body;
    const room = view.conferences.find((r: { room: string }) => r.room === '710');
    assert.is(room.kind, 'meet-me');
    assert.equal(room.members.map((m: { owner: string }) => m.owner).sort(), ['201', '202', '203']);
    assert.is(view.bridges.find((br: { id: string }) => br.id === room.bridge)?.mode, 'mix');
    await hangUp(a, b, c);
    const cdr = (await admin.get('/api/cdr?number=710')).body.records as Array<{ bridges: Array<{ bridge: string }> }>;
    assert.is(cdr.length, 3);
    assert.ok(cdr.every((r) => r.bridges.some((br) => br.bridge === room.bridge)), 'each CDR names the room\'s bridge');
  } finally {
    await hangUp(a, b, c);
    await stop(a.phone, b.phone, c.phone);
  }
});

test('PIN room 720: a wrong PIN is refused, the right one lets the caller in; repeated wrong PINs lock the caller out', async () => {
  const a = await dialIn('201', '720');
  try {
    await key(a, '1357#');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(members('720'), [], 'a wrong PIN does not let 201 in');
    await key(a, '2468#');
    await waitFor(() => members('720').length === 1, 3000, 'the right PIN lets 201 in');

    // 202 keys wrong PINs until it is locked out (5 across two calls), then is refused at once.
    const b = await dialIn('202', '720');
    for (let i = 0; i < 3; i++) await key(b, '0000#');
    await waitFor(() => b.phone.received.some((r) => r.method === 'BYE'), 8000, '202 let go after three wrong PINs');
    const b2 = await dialIn('202', '720', b.phone);
    for (let i = 0; i < 2; i++) await key(b2, '0000#');
    await waitFor(() => b.phone.received.filter((r) => r.method === 'BYE').length === 2, 10_000, '202 locked out');
    const p = b.phone;
    const r = await p.sip.sendAuthenticated({ method: 'INVITE', target: '720', from: '202', body: offerFor(p.rtp.localPort) }, creds('202'));
    assert.is(r.final.status, 403, 'a locked-out caller is refused (after the announcement in early media)');
    assert.equal(ex.switch.activeCalls().length, 1, 'only 201\'s call is left');
    assert.equal(members('720'), ['201'], 'nobody got in');
    await hangUp(a);
    await stop(b.phone);
  } finally {
    await hangUp(a);
    await stop(a.phone);
  }
});

test('the board mixes 3 conference members: a fourth hears "the conference is full" in early media, then 486', async () => {
  const a = await dialIn('201', '710');
  const b = await dialIn('202', '710');
  const c = await dialIn('203', '710');
  const late = await harnessPhone(ex, '204');
  try {
    await waitFor(() => members('710').length === 3, 3000, 'three in the room');
    let loud = 0;
    const off = late.rtp.onFrame((f) => {
      if (f.some((s) => Math.abs(s) > 1000)) loud++;
    });
    const provisional: number[] = [];
    const r = await late.sip.sendAuthenticated({ method: 'INVITE', target: '710', from: '204', body: offerFor(late.rtp.localPort) }, creds('204'), (res) => {
      provisional.push(res.status);
      if (res.status === 183 && res.body.length) {
        const s = sdp.audioStream(sdp.parseSdp(res.body))!;
        late.rtp.setRemote({ address: s.address, port: s.port, codec: 'PCMU' });
      }
    });
    off();
    assert.ok(provisional.includes(183), `early media (${provisional.join(', ')})`);
    assert.is(r.final.status, 486, 'busy');
    assert.ok(loud > 50, `204 heard the announcement (${loud} loud frames)`);
    assert.equal(members('710'), ['201', '202', '203']);
  } finally {
    await hangUp(a, b, c);
    await stop(a.phone, b.phone, c.phone, late);
  }
});

test('SIP three-way: 201 holds 202, consults 203, dials *3: both calls join 201\'s room and the three hear each other', async () => {
  const call = await connectCall(ex); // 201 ↔ 202
  const target = await harnessPhone(ex, '203');
  await register(target, '203');
  let code: Member | undefined;
  try {
    const hold = await sendInDialog(ex, call.caller.sip, call.callerDialog, 'INVITE', { body: offerFor(call.caller.rtp.localPort, 2).replace('a=sendrecv', 'a=sendonly') });
    assert.is(hold.status, 200, '202 held');
    const consult = await dialIn('201', '203', call.caller); // 201 ↔ 203
    await waitFor(() => ex.switch.activeCalls().length === 2, 3000, 'two calls');
    code = await dialIn('201', '*3', call.caller);
    await waitFor(() => members('201').length === 3, 5000, 'the three in 201\'s room');
    await waitFor(() => call.caller.received.filter((r) => r.method === 'BYE').length >= 2, 3000, '201\'s earlier calls to be released');
    const byes = call.caller.received.filter((r) => r.method === 'BYE').map((r) => r.callId);
    assert.ok(byes.includes(call.callerDialog.id.callId) && byes.includes(consult.dialog.id.callId), `both of 201's earlier calls are released (${byes.join(', ')})`);
    const shares = await tones([call.caller.rtp, call.callee.rtp, target.rtp], [500, 1100, 1700]);
    assertEachHearsTheOthers(shares, ['201', '202', '203']);
    assert.is((await sendInDialog(ex, call.caller.sip, code.dialog, 'BYE')).status, 200, '201 leaves');
    await waitFor(() => members('201').length === 2, 3000, '202 and 203 go on without 201');
    assert.is(call.callee.received.filter((r) => r.method === 'BYE').length, 0, '202 stays');
  } finally {
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    await waitFor(() => ex.switch.activeCalls().length === 0 && ex.switch.conferences.list().length === 0, 3000, 'every call and room to end');
    await unregister(target, '203');
    await Promise.all([target.sip.stop(), target.rtp.close(), call.close()]);
  }
});

test('in-call *3: 201 holds 202, consults 203 and keys * 3 (INFO) in that call: the three talk, 201 keeps the consultation dialog', async () => {
  const call = await connectCall(ex); // 201 ↔ 202
  const target = await harnessPhone(ex, '203');
  await register(target, '203');
  try {
    const hold = await sendInDialog(ex, call.caller.sip, call.callerDialog, 'INVITE', { body: offerFor(call.caller.rtp.localPort, 2).replace('a=sendrecv', 'a=sendonly') });
    assert.is(hold.status, 200, '202 held');
    const consult = await dialIn('201', '203', call.caller); // 201 ↔ 203
    await key(consult, '*3');
    await waitFor(() => members('201').length === 3, 5000, 'the three in 201\'s room');
    await waitFor(() => call.caller.received.some((r) => r.method === 'BYE'), 3000, 'the held call\'s dialog to end');
    const byes = call.caller.received.filter((r) => r.method === 'BYE').map((r) => r.callId);
    assert.equal(byes, [call.callerDialog.id.callId], 'only the held call\'s dialog ends; 201 talks on the consultation dialog');
    const shares = await tones([call.caller.rtp, call.callee.rtp, target.rtp], [500, 1100, 1700]);
    assertEachHearsTheOthers(shares, ['201', '202', '203']);
    assert.is((await sendInDialog(ex, call.caller.sip, consult.dialog, 'BYE')).status, 200, '201 leaves');
    await waitFor(() => members('201').length === 2, 3000, '202 and 203 go on without 201');
    assert.is(target.received.filter((r) => r.method === 'BYE').length, 0, '203 stays');
  } finally {
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    await waitFor(() => ex.switch.activeCalls().length === 0 && ex.switch.conferences.list().length === 0, 3000, 'every call and room to end');
    await unregister(target, '203');
    await Promise.all([target.sip.stop(), target.rtp.close(), call.close()]);
  }
});

test.run();
