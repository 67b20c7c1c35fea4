/**
 * Conference rooms in the core, on the fake clock with fake channels and endpoints (the
 * SIP end-to-end tests are test/channels/sip/conference.test.ts): who hears whom in a
 * room, the PIN (wrong PIN refused, tries limited, the caller locked out and let in again
 * after the lockout), the room's and the board's caps announced, the room ending with its
 * last member, the CDR's bridge and the live view's rooms, and `*3` pulling the dialler's
 * other calls into their ad-hoc room.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { FakeClock } from '../../common/clock.js';
import { EventBus, type ExchangeEvent } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { PIN_LIMIT } from '../../src/core/conferences.js';
import { PIN_TRIES } from '../../src/apps/conference.js';
import { validateConfig } from '../../src/config/validate.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint } from '../helpers/fake-endpoint.js';
import { example } from '../config/example.js';

const PIN = '4321';

function setup(opts: { boardMax?: number } = {}) {
  const raw = example();
  for (const ext of ['203', '204', '205', '206']) raw.employees.push({ name: `Phone ${ext}`, extension: ext, devices: [{ type: 'sip' }] });
  raw.conferences = [{ number: '700', pin: PIN, max_members: 3 }, { number: '710' }];
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const seen: ExchangeEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const sw = new Switch({ clock, log, events, config: () => config, ...(opts.boardMax ? { conferenceMax: opts.boardMax } : {}) });
  const legs: FakeChannel[] = [];
  sw.addLegFactory({
    tech: 'sip',
    legsFor: (e) => {
      const leg = new FakeChannel('outbound', e.extension);
      leg.setMedia(new FakeEndpoint());
      legs.push(leg);
      return [leg];
    },
  });
  /** `from` (with a media endpoint) dials `to`. */
  const call = (from: string, to: string) => {
    const a = new FakeChannel('inbound', from, { number: from });
    const ear = new FakeEndpoint();
    a.setMedia(ear);
    const record = sw.accept(a);
    a.dial(to);
    return { a, ear, record };
  };
  /** Let prompts and chimes play out on the fake clock. */
  const play = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      await settle();
    }
  };
  return { clock, sw, seen, logs, legs, call, play };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

const refusals = (seen: ExchangeEvent[]) => seen.filter((e) => e.type === 'conference.refused').map((e) => (e.data as { reason: string }).reason);

/** Each speaks its own constant level for a while; what each hears in the last frames. */
async function levels(clock: FakeClock, members: Array<{ ear: FakeEndpoint; level: number }>): Promise<number[]> {
  for (const m of members) m.ear.heard.length = 0;
  for (let i = 0; i < 10; i++) {
    for (const m of members) m.ear.speak(m.level);
    clock.advance(20);
    await settle();
  }
  return members.map((m) => m.ear.heard.at(-2)![80]!);
}

test('an open room: three callers, each hears the other two and never itself; the room ends with its last member', async () => {
  const { sw, seen, call, play, clock } = setup();
  const a = call('201', '710');
  const b = call('202', '710');
  const c = call('203', '710');
  await play(600); // the entry chimes
  assert.is(a.a.state, 'up', 'the exchange answers');
  assert.equal(sw.conferences.list().map((r) => [r.room, r.kind, r.members.map((m) => m.owner)]), [['710', 'meet-me', ['201', '202', '203']]]);
  const room = sw.bridges().find((br) => br.has(a.a))!;
  assert.is(room.mode, 'mix', 'three members are mixed');
  const heard = await levels(clock, [{ ear: a.ear, level: 1000 }, { ear: b.ear, level: 2000 }, { ear: c.ear, level: 4000 }]);
  assert.equal(heard, [6000, 5000, 3000], 'each hears the sum of the others, never itself');
  assert.ok(sw.liveView().conferences.length === 1, '/api/calls shows the room');
  assert.ok(sw.liveView().bridges.some((br) => br.id === room.id && br.members.length === 3));

  a.a.deviceHangsUp();
  await play(400);
  assert.is(room.size, 2);
  assert.ok(['relay', 'transcode', 'decoded'].includes(room.mode), `two members are a two-party path (${room.mode}), not the mixer`);
  b.a.deviceHangsUp();
  c.a.deviceHangsUp();
  await settle();
  assert.equal(sw.conferences.list(), [], 'the room ended with its last member');
  assert.equal(seen.filter((e) => e.type.startsWith('conference.')).map((e) => e.type), ['conference.started', 'conference.ended']);
  const ended = seen.filter((e) => e.type === 'call.ended').map((e) => (e.data as { record: { bridges: Array<{ bridge: string }>; disposition: string } }).record);
  assert.is(ended.length, 3);
  for (const r of ended) assert.ok(r.bridges.some((br) => br.bridge === room.id), 'the CDR shows the conference bridge');
});

