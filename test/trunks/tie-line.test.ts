/**
 * Joining another PBX (issue 18's plain mode, docs/network.md): a static-peer trunk with
 * `ranges: ["3xx"]` is a tie line, with sipp standing for the Asterisk, FreePBX or 3CX box
 * on loopback. 201 dials 301 as it would a colleague: the INVITE goes to the PBX as
 * `sip:301@<its domain>` with 201's extension and name as the caller; the PBX's extension
 * 301 dials our 202 (no `numbers` entry needed): 202's phone rings and answers, the call is
 * from 301. The PBX is trusted by its address and port only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent, ExchangeEvents } from '../../src/core/events.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort as freeTcpPort, udpPortIsFree, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { example } from '../config/example.js';

const SCENARIOS = new URL('./scenarios/', import.meta.url).pathname;

async function freePort(): Promise<number> {
  for (;;) {
    const p = await freeTcpPort();
    if (await udpPortIsFree(p)) return p;
  }
}
/** Wait for sipp to bind its UDP port. */
async function bound(port: number): Promise<void> {
  await waitFor(async () => !(await udpPortIsFree(port)), 5000, `sipp on ${port}`);
}
const enabled = haveSipp();
let ex: Exchange;
let dir: string;
let remote: string;
let pbxPort: number;
let p202: number;
const events: ExchangeEvent[] = [];

if (enabled) {
  test.before(async () => {
    dir = tempDir();
    [pbxPort, p202] = [await freePort(), await freePort()];
    const cfg = example();
    cfg.sip_trunks = [{ name: 'Asterisk', peer: { host: `127.0.0.1:${pbxPort}`, domain: 'pbx.test' }, ranges: ['3xx'], options_interval_s: 0 }];
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    ex.events.subscribe((e) => events.push(e));
    remote = `127.0.0.1:${ex.sip.port}`;
  });
  test.after(() => ex?.close());

  test('201 dials 301: over the tie line, as dialled, 201\'s extension and name as the caller', async () => {
    const file = `${dir}/pbx-in.msg`;
    const pbx = sipp({ scenario: `${SCENARIOS}far-uas-answer.xml`, remote, localPort: pbxPort, extra: ['-trace_msg', '-message_file', file] });
    await bound(pbxPort);
    const caller = await sipp({ scenario: 'uac-call-hangup.xml', remote, localPort: await freePort(), keys: { caller: '201', callee: '301' }, auth: { user: '201', password: 's3cret-201' } }).done;
    const far = await pbx.done;
    assert.is(caller.code, 0, caller.output);
    assert.is(far.code, 0, far.output);
    const invite = /INVITE sip:[\s\S]*?\r?\n\r?\n/.exec(existsSync(file) ? readFileSync(file, 'utf8') : '')?.[0] ?? '';
    assert.match(invite, /^INVITE sip:301@pbx\.test SIP\/2\.0/m);
    assert.match(invite, /^From: "Galina Ivanovna" <sip:201@pbx\.test>/m);
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to end');
  });

  test('the PBX\'s 301 dials our 202: 202 rings and answers, the call is from 301', async () => {
    const reg = await sipp({ scenario: 'uas-register.xml', remote, localPort: p202, service: '202', auth: { user: '202', password: 's3cret-202' } }).done;
    assert.is(reg.code, 0, reg.output);
    const phone = sipp({ scenario: 'uas-answer.xml', remote, localPort: p202 });
    await bound(p202);
    const caller = await sipp({ scenario: `${SCENARIOS}pbx-uac-call.xml`, remote, localPort: pbxPort, keys: { did: '202', caller: '301' } }).done;
    const answered = await phone.done;
    assert.is(caller.code, 0, caller.output);
    assert.is(answered.code, 0, answered.output);
    const started = events.filter((e) => e.type === 'call.started').map((e) => e.data as ExchangeEvents['call.started']);
    assert.ok(started.some((d) => d.to === '202' && d.from === '301'), `routed to 202 from 301: ${JSON.stringify(started)}`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'the call to end');
  });

  test('the same INVITE from another port of the PBX\'s host is a stranger\'s: challenged, nothing rings', async () => {
    const before = events.filter((e) => e.type === 'call.started').length;
    const r = await sipp({ scenario: `${SCENARIOS}far-uac-401.xml`, remote, localPort: await freePort(), keys: { did: '202' } }).done;
    assert.is(r.code, 0, r.output);
    assert.is(events.filter((e) => e.type === 'call.started').length, before);
  });
}

test.run();
