/**
 * Voice menus and message waiting with sipp as the phones, through a running exchange in
 * real time:
 *
 * - sipp 201 calls the voice menu 700 and, during its greeting, keys 2 as RFC 4733
 *   telephone-events (Debian sip-tester's pcap): the menu's key 2 leads to 203, a sipp
 *   phone registered and answering, which gets the call and the caller's BYE; the route
 *   events show the path (menu 700 → key 2 → 203 answered);
 * - sipp 202 registers and never subscribes; sipp 201 leaves a message by dialling 652, the
 *   mailbox's own extension: 202 receives an unsolicited NOTIFY (RFC 3842, Event:
 *   message-summary) saying `Messages-Waiting: yes`, `Voice-Message: 1/0`, and answers it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent, ExchangeEvents } from '../../src/core/events.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { example } from '../config/example.js';

const enabled = haveSipp();
let ex: Exchange;
let remote: string;
let dir: string;
const events: ExchangeEvent[] = [];

if (enabled) {
  test.before(async () => {
    dir = tempDir();
    const cfg = example();
    cfg.employees[1].voicemail = { extension: '652' };
    cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
    cfg.menus = [{ extension: '700', name: 'Main menu', greeting: 'menu-main', retries: 0, choices: { '1': { type: 'department', target: '600' }, '2': { type: 'employee', target: '203' } }, default: { type: 'employee', target: '201' } }];
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    ex.events.subscribe((e) => events.push(e));
    remote = `127.0.0.1:${ex.sip.port}`;
  });
  test.after(async () => {
    await ex.close();
  });

  const steps = () => events.filter((e) => e.type === 'route.step').map((e) => e.data as ExchangeEvents['route.step']);

  test('sipp keys 2 by RFC 4733 during the menu\'s greeting: the call reaches 203 (a sipp phone), which answers', async () => {
    assert.ok(existsSync('/usr/share/sip-tester/dtmf_2833_2.pcap'), 'sip-tester\'s DTMF pcaps are missing');
    const p203 = await freePort();
    const reg = await sipp({ scenario: 'uas-register.xml', remote, localPort: p203, service: '203', auth: { user: '203', password: 's3cret-203' } }).done;
    assert.is(reg.code, 0, `registration of 203 failed:\n${reg.output}`);
    const callee = sipp({ scenario: 'uas-answer.xml', remote, localPort: p203, extra: ['-mp', String(await freePort())], timeoutS: 40 });
    await new Promise((r) => setTimeout(r, 300)); // let sipp bind before the INVITE comes
    const caller = await sipp({
      scenario: 'uac-menu-key.xml', remote, localPort: await freePort(), keys: { caller: '201', callee: '700' },
      auth: { user: '201', password: 's3cret-201' }, extra: ['-mp', String(await freePort()), '-d', '1500'], timeoutS: 40,
    }).done;
    const answered = await callee.done;
    assert.is(caller.code, 0, `caller failed:\n${caller.output}`);
    assert.is(answered.code, 0, `203 did not get and answer the call:\n${answered.output}`);
    const path = steps().map((s) => `${s.step}${s.key ? ` ${s.key}` : ''}${s.extension ? ` ${s.extension}` : ''}`);
    assert.ok(path.includes('menu 700'), path.join('; '));
    assert.ok(path.includes('key 2'), path.join('; '));
    assert.ok(path.includes('answered 203'), path.join('; '));
    assert.not.ok(path.some((p) => p.startsWith('no-input') || p.startsWith('default')), 'neither the timeout nor the default');
  });

  test('a message left at 652 (the box\'s own extension): sipp 202, registered without subscribing, gets NOTIFY message-summary "yes, 1/0"', async () => {
    const p202 = await freePort();
    const reg = await sipp({ scenario: 'uas-register.xml', remote, localPort: p202, service: '202', auth: { user: '202', password: 's3cret-202' } }).done;
    assert.is(reg.code, 0, `registration of 202 failed:\n${reg.output}`);
    const log = `${dir}/mwi.log`;
    const phone = sipp({ scenario: 'uas-mwi-notify.xml', remote, localPort: p202, calls: 50, timeoutS: 60, extra: ['-trace_logs', '-log_file', log] });
    try {
      await new Promise((r) => setTimeout(r, 300));
      // 201 leaves a message: the greeting (the name or the box's digits, "is not available",
      // "leave your message": up to ~12 s in French) and the beep, then the rest of the call.
      const caller = await sipp({
        scenario: 'uac-call-talk-hangup.xml', remote, localPort: await freePort(), keys: { caller: '201', callee: '652' },
        auth: { user: '201', password: 's3cret-201' }, extra: ['-mp', String(await freePort()), '-d', '16000'], timeoutS: 40,
      }).done;
      assert.is(caller.code, 0, `caller failed:\n${caller.output}`);
      await waitFor(() => events.some((e) => e.type === 'voicemail.changed' && (e.data as { box: string; why: string }).box === '202' && (e.data as { why: string }).why === 'left'), 5000, 'the message stored');
      const said = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
      await waitFor(() => /waiting=yes voice=1\/0/.test(said()), 8000, `the NOTIFY at sipp 202 (log: ${said()})`);
      assert.match(said(), /NOTIFY message-summary waiting=yes voice=1\/0 account=sip:202@/);
    } finally {
      phone.child.kill('SIGTERM');
      await phone.done;
    }
  });
}

test.run();
