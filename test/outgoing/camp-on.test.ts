/**
 * Trunk queueing (camp-on) in the core on the fake clock, with lines that only have the
 * OutsideLine capability (free or busy, whatever technology) and fake phones: both lines
 * busy, 101 hears the offer and presses 5; a line frees, 101's phone rings with the
 * call-back purpose (the distinctive ring), shows the number, answers, and that line dials
 * it. The FIFO per trunk group, the queue timeout, the call-back nobody answers, the cancel
 * code, the hang-up acceptance, the queue in the lines view and on the event bus.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus, type ExchangeEvents } from '../../src/core/events.js';
import { Switch, type LegPurpose } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import type { OutsideLine } from '../../src/outgoing/trunk-groups.js';
import { CAMP_ON_KEY_WAIT_MS } from '../../src/apps/camp-on.js';
import { CampOnRequest } from '../../src/outgoing/camp-on/request.js';
import type { CallRecordData } from '../../src/core/call-record.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint, rms } from '../helpers/fake-endpoint.js';

interface TestLine extends OutsideLine {
  free: boolean;
  dialled: string[];
  legs: FakeChannel[];
}

function setup(policy: Record<string, unknown> = {}) {
  const config = validateConfig({
    site: { name: 'Camp-on', country: 'fr' },
    employees: [
      { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip' }] },
      { name: 'First', extension: '101', devices: [{ type: 'sip' }], trunk_groups: ['city'] },
      { name: 'Second', extension: '102', devices: [{ type: 'sip' }], trunk_groups: ['city'] },
      { name: 'Other', extension: '103', devices: [{ type: 'sip' }], trunk_groups: ['other'] },
    ],
    lines: [{ name: 'City 1', type: 'fxo', port: 1 }, { name: 'City 2', type: 'fxo', port: 2 }, { name: 'City 3', type: 'fxo', port: 3 }],
    trunk_groups: [{ name: 'city', lines: ['City 1', 'City 2'] }, { name: 'other', lines: ['City 3'] }],
    outside_call_policy: policy,
  });
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const campOn: Array<ExchangeEvents['camp-on.changed']> = [];
  events.on('camp-on.changed', (e) => campOn.push(e));
  const records: CallRecordData[] = [];
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config, records: { write: (r) => records.push(r) } });
  const rung: Array<{ leg: FakeChannel; purpose: LegPurpose | undefined }> = [];
  sw.addLegFactory({ tech: 'sip', legsFor: (e, _d, purpose) => { const leg = new FakeChannel('outbound', e.extension); rung.push({ leg, purpose }); return [leg]; } });
  const line = (name: string): TestLine => {
    const l: TestLine = {
      name, free: true, dialled: [], legs: [],
      seize(number) {
        if (!l.free) return undefined;
        l.free = false;
        l.dialled.push(number);
        const leg = new FakeChannel('outbound', name);
        l.legs.push(leg);
        leg.once('hangup', () => (l.free = true));
        return leg;
      },
    };
    return l;
  };
  const lines = { c1: line('City 1'), c2: line('City 2'), c3: line('City 3') };
  sw.addOutsideLines({ lines: () => Object.values(lines), seize: () => undefined });
  return { clock, sw, events, campOn, rung, lines, config, records };
}
type Setup = ReturnType<typeof setup>;
const settle = async () => { for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r)); };
/** Let the fake clock run `ms` in 20 ms steps (the prompts play frame by frame). */
async function run(s: Setup, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    s.clock.advance(20);
    if (t % 200 === 0) await settle();
  }
  await settle();
}

/** `ext` dials the number with both city lines busy, hears the offer and presses `key` (or nothing). */
async function dialWithLinesBusy(s: Setup, ext: string, key?: string) {
  s.lines.c1.free = false;
  s.lines.c2.free = false;
  const phone = new FakeChannel('inbound', ext, { number: ext });
  const media = new FakeEndpoint();
  phone.setMedia(media);
  const call = s.sw.accept(phone);
  phone.dial('00612345678');
  await run(s, 1000);
  const offer = rms(media.heard);
  if (key) phone.pressDigits(key);
  await run(s, 6000); // the confirmation plays
  return { phone, call, offer };
}

