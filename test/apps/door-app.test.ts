/**
 * The door call application (src/apps/door.ts) on the fake clock, over fake channels and the
 * real session, bridge and prompts: whoever answers hears why the door did not open — the
 * announcement in the site's language when they may not (outside their time profile, not
 * allowed), the congestion tone for a wrong code — and the station's own keys are not read.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventEmitter } from 'node:events';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import type { Relay } from '../../drivers/hal.js';
import { doorApplication } from '../../src/apps/door.js';
import { validateConfig } from '../../src/config/validate.js';
import { Bridge } from '../../src/core/bridge.js';
import { ChannelRegistry } from '../../src/core/channels.js';
import { ConferenceRooms } from '../../src/core/conferences.js';
import { EventBus } from '../../src/core/events.js';
import { ParkingLot } from '../../src/core/parking.js';
import { Session } from '../../src/core/session.js';
import { DoorOpener } from '../../src/doors/door-opener.js';
import { loadPrompt } from '../../src/media/prompts.js';
import { MemoryLiveState } from '../../src/store/live-state.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint } from '../helpers/fake-endpoint.js';
import { example } from '../config/example.js';

class FakeRelay extends EventEmitter implements Relay {
  readonly name = 'lock';
  energised = false;
  readonly pulses: number[] = [];
  async set(): Promise<void> {}
  async pulse(ms: number): Promise<void> {
    this.pulses.push(ms);
  }
  async close(): Promise<void> {}
}

/** A door call at Monday 07:00 Paris: 202 (Sales) may open weekdays 08:00-18:00 only; 101 is not allowed. */
function doorCall(answererExt: '101' | '202') {
  const clock = new FakeClock(Date.parse('2026-01-05T06:00:00Z'));
  const c = example();
  c.site.timezone = 'Europe/Paris';
  c.doors = [{ name: 'Front door', button: { input: 'b' }, audio: { fxs: 6 }, relay: 'lock', ring: [answererExt], code: '1590', allowed: ['600'], time_profiles: [{ who: ['600'], mon: ['08:00-18:00'] }] }];
  const config = validateConfig(c);
  const events = new EventBus(() => clock.now());
  const relay = new FakeRelay();
  const door = config.doors![0]!;
  const opener = new DoorOpener(door, relay, { clock, log: silentLogger(), events, site: () => ({ timezone: 'Europe/Paris', holidays: [], departments: config.departments }) });
  const station = new FakeChannel('inbound', 'fxs6');
  const stationHears = new FakeEndpoint();
  station.setMedia(stationHears);
  station.deviceAnswers();
  const answerer = new FakeChannel('outbound', answererExt);
  const hears = new FakeEndpoint(101);
  answerer.setMedia(hears);
  const session = new Session({
    clock, log: silentLogger(), events, channels: new ChannelRegistry(), holding: new Bridge({ clock, kind: 'holding' }), config,
    employee: (e) => ({ extension: e.extension, legs: () => (e.extension === answererExt ? [answerer] : []) }),
    outsideLine: () => ({ extension: '', legs: () => [] }), ringingCalls: () => [], parking: new ParkingLot(events), liveState: new MemoryLiveState(),
    availability: () => 'free', conferences: new ConferenceRooms({ clock, events, boardMax: 30 }),
  }, station);
  const ended = doorApplication(session.context(), { kind: 'door', door, opener });
  return { clock, station, answerer, hears, relay, opener, ended };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
/** Whether `heard` holds the start of `samples` (the first 20 ms frame, sample for sample). */
const heardStartOf = (heard: Int16Array[], samples: Int16Array): boolean => {
  const first = samples.subarray(0, 160);
  return heard.some((f) => f.length === 160 && f.every((s, i) => s === first[i]));
};

async function answerAndKey(o: ReturnType<typeof doorCall>, digits: string): Promise<void> {
  await flush();
  o.answerer.deviceAnswers();
  await flush();
  o.answerer.pressDigits(digits, 'rfc4733');
  for (let i = 0; i < 20; i++) {
    await flush();
    o.clock.advance(20);
  }
  await flush();
  for (let i = 0; i < 50; i++) o.clock.advance(20); // a second of the announcement
}

test('outside their time profile the answerer hears "you may not open this door at this time" in French; nothing opens', async () => {
  const o = doorCall('202');
  await answerAndKey(o, '1590#');
  assert.is(o.opener.recent()[0]!.result, 'outside-hours');
  assert.equal(o.relay.pulses, []);
  assert.ok(heardStartOf(o.hears.heard, loadPrompt('door-outside-hours', 'fr')!), 'the French announcement played to the answerer');
  assert.not.ok(heardStartOf(o.station.media === undefined ? [] : (o.station.media as FakeEndpoint).heard, loadPrompt('door-outside-hours', 'fr')!), 'not to the visitor');
  o.answerer.hangup('normal');
  assert.is(await o.ended, 'normal');
});

test('someone not allowed hears "you are not allowed to open this door"', async () => {
  const o = doorCall('101');
  await answerAndKey(o, '1590#');
  assert.is(o.opener.recent()[0]!.result, 'not-allowed');
  assert.ok(heardStartOf(o.hears.heard, loadPrompt('door-not-allowed', 'fr')!));
  o.answerer.hangup('normal');
  await o.ended;
});

test('the station\'s own keys are not read: no attempt at all', async () => {
  const o = doorCall('202');
  await flush();
  o.answerer.deviceAnswers();
  await flush();
  o.station.pressDigits('1590#', 'inband');
  for (let i = 0; i < 300; i++) o.clock.advance(20);
  await flush();
  assert.equal(o.opener.recent(), []);
  o.station.hangup('normal');
  await o.ended;
});

test.run();
