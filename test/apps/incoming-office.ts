/**
 * A running exchange on a FakeClock for the incoming-distribution tests, with our SIP test
 * phones on loopback: 201 (admin, the receptionist), 202, 203, 204 (the night guard), and
 * 205, who calls the office's number like an outside caller would. The callees' phones
 * ring (180) and answer only when the test says so (`answer`), or at once (`autoAnswer`).
 *
 * The office (Europe/Paris): weekdays 09:00-18:00 with lunch 12:30-13:30; number
 * 0140000001 → day: Sales (600, one_by_one 202 → 203 → 204, 10 s each, then 201), lunch:
 * the receptionist 201, night: 204, holiday: the "closed" greeting, then hang up.
 */
import { writeFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent, ExchangeEvents } from '../../src/core/events.js';
import { Dialog, createResponse, newTag, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

export const NUMBER = '0140000001';
const weekday = { day: ['09:00-18:00'], lunch: ['12:30-13:30'] };

export function officeConfig(mutate: (c: any) => void = () => {}): any {
  const c = example();
  c.site.timezone = 'Europe/Paris';
  c.employees[1].password = 'change-me-202';
  for (const ext of ['203', '204', '205']) c.employees.push({ name: `Employee ${ext}`, extension: ext, devices: [{ type: 'sip', secret: `s3cret-${ext}` }] });
  c.schedule = { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, holidays: ['2026-05-01'] };
  c.departments = [
    { name: 'Sales', extension: '600', strategy: 'one_by_one', ring_timeout_s: 10, members: ['202', '203', '204'], no_answer: { type: 'employee', target: '201' } },
    { name: 'Support', extension: '610', strategy: 'more_and_more', ring_timeout_s: 10, members: ['202', '203', '204'] },
  ];
  c.numbers = [{
    number: NUMBER, line: 'City 1',
    routes: { day: { type: 'department', target: '600' }, lunch: { type: 'receptionist', target: '201' }, night: { type: 'employee', target: '204' }, holiday: { type: 'greeting', greeting: 'closed' } },
  }];
  mutate(c);
  return c;
}

export interface Office {
  ex: Exchange;
  clock: FakeClock;
  phones: Record<string, HarnessPhone>;
  events: ExchangeEvent[];
  admin: ApiClient;
  user: ApiClient;
  dir: string;
  close(): Promise<void>;
}

const CALLEES = ['201', '202', '203', '204'];

/** Start the office at `startUtc` (ISO without zone, UTC), every callee registered and ringing-only. */
export async function startOffice(startUtc: string, opts: { dir?: string; mutate?: (c: any) => void } = {}): Promise<Office> {
  const clock = new FakeClock(Date.parse(`${startUtc}Z`));
  const dir = opts.dir ?? tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: incoming-test\nmedia:\n  rtp_timeout_s: 0\n');
  writeFileSync(`${dir}/office.yaml`, stringify(officeConfig(opts.mutate)));
  const ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: silentLogger(),
  });
  const events: ExchangeEvent[] = [];
  ex.events.subscribe((e) => events.push(e));
  const phones: Record<string, HarnessPhone> = {};
  for (const ext of [...CALLEES, '205']) {
    const p = await harnessPhone(ex, ext);
    phones[ext] = p;
    if (ext !== '205') {
      ringOnly(p, ext);
      await register(p, ext);
    }
  }
  const base = `http://127.0.0.1:${ex.http.port}`;
  const admin = new ApiClient(base);
  const user = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is(await user.login('202', 'change-me-202'), 200);
  return {
    ex, clock, phones, events, admin, user, dir,
    close: async () => {
      for (const ext of CALLEES) await unregister(phones[ext]!, ext);
      // A call left by a failed test: shutdown waits (on the fake clock) for its BYE or CANCEL to be answered.
      let closed = false;
      const closing = ex.close().finally(() => (closed = true));
      while (!closed) {
        clock.advance(500);
        await new Promise((r) => setTimeout(r, 20));
      }
      await closing;
      await Promise.all(Object.values(phones).flatMap((p) => [p.sip.stop(), p.rtp.close()]));
    },
  };
}

