/**
 * Toll-fraud limits on the fake clock: the counters alone (per employee and global, calls in
 * the last hour and at once), then through the core with fake phones and lines — a call over
 * a limit hears the limit announcement, leaves a `barred` CDR and an `outgoing.limit` event;
 * emergency calls pass anyway; an outside caller transferred to an outside number is refused
 * (and the transferor gets the party back) unless trunk-to-trunk transfers are on; an
 * employee's own forwarding of an outside caller out counts against their limits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { validateConfig } from '../../src/config/validate.js';
import { OutsideCallLimits } from '../../src/outgoing/limits.js';
import { outsideCallPolicy, outsideCallPolicySchema } from '../../src/outgoing/policy.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint, rms } from '../helpers/fake-endpoint.js';
import { blindTransfer, callerAtDesk, fakeOffice, settle, transferIntoConsultation, type FakeOffice } from '../helpers/fake-office.js';

const HOUR = 3_600_000;

test('the counters: per employee per hour and at once, then the global ones; an hour later the count is free again', () => {
  const clock = new FakeClock();
  const limits = new OutsideCallLimits(clock);
  const policy = outsideCallPolicySchema.parse({ limits: { per_employee: { calls_per_hour: 3, simultaneous: 2 }, global: { calls_per_hour: 5, simultaneous: 3 } } });
  const a = new FakeChannel('outbound', 'City 1');
  const b = new FakeChannel('outbound', 'City 2');
  limits.taken('101', a);
  assert.is(limits.check(policy, '101'), undefined);
  limits.taken('101', b);
  assert.equal(limits.check(policy, '101'), { limit: 'employee-simultaneous', max: 2 });
  a.deviceHangsUp();
  assert.is(limits.check(policy, '101'), undefined, 'one of the two ended');
  const c = new FakeChannel('outbound', 'City 1');
  limits.taken('101', c);
  b.deviceHangsUp();
  assert.equal(limits.check(policy, '101'), { limit: 'employee-per-hour', max: 3 }, 'three started within the hour');
  assert.is(limits.check(policy, '102'), undefined, 'another employee has their own count');
  const d = new FakeChannel('outbound', 'x');
  limits.taken('102', d);
  limits.taken('103', new FakeChannel('outbound', 'y'));
  assert.equal(limits.check(policy, '104'), { limit: 'global-per-hour', max: 5 }, 'five started in the exchange');
  assert.equal(limits.usageOf(), { active: 3, last_hour: 5 });
  clock.advance(HOUR);
  assert.equal(limits.check(policy, '104'), { limit: 'global-simultaneous', max: 3 }, 'an hour later the starts are forgotten, but three calls are still up');
  d.deviceHangsUp();
  assert.is(limits.check(policy, '101'), undefined, 'and with one ended, 101 may call again');
  assert.equal(limits.usageOf('101'), { active: 1, last_hour: 0 });
});

test('the defaults apply without the section, and the section is checked', () => {
  const p = outsideCallPolicy(null);
  assert.equal(p.limits, { per_employee: { calls_per_hour: 60, simultaneous: 2 }, global: { calls_per_hour: 300, simultaneous: 30 } });
  assert.is(p.trunk_to_trunk_transfer, false);
  assert.equal([p.camp_on.enabled, p.camp_on.accept], [true, 'key']);
  assert.throws(() => validateConfig({ site: { name: 'x', country: 'fr' }, outside_call_policy: { limits: { per_employee: { simultaneous: 0 } } } }));
});

async function run(s: FakeOffice, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    s.clock.advance(20);
    if (t % 200 === 0) await settle();
  }
  await settle();
}
/** `ext` dials `number`; the line (if one is taken) answers. */
async function callOut(s: FakeOffice, ext: string, number: string) {
  const phone = new FakeChannel('inbound', ext, { number: ext });
  const media = new FakeEndpoint();
  phone.setMedia(media);
  const call = s.sw.accept(phone);
  phone.dial(number);
  await settle();
  const line = s.legs.at(-1);
  if (line && line.owner === 'City 1' && line.state === 'proceeding') line.deviceAnswers();
  await settle();
  return { phone, call, media };
}

test('over the simultaneous limit: the limit announcement, a barred CDR, an event; emergency still goes out; a freed call makes room', async () => {
  const s = fakeOffice({ limits: { per_employee: { simultaneous: 1 } } });
  const first = await callOut(s, '101', '00612345678');
  assert.is(first.call.state, 'connected');
  const second = await callOut(s, '101', '00145000000');
  await run(s, 6000);
  assert.ok(rms(second.media.heard) > 100, 'the caller hears the announcement');
  assert.is(second.call.state, 'ended');
  assert.equal([s.records.at(-1)!.disposition, s.records.at(-1)!.cause, s.records.at(-1)!.to], ['barred', 'barred', '00145000000']);
  assert.equal(s.limitEvents, [{ call: second.call.id, extension: '101', number: '0145000000', limit: 'employee-simultaneous', max: 1 }]);
  assert.equal(s.dialled, ['0612345678'], 'no second line taken');
  const emergency = await callOut(s, '101', '112');
  assert.is(emergency.call.state, 'connected', 'an emergency call is never refused');
  first.phone.deviceHangsUp();
  emergency.phone.deviceHangsUp();
  await settle();
  const third = await callOut(s, '101', '00145000000');
  assert.is(third.call.state, 'connected');
});