test('a PIN room: a wrong PIN is refused with a prompt, the right one lets the caller in; the digits are never logged', async () => {
  const { sw, seen, logs, call, play } = setup();
  const a = call('201', '700');
  await settle();
  assert.is(a.a.state, 'up', 'answered to ask for the PIN');
  assert.equal(sw.conferences.list(), [], 'not in the room before the PIN');
  a.a.pressDigits('1111#');
  await play(3000); // the wrong-PIN prompt, then the PIN prompt again
  assert.equal(refusals(seen), [], 'one wrong PIN is not the end');
  assert.equal(sw.conferences.list(), []);
  for (const d of `${PIN}#`) a.a.pressDigits(d, 'rfc4733');
  await settle();
  assert.equal(sw.conferences.list().map((r) => r.members.map((m) => m.owner)), [['201']], 'in the room');
  const text = logs.join('\n');
  assert.not.match(text, /1111|4321/, 'no PIN in the log');
  assert.not.match(JSON.stringify(seen), /1111|4321/, 'no PIN in the events');
});

test(`${PIN_TRIES} wrong PINs end the call; repeated failures lock the caller out of every room until the lockout ends`, async () => {
  const { seen, call, play, clock } = setup();
  const a = call('201', '700');
  await settle();
  for (let i = 0; i < PIN_TRIES; i++) {
    a.a.pressDigits('9999#');
    await play(3000);
  }
  assert.is(a.a.state, 'released', 'let go after the last try');
  assert.is(a.record.toJSON().cause, 'rejected');
  assert.equal(refusals(seen), ['wrong-pin']);

  const b = call('201', '700'); // two more wrong PINs: the limit of PIN_LIMIT.maxFailures
  await settle();
  for (let i = PIN_TRIES; i < PIN_LIMIT.maxFailures; i++) {
    b.a.pressDigits('9999#');
    await play(3000);
  }
  await play(4000);
  assert.is(b.a.state, 'released');
  assert.equal(refusals(seen), ['wrong-pin', 'locked']);

  const c = call('201', '700');
  await settle();
  assert.is(c.a.state, 'up', 'early media: the lockout is announced'); // FakeChannel has no progress(): answered
  c.a.pressDigits(`${PIN}#`); // even the right PIN is not asked for
  await play(5000);
  assert.is(c.a.state, 'released');
  assert.is(c.record.toJSON().cause, 'barred');
  assert.equal(refusals(seen).at(-1), 'locked');

  const other = call('202', '700'); // another caller is not locked
  await settle();
  other.a.pressDigits(`${PIN}#`);
  await settle();
  assert.is(other.a.state, 'up');

  clock.advance(PIN_LIMIT.lockMs);
  const d = call('201', '700');
  await settle();
  d.a.pressDigits(`${PIN}#`);
  await settle();
  assert.is(d.a.state, 'up', 'after the lockout the right PIN lets 201 in');
  assert.is(refusals(seen).at(-1), 'locked', 'and is not refused');
});

test('a full room and a full board: the caller hears "the conference is full" and gets busy', async () => {
  const { sw, seen, call, play } = setup({ boardMax: 4 });
  for (const ext of ['201', '202', '203']) {
    const x = call(ext, '700');
    await settle();
    x.a.pressDigits(`${PIN}#`);
    await settle();
  }
  assert.is(sw.conferences.list()[0]!.members.length, 3);
  const fourth = call('204', '700'); // max_members 3
  await settle();
  assert.is(sw.conferences.list()[0]!.members.length, 3, 'not let in');
  await play(200);
  assert.ok(fourth.ear.heard.some((f) => f.some((s) => s !== 0)), 'hears the announcement');
  await play(5000);
  assert.is(fourth.record.toJSON().cause, 'busy');
  assert.equal(refusals(seen), ['room-full']);

  const e = call('205', '710'); // the board's 4th member
  await settle();
  const f = call('206', '710'); // the 5th: beyond media.conference_max
  await play(5000);
  assert.is(e.a.state, 'up');
  assert.is(f.record.toJSON().cause, 'busy');
  assert.equal(refusals(seen), ['room-full', 'board-full']);
});

