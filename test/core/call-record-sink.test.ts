/**
 * The Switch hands each call's record to its CallRecordSink (the CDR store) synchronously
 * when the call ends, before `call.ended` is published; a sink that fails is logged and
 * the call still ends and is still published.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import type { CallRecordData } from '../../src/core/call-record.js';
import { validateConfig } from '../../src/config/validate.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { example } from '../config/example.js';

const settle = () => new Promise((r) => setImmediate(r));

function setup(write: (r: CallRecordData) => void) {
  const config = validateConfig(example());
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const order: string[] = [];
  events.on('call.ended', () => order.push('published'));
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config, records: { write: (r) => (order.push('written'), write(r)) } });
  const legs: FakeChannel[] = [];
  sw.addLegFactory({ tech: 'sip', legsFor: (e) => [legs[legs.length] = new FakeChannel('outbound', e.extension)] });
  return { clock, sw, legs, order };
}

test('the record is written once, synchronously, before call.ended is published — with the leg that answered', async () => {
  const written: CallRecordData[] = [];
  const { clock, sw, legs, order } = setup((r) => written.push(r));
  const a = new FakeChannel('inbound', '201', { number: '201', name: 'Galina Ivanovna' });
  sw.accept(a);
  a.dial('202');
  await settle();
  clock.advance(4000);
  legs[0]!.deviceAnswers();
  await settle();
  clock.advance(6000);
  a.deviceHangsUp();
  assert.equal(order, ['written', 'published'], 'written in the tick the call ended, before anyone is told');
  assert.is(written.length, 1);
  const r = written[0]!;
  assert.equal([r.from, r.fromName, r.owner, r.to, r.disposition], ['201', 'Galina Ivanovna', '201', '202', 'answered']);
  assert.is(r.answeredAt! - r.startedAt, 4000);
  assert.is(r.endedAt! - r.answeredAt!, 6000);
  assert.equal(r.legs.map((l) => [l.owner, l.answeredAt !== undefined, l.endedAt !== undefined]), [['202', true, true]], 'legs hung up before the write');
});

test('a sink that throws does not keep the call up: the call ends and is published', async () => {
  const { sw, legs, order } = setup(() => {
    throw new Error('disk full');
  });
  const a = new FakeChannel('inbound', '201');
  sw.accept(a);
  a.dial('202');
  await settle();
  legs[0]!.deviceAnswers();
  await settle();
  a.deviceHangsUp();
  assert.equal(order, ['written', 'published']);
  assert.is(legs[0]!.state, 'released');
  assert.equal(sw.activeCalls(), []);
});

test.run();
