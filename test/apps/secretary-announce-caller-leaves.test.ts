/**
 * The caller hangs up while the secretary announces them (the console's announce, through a
 * running exchange and the API): 201 calls director 200, secretary 210 answers, announces;
 *
 * - while 210 talks with 200 (consulting), 201 hangs up: 210 and 200 stay connected and
 *   hear each other (a consultation outlives the held party, as on any PBX); the call leaves
 *   the console's desk; when 210 hangs up, 200's leg ends, and the call's record (CDR) says
 *   when and how the caller hung up;
 * - while 200 still rings, 201 hangs up: 200 goes on ringing, answers, and talks with 210.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { Dialog, createResponse, newTag, sdp, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, hears, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

let ex: Exchange;
const events: ExchangeEvent[] = [];
const phones: Record<string, HarnessPhone> = {};
let api: ApiClient;
const exchangeAt = () => ({ protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port });
const invites = (ext: string): SipRequest[] => phones[ext]!.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
const byes = (ext: string): SipRequest[] => phones[ext]!.received.filter((q) => q.method === 'BYE');
interface DeskCall { call: string; state: string }
const desk = async (): Promise<DeskCall[]> => ((await api.get('/api/executives')).body as { executives: Array<{ calls: DeskCall[] }> }).executives[0]!.calls;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: secretary-caller-leaves\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\nlinecards: []\n');
  const cfg = example();
  const sip = (ext: string) => [{ type: 'sip', secret: `s3cret-${ext}` }];
  cfg.employees.push(
    { name: 'Semyon Petrov', extension: '200', password: 'change-me-200', devices: sip('200') },
    { name: 'Marina Vorobyova', extension: '210', password: 'change-me-210', devices: sip('210') },
  );
  cfg.executives = [{ extension: '200', assistants: ['210'], hold_reminder_s: 600 }];
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: process.env.DBG ? createLogger('info') : silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  for (const ext of ['200', '201', '210']) {
    phones[ext] = await harnessPhone(ex, ext);
    await register(phones[ext]!, ext);
  }
  api = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await api.login('210', 'change-me-210'), 200);
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

/** 201 calls 200, 210 answers and talks: the desk's call id, 201's dialog, 210's dialog. */
async function answered(): Promise<{ call: string; callerDialog: Dialog; secretary: Dialog }> {
  const p201 = phones['201']!;
  const p210 = phones['210']!;
  let first: { req: SipRequest; res: SipResponse } | undefined;
  p210.respond = (req) => {
    const res = defaultAnswer(p210, '210', req);
    if (req.method === 'INVITE' && !req.to.tag) first ??= { req, res };
    return res;
  };
  const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  assert.is(r.final.status, 200, 'the secretary answers the director\'s call');
  const callerDialog = Dialog.asUac(r.request, r.final);
  p201.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), exchangeAt());
  const media = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p201.rtp.setRemote({ address: media.address, port: media.port, codec: 'PCMU' });
  let call = '';
  await waitFor(async () => {
    const c = (await desk())[0];
    call = c?.state === 'talking' ? c.call : '';
    return call !== '';
  }, 5000, 'the console lists the secretary\'s call');
  return { call, callerDialog, secretary: Dialog.asUas(first!.req, first!.res) };
}

async function idle(): Promise<void> {
  await waitFor(() => ex.switch.activeCalls().length === 0, 10_000, 'the call to end');
  await waitFor(() => ex.switch.channels.size === 0, 5000, 'every leg released');
}

interface Cdr { call: string; caller: { number: string }; callerLeft: { at: string; cause: string } | null; endedAt: string }

