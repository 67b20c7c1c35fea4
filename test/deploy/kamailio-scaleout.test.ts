/**
 * Scale-out behind Kamailio (issue 18): the shipped deploy/kamailio/kamailio.cfg, run by the
 * test on loopback with its defines, in front of two real `autocom start` processes (own
 * data folders and ports, each `--front-proxy` Kamailio). Kamailio is the registrar (digest
 * with qop from its db_text subscriber table) and dispatcher (round robin, OPTIONS probing
 * every second); the boxes are trusted by address and port (permissions' address table).
 *
 * A phone registered at Kamailio is reached from a phone whose call lands on either box;
 * when the box next in turn is SIGKILLed its call fails over to the other on the timeout and
 * the next calls skip it; restarted, an answered probe brings it back; a box killed with no
 * call in flight is taken out by its unanswered OPTIONS alone; a box draining answers 503
 * (INVITE and probe alike): its call goes on to the other box at once, and it stays out until
 * it serves again. A wrong password stops at
 * Kamailio; a request from anywhere but Kamailio is not trusted for its asserted identity.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../helpers/tmp.js';
import { freePort as freeTcpPort, udpPortIsFree, waitFor } from '../helpers/net.js';
import { ROOT, startAutocom, type Running, READY_TIMEOUT_MS } from '../helpers/process.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { haveKamailio, KamailioProcess } from '../helpers/kamailio.js';
import { ApiClient } from '../helpers/http.js';
import { EXAMPLE_PATH } from '../config/example.js';

const DEPLOY = `${ROOT}deploy/kamailio/`;
/** How long a box may take to answer an INVITE at all before Kamailio fails over (BOX_TIMEOUT_MS; generous on a loaded machine). */
const BOX_TIMEOUT_MS = 4000;
/** A port free for UDP and TCP (Kamailio and the boxes listen on both). */
async function freePort(): Promise<number> {
  for (;;) {
    const p = await freeTcpPort();
    if (await udpPortIsFree(p)) return p;
  }
}

interface Box {
  name: string;
  sipPort: number;
  api: ApiClient;
  proc: Running;
  /** `autocom start` arguments (a restart reuses its data folder and ports). */
  args: string[];
}

/** Start (or restart) a box and log in to its API. */
async function startBox(b: Box): Promise<void> {
  b.proc = startAutocom(b.args);
  await waitFor(() => b.proc.stdout().includes('autocom ready:'), READY_TIMEOUT_MS, `${b.name} ready (stderr: ${b.proc.stderr()})`);
  b.api = new ApiClient(b.api.base);
  assert.is(await b.api.login('201', 'change-me-201'), 200);
}

/** Wait for sipp to bind its UDP port (no fixed sleep). */
async function bound(port: number): Promise<void> {
  await waitFor(async () => !(await udpPortIsFree(port)), 5000, `sipp on ${port}`);
}

const flagsOf = async (b: Box): Promise<string> => (await dispatcherState())[`sip:127.0.0.1:${b.sipPort}`] ?? '';
const failovers = (b: Box): number => kam.output.split(`box sip:127.0.0.1:${b.sipPort} failed (408) for INVITE`).length - 1;

const enabled = haveSipp() && haveKamailio('the Kamailio scale-out test');
let kam: KamailioProcess;
/** Kamailio's control socket (kamcmd -s). */
let ctl: string;
let proxy: string;
let p201: number;
let p202: number;
const boxes: Box[] = [];
/** The box the round robin gave the first call to: the next call after two goes to it again. */
let first: Box;

/** The boxes as Kamailio's dispatcher sees them: URI → flags (`AP` active and probed, `IP` inactive…). */
async function dispatcherState(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const list = await kam.rpc('dispatcher.list');
  for (const rec of list?.RECORDS ?? []) for (const t of rec.SET?.TARGETS ?? []) out[String(t.DEST?.URI)] = String(t.DEST?.FLAGS);
  return out;
}

async function cdrTotal(box: Box): Promise<number> {
  const r = await box.api.get('/api/cdr?limit=1');
  assert.is(r.status, 200, JSON.stringify(r.body));
  return r.body.total as number;
}