const queueOf = (s: Setup, group: string) => s.sw.outside.campOn.view().find((g) => g.name === group)!.queue;

test('both lines busy: 101 presses 5, waits in the queue of its group; a line frees, 101 rings back distinctively, answers, the line dials the number', async () => {
  const s = setup();
  const { phone, call, offer } = await dialWithLinesBusy(s, '101', '5');
  assert.ok(offer > 100, `the caller hears the offer (rms ${offer.toFixed(0)})`);
  assert.is(call.state, 'ended', 'the caller hears the confirmation, then the call ends');
  assert.is(phone.state, 'released');
  const waiting = queueOf(s, 'city');
  assert.equal(waiting.map((q) => [q.extension, q.number, q.state]), [['101', '0612345678', 'waiting']]);
  assert.is(typeof waiting[0]!.since, 'number');
  assert.equal(queueOf(s, 'other'), [], '101 waits only in the groups it may use');
  assert.equal(s.sw.outside.campOn.view().find((g) => g.name === 'city')!.free, []);
  assert.is(s.campOn.at(-1)!.state, 'waiting');

  s.lines.c2.free = true; // City 2 hangs up
  await run(s, 1000);
  const back = s.rung.at(-1)!;
  assert.is(back.leg.owner, '101');
  assert.equal(back.purpose, { callback: true }, 'the call-back asks for the distinctive ring');
  assert.equal(back.leg.log, ['call from 0612345678'], 'the phone shows the number it waited for');
  assert.equal(s.lines.c2.dialled, ['0612345678'], 'City 2 is taken for 101');
  assert.equal(queueOf(s, 'city').map((q) => [q.state, q.line]), [['recalling', 'City 2']]);
  assert.is(s.lines.c2.legs[0]!.state, 'idle', 'the line is only taken, not dialled, until 101 answers');

  back.leg.deviceAnswers();
  await settle();
  const lineLeg = s.lines.c2.legs[0]!;
  assert.equal(lineLeg.log, ['call from 101'], 'answering dials the line');
  lineLeg.deviceAnswers();
  await settle();
  const cb = s.sw.activeCalls()[0]!;
  assert.is(cb.state, 'connected');
  assert.is(cb.destination, '0612345678');
  assert.equal(queueOf(s, 'city'), [], 'the request is done');
  assert.equal(s.campOn.map((e) => e.state), ['waiting', 'recalling', 'connected']);
  back.leg.deviceHangsUp();
  await settle();
  assert.is(lineLeg.state, 'released');
  const cdr = s.records.at(-1)!;
  assert.equal([cdr.from, cdr.fromName, cdr.owner, cdr.to, cdr.disposition], ['101', 'First', '101', '0612345678', 'answered'], 'the call-back is 101\'s outside call in the CDR');
  assert.equal([s.records[0]!.from, s.records[0]!.cause], ['101', 'congestion'], 'the call that found no line');
});

test('first come, first served: 101 then 102 wait; the first free line goes to 101, the next to 102; a line of another group serves neither', async () => {
  const s = setup();
  await dialWithLinesBusy(s, '101', '5');
  await dialWithLinesBusy(s, '102', '5');
  assert.equal(queueOf(s, 'city').map((q) => q.extension), ['101', '102']);
  s.lines.c3.free = true; // not in their group
  await run(s, 1000);
  assert.equal(queueOf(s, 'city').map((q) => q.state), ['waiting', 'waiting']);
  s.lines.c1.free = true;
  await run(s, 1000);
  assert.equal(queueOf(s, 'city').map((q) => [q.extension, q.state]), [['101', 'recalling'], ['102', 'waiting']]);
  s.lines.c2.free = true;
  await run(s, 1000);
  assert.equal(queueOf(s, 'city').map((q) => [q.extension, q.state, q.line]), [['101', 'recalling', 'City 1'], ['102', 'recalling', 'City 2']]);
});

