/**
 * Analog ↔ SIP through the whole exchange (issue 5): startExchange on the sim board (the
 * real line-card driver talking to the emulator process over a real pty) with the example
 * configuration as sold, the analog side driven through the HTTP simulator API, the SIP
 * phones played by sipp (Debian sip-tester). Real time: every wait is "until the emulated
 * phone, the line or sipp reports it, or fail".
 *
 * sipp logs the From of each INVITE it receives (scenarios *-log.xml, -trace_logs), which
 * is how the test reads the caller ID a SIP phone would show. Audio is checked end to end
 * with sipp's -rtp_echo: what the analog phone says goes out as RTP to sipp, comes back,
 * and the phone must hear it again, so both directions of the analog↔RTP path carry sound.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { freePort, waitFor, waitUntil as until } from '../../helpers/net.js';
import { haveSipp, sipp, type SippRun, sippListening } from '../../helpers/sipp.js';
import { EXAMPLE_PATH } from '../../config/example.js';

const SECRET = { '201': 's3cret-201', '202': 's3cret-202' } as const;
type Ext = keyof typeof SECRET;
/** A digit as the emulator's own DTMF receiver heard it (drivers/emu/linecard/dtmf-ear.ts). */
type HeardTone = { digit: string; ms: number; gap_ms: number | null; low_dbm0: number; high_dbm0: number };
type Heard = { heard_digits: string; heard_tones: HeardTone[] };
type FxsView = { hook: string; ringing: boolean; caller_id: string | null; caller_name: string | null; hears: string } & Heard;
type FxoView = { seized: boolean; ringing: boolean; dialled: string; hears: string } & Heard;

const enabled = haveSipp();
let ex: Exchange;
let admin: ApiClient;
let remote: string;
let dir: string;
/** Each phone keeps its SIP port, as a real phone does: its registration points there. */
const phonePort: Record<Ext, number> = { '201': 0, '202': 0 };

const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;
const fxo = async (n: number): Promise<FxoView> => (await admin.get(`/api/sim/fxo/${n}`)).body as FxoView;

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}
/** The sipp processes a test started: whatever a failed test left running is killed after it. */
const runs: SippRun[] = [];
function start(o: Parameters<typeof sipp>[0]): SippRun {
  const run = sipp(o);
  runs.push(run);
  return run;
}
async function finished(run: SippRun, what: string): Promise<string> {
  const r = await run.done;
  assert.is(r.code, 0, `${what} failed:\n${r.output}`);
  return r.output;
}
const idle = (): Promise<unknown> => waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'no call left in the exchange');
type PortView = { kind: string; port: number; state: string };
const port101 = async (): Promise<PortView> => ((await admin.get('/api/lines')).body.ports as PortView[]).find((p) => p.kind === 'fxs' && p.port === 1)!;
/** 101 hangs up; an on-hook counts only once it lasted longer than a hook flash, so wait for it. */
async function hangUp101(): Promise<void> {
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(port101, (p) => p.state === 'idle', 'port 1 idle after 101 hung up');
}

async function register(ext: Ext): Promise<void> {
  await finished(sipp({ scenario: 'uas-register.xml', remote, localPort: phonePort[ext], service: ext, auth: { user: ext, password: SECRET[ext] } }), `registration of ${ext}`);
}

interface Phone {
  run: SippRun;
  /** The From header of the INVITE the phone received (from sipp's log). */
  from(): Promise<string>;
}
let logs = 0;
/**
 * The SIP phone `ext` waits for a call with `scenario`; `pauseMs` is its ring or talk
 * time (sipp -d), `echo` sends every RTP packet back to its sender. Resolves once sipp
 * listens, so the exchange's INVITE cannot come too early.
 */
async function phone(ext: Ext, scenario: string, o: { pauseMs?: number; echo?: boolean } = {}): Promise<Phone> {
  const log = `${dir}/sipp-${ext}-${++logs}.log`;
  const extra = ['-trace_logs', '-log_file', log, '-d', String(o.pauseMs ?? 0)];
  if (o.echo) extra.push('-rtp_echo', '-mp', String(await freePort()));
  const run = start({ scenario, remote, localPort: phonePort[ext], extra });
  await sippListening(phonePort[ext], `sipp listening as ${ext}`);
  const from = (): Promise<string> =>
    waitFor(() => (existsSync(log) ? /INVITE From:(.*)/.exec(readFileSync(log, 'utf8'))?.[1]?.trim() : undefined), 8000, `${ext} to receive an INVITE`);
  return { run, from };
}

