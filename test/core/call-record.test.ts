import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus, type ExchangeEvents } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { example } from '../config/example.js';

const settle = () => new Promise((r) => setImmediate(r));

function setup() {
  const config = validateConfig(example());
  const clock = new FakeClock(1_700_000_000_000);
  const events = new EventBus(() => clock.now());
  const ended: Array<ExchangeEvents['call.ended']> = [];
  events.on('call.ended', (d) => ended.push(d));
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config });
  const legs: FakeChannel[] = [];
  sw.addLegFactory({ tech: 'sip', legsFor: (e) => [legs[legs.push(new FakeChannel('outbound', e.extension)) - 1]!] });
  return { clock, sw, legs, ended };
}

test('an answered call: the leg offered and answered, the bridge joined, start/answer/end times, disposition answered', async () => {
  const { clock, sw, legs, ended } = setup();
  const t0 = clock.now();
  const a = new FakeChannel('inbound', '201', { number: '201', name: 'Galina Ivanovna' });
  sw.accept(a);
  a.dial('202');
  await settle();
  clock.advance(4_000);
  legs[0]!.deviceAnswers();
  await settle();
  clock.advance(60_000);
  a.deviceHangsUp();
  assert.is(ended.length, 1);
  const r = ended[0]!.record;
  assert.is(r.channel, a.id);
  assert.is(r.from, '201');
  assert.is(r.to, '202');
  assert.equal(r.legs, [{ channel: legs[0]!.id, owner: '202', tech: 'sip', offeredAt: t0, answeredAt: t0 + 4_000, endedAt: t0 + 64_000, cause: 'normal' }]);
  assert.is(r.bridges.length, 1);
  assert.is(r.bridges[0]!.at, t0 + 4_000);
  assert.is(r.startedAt, t0);
  assert.is(r.answeredAt, t0 + 4_000);
  assert.is(r.endedAt, t0 + 64_000);
  assert.is(r.cause, 'normal');
  assert.is(r.disposition, 'answered');
});

test('dispositions of calls nobody answered: busy, no answer, cancelled, barred, failed', async () => {
  const cases: Array<[string, (s: ReturnType<typeof setup>, a: FakeChannel) => Promise<void>, string, number]> = [
    ['202', async (s) => s.legs[0]!.deviceHangsUp('busy'), 'busy', 1],
    ['202', async (s) => void s.clock.advance(30_000), 'no-answer', 1],
    ['202', async (_s, a) => a.deviceHangsUp(), 'cancelled', 1],
    ['0004420794600', async () => {}, 'barred', 0],
    ['299', async () => {}, 'failed', 0],
  ];
  for (const [number, act, disposition, offered] of cases) {
    const s = setup();
    const a = new FakeChannel('inbound', '201');
    s.sw.accept(a);
    a.dial(number);
    await settle();
    await act(s, a);
    await settle();
    const r = s.ended[0]?.record;
    assert.ok(r, `${disposition}: call.ended published`);
    assert.is(r.disposition, disposition, number);
    assert.is(r.legs.length, offered);
    assert.is(r.answeredAt, undefined);
    assert.equal(r.bridges, []);
  }
});

test.run();
