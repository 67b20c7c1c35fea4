/**
 * The running exchange of the SUBSCRIBE/NOTIFY tests (subscribe.test.ts, lamps-presence.test.ts):
 * on a FakeClock, employees 201–204 (203 watches, 204 never registers), our test phones for
 * 201, 202 and 203 registered; and the watcher's helpers. `ex`, `office` are live bindings,
 * set once `useBlfExchange(test)`'s before-hook has run.
 */
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../../common/clock.js';
import { silentLogger, createLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, type SipRequest, type SipResponse, type ServerTransaction } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { example } from '../../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from './call-harness.js';

export const clock = new FakeClock();
export let ex: Exchange;
export let office: any;
export const phones: Record<string, HarnessPhone> = {};

/** Start the exchange and the phones before the file's tests, stop them after. */
export function useBlfExchange(test: Test): void {

  test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: blf-test\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\n');
  const cfg = example();
  cfg.employees[1].password = 'change-me-202';
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  cfg.employees.push({ name: 'Olga Off', extension: '204', devices: [{ type: 'sip', secret: 's3cret-204' }] });
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  office = cfg;
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: process.env.DBG ? createLogger('debug') : silentLogger(),
  });
  for (const ext of ['201', '202', '203']) {
    phones[ext] = await harnessPhone(ex, ext);
    await register(phones[ext]!, ext);
  }
});
  test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});
}

export const sipStats = () => ex.stats().sip as { subscriptions: number; notifying: number };
export const idle = () => waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'every call to end');

export interface Watch {
  dialog: Dialog;
  res: SipResponse;
  /** The NOTIFYs of this subscription received so far. */
  notifies(): SipRequest[];
  bodies(): string[];
  /** Wait for NOTIFY number `n` (1-based) and return it. */
  nth(n: number): Promise<SipRequest>;
}

/** `from` subscribes to `target`'s `event` with credentials; resolves once the 200 came. */
export async function watch(from: string, target: string, event: string, headers: Array<[string, string]> = []): Promise<Watch> {
  const p = phones[from]!;
  const r = await p.sip.sendAuthenticated({ method: 'SUBSCRIBE', target, from, to: target, headers: [['Event', event], ['Expires', '600'], ...headers] }, creds(from));
  assert.is(r.final.status, 200, `${from} subscribes to ${target}'s ${event}: ${r.final.status} ${r.final.reason}`);
  const dialog = Dialog.asUac(r.request, r.final);
  const notifies = () => p.received.filter((q) => q.method === 'NOTIFY' && q.callId === r.request.callId);
  return {
    dialog, res: r.final, notifies,
    bodies: () => notifies().map((q) => q.body.toString('utf8')),
    nth: (n) => waitFor(() => notifies()[n - 1], 3000, `NOTIFY ${n} of ${from}'s ${event} subscription to ${target}`),
  };
}

/** The states of the dialogs in a dialog-info body, with their direction. */
export const dialogs = (body: string) => [...body.matchAll(/<dialog [^>]*direction="(\w+)"[^>]*><state>(\w+)<\/state>/g)].map((m) => `${m[2]}/${m[1]}`);

/** 201 calls 202, whose phone leaves the INVITE unanswered (the test answers it). */
export async function ring202(): Promise<{ invite: () => { req: SipRequest; tx: ServerTransaction }; result: Promise<{ final: SipResponse; request: SipRequest }> }> {
  const p202 = phones['202']!;
  p202.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : defaultAnswer(p202, '202', req));
  const p201 = phones['201']!;
  const result = p201.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  await waitFor(() => p202.unanswered.some((u) => u.req.method === 'INVITE'), 3000, '202\'s INVITE');
  const entry = p202.unanswered.find((u) => u.req.method === 'INVITE')!;
  p202.unanswered.splice(p202.unanswered.indexOf(entry), 1);
  return { invite: () => entry, result };
}


/** End a subscription with Expires: 0; its last NOTIFY says terminated. */
export async function unsubscribe(w: Watch, from = '203'): Promise<void> {
  const n = w.notifies().length;
  const res = await sendInDialog(ex, phones[from]!.sip, w.dialog, 'SUBSCRIBE', { headers: [['Event', w.notifies()[0]!.headers.get('Event')!], ['Expires', '0']] });
  assert.is(res.status, 200);
  const last = await w.nth(n + 1);
  assert.is(last.headers.get('Subscription-State'), 'terminated;reason=timeout');
}