if (enabled) {
  test.before(async () => {
    dir = tempDir();
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    remote = `127.0.0.1:${ex.sip.port}`;
    admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
    phonePort['201'] = await freePort();
    phonePort['202'] = await freePort();
    await register('201');
    await register('202');
  });
  test.after(() => ex?.close());
  // A failed test must not leave the phone off-hook or the line seized for the next one.
  test.after.each(async () => {
    for (const run of runs.splice(0)) {
      run.child.kill('SIGKILL');
      await run.done; // its port is free again for the next phone
    }
    await admin.post('/api/sim/fxs/1/hook', { state: 'on' });
    await until(port101, (p) => p.state === 'idle', 'port 1 idle before the next test');
    if ((await fxo(1)).seized) await admin.post('/api/sim/fxo/1/hangup', { signal: 'reversal' });
  });

  /** 101 lifts, hears dial tone and dials 202; resolves with 202's phone once it has the INVITE. */
  async function analogCalls202(scenario: string, pauseMs: number): Promise<Phone> {
    const p202 = await phone('202', scenario, { pauseMs, echo: true });
    await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
    await until(() => fxs(1), (v) => v.hears === 'dial_tone', '101 hears dial tone');
    await ok(admin.post('/api/sim/fxs/1/dial', { digits: '202' }));
    const from = await p202.from();
    assert.match(from, /^\s*"?Reception"?\s*<sip:101@/, `202 is shown the caller: ${from}`);
    return p202;
  }

  /** While connected to a sipp echo: what 101 says comes back through RTP, so 101 hears itself. */
  async function audioFlowsThroughRtp(o: { untilSilence: boolean }): Promise<void> {
    await ok(admin.post('/api/sim/fxs/1/play', { tone_hz: 1000 }));
    await until(() => fxs(1), (v) => v.hears === 'tone:1000', '101 hears its 1000 Hz back through RTP and sipp\'s echo');
    await ok(admin.post('/api/sim/fxs/1/play', { stop: true }));
    if (o.untilSilence) await until(() => fxs(1), (v) => v.hears === 'silence', '101 hears silence once it stops');
  }

  test('101 dials 202: 202 gets the INVITE from Reception 101, answers, audio flows both ways, 101 hangs up', async () => {
    const p202 = await analogCalls202('uas-answer-log.xml', 0);
    await waitFor(() => ex.switch.activeCalls().some((c) => c.state === 'connected'), 5000, 'the call to be answered');
    await audioFlowsThroughRtp({ untilSilence: true });
    await hangUp101();
    await finished(p202.run, '202 (gets the BYE when 101 hangs up)');
    await idle();
    const v = await fxs(1);
    assert.equal([v.hook, v.ringing], ['on', false]);
  });

  test('101 dials 202 and 202 hangs up first: 101 hears busy, hangs up, both idle', async () => {
    const p202 = await analogCalls202('uas-answer-log-hangup.xml', 6000);
    await waitFor(() => ex.switch.activeCalls().some((c) => c.state === 'connected'), 5000, 'the call to be answered');
    // 202 hangs up after its talk time whatever happens, so only the tone is awaited here.
    await audioFlowsThroughRtp({ untilSilence: false });
    await finished(p202.run, '202 (hangs up after talking)');
    await until(() => fxs(1), (v) => v.hears === 'busy', '101 hears busy after 202 hung up');
    await hangUp101();
    await idle();
    assert.is((await fxs(1)).hook, 'on');
  });

  test('202 calls 101: port 1 rings with caller ID 202, 101 answers, 202 hangs up, the port is idle again', async () => {
    const caller = start({
      scenario: 'uac-call-talk-hangup.xml', remote, localPort: phonePort['202'], keys: { caller: '202', callee: '101' },
      auth: { user: '202', password: SECRET['202'] }, extra: ['-d', '1000'],
    });
    const rung = await until(() => fxs(1), (v) => v.ringing && v.caller_id === '202', 'port 1 rings with caller ID 202');
    assert.is(rung.caller_name, 'Semyon Petrovich');
    await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
    await until(() => fxs(1), (v) => !v.ringing, 'ringing stops when 101 answers');
    await finished(caller, '202 (calls 101, talks, hangs up)');
    await until(() => fxs(1), (v) => v.hears === 'busy', '101 hears busy after 202 hung up');
    await hangUp101();
    await idle();
  });

  test('city line 1 rings with caller ID 0612345678: Sales (201 and 202) is offered the call with it; 202 answers; the line is seized', async () => {
    // 202 rings for a second before answering, so both phones have been offered the call.
    const p201 = await phone('201', 'uas-ring-cancelled-log.xml');
    const p202 = await phone('202', 'uas-answer-log.xml', { pauseMs: 1000 });
    await ok(admin.post('/api/sim/fxo/1/ring', { caller_id: '0612345678' }));
    assert.match(await p201.from(), /<sip:0612345678@/);
    assert.match(await p202.from(), /<sip:0612345678@/);
    await until(() => fxo(1), (v) => v.seized, 'the exchange seizes the line when 202 answers');
    await finished(p201.run, '201 (its ringing is cancelled when 202 answers)');
    // The caller hangs up: the reversal releases the line and 202 gets the BYE.
    await ok(admin.post('/api/sim/fxo/1/hangup', { signal: 'reversal' }));
    await until(() => fxo(1), (v) => !v.seized, 'the exchange releases the line');
    await finished(p202.run, '202 (answered, gets the BYE)');
    await idle();
  });

  test('201 dials out on city line 1: the line receives 0140000002; 201 hangs up and the line is released', async () => {
    const caller = start({
      scenario: 'uac-call-talk-hangup.xml', remote, localPort: phonePort['201'], keys: { caller: '201', callee: '00140000002' },
      auth: { user: '201', password: SECRET['201'] }, extra: ['-d', '3000'],
    });
    await until(() => fxo(1), (v) => v.seized && v.dialled === '0140000002', 'the line receives 0140000002', 10_000);
    await finished(caller, '201 (calls out, talks, hangs up)');
    await until(() => fxo(1), (v) => !v.seized, 'the exchange releases the line');
    await idle();
  });

  /**
   * What a DTMF receiver must get (ITU-T Q.23/Q.24): exactly the digits, each once, every tone
   * and every pause at least 40 ms, each frequency at a sensible sending level (about −6 to
   * −8 dBm0, nothing a receiver's −26 dBm0 floor or overload would miss) with the high group
   * not quieter than the low one and the twist within the 4 dB both ways receivers accept.
   */
  function assertQ23(view: Heard, digits: string): void {
    const tones = view.heard_tones;
    assert.is(tones.map((t) => t.digit).join(''), digits, JSON.stringify(tones));
    for (const t of tones) {
      assert.ok(t.ms >= 40, `tone of ${t.digit} lasted ${t.ms} ms`);
      if (t.gap_ms !== null) assert.ok(t.gap_ms >= 40, `pause before ${t.digit}: ${t.gap_ms} ms`);
      assert.ok(t.low_dbm0 >= -10 && t.low_dbm0 <= -5, `low group of ${t.digit} at ${t.low_dbm0} dBm0`);
      assert.ok(t.high_dbm0 >= -9 && t.high_dbm0 <= -4, `high group of ${t.digit} at ${t.high_dbm0} dBm0`);
      assert.ok(t.high_dbm0 - t.low_dbm0 >= 0 && t.high_dbm0 - t.low_dbm0 <= 4, `twist of ${t.digit}: ${JSON.stringify(t)}`);
    }
  }

  test('201 dials out on city line 1 and keys 1 5 9 * # as RFC 4733 events: the far end of the line hears them as Q.23 tones (a bank\'s voice menu works)', async () => {
    const caller = start({
      scenario: 'uac-call-dtmf.xml', remote, localPort: phonePort['201'], keys: { caller: '201', callee: '00140000002' },
      auth: { user: '201', password: SECRET['201'] }, extra: ['-mp', String(await freePort())],
    });
    await until(() => fxo(1), (v) => v.heard_tones?.length >= 5, 'the line to hear five digits', 15_000);
    await finished(caller, '201 (calls out, keys its digits, hangs up)');
    assertQ23(await fxo(1), '159*#'); // read once the call is over: a tone cut in two would show as one more
    await until(() => fxo(1), (v) => !v.seized, 'the exchange releases the line');
    await idle();
  });

  test('201 dials out on city line 1 and sends 4 2 # as SIP INFO: the far end of the line hears them as tones', async () => {
    const caller = start({
      scenario: 'uac-call-info-dtmf.xml', remote, localPort: phonePort['201'], keys: { caller: '201', callee: '00140000002' },
      auth: { user: '201', password: SECRET['201'] }, extra: ['-mp', String(await freePort())],
    });
    await until(() => fxo(1), (v) => v.heard_tones?.length >= 3, 'the line to hear three digits', 15_000);
    await finished(caller, '201 (calls out, sends INFO digits, hangs up)');
    assertQ23(await fxo(1), '42#');
    await idle();
  });

  test('202 calls 101 and keys 1 5 9 * # as RFC 4733 events once 101 answers: the analog handset hears them as tones', async () => {
    const caller = start({
      scenario: 'uac-call-dtmf.xml', remote, localPort: phonePort['202'], keys: { caller: '202', callee: '101' },
      auth: { user: '202', password: SECRET['202'] }, extra: ['-mp', String(await freePort())],
    });
    await until(() => fxs(1), (v) => v.ringing, 'port 1 rings');
    await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
    const heard = await until(() => fxs(1), (v) => v.heard_tones?.length === 5, '101 to hear five digits', 15_000);
    await finished(caller, '202 (calls 101, keys its digits, hangs up)');
    assertQ23(heard, '159*#');
    await hangUp101();
    await idle();
  });
}

test.run();
