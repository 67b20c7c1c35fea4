/**
 * A call queue through a running exchange (real clock), with sipp as the agent 202's phone
 * (Debian sip-tester: registers with digest auth, dials `*45`, answers the queue's calls
 * and hangs up after 4 s) and our SIP test phones as callers:
 *
 * - 202 logs in by feature code: `*45` is answered (the confirmation), the API shows them
 *   available in queue 700;
 * - 205 calls the queue (recorded: both sides' WAVs listed by call id) and is handed to 202 (sipp answers); 206 calls meanwhile and waits:
 *   it hears music (RTP well above silence) and its position announced (1); when 202 hangs
 *   up, 206 is not offered to 202 before the 3 s wrap-up is over, then 202's phone rings
 *   with 206 and the two talk;
 * - a callback keeps the place: 206 waits, presses 2 (SIP INFO), confirms its number with 1
 *   and is released; 207
 *   calls after it; when 202 is free again their phone rings first for 206 (sipp logs the
 *   caller), and the exchange calls 206 back — 207 still waits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { Dialog, sdp } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { haveSipp, sipp, type SippRun } from '../helpers/sipp.js';
import { creds, harnessPhone, offerFor, register, rtpLevel, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

const enabled = haveSipp();
let ex: Exchange;
let dir: string;
let remote: string;
let admin: ApiClient;
let agentPort: number;
const events: ExchangeEvent[] = [];
const phones: Record<string, HarnessPhone> = {};
const CALLERS = ['205', '206', '207'];

const config = {
  site: { name: 'Queue test', country: 'fr' },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] },
    { name: 'Agent 202', extension: '202', devices: [{ type: 'sip', secret: 's3cret-202' }] },
    ...CALLERS.map((e) => ({ name: `Caller ${e}`, extension: e, devices: [{ type: 'sip', secret: `s3cret-${e}` }] })),
  ],
  queues: [{
    name: 'Support', extension: '700', strategy: 'linear', agents: [{ extension: '202' }], wrap_up_s: 3, ring_timeout_s: 15,
    position_interval_s: 2, callback_key: '2', auto_pause_after: 0, join_empty: true, leave_when_empty: false, supervisors: ['201'], record: true,
  }],
};

if (enabled) {
  test.before(async () => {
    dir = tempDir();
    writeFileSync(`${dir}/office.yaml`, stringify(config));
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: process.env.DBG ? createLogger('info') : silentLogger(),
    });
    remote = `127.0.0.1:${ex.sip.port}`;
    ex.events.subscribe((e) => events.push(e));
    agentPort = await freePort();
    for (const ext of CALLERS) {
      phones[ext] = await harnessPhone(ex, ext);
      await register(phones[ext]!, ext);
    }
    admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
    const reg = await sipp({ scenario: 'uas-register.xml', remote, localPort: agentPort, service: '202', auth: { user: '202', password: 's3cret-202' } }).done;
    assert.is(reg.code, 0, `registration of 202 failed:\n${reg.output}`);
  });
  test.after(async () => {
    for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
    await ex.close();
    for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
  });

  const agentState = async (): Promise<string> => {
    const r = await admin.get('/api/queues/700');
    return (r.body as { agents: Array<{ extension: string; state: string }> }).agents.find((a) => a.extension === '202')!.state;
  };

  /** 202's phone answers the next `calls` queue calls, talking 4 s each, logging each caller. */
  const agentAnswers = async (calls: number, log: string, talkMs = 4000): Promise<SippRun> => {
    const run = sipp({ scenario: 'uas-answer-log-hangup.xml', remote, localPort: agentPort, calls, timeoutS: 120, extra: ['-d', String(talkMs), '-trace_logs', '-log_file', log] });
    await new Promise((r) => setTimeout(r, 300)); // let sipp bind before the INVITE comes
    return run;
  };

  /** `ext` calls the queue and is answered by it; returns the dialog and how to key and hang up. */
  async function callQueue(ext: string): Promise<{ call: () => string; info: (d: string) => Promise<void>; bye: () => Promise<void> }> {
    const p = phones[ext]!;
    const before = new Set(ex.switch.activeCalls().map((c) => c.id));
    const r = await p.sip.sendAuthenticated({ method: 'INVITE', target: '700', from: ext, body: offerFor(p.rtp.localPort) }, creds(ext));
    assert.is(r.final.status, 200, `${ext}: the queue answers`);
    const dialog = Dialog.asUac(r.request, r.final);
    p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
    const id = ex.switch.activeCalls().find((c) => !before.has(c.id) && c.destination === '700')?.id ?? '';
    return {
      call: () => id,
      info: async (digits) => {
        for (const d of digits) assert.is((await p.sip.send(dialog.createRequest('INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' }))).status, 200);
      },
      bye: async () => void (await p.sip.send(dialog.createRequest('BYE'))),
    };
  }
  const steps = (call: string, step: string) => events.filter((e) => e.type === 'route.step' && (e.data as { call: string }).call === call && (e.data as { step: string }).step === step);

  test('202 logs in with *45 from sipp: answered, then available in queue 700', async () => {
    assert.is(await agentState(), 'logged_out');
    const r = await sipp({ scenario: 'uac-call-remote-bye.xml', remote, localPort: await freePort(), keys: { caller: '202', callee: '*45' }, auth: { user: '202', password: 's3cret-202' } }).done;
    assert.is(r.code, 0, `*45 from sipp failed:\n${r.output}`);
    await waitFor(async () => (await agentState()) === 'available', 5000, '202 available in queue 700');
  });

  test('a caller waits with music and hears the position; handed to 202 once the wrap-up is over', async () => {
    const log = `${dir}/agent-1.log`;
    const agent = await agentAnswers(2, log);
    const first = await callQueue('205');
    await waitFor(() => steps(first.call(), 'answered').length === 1, 10_000, '205 handed to 202');
    // 205 talks to the agent (the call is recorded: record: true).
    const talk = setInterval(() => phones['205']!.rtp.writeFrame(Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 4)))), 20);
    const second = await callQueue('206');
    const music = await rtpLevel(phones['206']!.rtp, 1500);
    assert.ok(music.packets > 30 && music.rms > 100, `206 hears music while waiting (${music.packets} packets, rms ${music.rms})`);
    await waitFor(() => events.some((e) => e.type === 'queue.caller' && (e.data as { call?: string; change: string; position?: number }).call === second.call() && (e.data as { change: string }).change === 'position' && (e.data as { position?: number }).position === 1), 8000, '206 hears its position (1)');
    // 202 hangs up after 4 s: wrap-up, then 206.
    await waitFor(() => events.some((e) => e.type === 'queue.agent' && (e.data as { extension: string; state: string }).state === 'wrap_up'), 10_000, '202 wraps up');
    clearInterval(talk);
    const wrapAt = events.find((e) => e.type === 'queue.agent' && (e.data as { state: string }).state === 'wrap_up')!.at;
    type Rec = { call: string; side: string; file: string; bytes: number };
    const listed = async (): Promise<Rec[]> => ((await admin.get('/api/queues/700/recordings')).body as { recordings: Rec[] }).recordings;
    // Each side's file is complete once its media worker has finished it (renamed from .part).
    await waitFor(async () => (await listed()).filter((r) => r.call === first.call()).length === 2, 5000, 'both sides of 205\'s call listed');
    const recordings = await listed();
    const mine = recordings.filter((r) => r.call === first.call());
    assert.equal(mine.map((r) => r.side).sort(), ['agent', 'caller'], `both sides of 205's call recorded: ${JSON.stringify(recordings)}`);
    const callerSide = mine.find((r) => r.side === 'caller')!;
    assert.ok(callerSide.bytes > 44 + 8000, `205's side holds its voice (${callerSide.bytes} bytes)`);
    const wav = await admin.request('GET', `/api/queues/700/recordings/${callerSide.file}`);
    assert.is(wav.status, 200);
    assert.is((await admin.request('GET', '/api/queues/700/recordings/..%2Fx-caller.wav')).status, 404);
    await waitFor(() => steps(second.call(), 'answered').length === 1, 15_000, '206 handed to 202');
    const rungAt = steps(second.call(), 'ringing')[0]!.at;
    assert.ok(rungAt - wrapAt >= 3000, `206 offered ${rungAt - wrapAt} ms after the wrap-up began (≥ 3000)`);
    const r = await agent.done;
    assert.is(r.code, 0, `sipp (agent) failed:\n${r.output}`);
    assert.match(readFileSync(log, 'utf8'), /sip:206@/);
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'every call to end');
  });

  test('a callback keeps the place: 206 presses 2 and hangs up, 207 comes later; 202 is rung for 206 first, who is called back', async () => {
    await waitFor(async () => (await agentState()) === 'available', 8000, '202 available again');
    const log = `${dir}/agent-2.log`;
    const agent = await agentAnswers(2, log, 15_000); // the first call lasts while 206 asks for its callback and 207 comes in
    const first = await callQueue('205');
    await waitFor(() => steps(first.call(), 'answered').length === 1, 10_000, '205 handed to 202');
    const waiting = await callQueue('206');
    await waitFor(() => steps(waiting.call(), 'queued').length === 1, 10_000, '206 in the queue (after the recording notice)');
    await new Promise((r) => setTimeout(r, 300));
    await waiting.info('2');
    await new Promise((r) => setTimeout(r, 300));
    await waiting.info('1'); // confirms its caller ID as the number to call back (it interrupts the prompt)
    await waitFor(() => events.some((e) => e.type === 'queue.caller' && (e.data as { change: string }).change === 'callback'), 5000, 'the callback is taken');
    await waitFor(() => phones['206']!.received.some((q) => q.method === 'BYE'), 15_000, '206 is released after the confirmation');
    const invitesBefore = phones['206']!.received.filter((q) => q.method === 'INVITE').length;
    const later = await callQueue('207');
    assert.is(phones['206']!.received.filter((q) => q.method === 'INVITE').length, invitesBefore, '202 still talks with 205: no callback yet');
    await waitFor(() => phones['206']!.received.filter((q) => q.method === 'INVITE').length > invitesBefore, 40_000, 'the exchange calls 206 back');
    assert.match(readFileSync(log, 'utf8'), /INVITE From:.*206/, '202 was rung for 206 (the callback) before 207');
    const view = (await admin.get('/api/queues/700')).body as { waiting: number };
    assert.is(view.waiting, 1, '207 still waits');
    await later.bye();
    const r = await agent.done;
    assert.is(r.code, 0, `sipp (agent) failed:\n${r.output}`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 10_000, 'every call to end');
  });

}

test.run();
