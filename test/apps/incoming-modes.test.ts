/**
 * The same call to the office's number at different times lands in different places,
 * through a running exchange on a FakeClock (Europe/Paris) with SIP phones on loopback:
 * day → Sales (202 first), lunch → the receptionist 201, night → 204, the weekend → 204,
 * a holiday → the "closed" greeting then hang up, the spring DST change moves 09:00 local
 * from 08:00 to 07:00 UTC, and a mode forced by an admin (API) or from a phone (`*55`,
 * PIN for non-admins, locked after wrong PINs) overrides the schedule.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/net.js';
import { NUMBER, autoAnswer, call, invites, settle, startOffice, steps, type Office } from './incoming-office.js';
import { register } from '../channels/sip/call-harness.js';

const CALLEES = ['201', '202', '203', '204'];

/** Who answers 205's call to the number now (undefined: nobody's phone; the exchange answered itself). */
async function whoAnswers(o: Office): Promise<string | undefined> {
  for (const ext of CALLEES) autoAnswer(o.phones[ext]!, ext);
  const before = Object.fromEntries(CALLEES.map((e) => [e, invites(o.phones[e]!).length]));
  const c = await call(o, NUMBER);
  assert.is(c.final.status, 200, `${c.final.status} ${c.final.reason}`);
  const rang = CALLEES.filter((e) => invites(o.phones[e]!).length > before[e]!);
  await c.hangUp();
  assert.ok(rang.length <= 1, `one phone rang: ${rang.join(', ')}`);
  return rang[0];
}

/** Move the fake clock to `utc` and re-register the phones (their registrations expire in fake time too). */
async function at(o: Office, utc: string): Promise<void> {
  o.clock.advance(Date.parse(`${utc}Z`) - o.clock.now());
  for (const ext of CALLEES) await register(o.phones[ext]!, ext);
}

test('one Monday: day → Sales, lunch → the receptionist, night → the night guard; each change an event', async () => {
  const o = await startOffice('2026-01-05T09:00'); // 10:00 in Paris
  try {
    assert.equal((await o.admin.get('/api/mode')).body, { mode: 'day', forced: false, until: Date.parse('2026-01-05T11:30Z') });
    assert.is(await whoAnswers(o), '202');
    assert.ok(steps(o).includes('decided day department 600'), steps(o).join('; '));
    await at(o, '2026-01-05T11:45'); // 12:45
    assert.is(await whoAnswers(o), '201');
    assert.ok(steps(o).includes('decided lunch receptionist 201'));
    await at(o, '2026-01-05T17:30'); // 18:30
    assert.is(await whoAnswers(o), '204');
    const modes = o.events.filter((e) => e.type === 'office.mode').map((e) => [new Date(e.at).toISOString().slice(11, 16), (e.data as { mode: string }).mode]);
    assert.equal(modes, [['11:30', 'lunch'], ['12:30', 'day'], ['17:00', 'night']]);
  } finally {
    await o.close();
  }
});

test('the weekend is night; a holiday plays the greeting and hangs up without ringing anyone', async () => {
  const sunday = await startOffice('2026-01-11T10:00');
  try {
    assert.is(await whoAnswers(sunday), '204');
  } finally {
    await sunday.close();
  }
  const holiday = await startOffice('2026-05-01T08:00'); // Friday 1 May, 10:00 CEST
  try {
    for (const ext of CALLEES) autoAnswer(holiday.phones[ext]!, ext);
    const c = await call(holiday, NUMBER);
    assert.is(c.final.status, 200, 'the exchange answers to play the greeting');
    holiday.clock.advance(20_000); // the prompt plays on the fake clock
    await waitFor(() => holiday.phones['205']!.received.some((r) => r.method === 'BYE'), 3000, 'the exchange to hang up after the greeting');
    assert.equal(CALLEES.filter((e) => invites(holiday.phones[e]!).length > 0), [], 'nobody rang');
    assert.ok(steps(holiday).includes('decided holiday greeting closed'), steps(holiday).join('; '));
  } finally {
    await holiday.close();
  }
});