test('*3: the dialler\'s other calls (held or not) transfer their peers into the dialler\'s ad-hoc room; the three talk', async () => {
  const { sw, legs, call, play, clock } = setup();
  const first = call('201', '202');
  await settle();
  legs[0]!.deviceAnswers();
  await settle();
  const second = call('201', '203');
  await settle();
  legs[1]!.deviceAnswers();
  await settle();
  first.a.emit('hold', true); // 201's phone holds the first call while consulting 203
  await settle();
  const code = call('201', '*3');
  await play(600);
  assert.equal(sw.conferences.list().map((r) => [r.room, r.kind, r.members.map((m) => m.owner).sort()]), [['201', 'ad-hoc', ['201', '202', '203']]]);
  assert.is(first.a.state, 'released', '201\'s leg of the held call is released');
  assert.is(second.a.state, 'released', '201\'s leg of the consultation call is released');
  const p202 = legs[0]!.media as FakeEndpoint;
  const p203 = legs[1]!.media as FakeEndpoint;
  const heard = await levels(clock, [{ ear: code.ear, level: 1000 }, { ear: p202, level: 2000 }, { ear: p203, level: 4000 }]);
  assert.equal(heard, [6000, 5000, 3000]);
  code.a.deviceHangsUp(); // the holder leaves: the other two go on
  await play(400);
  assert.equal(sw.conferences.list()[0]!.members.map((m) => m.owner).sort(), ['202', '203']);
  assert.is(legs[0]!.state, 'up');
});

test('in-call * 3: the keyer and the other party go into the keyer\'s room with the keyer\'s held call; * then 3 too late is no code', async () => {
  const { sw, legs, call, play, clock } = setup();
  const first = call('201', '202');
  await settle();
  legs[0]!.deviceAnswers();
  await settle();
  first.a.emit('hold', true);
  const second = call('201', '203');
  await settle();
  legs[1]!.deviceAnswers();
  await settle();
  second.a.pressDigits('*', 'rfc4733');
  clock.advance(3500);
  second.a.pressDigits('3', 'rfc4733');
  await settle();
  assert.equal(sw.conferences.list(), [], '* then 3 after 3.5 s is not the code');
  second.a.pressDigits('*', 'rfc4733');
  second.a.pressDigits('3', 'rfc4733');
  await play(600);
  assert.equal(sw.conferences.list().map((r) => r.members.map((m) => m.owner).sort()), [['201', '202', '203']]);
  assert.is(first.a.state, 'released', 'the held call\'s leg of 201 ends');
  assert.is(second.a.state, 'up', '201 stays on the consultation call, now in the room');
  legs[1]!.deviceHangsUp(); // 203 leaves: 201 and 202 go on
  await play(400);
  assert.equal(sw.conferences.list()[0]!.members.map((m) => m.owner).sort(), ['201', '202']);
  assert.is(second.a.state, 'up');
});

test('* 3 from a caller who is no employee (a city line) is only DTMF: no room, the call goes on', async () => {
  const { sw, legs, call, play } = setup();
  const outside = call('City 1', '202');
  await settle();
  legs[0]!.deviceAnswers();
  await settle();
  outside.a.pressDigits('*3', 'inband');
  await play(300);
  assert.equal(sw.conferences.list(), []);
  assert.is(outside.a.state, 'up');
  assert.is(legs[0]!.state, 'up');
});

test('dial plan and numbering plan: rooms and *3 are dialable, a room number clashing with an extension is refused', () => {
  const raw = example();
  raw.conferences = [{ number: '201' }];
  assert.throws(() => validateConfig(raw), /conferences\[0\]\.number|201/);
  const ok = example();
  ok.conferences = [{ number: '700', pin: '12' }];
  assert.throws(() => validateConfig(ok), /4 to 8 digits/);
});

test.run();
