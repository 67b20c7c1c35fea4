/**
 * The queue application on the fake clock (the real Session, bridges, engine; the phones
 * are test channels): the sticky manager rung first and the call going on into the queue
 * when they do not answer; the agent's answer connecting the caller, then the wrap-up; the
 * maximum wait sending the caller to the overflow department; nobody logged in with
 * `join_empty` false: the overflow at once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { ConferenceRooms } from '../../src/core/conferences.js';
import { Bridge } from '../../src/core/bridge.js';
import { ChannelRegistry } from '../../src/core/channels.js';
import { EventBus, type ExchangeEvent } from '../../src/core/events.js';
import { ParkingLot } from '../../src/core/parking.js';
import { Session } from '../../src/core/session.js';
import { MemoryLiveState } from '../../src/store/live-state.js';
import { validateConfig } from '../../src/config/validate.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { applicationFor } from '../../src/apps/registry.js';
import { Acd } from '../../src/acd/acd.js';
import { controlAgent } from '../../src/acd/agent-control.js';
import type { OfficeServices } from '../../src/core/office-services.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { flush } from './harness.js';

function setup(queue: Record<string, unknown>, sticky?: string) {
  const config = validateConfig({
    site: { name: 'T', country: 'fr' },
    employees: ['201', '202', '203', '204'].map((e) => ({ name: `E ${e}`, extension: e, role: e === '201' ? 'admin' : 'user', ...(e === '201' ? { password: 'correct-horse-1' } : {}) })),
    departments: [{ name: 'Back office', extension: '600', members: ['204'] }],
    queues: [{ name: 'Support', extension: '700', agents: [{ extension: '202' }, { extension: '203' }], wrap_up_s: 10, ring_timeout_s: 15, position_interval_s: 0, ...queue }],
  });
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const seen: ExchangeEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const legs: FakeChannel[] = [];
  const acd = new Acd({ clock, log: silentLogger(), events, config: () => config, availability: () => 'free', ...(sticky ? { sticky: { lookup: async () => sticky } } : {}) });
  const caller = new FakeChannel('inbound', '0612345678');
  const session = new Session({
    clock, log: silentLogger(), events, channels: new ChannelRegistry(), holding: new Bridge({ clock, kind: 'holding' }), config,
    employee: (e) => ({ extension: e.extension, legs: () => [((l) => (legs.push(l), l))(new FakeChannel('outbound', e.extension))] }),
    outsideLine: () => ({ extension: '', legs: () => [] }), ringingCalls: () => [], parking: new ParkingLot(events),
    liveState: new MemoryLiveState(), availability: () => 'free', conferences: new ConferenceRooms({ clock, events, boardMax: 30 }),
    office: { acd } as unknown as OfficeServices,
  }, caller);
  const dest = resolveDialled(config, '700', { final: true });
  const run = applicationFor(dest)(session.context(), dest);
  const rung = (ext: string) => legs.filter((l) => l.owner === ext);
  const step = (s: string) => seen.filter((e) => e.type === 'route.step' && (e.data as { step: string }).step === s).map((e) => e.data as { extension?: string; reason?: string; path: string[] });
  /** Move the fake clock in 500 ms steps, letting the application's promises run. */
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 500) {
      clock.advance(500);
      await flush();
    }
  };
  return { clock, acd, caller, run, rung, step, pass, seen };
}

test('the sticky manager rings first; not answered, the call goes into the queue and the agent takes it; wrap-up after', async () => {
  const s = setup({ join_empty: true }, '204');
  controlAgent(s.acd.engine, '202', 'login', { by: 'test' });
  await s.pass(500);
  assert.is(s.rung('204').length, 1, 'the manager rings first');
  assert.is(s.rung('202').length, 0, 'not the queue yet');
  await s.pass(15_000);
  assert.is(s.rung('204')[0]!.cause, 'no-answer');
  assert.is(s.rung('202').length, 1, 'then the queue offers the call to 202');
  s.rung('202')[0]!.deviceAnswers();
  await s.pass(500);
  assert.is(s.acd.engine.agents.get('202').state, 'on_call');
  assert.is(s.acd.view('700')!.answered, 1);
  s.rung('202')[0]!.deviceHangsUp();
  await s.pass(500);
  assert.is(await s.run, 'normal');
  assert.is(s.acd.engine.agents.get('202').state, 'wrap_up');
  await s.pass(10_000);
  assert.is(s.acd.engine.agents.get('202').state, 'available');
  s.acd.close();
});

test('max wait: after max_wait_s without an agent the caller goes to the overflow department', async () => {
  const s = setup({ join_empty: true, max_wait_s: 60, overflow: { type: 'department', target: '600' } });
  controlAgent(s.acd.engine, '202', 'login', { by: 'test' });
  controlAgent(s.acd.engine, '202', 'pause', { by: 'test', reason: 'lunch' });
  await s.pass(59_000);
  assert.is(s.rung('204').length, 0);
  assert.is(s.acd.view('700')!.waiting, 1);
  await s.pass(2_000);
  assert.equal(s.step('overflow').map((x) => x.reason), ['max-wait']);
  assert.is(s.rung('204').length, 1, 'the department rings');
  assert.is(s.acd.view('700')!.waiting, 0);
  assert.is(s.acd.view('700')!.overflow, 1);
  s.caller.deviceHangsUp();
  await s.pass(500);
  await s.run;
  s.acd.close();
});

test('nobody logged in and join_empty false: the overflow at once; the caller\'s hang-up while waiting is an abandon', async () => {
  const s = setup({ overflow: { type: 'department', target: '600' } });
  await s.pass(500);
  assert.equal(s.step('overflow').map((x) => x.reason), ['empty']);
  assert.is(s.rung('204').length, 1);
  s.caller.deviceHangsUp();
  await s.run;
  s.acd.close();
  const w = setup({ join_empty: true, leave_when_empty: false });
  await w.pass(5_000);
  w.caller.deviceHangsUp();
  await w.pass(500);
  await w.run;
  assert.is(w.acd.view('700')!.abandoned, 1);
  assert.ok(w.seen.some((e) => e.type === 'queue.caller' && (e.data as { why?: string }).why === 'abandoned'));
  w.acd.close();
});

test.run();