test('over the hourly limit: refused until the hour has passed', async () => {
  const s = fakeOffice({ limits: { per_employee: { calls_per_hour: 2 } } });
  for (let i = 0; i < 2; i++) {
    const c = await callOut(s, '101', '00612345678');
    assert.is(c.call.state, 'connected');
    c.phone.deviceHangsUp();
    await settle();
  }
  const over = await callOut(s, '101', '00612345678');
  await run(s, 6000);
  assert.is(over.call.cause, 'barred');
  assert.is(s.limitEvents.at(-1)!.limit, 'employee-per-hour');
  s.clock.advance(HOUR);
  const later = await callOut(s, '101', '00612345678');
  assert.is(later.call.state, 'connected');
});

/** An outside caller on City 1 reaches 101, who answers and asks to transfer them to `target`. */
async function outsideCallerTransferred(s: FakeOffice, target: string) {
  const caller = new FakeChannel('inbound', 'City 1', { number: '0699999999' });
  caller.setMedia(new FakeEndpoint());
  const { call, desk } = await callerAtDesk(s, caller);
  const reports = await blindTransfer(desk, target);
  return { caller, call, desk, reports };
}

test('trunk to trunk: an outside caller transferred to an outside number is refused by default, and the transferor keeps the party', async () => {
  const s = fakeOffice();
  const { caller, desk, reports } = await outsideCallerTransferred(s, '00612345678');
  assert.equal(reports, ['trying', { failed: 'barred' }]);
  assert.equal(s.dialled, [], 'no line taken');
  assert.is(s.refused[0]!.extension, '101');
  assert.equal([caller.state, desk.state], ['up', 'up']);
  assert.ok(s.sw.bridges().some((b) => b.has(caller) && b.has(desk)), 'the two talk again');
});

/** 101 talks with an outside caller (call 1) and with an outside number it dialled (call 2), then transfers call 1 into call 2 (REFER with Replaces). */
async function attendedBetweenOutsideParties(s: FakeOffice) {
  const caller = new FakeChannel('inbound', 'City 1', { number: '0699999999' });
  const { desk } = await callerAtDesk(s, caller);
  const { phone, far, reports } = await transferIntoConsultation(s, desk, '00612345678');
  assert.is(far.owner, 'City 1');
  return { caller, desk, phone, far, reports };
}

test('trunk to trunk, attended: an outside caller transferred into a consultation with an outside party is refused; both calls stay with 101', async () => {
  const s = fakeOffice();
  const { caller, desk, phone, far, reports } = await attendedBetweenOutsideParties(s);
  assert.equal(reports, ['trying', { failed: 'barred' }]);
  assert.equal([caller.state, desk.state, phone.state, far.state], ['up', 'up', 'up', 'up']);
  assert.ok(s.sw.bridges().some((b) => b.has(caller) && b.has(desk)), 'the outside caller talks with 101 again');
  assert.not.ok(s.sw.bridges().some((b) => b.has(caller) && b.has(far)), 'the two outside parties were never joined');
  assert.is(s.refused.length, 1);

  const allowed = fakeOffice({ trunk_to_trunk_transfer: true });
  const a = await attendedBetweenOutsideParties(allowed);
  assert.equal(a.reports, ['trying', 'answered']);
  assert.ok(allowed.sw.bridges().some((b) => b.has(a.caller) && b.has(a.far)), 'allowed: the two outside parties talk');
});

test('trunk to trunk allowed by the policy: the transfer goes out with the transferor\'s rights, counted against them', async () => {
  const s = fakeOffice({ trunk_to_trunk_transfer: true, limits: { per_employee: { simultaneous: 1 } } });
  const { reports } = await outsideCallerTransferred(s, '00612345678');
  assert.equal(s.dialled, ['0612345678']);
  assert.equal(reports, ['trying']);
  assert.equal(s.sw.outside.limits.usageOf('101'), { active: 1, last_hour: 1 });
});

test('an employee\'s own forwarding of an outside caller out is allowed and counts against their limits', async () => {
  const s = fakeOffice({ limits: { per_employee: { simultaneous: 1 } } });
  const caller = new FakeChannel('inbound', 'City 2', { number: '0699999999' });
  s.sw.accept(caller);
  caller.dial('102');
  await settle();
  assert.equal(s.dialled, ['0612345678'], '102 forwards everything to their mobile');
  assert.equal(s.sw.outside.limits.usageOf('102'), { active: 1, last_hour: 1 });
  // A second caller while the first is forwarded: over 102's limit.
  const next = new FakeChannel('inbound', 'City 2', { number: '0688888888' });
  next.setMedia(new FakeEndpoint());
  const c2 = s.sw.accept(next);
  next.dial('102');
  await run(s, 6000);
  assert.is(c2.cause, 'barred');
  assert.equal(s.dialled.length, 1);
  assert.is(s.limitEvents.at(-1)!.extension, '102');
});

test.run();