test('the spring DST change: 07:30 UTC on a Monday is night before it (08:30 CET) and day after it (09:30 CEST)', async () => {
  for (const [utc, who] of [['2026-03-23T07:30', '204'], ['2026-03-30T07:30', '202']] as const) {
    const o = await startOffice(utc);
    try {
      assert.is(await whoAnswers(o), who, utc);
    } finally {
      await o.close();
    }
  }
});

test('a mode forced from the API: admins only, until the next change or a given time; the call follows it', async () => {
  const o = await startOffice('2026-01-05T09:00'); // day
  try {
    assert.is((await o.user.get('/api/mode')).status, 200, 'a user may read the mode');
    assert.is((await o.user.put('/api/mode', { mode: 'night' })).status, 403, 'but not force it');
    assert.is((await o.admin.put('/api/mode', { mode: 'evening' })).status, 400);
    assert.is((await o.admin.put('/api/mode', { mode: 'night', until: '2026-01-05T08:00:00Z' })).status, 400, 'until in the past');
    const forced = await o.admin.put('/api/mode', { mode: 'night' });
    assert.equal(forced.body, { mode: 'night', forced: true, until: Date.parse('2026-01-05T11:30Z') }, 'until the schedule next changes');
    assert.is(await whoAnswers(o), '204');
    assert.ok(steps(o).some((s) => s === 'decided night employee 204'));
    const until = Date.parse('2026-01-05T10:00Z');
    assert.equal((await o.admin.put('/api/mode', { mode: 'holiday', until: new Date(until).toISOString() })).body, { mode: 'holiday', forced: true, until });
    await at(o, '2026-01-05T10:00');
    assert.equal((await o.admin.get('/api/mode')).body, { mode: 'day', forced: false, until: Date.parse('2026-01-05T11:30Z') }, 'the schedule rules again');
    assert.is(await whoAnswers(o), '202');
    const by = o.events.filter((e) => e.type === 'office.mode').map((e) => (e.data as { by: string }).by);
    assert.equal(by, ['api:201', 'api:201', 'schedule']);
  } finally {
    await o.close();
  }
});

test('*55 from a phone: an admin needs nothing more; anyone else the PIN, and wrong PINs lock them out', async () => {
  const o = await startOffice('2026-01-05T09:00'); // day
  try {
    const admin = await call(o, '*552', '201');
    assert.is(admin.final.status, 200, 'the admin 201 forces night');
    o.clock.advance(1000); // the confirmation tone, then the exchange hangs up
    await waitFor(() => o.phones['201']!.received.some((r) => r.method === 'BYE'), 3000, 'the confirmation to end');
    assert.equal((await o.admin.get('/api/mode')).body, { mode: 'night', forced: true, until: Date.parse('2026-01-05T11:30Z') });
    assert.is((await call(o, '*551', '202')).final.status, 403, 'a user without the PIN');
    const pin = (await o.admin.get('/api/mode/pin')).body.pin as string;
    assert.match(pin, /^\d{6}$/);
    assert.is((await o.user.get('/api/mode/pin')).status, 403, 'only admins see the PIN');
    const wrong = pin === '000000' ? '111111' : '000000';
    assert.is((await call(o, `*551*${wrong}`, '202')).final.status, 403);
    const ok = await call(o, `*551*${pin}`, '202');
    assert.is(ok.final.status, 200, 'the right PIN');
    o.clock.advance(1000);
    await settle();
    assert.is((await o.admin.get('/api/mode')).body.mode, 'day');
    for (let i = 0; i < 5; i++) assert.is((await call(o, `*552*${wrong}`, '203')).final.status, 403);
    assert.is((await call(o, `*552*${pin}`, '203')).final.status, 403, 'locked out after five wrong PINs, even with the right one');
    assert.is((await o.admin.get('/api/mode')).body.mode, 'day');
  } finally {
    await o.close();
  }
});

test('a forced mode survives a restart', async () => {
  const first = await startOffice('2026-01-05T09:00');
  const dir = first.dir;
  await first.admin.put('/api/mode', { mode: 'night', until: '2026-01-06T12:00:00Z' });
  await first.close();
  const second = await startOffice('2026-01-05T09:30', { dir });
  try {
    assert.equal((await second.admin.get('/api/mode')).body, { mode: 'night', forced: true, until: Date.parse('2026-01-06T12:00Z') });
    assert.is(await whoAnswers(second), '204');
  } finally {
    await second.close();
  }
});

test.run();
