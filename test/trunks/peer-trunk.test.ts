/**
 * A static-peer trunk ("IP authentication": no registration, the provider is an address)
 * with sipp as the provider on loopback: calls out go to the peer with the employee's
 * caller ID in From and the trunk's codecs only; calls in are taken only from the peer's
 * address and port, on the DID in the To header (`did_from: to`).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent, ExchangeEvents } from '../../src/core/events.js';
import type { TrunkView } from '../../src/trunks/trunk.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort as freeTcpPort, udpPortIsFree, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';

const SCENARIOS = new URL('./scenarios/', import.meta.url).pathname;

/** A port free for UDP too (sipp and Kamailio bind UDP; the exchange's RTP takes UDP ports). */
async function freePort(): Promise<number> {
  for (;;) {
    const p = await freeTcpPort();
    if (await udpPortIsFree(p)) return p;
  }
}
const enabled = haveSipp();
const DID = '+33140000003';
let ex: Exchange;
let admin: ApiClient;
let dir: string;
let remote: string;
let peerPort: number;
let p202: number;
const events: ExchangeEvent[] = [];

if (enabled) {
  test.before(async () => {
    dir = tempDir();
    [peerPort, p202] = [await freePort(), await freePort()];
    const cfg = example();
    cfg.employees[0].caller_id = '+33140000011';
    cfg.sip_trunks = [{ name: 'Peer', peer: { host: `127.0.0.1:${peerPort}`, domain: 'peer.test' }, did_from: 'to', codecs: ['PCMA'], number_format: 'e164', options_interval_s: 0 }];
    cfg.numbers.push({ number: DID, line: 'Peer', route: { type: 'employee', target: '202' } });
    cfg.trunk_groups = [{ name: 'City', lines: ['City 1'] }, { name: 'SIP', lines: ['Peer'] }];
    cfg.employees[0].trunk_groups = ['SIP'];
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    ex.events.subscribe((e) => events.push(e));
    remote = `127.0.0.1:${ex.sip.port}`;
    admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
  });
  test.after(() => ex?.close());

  test('GET /api/lines shows the peer trunk (no keepalive configured: state unknown)', async () => {
    const t = ((await admin.get('/api/lines')).body.trunks as TrunkView[])[0]!;
    assert.equal([t.name, t.kind, t.state, t.provider, t.options], ['Peer', 'peer', 'unknown', `127.0.0.1:${peerPort}`, null]);
  });

  test('201 calls out on the group the peer is in: From carries 201\'s caller ID, the offer only the trunk\'s codec', async () => {
    const file = `${dir}/peer-out.msg`;
    const callee = sipp({ scenario: `${SCENARIOS}far-uas-answer.xml`, remote, localPort: peerPort, extra: ['-trace_msg', '-message_file', file] });
    await new Promise((r) => setTimeout(r, 300));
    const caller = await sipp({ scenario: 'uac-call-hangup.xml', remote, localPort: await freePort(), keys: { caller: '201', callee: '00612345678' }, auth: { user: '201', password: 's3cret-201' } }).done;
    const far = await callee.done;
    assert.is(caller.code, 0, caller.output);
    assert.is(far.code, 0, far.output);
    const invite = /INVITE sip:[\s\S]*?\r?\n\r?\n[\s\S]*?m=audio[^\r\n]*/.exec(existsSync(file) ? readFileSync(file, 'utf8') : '')?.[0] ?? '';
    assert.match(invite, /^INVITE sip:\+33612345678@peer\.test SIP\/2\.0/m);
    assert.match(invite, /^From: "Galina Ivanovna" <sip:\+33140000011@peer\.test>/m);
    assert.match(invite, /^m=audio \d+ RTP\/AVP 8 101$/m, 'only the trunk\'s codec (PCMA) is offered');
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to end');
  });

  test('the peer calls the DID (read from To): 202 answers', async () => {
    const reg = await sipp({ scenario: 'uas-register.xml', remote, localPort: p202, service: '202', auth: { user: '202', password: 's3cret-202' } }).done;
    assert.is(reg.code, 0, reg.output);
    const phone = sipp({ scenario: 'uas-answer.xml', remote, localPort: p202 });
    await new Promise((r) => setTimeout(r, 300));
    // far-uac-call puts the DID in both; the Request-URI user is what a provider's own routing left there.
    const caller = await sipp({ scenario: `${SCENARIOS}far-uac-call.xml`, remote, localPort: peerPort, keys: { did: DID } }).done;
    const answered = await phone.done;
    assert.is(caller.code, 0, caller.output);
    assert.is(answered.code, 0, answered.output);
    const started = events.find((e) => e.type === 'call.started' && (e.data as ExchangeEvents['call.started']).to === DID);
    assert.ok(started, 'routed as the DID');
    await waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'the call to end');
  });

  test('the same INVITE from another port of the peer\'s host is a stranger\'s: challenged, nothing rings', async () => {
    const before = events.filter((e) => e.type === 'call.started').length;
    const r = await sipp({ scenario: `${SCENARIOS}far-uac-401.xml`, remote, localPort: await freePort(), keys: { did: DID } }).done;
    assert.is(r.code, 0, r.output);
    assert.is(events.filter((e) => e.type === 'call.started').length, before);
  });
}

test.run();
