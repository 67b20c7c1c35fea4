/**
 * The door contact through the whole exchange (issue 17): the sim board's front door with
 * its contact on emulated GPIO 22, set by the simulator API (POST /api/sim/doors/{name}/contact)
 * as a visitor pushing the door would. Opened without an opening, the door is forced: a
 * latched alarm on GET /api/doors and /api/events that only an admin's acknowledgement
 * clears; opened after an opening from the web UI, it is just open. Real time (the contact
 * is debounced on the exchange's clock).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { waitFor } from '../helpers/net.js';
import { example } from '../config/example.js';

const DOOR = 'Front door';
const OPEN_S = 1;
let ex: Exchange;
let admin: ApiClient;
let user: ApiClient;
let ws: WebSocket;
const seen: Array<{ type: string; data: Record<string, unknown> }> = [];

interface DoorView { contact: string | null; contact_changed_at: number | null; forced: boolean; forced_at: number | null; relay: string }
const view = async (): Promise<DoorView> => ((await admin.get('/api/doors')).body.doors as Array<{ name: string }>).find((d) => d.name === DOOR) as never;
const contact = async (open: boolean): Promise<void> => {
  const r = await admin.post(`/api/sim/doors/${encodeURIComponent(DOOR)}/contact`, { open });
  assert.is(r.status, 200, JSON.stringify(r.body));
};
const doorEvents = (type: string) => seen.filter((e) => e.type === type).map((e) => e.data);

test.before(async () => {
  const dir = tempDir();
  const config = example();
  config.employees[1].password = 'change-me-202';
  config.doors = [{
    name: DOOR, button: { input: 'front-door-button' }, audio: { fxs: 6 }, relay: 'front-door-lock', open_s: OPEN_S,
    contact: { input: 'front-door-contact' }, ring: ['201'], code: '1590', allowed: ['201'],
  }];
  writeFileSync(`${dir}/office.json`, JSON.stringify(config));
  ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.json`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  user = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is(await user.login('202', 'change-me-202'), 200);
  ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (admin as any).cookie } });
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (m) => {
      const e = JSON.parse(String(m)) as { type: string; data: Record<string, unknown> };
      if (e.type === 'hello') resolve();
      else if (e.type.startsWith('door.')) seen.push(e);
    });
    ws.on('error', reject);
  });
});
test.after(async () => {
  ws?.close();
  await ex?.close();
});

test('at start the contact reads closed, no alarm', async () => {
  const d = await view();
  assert.is(d.contact, 'closed');
  assert.is(d.forced, false);
  assert.is(d.forced_at, null);
});

test('the door opened without an opening is forced: a latched alarm on GET /api/doors and /api/events, cleared only by an admin', async () => {
  await contact(true);
  await waitFor(async () => (await view()).contact === 'open', 5000, 'the contact seen open');
  const d = await view();
  assert.is(d.forced, true);
  assert.ok(d.forced_at !== null && d.contact_changed_at !== null);
  await waitFor(() => doorEvents('door.alarm').length === 1, 5000, 'the alarm published');
  assert.equal(doorEvents('door.alarm')[0], { door: DOOR, alarm: 'forced', active: true });
  assert.equal(doorEvents('door.contact').at(-1), { door: DOOR, open: true, forced: true });
  await contact(false);
  await waitFor(async () => (await view()).contact === 'closed', 5000, 'the contact seen closed');
  assert.is((await view()).forced, true, 'still latched once the door is shut again');
  assert.equal(doorEvents('door.contact').at(-1), { door: DOOR, open: false, forced: false });
  assert.is((await user.post(`/api/doors/${encodeURIComponent(DOOR)}/acknowledge`, {})).status, 403, 'a user may not clear the alarm');
  const r = await admin.post(`/api/doors/${encodeURIComponent(DOOR)}/acknowledge`, {});
  assert.equal([r.status, r.body], [200, { ok: true, cleared: true }]);
  assert.is((await view()).forced, false);
  await waitFor(() => doorEvents('door.alarm').length === 2, 5000, 'the clearing published');
  assert.equal(doorEvents('door.alarm')[1], { door: DOOR, alarm: 'forced', active: false, by: '201' });
});

test('the door opened after an opening from the web UI is just open: no alarm', async () => {
  const alarms = doorEvents('door.alarm').length;
  assert.is((await admin.post(`/api/doors/${encodeURIComponent(DOOR)}/open`, {})).status, 200);
  await waitFor(async () => (await view()).relay === 'open', 5000, 'the lock released');
  await contact(true);
  await waitFor(async () => (await view()).contact === 'open', 5000, 'the contact seen open');
  assert.is((await view()).forced, false);
  assert.equal(doorEvents('door.contact').at(-1), { door: DOOR, open: true, forced: false });
  await contact(false);
  await waitFor(async () => (await view()).contact === 'closed', 5000, 'the contact seen closed');
  assert.is(doorEvents('door.alarm').length, alarms, 'no alarm');
  assert.is((await admin.post('/api/doors/Nowhere/acknowledge', {})).status, 404);
});

test('a user sees the door\'s state but only their own attempts: who else opened it stays the admins\' record', async () => {
  const mine: Array<{ type: string; data: Record<string, unknown> }> = [];
  const userWs = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (user as any).cookie } });
  await new Promise<void>((resolve, reject) => {
    userWs.on('message', (m) => {
      const e = JSON.parse(String(m)) as { type: string; data: Record<string, unknown> };
      if (e.type === 'hello') resolve();
      else if (e.type.startsWith('door.')) mine.push(e);
    });
    userWs.on('error', reject);
  });
  try {
    await waitFor(async () => (await view()).relay === 'locked', 5000, 'the lock at rest after the last test');
    assert.is((await admin.post(`/api/doors/${encodeURIComponent(DOOR)}/open`, {})).status, 200);
    await waitFor(() => mine.some((e) => e.type === 'door.relay' && e.data.energised === true), 5000, 'the user sees the lock release');
    assert.is((await user.post(`/api/doors/${encodeURIComponent(DOOR)}/open`, {})).status, 403, '202 may not open this door');
    await waitFor(() => mine.some((e) => e.type === 'door.attempt'), 5000, 'the user sees their own refused attempt');
    await waitFor(() => doorEvents('door.attempt').some((a) => a.by === '202'), 5000, 'the admin sees it too');
    assert.equal(mine.filter((e) => e.type === 'door.attempt' || e.type === 'door.opened').map((e) => e.data.by), ['202'], 'not the admin\'s opening');
    const theirs = ((await user.get('/api/doors')).body.doors as Array<{ name: string; openings: Array<{ by: string }> }>).find((d) => d.name === DOOR)!;
    assert.equal([...new Set(theirs.openings.map((a) => a.by))], ['202'], 'GET /api/doors lists the user\'s own attempts only');
    const all = ((await admin.get('/api/doors')).body.doors as Array<{ name: string; openings: Array<{ by: string }> }>).find((d) => d.name === DOOR)!;
    assert.ok(all.openings.some((a) => a.by === '201') && all.openings.some((a) => a.by === '202'), 'the admin sees everyone\'s');
    await waitFor(async () => (await view()).relay === 'locked', 5000, 'the lock back at rest');
  } finally {
    userWs.close();
  }
});

test.run();