test('the queue timeout: after outside_call_policy.camp_on.timeout_s the request lapses', async () => {
  const s = setup({ camp_on: { timeout_s: 60 } });
  await dialWithLinesBusy(s, '101', '5');
  const since = s.clock.now() - queueOf(s, 'city')[0]!.since;
  s.clock.advance(59_000 - since);
  assert.is(queueOf(s, 'city').length, 1);
  s.clock.advance(1_000);
  assert.equal(queueOf(s, 'city'), []);
  assert.equal([s.campOn.at(-1)!.state, s.campOn.at(-1)!.reason], ['expired', 'no line became free in time']);
  s.lines.c1.free = true;
  await run(s, 2000);
  assert.is(s.rung.length, 0, 'nobody is rung back after the timeout');
});

test('a call-back nobody answers: after ring_s the line is let go and the request ends', async () => {
  const s = setup({ camp_on: { ring_s: 10 } });
  await dialWithLinesBusy(s, '101', '5');
  s.lines.c1.free = true;
  await run(s, 1000);
  const back = s.rung.at(-1)!.leg;
  assert.is(back.state, 'proceeding');
  await run(s, 10_000);
  assert.is(back.state, 'released');
  assert.is(s.lines.c1.legs[0]!.state, 'released', 'the line taken for it is free again');
  assert.is(s.lines.c1.free, true);
  assert.equal(s.campOn.at(-1)!.state, 'unanswered');
});

test('the cancel code #37# withdraws the request (confirmation beeps); dialled with nothing waiting it is refused', async () => {
  const s = setup();
  await dialWithLinesBusy(s, '101', '5');
  const phone = new FakeChannel('inbound', '101', { number: '101' });
  phone.setMedia(new FakeEndpoint());
  const call = s.sw.accept(phone);
  phone.dial('#37#');
  await run(s, 1000);
  assert.is(call.state, 'ended');
  assert.is(call.cause, 'normal');
  assert.equal(queueOf(s, 'city'), []);
  assert.equal([s.campOn.at(-1)!.state, s.campOn.at(-1)!.reason], ['cancelled', 'cancelled']);
  s.lines.c1.free = true;
  await run(s, 2000);
  assert.is(s.rung.length, 0);

  const again = new FakeChannel('inbound', '101', { number: '101' });
  const second = s.sw.accept(again);
  again.dial('#37#');
  await settle();
  assert.is(second.cause, 'not-found');
});

test('without the key the caller gets congestion; with accept: hangup, hanging up after the offer waits too', async () => {
  const s = setup();
  const { call } = await dialWithLinesBusy(s, '101');
  await run(s, CAMP_ON_KEY_WAIT_MS + 1000);
  assert.is(call.cause, 'congestion');
  assert.equal(queueOf(s, 'city'), []);

  const h = setup({ camp_on: { accept: 'hangup' } });
  h.lines.c1.free = h.lines.c2.free = false;
  const phone = new FakeChannel('inbound', '102', { number: '102' });
  phone.setMedia(new FakeEndpoint());
  h.sw.accept(phone);
  phone.dial('00612345678');
  await run(h, 1000);
  phone.deviceHangsUp();
  await settle();
  assert.equal(queueOf(h, 'city').map((q) => q.extension), ['102']);
});

test('emergency numbers never camp on, and a disabled camp-on is plain congestion', async () => {
  const s = setup({ camp_on: { enabled: false } });
  const { call } = await dialWithLinesBusy(s, '101', '5');
  assert.is(call.cause, 'congestion');
  assert.equal(queueOf(s, 'city'), []);
  const e = setup();
  e.lines.c1.free = e.lines.c2.free = e.lines.c3.free = false;
  const phone = new FakeChannel('inbound', '101', { number: '101' });
  phone.setMedia(new FakeEndpoint());
  const c = e.sw.accept(phone);
  phone.dial('112');
  await settle();
  assert.is(c.cause, 'congestion');
  assert.equal(queueOf(e, 'city'), []);
});

test('a request moves only as its table says', () => {
  const r = new CampOnRequest('101', '0612345678', false, ['city'], 0);
  assert.throws(() => r.transition('connected'), /camp-on/, 'waiting cannot be connected without a call-back');
  r.transition('recalling');
  r.transition('waiting');
  r.transition('expired');
  assert.ok(r.final);
  assert.throws(() => r.transition('waiting'), /camp-on/, 'a final request stays final');
});

test.run();
