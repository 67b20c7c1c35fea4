/**
 * Time profiles through the whole exchange on the injected clock (issue 17: who may open
 * when, in the site's time zone): a board with one emulated lock relay (behind the relay
 * guard), a SIP door station 190 and our SIP test phones. The Sales department (202) may
 * open 08:00-18:00 on weekdays, Paris time. On Monday at 07:30 the door call's 202 keys the
 * right code as SIP INFO and nothing opens (recorded as outside-hours); the web UI refuses
 * 202 too, but not the admin; at 08:15 the same code opens, and so does the web UI. Each
 * attempt is a row of the audit log.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { Dialog, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { openDatabase } from '../../src/store/db.js';
import { ApiClient } from '../helpers/http.js';
import { waitFor } from '../helpers/net.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

const DOOR = 'Front door';
const weekday = ['08:00-18:00'];
let ex: Exchange;
let clock: FakeClock;
let admin: ApiClient;
let user: ApiClient;
let station: HarnessPhone;
let p202: HarnessPhone;
let dataDir: string;

interface DoorView { relay: string; may_open: string; openings: Array<{ by: string; how: string; result: string; at: number }> }
const view = async (as: ApiClient): Promise<DoorView> => ((await as.get('/api/doors')).body.doors as Array<{ name: string }>).find((d) => d.name === DOOR) as never;

/** 190's button: it calls, 202 answers (at once), keys `digits` as SIP INFO; then the station hangs up. */
async function doorCallKeying(digits: string): Promise<void> {
  let invite: SipRequest | undefined;
  let answer: SipResponse | undefined;
  p202.respond = (req) => {
    const res = defaultAnswer(p202, '202', req);
    if (req.method === 'INVITE' && !req.to.tag) [invite, answer] = [req, res];
    return res;
  };
  const r = await station.sip.sendAuthenticated({ method: 'INVITE', target: '1', from: '190', body: offerFor(station.rtp.localPort) }, creds('190'));
  assert.is(r.final.status, 200, 'the door call answered by 202');
  const stationDialog = Dialog.asUac(r.request, r.final);
  station.sip.stack.sendAck(stationDialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  await waitFor(() => p202.acks.length > 0, 5000, '202 got the ACK');
  const at202 = Dialog.asUas(invite!, answer!);
  for (const d of digits) {
    const res = await sendInDialog(ex, p202.sip, at202, 'INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' });
    assert.is(res.status, 200);
  }
  await waitFor(async () => (await view(admin)).openings.length > 0 && (await view(admin)).openings[0]!.at === clock.now(), 5000, 'the attempt recorded');
  assert.is((await sendInDialog(ex, station.sip, stationDialog, 'BYE')).status, 200);
  await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the door call over');
  p202.acks.length = 0;
}

test.before(async () => {
  clock = new FakeClock(Date.parse('2026-01-05T06:30:00Z')); // Monday 07:30 in Paris
  const dir = tempDir();
  dataDir = `${dir}/data`;
  writeFileSync(`${dir}/board.yaml`, 'name: door-test\nmedia:\n  rtp_timeout_s: 0\nrelays:\n  - { name: lock, gpio: 27, emulator: true }\n');
  const c = example();
  c.site.timezone = 'Europe/Paris';
  c.employees[1].password = 'change-me-202';
  c.employees.push({ name: 'Door station', extension: '190', devices: [{ type: 'sip', secret: 's3cret-190' }] });
  c.schedule = { mon: { day: weekday }, holidays: ['2026-05-01'] };
  c.doors = [{
    name: DOOR, button: { sip: '190' }, audio: { sip: '190' }, relay: 'lock', open_s: 1, ring: ['202'], code: '1590',
    allowed: ['201', '600'], time_profiles: [{ who: ['600'], mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday }],
  }];
  writeFileSync(`${dir}/office.yaml`, stringify(c));
  ex = await startExchange({ board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', clock, logger: silentLogger() });
  station = await harnessPhone(ex, '190');
  p202 = await harnessPhone(ex, '202');
  await register(p202, '202');
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  user = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is(await user.login('202', 'change-me-202'), 200);
});

test.after(async () => {
  await unregister(p202, '202');
  let closed = false;
  const closing = ex.close().finally(() => (closed = true));
  while (!closed) {
    clock.advance(500);
    await new Promise((r) => setTimeout(r, 20));
  }
  await closing;
  await Promise.all([station, p202].flatMap((p) => [p.sip.stop(), p.rtp.close()]));
});

test('Monday 07:30 Paris: 202 (Sales) keys the right code in the door call — refused, outside its time profile', async () => {
  await doorCallKeying('1590#');
  const d = await view(admin);
  assert.equal(d.openings[0], { at: clock.now(), by: '202', how: 'info', result: 'outside-hours' });
  assert.is(d.relay, 'locked');
});

test('07:30: the web UI refuses 202 (and says why), an admin opens', async () => {
  assert.is((await view(user)).may_open, 'outside-hours');
  const r = await user.post(`/api/doors/${encodeURIComponent(DOOR)}/open`, {});
  assert.is(r.status, 403);
  assert.equal(r.body.result, 'outside-hours');
  assert.match(r.body.error, /at this time/);
  assert.is((await view(admin)).may_open, 'allowed');
  assert.is((await admin.post(`/api/doors/${encodeURIComponent(DOOR)}/open`, {})).status, 200);
  await waitFor(async () => (await view(admin)).relay === 'open', 5000, 'the lock released');
  await waitFor(async () => (await view(admin)).relay === 'locked', 5000, 'the lock again after open_s');
});

test('08:15: inside the profile, the same code opens by SIP INFO, and the web UI lets 202 open', async () => {
  clock.advance(45 * 60_000);
  await register(p202, '202'); // kept fresh across the clock's jump
  assert.is((await view(user)).may_open, 'allowed');
  await doorCallKeying('1590#');
  assert.equal((await view(admin)).openings[0], { at: clock.now(), by: '202', how: 'info', result: 'opened' });
  await waitFor(async () => (await view(admin)).relay === 'locked', 5000, 'the lock again after open_s');
  assert.is((await user.post(`/api/doors/${encodeURIComponent(DOOR)}/open`, {})).status, 200);
  assert.equal((await view(admin)).openings[0], { at: clock.now(), by: '202', how: 'web', result: 'opened' });
});

test('every attempt, by phone or web, right or refused, is a row of the audit log (the SQLite file), without the code', () => {
  const db = openDatabase(dataDir, { readonly: true });
  try {
    const rows = db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'door.attempt' ORDER BY id").all() as Array<{ actor: string; detail: string }>;
    assert.equal(rows.map((r) => [r.actor, JSON.parse(r.detail)]), [
      ['202', { door: DOOR, how: 'info', result: 'outside-hours' }],
      ['202', { door: DOOR, how: 'web', result: 'outside-hours' }],
      ['201', { door: DOOR, how: 'web', result: 'opened' }],
      ['202', { door: DOOR, how: 'info', result: 'opened' }],
      ['202', { door: DOOR, how: 'web', result: 'opened' }],
    ]);
    assert.not.ok(rows.some((r) => r.detail.includes('1590')));
  } finally {
    db.close();
  }
});

test.run();
