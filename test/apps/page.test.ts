/**
 * The page application on the fake clock with fake channels: every member is called with
 * the page purpose, hears the pager once up (and nobody hears the members), a member that
 * does not answer in time is withdrawn, and the pager hanging up ends the page at once —
 * even while members are still being called.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { page } from '../../src/apps/page.js';
import { Bridge } from '../../src/core/bridge.js';
import { ChannelRegistry } from '../../src/core/channels.js';
import { EventBus } from '../../src/core/events.js';
import { ParkingLot } from '../../src/core/parking.js';
import { Session } from '../../src/core/session.js';
import type { LegPurpose } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import { example } from '../config/example.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { MemoryLiveState } from '../../src/store/live-state.js';
import { ConferenceRooms } from '../../src/core/conferences.js';
import { FakeEndpoint } from '../helpers/fake-endpoint.js';

function pageSession() {
  const cfg = example();
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip' }] });
  cfg.paging = [{ number: '700', name: 'Shop floor', members: ['202', '203'] }];
  const config = validateConfig(cfg);
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const legs: Array<{ leg: FakeChannel; media: FakeEndpoint; purpose?: LegPurpose }> = [];
  const pager = new FakeChannel('inbound', '201');
  const pagerMedia = new FakeEndpoint();
  pager.setMedia(pagerMedia);
  const session = new Session({
    clock, log: silentLogger(), events, channels: new ChannelRegistry(), holding: new Bridge({ clock, kind: 'holding' }), config,
    employee: (e, purpose) => ({ extension: e.extension, legs: () => {
      const leg = new FakeChannel('outbound', e.extension);
      const media = new FakeEndpoint();
      leg.setMedia(media);
      legs.push({ leg, media, ...(purpose ? { purpose } : {}) });
      return [leg];
    } }),
    outsideLine: () => ({ extension: '', legs: () => [] }), ringingCalls: () => [], parking: new ParkingLot(events),
    liveState: new MemoryLiveState(), availability: () => 'free', conferences: new ConferenceRooms({ clock, events, boardMax: 30 }),
  }, pager);
  const dest = { kind: 'page' as const, group: config.paging[0]! };
  return { clock, session, legs, pager, pagerMedia, dest };
}
const settle = () => new Promise((r) => setImmediate(r));

test('both members are called to answer by themselves; the pager is answered with the first and heard by those up, never the reverse', async () => {
  const s = pageSession();
  const done = page(s.session.context(), s.dest);
  await settle();
  assert.equal(s.legs.map((l) => [l.leg.owner, l.purpose]), [['202', { page: true }], ['203', { page: true }]]);
  assert.is(s.pager.state, 'idle', 'not answered before a member is up');
  s.legs[0]!.leg.deviceAnswers();
  await settle();
  assert.is(s.pager.state, 'up');
  s.pagerMedia.speak(1200);
  assert.is(s.legs[0]!.media.heard.at(-1)![0], 1200, '202 hears the pager');
  assert.is(s.legs[1]!.media.heard.length, 0, '203, still being called, hears nothing yet');
  s.legs[0]!.media.speak(500);
  assert.is(s.pagerMedia.heard.length, 0, 'the pager hears none of the members');
  s.clock.advance(5000); // 203 never answered: withdrawn
  assert.is(s.legs[1]!.leg.cause, 'no-answer');
  s.pager.deviceHangsUp();
  assert.is(await done, 'normal');
  assert.is(s.legs[0]!.leg.state, 'released', 'the page ends for everyone');
  assert.is(s.clock.pending(), 0);
});

test('the pager hanging up while the members are still being called withdraws them at once', async () => {
  const s = pageSession();
  const done = page(s.session.context(), s.dest);
  await settle();
  s.pager.deviceHangsUp();
  await done;
  assert.equal(s.legs.map((l) => l.leg.state), ['released', 'released']);
  assert.is(s.clock.pending(), 0, 'no answer timer left');
});

test('nobody answers: the pager gets unavailable', async () => {
  const s = pageSession();
  const done = page(s.session.context(), s.dest);
  await settle();
  s.clock.advance(5000);
  assert.is(await done, 'unavailable');
});

test.run();
