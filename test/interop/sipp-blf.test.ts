/**
 * Busy lamps with a third-party watcher: sipp (Debian sip-tester) subscribes as 203 to the
 * dialog state of 202 (RFC 6665, RFC 4235) through a running exchange on loopback. Its
 * first SUBSCRIBE is challenged (401) and the second carries digest credentials; it then
 * answers every NOTIFY, logging the dialog state, while our test phones make 202's call
 * progress: 201 calls 202 (trying), 202 rings (early), answers (confirmed), 201 hangs up
 * (terminated). sipp then unsubscribes and gets the final NOTIFY `terminated`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { Dialog, createResponse, newTag } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

const enabled = haveSipp();
let ex: Exchange;
let dir: string;
const phones: Record<string, HarnessPhone> = {};

if (enabled) {
  test.before(async () => {
    dir = tempDir();
    const cfg = example();
    cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    for (const ext of ['201', '202']) {
      phones[ext] = await harnessPhone(ex, ext);
      await register(phones[ext]!, ext);
    }
  });
  test.after(async () => {
    for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
    await ex.close();
    for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
  });

  test('a sipp watcher subscribes to 202 (challenged first) and gets NOTIFYs for trying, early, confirmed and terminated; it unsubscribes', async () => {
    const log = `${dir}/watcher.log`;
    const watcher = sipp({
      scenario: 'uac-subscribe-dialog.xml', remote: `127.0.0.1:${ex.sip.port}`, localPort: await freePort(),
      keys: { caller: '203', callee: '202' }, auth: { user: '203', password: 's3cret-203' }, timeoutS: 60,
      extra: ['-trace_logs', '-log_file', log],
    });
    const logged = (): string[] => (existsSync(log) ? [...readFileSync(log, 'utf8').matchAll(/NOTIFY dialog=(\w*) /g)].map((m) => m[1]!) : []);
    const until = (state: string) => waitFor(() => logged().includes(state), 10_000, `the watcher's NOTIFY saying ${state}`);
    await waitFor(() => logged().length === 1, 10_000, 'the first NOTIFY, right after the 200');

    const p202 = phones['202']!;
    p202.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : defaultAnswer(p202, '202', req));
    const p201 = phones['201']!;
    const call = p201.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
    await waitFor(() => p202.unanswered.some((u) => u.req.method === 'INVITE'), 5000, '202\'s INVITE');
    const { req, tx } = p202.unanswered.find((u) => u.req.method === 'INVITE')!;
    await until('trying');
    const tag = newTag();
    tx.respond(createResponse(req, 180, 'Ringing', tag));
    await until('early');
    tx.respond(defaultAnswer(p202, '202', req, tag));
    const r = await call;
    assert.is(r.final.status, 200);
    const dialog = Dialog.asUac(r.request, r.final);
    p201.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    await until('confirmed');
    await sendInDialog(ex, p201.sip, dialog, 'BYE');

    const done = await watcher.done;
    assert.is(done.code, 0, `the watcher's scenario:\n${done.output}`);
    const text = readFileSync(log, 'utf8');
    const states = logged().filter((s, i, all) => s !== all[i - 1]);
    assert.equal(states, ['', 'trying', 'early', 'confirmed', 'terminated'], text);
    assert.match(text, /subscription=\s*active;expires=600/);
    assert.match(text, /final NOTIFY subscription=terminated/);
    await waitFor(() => (ex.stats().sip as { subscriptions: number }).subscriptions === 0, 3000, 'no subscription left');
  });
}

test.run();