test('201 hangs up while 210 consults 200: 210 and 200 stay connected; the record says the caller hung up', async () => {
  const { call, callerDialog, secretary } = await answered();
  assert.is((await api.post(`/api/executives/200/calls/${call}/announce`)).status, 202);
  await waitFor(async () => (await desk())[0]?.state === 'consulting', 5000, 'the director answered');
  const directorCallId = invites('200').at(-1)!.callId;
  const hungUpAt = Date.now();
  assert.is((await phones['201']!.sip.send(callerDialog.createRequest('BYE'))).status, 200, 'the caller hangs up');
  await sleep(1000);
  assert.not.ok(byes('200').some((q) => q.callId === directorCallId), 'the director\'s leg stays');
  assert.not.ok(byes('210').some((q) => q.callId === secretary.id.callId), 'the secretary\'s leg stays');
  await hears(phones['200']!, phones['210']!, '200 to hear 210 after the caller left');
  await hears(phones['210']!, phones['200']!, '210 to hear 200 after the caller left');
  await waitFor(async () => (await desk()).length === 0, 5000, 'the call left the desk: nobody is waiting');
  assert.is((await api.post(`/api/executives/200/calls/${call}/join`)).status, 404, 'nothing to join any more');

  assert.is((await phones['210']!.sip.send(secretary.createRequest('BYE'))).status, 200, 'the secretary hangs up');
  await waitFor(() => byes('200').some((q) => q.callId === directorCallId), 5000, 'the director\'s leg ends with the secretary\'s');
  await idle();
  const cdr = ((await api.get('/api/cdr?limit=1')).body as { records: Cdr[] }).records[0]!;
  assert.is(cdr.call, call);
  assert.is(cdr.caller.number, '201');
  assert.ok(cdr.callerLeft, 'the record has the caller\'s hang-up');
  assert.is(cdr.callerLeft!.cause, 'normal');
  const leftAt = Date.parse(cdr.callerLeft!.at);
  assert.ok(Math.abs(leftAt - hungUpAt) < 1500, `when the caller hung up (${cdr.callerLeft!.at})`);
  assert.ok(Date.parse(cdr.endedAt) > leftAt, 'the call ended after that, with the consultation');
  const ended = events.filter((e) => e.type === 'call.ended').at(-1)!.data as { call: string; record: { callerLeftAt?: number } };
  assert.is(ended.call, call);
  assert.ok(ended.record.callerLeftAt !== undefined, 'call.ended carries it too');
});

test('201 hangs up while 200 still rings: 200 rings on, answers, and talks with 210', async () => {
  const p200 = phones['200']!;
  let ringOnly = true;
  const tag = newTag();
  p200.respond = (req) => (req.method === 'INVITE' && !req.to.tag && ringOnly ? undefined : defaultAnswer(p200, '200', req));
  try {
    const before = invites('200').length;
    const { call, callerDialog, secretary } = await answered();
    assert.is((await api.post(`/api/executives/200/calls/${call}/announce`)).status, 202);
    await waitFor(() => p200.unanswered.length === 1 && invites('200').length === before + 1, 5000, 'the director rings');
    const ringing = p200.unanswered.shift()!;
    ringing.tx.respond(createResponse(ringing.req, 180, 'Ringing', tag));
    await waitFor(() => ex.switch.channels.all().some((c) => c.owner === '200' && c.state === 'alerting'), 5000, 'the director\'s leg alerts');
    assert.is((await phones['201']!.sip.send(callerDialog.createRequest('BYE'))).status, 200, 'the caller hangs up');
    await sleep(1000);
    assert.ok(ex.switch.channels.all().some((c) => c.owner === '200' && c.state === 'alerting'), 'the director still rings');
    assert.not.ok(byes('210').some((q) => q.callId === secretary.id.callId), 'the secretary\'s leg stays');
    // The director's phone answers now: a 200 OK for the INVITE it had only rung for.
    ringOnly = false;
    const ok = defaultAnswer(p200, '200', ringing.req, tag);
    ringing.tx.respond(ok);
    const director = Dialog.asUas(ringing.req, ok);
    await hears(phones['200']!, phones['210']!, '200 to hear 210');
    await hears(phones['210']!, phones['200']!, '210 to hear 200');
    assert.is((await p200.sip.send(director.createRequest('BYE'))).status, 200, 'the director hangs up');
    await waitFor(() => byes('210').some((q) => q.callId === secretary.id.callId), 5000, 'the secretary\'s leg ends: nobody is left');
    await idle();
  } finally {
    p200.respond = (req) => defaultAnswer(p200, '200', req);
  }
});

test.run();
