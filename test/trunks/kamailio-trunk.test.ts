/**
 * A SIP trunk against a real provider: Kamailio (Debian) started here on loopback with a
 * registrar (usrloc in memory), digest auth with a plain password and a small routing
 * script (provider.ts); sipp plays the far-end callee behind it, the far-end caller on
 * the public network, and the office's phones 201 and 202 registered to the exchange.
 *
 * Real time throughout (Kamailio and sipp run on it): the trunks' intervals are short in
 * their configuration (OPTIONS every second, retries from 0.5 s to 2 s) so nothing waits long.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { pino } from 'pino';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent, ExchangeEvents } from '../../src/core/events.js';
import type { TrunkView } from '../../src/trunks/trunk.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort as freeTcpPort, udpPortIsFree, waitFor, waitUntil } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { ApiClient } from '../helpers/http.js';
import { haveKamailio, Kamailio } from '../helpers/kamailio.js';
import { example } from '../config/example.js';
import { providerScript } from './provider.js';

const SCENARIOS = new URL('./scenarios/', import.meta.url).pathname;

/** A port free for UDP too (sipp and Kamailio bind UDP; the exchange's RTP takes UDP ports). */
async function freePort(): Promise<number> {
  for (;;) {
    const p = await freeTcpPort();
    if (await udpPortIsFree(p)) return p;
  }
}
const DOMAIN = 'provider.test';
const USER = 'office42';
/** The account of the trunk that registers through an outbound proxy. */
const USER2 = 'office43';
const PASSWORD = 'Pr0vider-pass-77';
const SECRET = { '201': 's3cret-201', '202': 's3cret-202' } as const;
/** 201's outbound caller ID (what the far end must see). */
const CID_201 = '+33140000010';
const DID = '0140000002';
const UNROUTED_DID = '0140000099';

const enabled = haveSipp() && haveKamailio();
let ex: Exchange;
let kam: Kamailio;
let admin: ApiClient;
let dir: string;
let remote: string;
let kamPort: number;
let calleePort: number;
let p202: number;
const events: ExchangeEvent[] = [];
/** Everything the exchange logged (debug and up), to check that no secret is ever in it. */
const logged: string[] = [];

const trunk = async (name: string): Promise<TrunkView> => ((await admin.get('/api/lines')).body.trunks as TrunkView[]).find((t) => t.name === name)!;
const trunkEvents = (name: string): Array<ExchangeEvent & { data: ExchangeEvents['trunk.state'] }> =>
  events.filter((e) => e.type === 'trunk.state' && (e.data as ExchangeEvents['trunk.state']).trunk === name) as Array<ExchangeEvent & { data: ExchangeEvents['trunk.state'] }>;
let traces = 0;

