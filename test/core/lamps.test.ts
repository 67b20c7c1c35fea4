/** The lamp board on the channel registry with the unit-test channel: RFC 4235 states per direction, the idle lamp, DND, pickup tokens. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChannelRegistry } from '../../src/core/channels.js';
import { EventBus, type ExchangeEvent } from '../../src/core/events.js';
import { LampBoard } from '../../src/core/lamps.js';
import type { Availability } from '../../src/core/availability.js';
import { FakeChannel } from '../helpers/fake-channel.js';

function board() {
  const channels = new ChannelRegistry();
  const events = new EventBus(() => 0);
  const seen: ExchangeEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const avail = new Map<string, Availability>();
  const lamps = new LampBoard({
    channels, events, availability: (ext) => avail.get(ext) ?? 'free', isEmployee: (ext) => ext.startsWith('2'), pickupCode: () => '*8',
  });
  const changes: string[] = [];
  lamps.onChange((ext) => changes.push(ext));
  return { channels, events, lamps, avail, changes, lampEvents: () => seen.filter((e) => e.type === 'lamp').map((e) => e.data as { extension: string; lamp: string }) };
}
const states = (b: ReturnType<typeof board>, ext: string) => b.lamps.view(ext).dialogs.map((d) => `${d.state}/${d.direction}`);

test('a call to the employee: trying, early, confirmed, then the last call terminated; each change pushed once', () => {
  const b = board();
  const ch = new FakeChannel('outbound', '202', { number: '201', name: 'Galina' }); // a real leg learns its caller in call()
  b.channels.add(ch);
  assert.equal(states(b, '202'), ['trying/recipient']);
  ch.call({ number: '201', name: 'Galina' }); // proceeding: still trying, no change pushed
  assert.equal(b.changes, ['202']);
  ch.ringing();
  assert.equal(states(b, '202'), ['early/recipient']);
  assert.is(b.lamps.view('202').lamp, 'ringing');
  assert.equal(b.lamps.view('202').dialogs[0]!.remote, { number: '201', name: 'Galina' });
  const callId = b.lamps.view('202').dialogs[0]!.callId;
  assert.is(b.lamps.ringingCall(callId), ch, 'the token names the ringing call');
  ch.answer();
  assert.equal(states(b, '202'), ['confirmed/recipient']);
  assert.is(b.lamps.ringingCall(callId), undefined, 'answered: nothing to pick up');
  ch.hangup('normal');
  assert.equal(states(b, '202'), ['terminated/recipient']);
  assert.is(b.lamps.view('202').lamp, 'idle');
  assert.equal(b.changes, ['202', '202', '202', '202']);
  assert.equal(b.lampEvents().map((e) => e.lamp), ['busy', 'ringing', 'busy', 'idle']);
});

test('a call the employee places is the initiator: trying, early; DND and reachability from availability; lines have no lamp', () => {
  const b = board();
  const ch = new FakeChannel('inbound', '203');
  b.channels.add(ch);
  assert.equal(states(b, '203'), ['trying/initiator']);
  ch.dial('201'); // collecting digits: still trying
  assert.equal(states(b, '203'), ['trying/initiator']);
  assert.equal(b.lamps.view('203').dialogs[0]!.remote, { number: '201' });
  ch.ringing(); // the callee rings
  assert.equal(states(b, '203'), ['early/initiator']);
  assert.is(b.lamps.view('203').lamp, 'busy', 'placing a call is busy, not ringing');
  assert.is(b.lamps.ringingCall(b.lamps.view('203').dialogs[0]!.callId), undefined, 'one\'s own call out is no pickup');
  b.avail.set('203', 'dnd');
  b.lamps.touch('203');
  assert.is(b.lamps.view('203').lamp, 'dnd', 'DND wins over busy');
  b.avail.set('204', 'unreachable');
  assert.is(b.lamps.view('204').lamp, 'unreachable');
  assert.equal(b.lamps.view('204').dialogs, []);
  b.channels.add(new FakeChannel('inbound', 'line-1'));
  assert.equal(b.changes.filter((c) => c === 'line-1'), []);
  // An analog phone's port: offline and back are changes; its other states are its channels' business.
  const before = b.changes.length;
  const port = (state: string) => b.events.emit('line.state', { kind: 'fxs', port: 3, card: 'lc1', state, assigned: '205', peer: null });
  port('idle');
  port('offline');
  port('offline');
  port('idle');
  port('dialing');
  assert.equal(b.changes.slice(before), ['205', '205']);
});

test.run();