/** 201 calls 202 through Kamailio; 202 (registered at Kamailio) answers; 201 hangs up. `pai`: 201 claims that identity itself. */
async function call(pai?: string): Promise<void> {
  const callee = sipp({ scenario: 'uas-answer.xml', remote: proxy, localPort: p202, timeoutS: 30 });
  await bound(p202);
  const scenario = pai ? 'uac-call-hangup-proxy-pai.xml' : 'uac-call-hangup-proxy.xml';
  const caller = await sipp({ scenario, remote: proxy, localPort: p201, keys: { caller: '201', callee: '202', ...(pai ? { pai } : {}) }, auth: { user: '201', password: 's3cret-201' }, timeoutS: 30 }).done;
  const answered = await callee.done;
  assert.is(caller.code, 0, `caller:\n${caller.output.slice(-3000)}\nkamailio:\n${kam.output.slice(-3000)}`);
  assert.is(answered.code, 0, `callee:\n${answered.output.slice(-3000)}`);
}

async function totals(): Promise<number[]> {
  return Promise.all(boxes.filter((b) => b.proc.child.exitCode === null && b.proc.child.signalCode === null).map(cdrTotal));
}

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    ctl = `unixs:${dir}/kamailio_ctl`;
    const [k, rpc] = [await freePort(), await freePort()];
    [p201, p202] = [await freePort(), await freePort()];
    proxy = `127.0.0.1:${k}`;
    for (const name of ['box-a', 'box-b']) {
      const [sipPort, httpPort] = [await freePort(), await freePort()];
      const args = ['start', '--data', `${dir}/${name}`, '--config', EXAMPLE_PATH, '--sip-port', String(sipPort), '--http-port', String(httpPort), '--front-proxy', proxy];
      boxes.push({ name, sipPort, api: new ApiClient(`http://127.0.0.1:${httpPort}`), proc: startAutocom(args), args });
    }
    // The shipped tables (db_text headers) with this office's phones and boxes.
    const db = `${dir}/db`;
    mkdirSync(db);
    for (const f of readdirSync(`${DEPLOY}db`)) copyFileSync(`${DEPLOY}db/${f}`, `${db}/${f}`);
    appendFileSync(`${db}/subscriber`, '1:201:autocom:s3cret-201::\n2:202:autocom:s3cret-202::\n');
    appendFileSync(`${db}/address`, boxes.map((b, i) => `${i + 1}:1:127.0.0.1:32:${b.sipPort}:${b.name}\n`).join(''));
    writeFileSync(`${dir}/dispatcher.list`, boxes.map((b) => `1 sip:127.0.0.1:${b.sipPort} 0 0 duid=${b.name}\n`).join(''));
    kam = new KamailioProcess(`${DEPLOY}kamailio.cfg`, dir, rpc, [
      `SIP_LISTEN=udp:127.0.0.1:${k}`, `DBURL="text://${db}"`, `DISPATCHER_LIST="${dir}/dispatcher.list"`,
      'DS_PING_INTERVAL=1', 'DS_PROBING_THRESHOLD=1', `BOX_TIMEOUT_MS=${BOX_TIMEOUT_MS}`, 'CHILDREN=2', `CTL_SOCKET="${ctl}"`,
      'WITH_RPC_HTTP', `RPC_HTTP_LISTEN=tcp:127.0.0.1:${rpc}`, `RPC_HTTP_PORT=${rpc}`,
    ]);
    for (const b of boxes) await waitFor(() => b.proc.stdout().includes('autocom ready:'), READY_TIMEOUT_MS, `${b.name} ready (stderr: ${b.proc.stderr()})`);
    for (const b of boxes) assert.is(await b.api.login('201', 'change-me-201'), 200);
    await kam.start();
  });
  test.after(async () => {
    await kam?.stop();
    for (const b of boxes) {
      if (b.proc.child.exitCode !== null || b.proc.child.signalCode !== null) continue;
      b.proc.child.kill('SIGTERM');
      await b.proc.exited;
    }
  });

  test('Kamailio probes both boxes with OPTIONS: both active', async () => {
    const want = boxes.map((b) => `sip:127.0.0.1:${b.sipPort}`);
    const state = await waitFor(async () => {
      const s = await dispatcherState();
      return want.every((u) => s[u]?.startsWith('A')) ? s : undefined;
    }, 15_000, 'both boxes active in the dispatcher');
    assert.equal(Object.keys(state).sort(), want.sort());
    // What the README tells an installer to look at: kamcmd over the control socket.
    const kamcmd = spawnSync(existsSync('/usr/sbin/kamcmd') ? '/usr/sbin/kamcmd' : 'kamcmd', ['-s', ctl, 'dispatcher.list'], { encoding: 'utf8' });
    assert.is(kamcmd.status, 0, kamcmd.stderr);
    for (const u of want) assert.ok(kamcmd.stdout.includes(u), kamcmd.stdout);
  });

  test('202 registers at Kamailio (401 with qop), not at a box', async () => {
    const reg = await sipp({ scenario: 'uas-register.xml', remote: proxy, localPort: p202, service: '202', auth: { user: '202', password: 's3cret-202' } }).done;
    assert.is(reg.code, 0, `${reg.output.slice(-3000)}\n${kam.output.slice(-2000)}`);
    const contacts = await kam.contacts('202');
    assert.ok(contacts.some((c) => c.includes(`:${p202}`)), JSON.stringify(contacts));
  });

  test('a wrong password is refused at Kamailio: nothing reaches a box', async () => {
    const before = await totals();
    const r = await sipp({ scenario: 'uac-call-hangup-proxy.xml', remote: proxy, localPort: p201, keys: { caller: '201', callee: '202' }, auth: { user: '201', password: 'not-the-secret' }, timeoutS: 8 }).done;
    assert.is.not(r.code, 0, 'the call must fail');
    assert.equal(await totals(), before);
  });

  test('a phone\'s own P-Asserted-Identity is replaced by Kamailio\'s: the box records the caller who authenticated', async () => {
    const before = await totals();
    await call('600');
    const after = await waitFor(async () => {
      const t = await totals();
      return t[0]! + t[1]! === before[0]! + before[1]! + 1 ? t : undefined;
    }, 10_000, 'the call recorded');
    const box = after[0]! > before[0]! ? boxes[0]! : boxes[1]!;
    const rec = (await box.api.get('/api/cdr?limit=1')).body.records[0];
    assert.equal([rec.caller.number, rec.source.owner, rec.dialled], ['201', '201', '202'], JSON.stringify(rec));
  });

  test('two calls from 201 to 202: one through each box (round robin), both answered', async () => {
    const before = await totals();
    await call();
    const one = await waitFor(async () => {
      const t = await totals();
      return t[0]! + t[1]! === before[0]! + before[1]! + 1 ? t : undefined;
    }, 10_000, 'the first call recorded');
    first = one[0]! > before[0]! ? boxes[0]! : boxes[1]!;
    await call();
    const after = await waitFor(async () => {
      const t = await totals();
      return t[0]! + t[1]! === before[0]! + before[1]! + 2 ? t : undefined;
    }, 10_000, 'both calls recorded');
    assert.equal([after[0]! - before[0]!, after[1]! - before[1]!], [1, 1], 'each box carried one call');
  });

  test('a request from anywhere but Kamailio is challenged, whatever identity it asserts', async () => {
    const box = boxes[1]!;
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = sock.address().port;
    const reply = new Promise<string>((r) => sock.once('message', (m) => r(m.toString())));
    const invite = [
      `INVITE sip:202@127.0.0.1:${box.sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-forged-1;rport`,
      'From: <sip:201@127.0.0.1>;tag=forged', 'To: <sip:202@127.0.0.1>', 'Call-ID: forged-pai@test', 'CSeq: 1 INVITE',
      `Contact: <sip:201@127.0.0.1:${port}>`, 'P-Asserted-Identity: <sip:201@127.0.0.1>', 'Max-Forwards: 70', 'Content-Length: 0', '', '',
    ].join('\r\n');
    sock.send(invite, box.sipPort, '127.0.0.1');
    const first = await Promise.race([reply, new Promise<string>((_, no) => setTimeout(() => no(new Error('no answer')), 5000))]);
    sock.close();
    assert.match(first, /^SIP\/2\.0 401 /, 'challenged like any phone, the P-Asserted-Identity ignored');
  });

  test('the box next in turn killed: its call fails over to the other box on the timeout, the next calls go there at once', async () => {
    const a = first;
    const b = boxes.find((x) => x !== a)!;
    a.proc.child.kill('SIGKILL');
    await a.proc.exited;
    const before = await cdrTotal(b);
    const started = Date.now();
    await call(); // the round robin picks A: no answer within BOX_TIMEOUT_MS, then B
    assert.ok(Date.now() - started >= BOX_TIMEOUT_MS, 'the call waited for A\'s timeout');
    assert.is(failovers(a), 1, 'Kamailio moved the call from A');
    await waitFor(async () => (await cdrTotal(b)) === before + 1, 10_000, 'the call recorded on B');
    assert.match(await flagsOf(a), /^I/, 'A out of the rotation');
    await call();
    await call();
    await waitFor(async () => (await cdrTotal(b)) === before + 3, 10_000, 'both calls recorded on B');
    assert.is(failovers(a), 1, 'no call tried A again');
  });

  test('A restarted: a probe answered brings it back, calls spread again', async () => {
    const a = first;
    await startBox(a);
    await waitFor(async () => (await flagsOf(a)).startsWith('A'), 15_000, 'A active again (its OPTIONS answered)');
    const before = await totals();
    await call();
    await call();
    const after = await waitFor(async () => {
      const t = await totals();
      return t[0]! + t[1]! === before[0]! + before[1]! + 2 ? t : undefined;
    }, 10_000, 'both calls recorded');
    assert.equal([after[0]! - before[0]!, after[1]! - before[1]!], [1, 1], 'each box carried one call');
  });

  test('a box draining (PUT /api/system/draining): its 503 moves a new call to the other box at once, its probes keep it out, serving again brings it back', async () => {
    const a = first;
    const b = boxes.find((x) => x !== a)!;
    const uri = `sip:127.0.0.1:${a.sipPort}`;
    const refusals = (): number => kam.output.split(`box ${uri} failed (503) for INVITE`).length - 1;
    const put = await a.api.put('/api/system/draining', { draining: true, retry_after_s: 60 });
    assert.is(put.status, 200, JSON.stringify(put.body));
    const onA = await cdrTotal(a);
    // A's own OPTIONS probes answer 503 too and may take it out before a call meets it: each
    // try puts A back in the rotation (as a probe in flight would find it) until the round
    // robin hands a call to A, whose 503 Kamailio must turn into the next box at once.
    let met = false;
    for (let i = 0; i < 8 && !met; i++) {
      await kam.rpc('dispatcher.set_state', ['ap', 1, uri]);
      const [before, onB, started] = [refusals(), await cdrTotal(b), Date.now()];
      await call();
      await waitFor(async () => (await cdrTotal(b)) === onB + 1, 10_000, 'the call recorded on B');
      met = refusals() > before;
      if (met) assert.ok(Date.now() - started < BOX_TIMEOUT_MS, 'the 503 moved the call on without waiting for a timeout');
    }
    assert.ok(met, `a call met A's 503 and went on to B\n${kam.output.slice(-2000)}`);
    assert.is(await cdrTotal(a), onA, 'A took no new call while draining');
    await waitFor(async () => (await flagsOf(a)).startsWith('I'), 10_000, 'A out of the rotation');
    const onB = await cdrTotal(b);
    const refused = refusals();
    await call();
    await call();
    await waitFor(async () => (await cdrTotal(b)) === onB + 2, 10_000, 'both calls recorded on B');
    assert.is(refusals(), refused, 'no call tried A: its 503 probes keep it out');
    assert.match(await flagsOf(a), /^I/);

    assert.is((await a.api.put('/api/system/draining', { draining: false })).status, 200);
    await waitFor(async () => (await flagsOf(a)).startsWith('A'), 15_000, 'A active again (its OPTIONS answered 200)');
    const spread = await totals();
    await call();
    await call();
    const after = await waitFor(async () => {
      const t = await totals();
      return t[0]! + t[1]! === spread[0]! + spread[1]! + 2 ? t : undefined;
    }, 10_000, 'both calls recorded');
    assert.equal([after[0]! - spread[0]!, after[1]! - spread[1]!], [1, 1], 'each box carried one call');
  });

  test('a box killed while no call is in flight: the probe alone takes it out, calls go to the other', async () => {
    const b = boxes.find((x) => x !== first)!;
    b.proc.child.kill('SIGKILL');
    await b.proc.exited;
    await waitFor(async () => (await flagsOf(b)).startsWith('I'), 20_000, 'B marked inactive by its unanswered OPTIONS');
    const before = await cdrTotal(first);
    await call();
    await call();
    assert.is(failovers(b), 0, 'no call waited for B');
    await waitFor(async () => (await cdrTotal(first)) === before + 2, 10_000, 'both calls recorded on A');
  });
}

test.run();