if (enabled) {
  test.before(async () => {
    dir = tempDir();
    [kamPort, calleePort, p202] = [await freePort(), await freePort(), await freePort()];
    const wrongPort = await freePort();
    kam = new Kamailio({
      dir, sipPorts: [kamPort, wrongPort], httpPort: await freePort(), domain: DOMAIN,
      script: providerScript({ domain: DOMAIN, username: USER, others: [USER2], password: PASSWORD, didPattern: '^01400000', calleePort }),
    });
    await kam.start();
    const cfg = example();
    cfg.employees[0].caller_id = CID_201;
    cfg.sip_trunks = [
      {
        name: 'Provider', caller_id_mode: 'pai', options_interval_s: 1,
        registration: { registrar: `127.0.0.1:${kamPort}`, domain: DOMAIN, username: USER, password: PASSWORD, expires_s: 60, retry: { min_s: 0.5, max_s: 2 } },
      },
      {
        name: 'Wrong password', options_interval_s: 0,
        registration: { registrar: `127.0.0.1:${wrongPort}`, domain: DOMAIN, username: USER, password: 'not-the-password', expires_s: 60, retry: { min_s: 0.5, max_s: 2 } },
      },
      {
        // The registrar's name resolves only at the provider: every request goes through the proxy.
        name: 'Via proxy', options_interval_s: 0, outbound_proxy: `127.0.0.1:${kamPort}`,
        registration: { registrar: 'registrar.provider.invalid', domain: DOMAIN, username: USER2, password: PASSWORD, expires_s: 60, retry: { min_s: 0.5, max_s: 2 } },
      },
    ];
    cfg.trunk_groups = [{ name: 'SIP', lines: ['Provider'] }];
    cfg.employees[0].trunk_groups = ['SIP'];
    cfg.numbers.push({ number: DID, line: 'Provider', route: { type: 'employee', target: '202' } });
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'debug', logger: pino({ level: 'debug' }, { write: (line: string) => void logged.push(line) }),
    });
    ex.events.subscribe((e) => events.push(e));
    remote = `127.0.0.1:${ex.sip.port}`;
    admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
  });
  test.after(async () => {
    await ex?.close();
    await kam?.stop();
  });

  /** sipp with every message written to a file: what the far end received, header by header. */
  function traced(o: Parameters<typeof sipp>[0]): { run: ReturnType<typeof sipp>; messages: () => string } {
    const file = `${dir}/sipp-${++traces}.msg`;
    const run = sipp({ ...o, extra: [...(o.extra ?? []), '-trace_msg', '-message_file', file] });
    return { run, messages: () => (existsSync(file) ? readFileSync(file, 'utf8') : '') };
  }

  /** The first INVITE in a sipp message trace. */
  const inviteIn = (trace: string): string => /INVITE sip:[\s\S]*?\r?\n\r?\n/.exec(trace)?.[0] ?? '';

  /** 201 calls `dialled` (as its phone sends it) out through the trunk to the far-end callee: the INVITE the callee got. */
  async function callOut(dialled: string): Promise<string> {
    const callee = traced({ scenario: `${SCENARIOS}far-uas-answer.xml`, remote: `127.0.0.1:${kamPort}`, localPort: calleePort });
    await new Promise((r) => setTimeout(r, 300)); // let sipp bind
    const caller = await sipp({ scenario: 'uac-call-hangup.xml', remote, localPort: await freePort(), keys: { caller: '201', callee: dialled }, auth: { user: '201', password: SECRET['201'] } }).done;
    const far = await callee.run.done;
    assert.is(caller.code, 0, `201's call failed:\n${caller.output}\n${kam.output.slice(-1500)}`);
    assert.is(far.code, 0, `the far-end callee failed:\n${far.output}`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to be gone from the exchange');
    return inviteIn(callee.messages());
  }

  test('the trunk registers: Kamailio\'s location has the exchange\'s contact, GET /api/lines shows it registered', async () => {
    const t = await waitUntil(() => trunk('Provider'), (v) => v?.state === 'registered', 'the trunk to register', 15_000);
    assert.is(t.reason, null);
    assert.ok(t.registration!.expires_at! > Date.now(), 'the grant runs out in the future');
    const contacts = await kam.contacts(USER);
    assert.ok(contacts.some((c) => c.includes(`@127.0.0.1:${ex.sip.port}`)), `Kamailio's location for ${USER}: ${JSON.stringify(contacts)}`);
    await waitUntil(() => trunk('Provider'), (v) => v.options?.result === 'ok', 'an answered OPTIONS keepalive');
  });

  test('behind an outbound proxy the trunk registers through it (the registrar\'s own name does not resolve here)', async () => {
    const t = await waitUntil(() => trunk('Via proxy'), (v) => v?.state === 'registered', 'the proxied trunk to register', 15_000);
    assert.is(t.outbound_proxy, `127.0.0.1:${kamPort}`);
    assert.ok((await kam.contacts(USER2)).some((c) => c.includes(`@127.0.0.1:${ex.sip.port}`)));
  });

  test('201 calls a mobile out through the trunk: the far end gets 201\'s caller ID in P-Asserted-Identity, From is the account', async () => {
    const invite = await callOut('00612345678');
    assert.match(invite, /^INVITE sip:0612345678@provider\.test/m);
    assert.match(invite, new RegExp(`^P-Asserted-Identity: .*<sip:\\${CID_201}@provider\\.test>`, 'm'));
    assert.match(invite, new RegExp(`^From: .*<sip:${USER}@provider\\.test>`, 'm'));
    assert.not.match(invite, /^Privacy:/m);
  });

  test('#31# withholds caller ID: From is anonymous and the INVITE carries Privacy: id', async () => {
    const invite = await callOut('%2331%2300612345678');
    assert.match(invite, /^From: "Anonymous" <sip:anonymous@anonymous\.invalid>/m);
    assert.match(invite, /^Privacy: id/m);
    assert.not.match(invite, new RegExp(`\\${CID_201}`), 'the employee\'s number is not in the INVITE');
  });

  test('a call from the public network to the DID reaches the extension it is routed to (202)', async () => {
    const reg = await sipp({ scenario: 'uas-register.xml', remote, localPort: p202, service: '202', auth: { user: '202', password: SECRET['202'] } }).done;
    assert.is(reg.code, 0, reg.output);
    const phone = sipp({ scenario: 'uas-answer.xml', remote, localPort: p202 });
    await new Promise((r) => setTimeout(r, 300));
    const caller = await sipp({ scenario: `${SCENARIOS}far-uac-call.xml`, remote: `127.0.0.1:${kamPort}`, localPort: await freePort(), keys: { did: DID } }).done;
    const answered = await phone.done;
    assert.is(caller.code, 0, `the far caller failed:\n${caller.output}\n${kam.output.slice(-1500)}`);
    assert.is(answered.code, 0, `202 did not answer:\n${answered.output}`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to be gone');
    const started = events.find((e) => e.type === 'call.started' && (e.data as ExchangeEvents['call.started']).to === DID);
    assert.ok(started, 'the call was routed as the DID');
    assert.is((started!.data as ExchangeEvents['call.started']).from, '+33612345678');
  });

  test('a DID nobody routes: the caller hears the announcement (183) then 404, and the call has a CDR', async () => {
    const caller = traced({ scenario: `${SCENARIOS}far-uac-404.xml`, remote: `127.0.0.1:${kamPort}`, localPort: await freePort(), keys: { did: UNROUTED_DID } });
    const r = await caller.run.done;
    assert.is(r.code, 0, `expected 183 then 404:\n${r.output}`);
    assert.match(caller.messages(), /SIP\/2\.0 183 Session Progress/);
    const ended = await waitFor(() => events.find((e) => e.type === 'call.ended' && (e.data as ExchangeEvents['call.ended']).to === UNROUTED_DID), 5000, 'the call to end');
    assert.is((ended.data as ExchangeEvents['call.ended']).cause, 'not-found');
    const cdr = await admin.get('/api/cdr');
    assert.is(cdr.status, 200);
    assert.ok(JSON.stringify(cdr.body).includes(UNROUTED_DID), 'the CDR lists the unrouted DID');
  });

  test('an INVITE to the DID from another address than the provider is refused (401) and nothing rings', async () => {
    const before = events.filter((e) => e.type === 'call.started').length;
    const r = await sipp({ scenario: `${SCENARIOS}far-uac-401.xml`, remote, localPort: await freePort(), keys: { did: DID } }).done;
    assert.is(r.code, 0, `expected a 401:\n${r.output}`);
    await new Promise((res) => setTimeout(res, 300));
    assert.is(events.filter((e) => e.type === 'call.started').length, before, 'no call started');
  });

  test('a wrong password: the trunk shows the provider\'s 403 reason and retries with a growing back-off', async () => {
    const t = await waitUntil(() => trunk('Wrong password'), (v) => v.registration!.failures >= 3, 'three failed attempts', 20_000);
    assert.is(t.state === 'failed' || t.state === 'registering', true, t.state);
    const failed = trunkEvents('Wrong password').filter((e) => e.data.state === 'failed');
    assert.ok(failed.length >= 3, `failed events: ${failed.length}`);
    assert.match(failed[0]!.data.reason ?? '', /403 Wrong password/);
    // The wait after the n-th failure lies in [c/2, c], c = min(2 s, 0.5 s · 2^(n-1)).
    for (const e of failed) {
      const wait = e.data.next_attempt_at! - e.at;
      const ceiling = Math.min(2000, 500 * 2 ** (e.data.failures - 1));
      assert.ok(wait >= ceiling / 2 && wait <= ceiling, `wait after failure ${e.data.failures}: ${wait} ms, expected ${ceiling / 2}–${ceiling}`);
    }
    assert.ok(new Set(failed.map((e) => e.data.failures)).size === failed.length, 'each failure counted once');
    assert.is(await trunk('Provider').then((v) => v.state), 'registered', 'the other trunk is not affected');
  });

  test('the provider disappears (unreachable) and comes back: the trunk registers again', async () => {
    await kam.stop();
    const down = await waitUntil(() => trunk('Provider'), (v) => v.state === 'unreachable', 'the trunk to see the provider gone', 15_000);
    assert.match(down.reason ?? '', /OPTIONS|no answer/);
    assert.ok(down.options?.result === 'timeout' || down.options?.result === 'error', JSON.stringify(down.options));
    const seen = events.length;
    await kam.start();
    await waitUntil(() => trunk('Provider'), (v) => v.state === 'registered', 'the trunk to register again', 20_000);
    const states = trunkEvents('Provider').map((e) => e.data.state);
    assert.ok(states.includes('unreachable'), `trunk.state events: ${states.join(', ')}`);
    assert.ok(events.slice(seen).some((e) => e.type === 'trunk.state' && (e.data as ExchangeEvents['trunk.state']).state === 'registered'), 'a trunk.state event says registered again');
    await waitFor(async () => (await kam.contacts(USER)).length > 0, 5000, 'the contact back in Kamailio\'s location');
  });

  test('the trunks\' passwords are never logged (the log does say what happened)', () => {
    const all = logged.join('');
    assert.match(all, /trunk: registered with the provider/);
    assert.match(all, /403 Wrong password/);
    assert.not.ok(all.includes(PASSWORD), 'the provider password is in the log');
    assert.not.ok(all.includes('not-the-password'), 'the wrong password is in the log');
  });

  test('shutting the exchange down unregisters the trunk: Kamailio\'s location no longer has it', async () => {
    assert.ok((await kam.contacts(USER)).length > 0);
    await ex.close();
    assert.equal(await kam.contacts(USER), []);
  });
}

test.run();
