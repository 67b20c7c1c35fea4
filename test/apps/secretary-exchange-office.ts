/**
 * The office of the secretary-exchange-*.test.ts files: the secretary office
 * (secretary-office.ts) run on a FakeClock — ring times, prompts and the 40 s reminder
 * driven, never waited — with director 200 (a mailbox), secretary 210, second secretary 211
 * (the overflow after 20 s), deputy 220 (with a recorded announcement: 1 s of 1100 Hz), the
 * example's 201 and 202 (blocked by the director's rules), a SIP test phone each, and the
 * director's own number 0140000002. Each file builds one with `secretaryExchange(name)`;
 * the helpers drive the clock, the phones' answers and 201's calls.
 */
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { FakeClock } from '../../common/clock.js';
import { Dialog, createResponse, newTag, sdp, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { writeWav } from '../../src/media/wav.js';
import { waitFor } from '../helpers/net.js';
import { playTone } from '../helpers/tones.js';
import { creds, defaultAnswer, offerFor } from '../channels/sip/call-harness.js';
import { SecretaryOffice } from './secretary-office.js';

export const EXTS = ['200', '201', '202', '210', '211', '220'];

/** A call a phone answered, with its dialog (the callee side). */
export interface Answered { req: SipRequest; res: SipResponse; dialog: Dialog }

export function secretaryExchange(name: string) {
  const clock = new FakeClock();
  const office: SecretaryOffice = new SecretaryOffice({
    name, clock, phones: EXTS,
    executive: {
      overflow_to: '211', overflow_s: 20, hold_reminder_s: 40, reminders_before_recall: 2,
      deputies: [{ name: 'Boris Ivanov', position: 'deputy director', number: '220', announcement: '' }],
      rule_sets: { default: { vip: ['+33611111111'], blocked: ['202'], blocked_action: 'message' } },
    },
    configure: (cfg) => {
      // The deputy's announcement: a recording the installer made (here 1 s of 1100 Hz, to be recognised).
      const tone = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1100 * i) / 8000)));
      writeFileSync(`${office.dir}/deputy.wav`, writeWav(tone));
      cfg.executives[0].deputies[0].announcement = `${office.dir}/deputy.wav`;
      cfg.employees[1].password = 'change-me-202';
      cfg.employees.find((e: { extension: string }) => e.extension === '200').voicemail = true;
      const sip = (ext: string) => [{ type: 'sip', secret: `s3cret-${ext}` }];
      cfg.employees.push({ name: 'Svetlana Dymova', extension: '211', devices: sip('211') }, { name: 'Boris Ivanov', extension: '220', devices: sip('220') });
      cfg.numbers.push({ number: '0140000002', line: 'City 1', route: { type: 'employee', target: '200' } }); // the director's own number
    },
  });
  const { phones, events } = office;

  const idle = () => waitFor(() => office.ex.switch.activeCalls().length === 0, 5000, 'every call to end');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Move the fake clock `ms` in 20 ms steps, letting real I/O (RTP, SIP) run between them. */
  async function pump(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 20) {
      clock.advance(20);
      if (t % 100 === 0) await sleep(1);
    }
  }
  /** The fake clock at real-time pace for `ms` (a phone talking: its RTP arrives in real time). */
  async function realTime(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 20) {
      await sleep(20);
      clock.advance(20);
    }
  }
  async function pumpUntil(cond: () => boolean, maxFakeMs: number, what: string, step = 200): Promise<void> {
    for (let t = 0; t < maxFakeMs && !cond(); t += step) await pump(step);
    assert.ok(cond(), what);
  }
  const invites = office.invites;
  const steps = (call?: string) => events.filter((e) => e.type === 'secretary.step' && (!call || (e.data as { call: string }).call === call)).map((e) => e.data as { step: string; [k: string]: unknown });
  const hangUpAll = async (): Promise<void> => {
    for (const ch of office.ex.switch.channels.all()) ch.hangup('normal');
    await idle();
  };

  /** Phones ring (180) and never answer; `answer` lists those that answer, keeping their dialogs. */
  const answered: Record<string, Answered[]> = {};
  function behave(ringOnly: string[], answer: string[]): void {
    for (const ext of EXTS) {
      const p = phones[ext]!;
      answered[ext] = [];
      p.respond = (req) => {
        if (req.method === 'INVITE' && !req.to.tag && ringOnly.includes(ext)) return createResponse(req, 180, 'Ringing', newTag());
        const res = defaultAnswer(p, ext, req);
        if (req.method === 'INVITE' && !req.to.tag && answer.includes(ext)) answered[ext]!.push({ req, res, dialog: Dialog.asUas(req, res) });
        return res;
      };
    }
  }
  /** Send in-dialog `method` from a phone that answered (the callee side). */
  function fromCallee(ext: string, a: Answered, method: string, opts: { body?: string; contentType?: string } = {}): Promise<SipResponse> & { req: SipRequest } {
    const req = a.dialog.createRequest(method, opts.body !== undefined ? { body: opts.body, contentType: opts.contentType ?? 'application/sdp' } : {});
    return Object.assign(phones[ext]!.sip.send(req), { req });
  }
  const key = (ext: string, a: Answered, d: string) => fromCallee(ext, a, 'INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' });

  /** 201 calls 200; resolves with the pending INVITE's result. */
  function call201(to = '200') {
    const p = phones['201']!;
    return p.sip.sendAuthenticated({ method: 'INVITE', target: to, from: '201', body: offerFor(p.rtp.localPort) }, creds('201'));
  }
  /** The caller's side once answered: ACK, RTP pointed at the exchange, BYE and INFO. */
  function callerSide(r: Awaited<ReturnType<typeof call201>>) {
    const p = phones['201']!;
    const dialog = Dialog.asUac(r.request, r.final);
    p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: office.ex.sip.port });
    const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
    return {
      dialog,
      bye: async () => void (await p.sip.send(dialog.createRequest('BYE'))),
      key: async (d: string) => void (await p.sip.send(dialog.createRequest('INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' }))),
    };
  }

  /**
   * 201 calls 200, nobody answers for 40 s (210, then 211), the exchange asks for the name,
   * 201 says it (700 Hz) and keys #; 200's phone rings and answers. Returns both sides.
   */
  async function screenedToDirector() {
    behave(['210', '211'], ['200', '220']);
    const before = invites('200').length;
    let done = false;
    const pending = call201().finally(() => (done = true));
    await waitFor(() => invites('210').length > 0 || done, 3000, '210 to ring');
    await pumpUntil(() => done, 45_000, 'the exchange answers after 40 s to screen the call');
    const r = await pending;
    assert.is(r.final.status, 200);
    const caller = callerSide(r);
    const recording = () => { try { return readdirSync(`${office.dir}/data/screening`).some((f) => f.endsWith('.part')); } catch { return false; } };
    await pumpUntil(recording, 15_000, 'the name is recorded after "how shall I present you?"');
    const stop = playTone(phones['201']!.rtp, 700);
    try {
      await realTime(1200);
    } finally {
      stop();
    }
    await caller.key('#');
    await pumpUntil(() => invites('200').length > before, 10_000, 'the director\'s phone rings after "just a minute"');
    const invite = invites('200').at(-1)!;
    assert.is(invite.from.displayName ?? invite.headers.get('From'), 'Galina Ivanovna', 'the director\'s phone shows the caller\'s name');
    await waitFor(() => answered['200']!.length > 0, 3000, '200 answers');
    return { caller, boss: answered['200']!.at(-1)! };
  }

  return { office, phones, events, answered, idle, sleep, pump, realTime, pumpUntil, invites, steps, hangUpAll, behave, fromCallee, key, call201, callerSide, screenedToDirector };
}
