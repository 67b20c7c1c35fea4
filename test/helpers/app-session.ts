/**
 * A call session on the fake clock for unit tests of the verbs: the caller is a
 * FakeChannel, the core's plumbing is the real one (Session, registry, bridges).
 */
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { ConferenceRooms } from '../../src/core/conferences.js';
import { Bridge } from '../../src/core/bridge.js';
import { ChannelRegistry } from '../../src/core/channels.js';
import { EventBus, type ExchangeEvent } from '../../src/core/events.js';
import { ParkingLot } from '../../src/core/parking.js';
import { Session } from '../../src/core/session.js';
import { FakeChannel } from './fake-channel.js';
import { MemoryLiveState } from '../../src/store/live-state.js';

export function appSession(caller = new FakeChannel('inbound', '101')) {
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const seen: ExchangeEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const channels = new ChannelRegistry();
  const holding = new Bridge({ clock, kind: 'holding' });
  const none = { extension: '', legs: () => [] };
  const session = new Session({ clock, log: silentLogger(), events, channels, holding, config: null, employee: () => none, outsideLine: () => none, ringingCalls: () => [], parking: new ParkingLot(events),
    liveState: new MemoryLiveState(), availability: () => 'free', conferences: new ConferenceRooms({ clock, events, boardMax: 30 }) }, caller);
  return { clock, a: caller, session, ctx: session.context(), call: session.record, seen, channels, holding };
}
