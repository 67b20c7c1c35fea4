/**
 * SUBSCRIBE/NOTIFY (RFC 6665) through a running exchange on a FakeClock (blf-harness.ts),
 * with our SIP test phones on loopback: 201 and 202 place and take calls, 203 watches them.
 *
 * - an unauthenticated SUBSCRIBE is challenged and gets no NOTIFY; a wrong password neither;
 * - `dialog` (RFC 4235): 200 then an immediate full-state NOTIFY; 202 rung (early, recipient,
 *   with the caller and the pickup target), answered (confirmed, no party), hung up (terminated),
 *   versions counting up; 202 calling out (initiator);
 * - pickup from the lamp: an INVITE with Replaces built from the dialog-info answers the ringing call;
 * - refresh (new expiry, the state again), a too-brief refresh (423, nothing changes), the
 *   expiry on the fake clock and the unsubscribe (final NOTIFY terminated;reason=timeout);
 * - malformed SUBSCRIBEs get the RFC's answer (400, 489 + Allow-Events, 423 + Min-Expires,
 *   406, 404) and the live subscription goes on; a NOTIFY answered 481, or never answered, ends
 *   its subscription; a subscription over TCP.
 * Presence, the limits, the WebSocket and configuration changes: lamps-presence.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dialog, createResponse, newTag, withCredentials } from '../../../src/sip/index.js';
import { waitFor } from '../../helpers/net.js';
import { creds, defaultAnswer, offerFor, sendInDialog } from './call-harness.js';
import { clock, dialogs, ex, idle, phones, ring202, sipStats, unsubscribe, useBlfExchange, watch } from './blf-harness.js';

useBlfExchange(test);

test('an unauthenticated SUBSCRIBE is challenged (401), a wrong password too, and no NOTIFY is sent', async () => {
  const p = phones['203']!;
  const before = p.received.length;
  const req = p.sip.build({ method: 'SUBSCRIBE', target: '202', from: '203', headers: [['Event', 'dialog'], ['Expires', '600']] });
  const res = await p.sip.send(req);
  assert.is(res.status, 401);
  assert.ok(res.headers.getAll('WWW-Authenticate').some((c) => /qop="?auth/.test(c)), 'a digest challenge with qop');
  const wrong = await p.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '202', from: '203', headers: [['Event', 'dialog']] }, { username: '203', password: 'nope' });
  assert.is(wrong.final.status, 401);
  await new Promise((r) => setTimeout(r, 100));
  assert.is(p.received.slice(before).filter((q) => q.method === 'NOTIFY').length, 0, 'no NOTIFY');
  assert.is(sipStats().subscriptions, 0);
});

test('dialog: 200 then a full-state NOTIFY at once; 202 rung, answered and hung up: early (with the caller), confirmed, terminated', async () => {
  const w = await watch('203', '202', 'dialog', [['Accept', 'application/dialog-info+xml']]);
  assert.is(w.res.headers.get('Expires'), '600');
  const first = await w.nth(1);
  assert.is(first.headers.get('Event'), 'dialog');
  assert.is(first.headers.get('Subscription-State'), 'active;expires=600');
  assert.is(first.headers.get('Content-Type'), 'application/dialog-info+xml');
  assert.match(first.body.toString(), /<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="sip:202@127\.0\.0\.1">/);
  assert.equal(dialogs(first.body.toString()), [], 'idle: no dialog');

  const call = await ring202();
  await waitFor(() => w.bodies().some((b) => dialogs(b).includes('trying/recipient')), 3000, 'trying');
  const { req, tx } = call.invite();
  const tag = newTag();
  tx.respond(createResponse(req, 180, 'Ringing', tag));
  const early = await waitFor(() => w.bodies().find((b) => dialogs(b).includes('early/recipient')), 3000, 'early');
  assert.match(early, /<remote><identity display="Galina Ivanovna">sip:201@127\.0\.0\.1<\/identity><target uri="sip:\*8202@127\.0\.0\.1"\/><\/remote>/, 'the caller and the pickup target');
  assert.match(early, /call-id="[A-Za-z0-9_-]+" local-tag="[A-Za-z0-9_-]+" remote-tag="[A-Za-z0-9_-]+"/);
  assert.ok(!early.includes(req.callId), 'not the real Call-ID of 202\'s INVITE');
  tx.respond(defaultAnswer(phones['202']!, '202', req, tag));
  const r = await call.result;
  assert.is(r.final.status, 200);
  const callerDialog = Dialog.asUac(r.request, r.final);
  phones['201']!.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const confirmed = await waitFor(() => w.bodies().find((b) => dialogs(b).includes('confirmed/recipient')), 3000, 'confirmed');
  assert.not.match(confirmed, /<remote>/, 'who 202 talks with is not shown');
  await sendInDialog(ex, phones['201']!.sip, callerDialog, 'BYE');
  await waitFor(() => w.bodies().some((b) => dialogs(b).includes('terminated/recipient')), 3000, 'terminated');
  const versions = w.bodies().map((b) => Number(/version="(\d+)"/.exec(b)![1]));
  assert.equal(versions, versions.map((_, i) => i), `versions count from 0: ${versions}`);
  const states = w.bodies().map((b) => dialogs(b).join(',')).filter((s, i, all) => s !== all[i - 1]);
  assert.equal(states, ['', 'trying/recipient', 'early/recipient', 'confirmed/recipient', 'terminated/recipient']);
  await idle();

  // 202 calls 201: the same lamp as the initiator; 201 rings, then is busy.
  const p201 = phones['201']!;
  p201.respond = (q) => (q.method === 'INVITE' && !q.to.tag ? undefined : defaultAnswer(p201, '201', q));
  const out = phones['202']!.sip.sendAuthenticated({ method: 'INVITE', target: '201', from: '202', body: offerFor(phones['202']!.rtp.localPort) }, creds('202'));
  await waitFor(() => p201.unanswered.some((u) => u.req.method === 'INVITE'), 3000, '201\'s INVITE');
  const ringing = p201.unanswered.splice(p201.unanswered.findIndex((u) => u.req.method === 'INVITE'), 1)[0]!;
  const tag201 = newTag();
  ringing.tx.respond(createResponse(ringing.req, 180, 'Ringing', tag201));
  await waitFor(() => w.bodies().some((b) => dialogs(b).includes('early/initiator')), 3000, 'early as the initiator');
  assert.not.match(w.bodies().at(-1)!, /<remote>/, 'whom 202 calls is not shown');
  ringing.tx.respond(createResponse(ringing.req, 486, 'Busy Here', tag201));
  assert.is((await out).final.status, 486);
  await waitFor(() => dialogs(w.bodies().at(-1)!).join() === 'terminated/initiator', 3000, 'terminated again');
  await idle();
  p201.respond = (q) => defaultAnswer(p201, '201', q);
  await unsubscribe(w);
});


test('pickup from the lamp: an INVITE with Replaces built from the ringing dialog-info answers 201\'s call on 203', async () => {
  const w = await watch('203', '202', 'dialog');
  await w.nth(1);
  const call = await ring202();
  const { req, tx } = call.invite();
  tx.respond(createResponse(req, 180, 'Ringing', newTag()));
  const early = await waitFor(() => w.bodies().find((b) => dialogs(b).includes('early/recipient')), 3000, 'early');
  const [, callId, local, remote] = /call-id="([^"]+)" local-tag="([^"]+)" remote-tag="([^"]+)"/.exec(early)!;
  const p203 = phones['203']!;
  const pick = await p203.sip.sendAuthenticated({
    method: 'INVITE', target: '202', from: '203', body: offerFor(p203.rtp.localPort),
    headers: [['Replaces', `${callId};to-tag=${remote};from-tag=${local};early-only`]],
  }, creds('203'));
  assert.is(pick.final.status, 200, `the pickup is answered: ${pick.final.status}`);
  const picked = Dialog.asUac(pick.request, pick.final);
  p203.sip.stack.sendAck(picked.createAck(pick.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const r = await call.result;
  assert.is(r.final.status, 200, '201 is connected');
  const callerDialog = Dialog.asUac(r.request, r.final);
  phones['201']!.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  await waitFor(() => tx.lastResponse?.status === 487, 3000, '202 stops ringing (CANCEL, 487)');
  await sendInDialog(ex, p203.sip, picked, 'BYE');
  await idle();
  // A lamp token that no longer rings: the ordinary Replaces answer, 481.
  const stale = await p203.sip.sendAuthenticated({
    method: 'INVITE', target: '202', from: '203', body: offerFor(p203.rtp.localPort), headers: [['Replaces', `${callId};to-tag=${remote};from-tag=${local}`]],
  }, creds('203'));
  assert.is(stale.final.status, 481);
  phones['202']!.respond = (q) => defaultAnswer(phones['202']!, '202', q);
  await unsubscribe(w);
});

test('refresh moves the expiry and sends the state again; a too-brief refresh is 423 and changes nothing; the expiry ends it', async () => {
  const w = await watch('203', '201', 'dialog');
  await w.nth(1);
  const refresh = await sendInDialog(ex, phones['203']!.sip, w.dialog, 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '1200']] });
  assert.is(refresh.status, 200);
  assert.is(refresh.headers.get('Expires'), '1200');
  assert.is((await w.nth(2)).headers.get('Subscription-State'), 'active;expires=1200');
  const brief = await sendInDialog(ex, phones['203']!.sip, w.dialog, 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '5']] });
  assert.is(brief.status, 423);
  assert.is(brief.headers.get('Min-Expires'), '60');
  const capped = await sendInDialog(ex, phones['203']!.sip, w.dialog, 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '99999']] });
  assert.is(capped.headers.get('Expires'), '3600', 'capped at the maximum');
  await w.nth(3);
  const short = await sendInDialog(ex, phones['203']!.sip, w.dialog, 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '60']] });
  assert.is(short.headers.get('Expires'), '60');
  await w.nth(4);
  clock.advance(59_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(w.notifies().length, 4, 'nothing before the expiry');
  clock.advance(1000);
  assert.is((await w.nth(5)).headers.get('Subscription-State'), 'terminated;reason=timeout');
  await waitFor(() => sipStats().subscriptions === 0, 3000, 'the subscription gone');
  const after = await sendInDialog(ex, phones['203']!.sip, w.dialog, 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '600']] });
  assert.is(after.status, 481, 'an expired subscription is unknown');
});

test('malformed SUBSCRIBEs get the RFC\'s answer; the live subscription goes on', async () => {
  const w = await watch('203', '202', 'dialog');
  await w.nth(1);
  const ask = async (target: string, headers: Array<[string, string]>, contact = true) => {
    const p = phones['203']!;
    const first = p.sip.build({ method: 'SUBSCRIBE', target, from: '203', headers });
    if (!contact) first.headers.remove('Contact');
    const challenge = await p.sip.send(first);
    if (challenge.status !== 401) return challenge; // the stack refused it before anyone looked (a 400 from the parser)
    return p.sip.send(withCredentials(first, challenge, creds('203'))!);
  };
  const bad = await ask('202', [['Event', 'conference'], ['Expires', '600']]);
  assert.is(bad.status, 489);
  assert.is(bad.headers.get('Allow-Events'), 'dialog, presence, message-summary');
  assert.is((await ask('202', [['Expires', '600']])).status, 400, 'no Event');
  assert.is((await ask('202', [['Event', 'dia log;;'], ['Expires', '600']])).status, 400, 'malformed Event');
  const brief = await ask('202', [['Event', 'dialog'], ['Expires', '10']]);
  assert.is(brief.status, 423);
  assert.is(brief.headers.get('Min-Expires'), '60');
  assert.is((await ask('202', [['Event', 'dialog'], ['Expires', 'soon']])).status, 400, 'Expires not a number');
  assert.is((await ask('202', [['Event', 'dialog'], ['Accept', 'text/plain']])).status, 406);
  assert.is((await ask('202', [['Event', 'dialog']], false)).status, 400, 'no Contact');
  assert.is((await ask('2%3C0%3E2', [['Event', 'dialog']])).status, 404, 'not a resource');
  assert.is((await ask('1'.repeat(40), [['Event', 'dialog']])).status, 404, 'too long for an extension');
  assert.is((await ask('201', [['Event', 'message-summary']])).status, 403, 'another\'s mailbox');
  const n = w.notifies().length;
  await ex.switch.lamps.touch('202');
  await w.nth(n + 1);
  assert.is(sipStats().subscriptions, 1);
  await unsubscribe(w);
});

test('a NOTIFY answered 481 ends its subscription, not the others', async () => {
  const a = await watch('203', '202', 'dialog');
  const b = await watch('201', '202', 'dialog');
  await a.nth(1);
  await b.nth(1);
  const p203 = phones['203']!;
  p203.respond = (q) => (q.method === 'NOTIFY' ? createResponse(q, 481, 'Call/Transaction Does Not Exist') : defaultAnswer(p203, '203', q));
  ex.switch.lamps.touch('202');
  await a.nth(2);
  await b.nth(2);
  await waitFor(() => sipStats().subscriptions === 1, 3000, 'the refused subscription gone');
  ex.switch.lamps.touch('202');
  await b.nth(3);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(a.notifies().length, 2, 'nothing more to the phone that said 481');
  p203.respond = (q) => defaultAnswer(p203, '203', q);
  await unsubscribe(b, '201');
});

test('over TCP: the NOTIFYs come back on the phone\'s connection; the unsubscribe too', async () => {
  const p = phones['203']!;
  const r = await p.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '202', from: '203', protocol: 'tcp', headers: [['Event', 'presence'], ['Expires', '600']] }, creds('203'));
  assert.is(r.final.status, 200);
  const notifies = () => p.received.filter((q) => q.method === 'NOTIFY' && q.callId === r.request.callId);
  await waitFor(() => notifies().length === 1, 3000, 'the first NOTIFY over TCP');
  assert.match(notifies()[0]!.headers.get('Via')!, /^SIP\/2\.0\/TCP /);
  const dialog = Dialog.asUac(r.request, r.final);
  const res = await p.sip.send(dialog.createRequest('SUBSCRIBE', { headers: [['Event', 'presence'], ['Expires', '0']] }), 'tcp');
  assert.is(res.status, 200);
  await waitFor(() => notifies().length === 2, 3000, 'the final NOTIFY');
  assert.is(notifies()[1]!.headers.get('Subscription-State'), 'terminated;reason=timeout');
});

test('a NOTIFY never answered (Timer F, 32 s on the fake clock) ends its subscription', async () => {
  const w = await watch('203', '201', 'dialog');
  await w.nth(1);
  const p203 = phones['203']!;
  p203.respond = (q) => (q.method === 'NOTIFY' ? undefined : defaultAnswer(p203, '203', q));
  ex.switch.lamps.touch('201');
  await w.nth(2);
  clock.advance(31_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(sipStats().subscriptions, 1, 'still there before Timer F');
  clock.advance(1_500);
  await waitFor(() => sipStats().subscriptions === 0, 3000, 'the unanswered subscription gone');
  p203.unanswered.length = 0;
  p203.respond = (q) => defaultAnswer(p203, '203', q);
});


test.run();
