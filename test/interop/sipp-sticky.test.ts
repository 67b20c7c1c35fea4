/**
 * Sticky routing with sipp (Debian sip-tester) as every phone, on the real clock: 205 talks
 * with 202 (a call recorded in the exchange's call records), then calls the office's
 * number, routed to Sales (600: `sticky: true`, members 203 then 202). 202 rings first —
 * alone — for `sticky.ring_s` (3 s), does not answer (its sipp sees the CANCEL), and the
 * call returns to Sales: 203 rings and answers, 205 talks with 203 and hangs up.
 */
import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveSipp, sipp, type SippRun } from '../helpers/sipp.js';

const NUMBER = '0140000001';
const EXTS = ['201', '202', '203', '205'] as const;
const secret = (ext: string): string => `s3cret-${ext}`;
const enabled = haveSipp();

const CONFIG = {
  site: { name: 'Sticky office', country: 'fr' },
  employees: EXTS.map((ext) => ({
    name: `Employee ${ext}`, extension: ext, devices: [{ type: 'sip', secret: secret(ext) }],
    ...(ext === '201' ? { role: 'admin', password: 'change-me-201' } : {}),
  })),
  departments: [{ name: 'Sales', extension: '600', strategy: 'one_by_one', ring_timeout_s: 10, members: ['203', '202'], sticky: true }],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }],
  numbers: [{ number: NUMBER, line: 'City 1', route: { type: 'department', target: '600' } }],
  sticky: { sources: ['history'], min_talk_s: 1, ring_s: 3 },
};

let ex: Exchange;
let remote: string;
const ports: Record<string, number> = {};
const events: ExchangeEvent[] = [];

async function finished(run: SippRun, what: string): Promise<void> {
  const r = await run.done;
  assert.is(r.code, 0, `${what} (sipp) failed:\n${r.output}`);
}

/** `ext`'s phone: registered from its own port, then running `scenario` there. */
async function phone(ext: string, scenario: string): Promise<SippRun> {
  await finished(sipp({ scenario: 'uas-register.xml', remote, localPort: ports[ext]!, service: ext, auth: { user: ext, password: secret(ext) } }), `registration of ${ext}`);
  const run = sipp({ scenario, remote, localPort: ports[ext]!, timeoutS: 30 });
  await new Promise((r) => setTimeout(r, 300)); // let sipp bind before the INVITE comes
  return run;
}

const callFrom205 = async (callee: string, scenario: string, extra: string[] = []): Promise<SippRun> =>
  sipp({ scenario, remote, localPort: await freePort(), keys: { caller: '205', callee }, auth: { user: '205', password: secret('205') }, extra, timeoutS: 30 });

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/office.yaml`, stringify(CONFIG));
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    ex.events.subscribe((e) => events.push(e));
    remote = `127.0.0.1:${ex.sip.port}`;
    for (const ext of EXTS) ports[ext] = await freePort();
  });
  test.after(() => ex.close());

  test('205 last talked with 202: 202 rings first for 3 s, does not answer, and Sales (203) takes the call', async () => {
    // The past call: 205 calls 202 straight, they talk 2 s.
    const p202 = await phone('202', 'uas-answer.xml');
    await finished(await callFrom205('202', 'uac-call-talk-hangup.xml', ['-d', '2000']), '205 calling 202');
    await finished(p202, '202 answering');
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the first call to end');
    events.length = 0;

    // The call to the office's number.
    const ringing202 = await phone('202', 'uas-ring-cancelled.xml');
    const answering203 = await phone('203', 'uas-answer.xml');
    const started = Date.now();
    const caller = await callFrom205(NUMBER, 'uac-call-hangup.xml');
    await finished(ringing202, '202 ringing, then cancelled');
    const cancelledAfter = Date.now() - started;
    await finished(caller, '205 calling the office');
    await finished(answering203, '203 answering');

    const seen = events
      .filter((e) => e.type.startsWith('sticky.') || (e.type === 'route.step' && ['ringing', 'answered'].includes((e.data as { step: string }).step)))
      .map((e) => {
        const d = e.data as { step?: string; path?: string[]; extension?: string; source?: string; reason?: string };
        return e.type === 'route.step' ? `${d.step} ${d.path!.at(-1)} ${d.extension}` : `${e.type} ${d.extension} ${d.source ?? d.reason}`;
      });
    assert.equal(seen, [
      'sticky.found 202 history',
      'ringing sticky:202 202',
      'sticky.fallback 202 no-answer',
      'ringing department:600 203',
      'answered department:600 203',
    ]);
    assert.ok(cancelledAfter >= 2900 && cancelledAfter < 10_000, `202 rang for the 3 s of ring_s (cancelled after ${cancelledAfter} ms)`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to end');
  });
}

test.run();