const tags = new WeakMap<SipRequest, string>();

/** New INVITEs get 180 Ringing and wait for `answer()`; everything else the default answer. */
export function ringOnly(p: HarnessPhone, ext: string): void {
  p.respond = (req) => {
    if (req.method === 'INVITE' && !req.to.tag) {
      const tag = newTag();
      tags.set(req, tag);
      setImmediate(() => p.unanswered.find((u) => u.req === req)?.tx.respond(createResponse(req, 180, 'Ringing', tag)));
      return undefined;
    }
    return defaultAnswer(p, ext, req);
  };
}

/** Every new INVITE is answered at once. */
export function autoAnswer(p: HarnessPhone, ext: string): void {
  p.respond = (req) => defaultAnswer(p, ext, req);
}

export const invites = (p: HarnessPhone): SipRequest[] => p.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
/** The stack answers a CANCEL itself (RFC 3261 §9.2): the INVITE then got its 487. */
const cancelled = (p: HarnessPhone, inv: SipRequest): boolean => {
  const u = p.unanswered.find((x) => x.req === inv);
  return u !== undefined && (u.tx as { lastResponse?: SipResponse }).lastResponse?.status === 487;
};

/** The INVITEs ringing at `p` now: neither answered nor cancelled. */
export function ringingAt(p: HarnessPhone): SipRequest[] {
  return invites(p).filter((inv) => p.unanswered.some((u) => u.req === inv) && !cancelled(p, inv));
}

/** INVITEs `p` was rung with and that were then cancelled. */
export const cancelledAt = (p: HarnessPhone): SipRequest[] => invites(p).filter((inv) => cancelled(p, inv));

/** Answer the INVITE ringing at `p`. */
export function answer(p: HarnessPhone, ext: string): void {
  const inv = ringingAt(p).at(-1);
  assert.ok(inv, `${ext} has a call ringing to answer`);
  const i = p.unanswered.findIndex((u) => u.req === inv);
  const [u] = p.unanswered.splice(i, 1);
  u!.tx.respond(defaultAnswer(p, ext, inv!, tags.get(inv!)));
}

/** 205 calls `target`; resolves with the final response, the call ACKed when answered. */
export async function call(o: Office, target: string, from = '205', provisional: number[] = []): Promise<{ final: SipResponse; hangUp(): Promise<void> }> {
  const p = o.phones[from]!;
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target, from, body: offerFor(p.rtp.localPort) }, creds(from), (res) => provisional.push(res.status));
  if (r.final.status !== 200) return { final: r.final, hangUp: async () => {} };
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: o.ex.sip.port });
  // A barrier: the exchange took the ACK before the test moves the fake clock (RFC 3261 §13.3.1.4, Timer H).
  assert.is((await p.sip.send(dialog.createRequest('OPTIONS'))).status, 200);
  return {
    final: r.final,
    hangUp: async () => {
      if (o.ex.switch.activeCalls().length === 0) return;
      await p.sip.send(dialog.createRequest('BYE'));
      await waitFor(() => o.ex.switch.activeCalls().length === 0, 3000, 'the call to end');
    },
  };
}

/** The `route.step` events seen so far, as compact strings (`ringing 202`, `decided day department 600`). */
export function steps(o: Office): string[] {
  return o.events
    .filter((e): e is ExchangeEvent<'route.step'> => e.type === 'route.step')
    .map((e) => {
      const d = e.data as ExchangeEvents['route.step'];
      if (d.step === 'decided') return `decided ${d.mode} ${d.route?.type} ${d.route?.target ?? d.route?.greeting}`;
      if (d.step === 'no-answer') return `no-answer → ${d.route?.type} ${d.route?.target ?? ''}`.trim();
      return `${d.step} ${d.extension}${d.reason ? ` (${d.reason})` : ''}`;
    });
}

/** Let the loopback traffic settle (real sockets; the fake clock does not move). */
export const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));
