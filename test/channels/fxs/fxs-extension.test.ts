/**
 * FxsExtension over a fake FXS port and the fake clock: what a person at an analog phone
 * hears and what the core is told, from lifting the handset to hanging up.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { FxsExtension } from '../../../src/channels/fxs/fxs-extension.js';
import type { FxsChannel } from '../../../src/channels/fxs/fxs-channel.js';
import type { Channel, HangupCause } from '../../../src/channels/channel.js';
import { FakeFxsPort } from '../../helpers/fake-ports.js';
import { log, RecordingRouter } from '../analog-config.js';

function setup(owner: { number: string; name?: string } | null = { number: '101', name: 'Reception' }) {
  const clock = new FakeClock();
  const port = new FakeFxsPort(1, 2);
  const router = new RecordingRouter();
  /** The n-th leg the phone dialled, as the FXS channel it is (its capability). */
  const fxsLeg = (n: number): FxsChannel => router.accepted[n]!.leg as FxsChannel;
  const ext = new FxsExtension({ port, clock, log, router, country: () => 'fr', ringCadence: () => [1500, 3500] });
  ext.assign(owner ?? undefined);
  return { clock, port, router, ext, fxsLeg };
}
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
const hangupOf = (leg: Channel): { cause?: HangupCause } => {
  const r: { cause?: HangupCause } = {};
  leg.once('hangup', (c) => (r.cause = c));
  return r;
};

test('lifting gives the French dial tone; the first digit stops it; a complete extension goes to the core', async () => {
  const { port, router, ext } = setup();
  port.lift();
  await flush();
  assert.is(ext.state, 'dialing');
  assert.equal(port.tone, { frequencies: [440], levelDbm0: -10 });
  port.dial('1');
  await flush();
  assert.is(port.tone, undefined);
  port.dial('02');
  assert.is(router.accepted.length, 1);
  const leg = router.accepted[0]!.leg;
  assert.is(router.accepted[0]!.destination, '102');
  assert.equal(leg.caller, { number: '101', name: 'Reception' });
  assert.is(leg.state, 'proceeding');
  assert.is(ext.state, 'calling');
});

test('ringback while the callee rings, talk once answered, busy tone when the far end hangs up, idle on-hook', async () => {
  const { port, router, ext } = setup();
  port.lift();
  port.dial('102');
  const leg = router.accepted[0]!.leg;
  leg.ringing();
  await flush();
  assert.equal(port.tone, { frequencies: [440], levelDbm0: -10, cadence: [1500, 3500] });
  assert.is(leg.state, 'alerting');
  leg.answer();
  await flush();
  assert.is(port.tone, undefined);
  assert.is(leg.state, 'up');
  assert.is(ext.state, 'talking');
  leg.hangup('normal');
  await flush();
  assert.is(leg.state, 'released');
  assert.equal(port.tone, { frequencies: [440], levelDbm0: -10, cadence: [500, 500] }, 'busy tone until on-hook');
  assert.is(ext.state, 'tone');
  port.hangUp();
  await flush();
  assert.is(ext.state, 'idle');
  assert.is(port.tone, undefined);
});

test('hanging up while the call rings releases the leg with normal (the core makes it cancelled)', () => {
  const { port, router, ext } = setup();
  port.lift();
  port.dial('102');
  const leg = router.accepted[0]!.leg;
  const h = hangupOf(leg);
  port.hangUp();
  assert.is(h.cause, 'normal');
  assert.is(ext.state, 'idle');
});

test('an invalid number or no digit at all gives the reorder tone and reaches no one', async () => {
  const a = setup();
  a.port.lift();
  a.port.dial('9');
  await flush();
  assert.equal(a.port.tone, { frequencies: [440], levelDbm0: -10, cadence: [250, 250] });
  assert.is(a.ext.state, 'tone');
  assert.is(a.router.accepted.length, 0);

  const b = setup();
  b.port.lift();
  b.clock.advance(16_000);
  await flush();
  assert.equal(b.port.tone?.cadence, [250, 250]);
  assert.is(b.router.accepted.length, 0);
  b.port.hangUp();
  assert.is(b.ext.state, 'idle');
});

test('a phone on a port no employee owns gets the reorder tone', async () => {
  const { port, ext, router } = setup(null);
  port.lift();
  await flush();
  assert.is(ext.state, 'tone');
  assert.equal(port.tone?.cadence, [250, 250]);
  assert.is(router.accepted.length, 0);
});

test('an incoming call rings with the caller number and name and the country cadence; lifting answers', async () => {
  const { port, ext } = setup();
  const leg = ext.offer();
  const states: string[] = [];
  leg.on('state', (s) => states.push(s));
  leg.call({ number: '0612345678', name: 'Mme Durand' });
  await flush();
  assert.equal(port.ringingWith, { callerId: { number: '0612345678', name: 'Mme Durand' }, cadence: [1500, 3500] });
  assert.is(ext.state, 'ringing');
  assert.equal(ext.peer, { number: '0612345678', name: 'Mme Durand' });
  port.lift();
  assert.equal(states, ['alerting', 'up']);
  assert.is(ext.state, 'talking');
  port.hangUp();
  assert.is(leg.state, 'released');
  assert.is(leg.cause, 'normal');
});

test('an anonymous caller rings with "unavailable" instead of a number', async () => {
  const { port, ext } = setup();
  ext.offer().call({ number: 'anonymous' });
  await flush();
  assert.equal(port.ringingWith?.callerId, { numberAbsence: 'unavailable' });
});

test('a busy phone refuses a second call with busy; the caller giving up stops the ringing', async () => {
  const { port, ext } = setup();
  const leg = ext.offer();
  leg.call({ number: '102' });
  const second = ext.offer();
  const h = hangupOf(second);
  second.call({ number: '103' });
  assert.is(h.cause, 'busy');
  leg.hangup('cancelled');
  await flush();
  assert.is(port.ringing, false);
  assert.is(ext.state, 'idle');
  // Off-hook but idle (someone about to dial) is busy too.
  port.lift();
  const third = ext.offer();
  const h3 = hangupOf(third);
  third.call({ number: '102' });
  assert.is(h3.cause, 'busy');
});

test('a hook flash is only reported: the call still talks until the application holds it; held, nothing passes; taken back, sound flows again', async () => {
  const { port, router , fxsLeg } = setup();
  port.lift();
  port.dial('102');
  const leg = fxsLeg(0);
  leg.answer();
  const heard: Int16Array[] = [];
  leg.media!.onFrame((f) => heard.push(f));
  const speech = new Int16Array(160).fill(1000);
  let flashes = 0;
  leg.on('flash', () => flashes++);
  port.flash();
  await flush();
  assert.is(flashes, 1, 'the flash is an event of the leg');
  assert.is(port.tone, undefined, 'no policy in the channel: no dial tone by itself');
  port.fire('audio', speech);
  assert.is(heard.length, 1, 'the call still talks after a flash nobody acted on');

  const holds: boolean[] = [];
  leg.on('hold', (h) => holds.push(h));
  leg.analogPhone.setHeld(true);
  port.fire('audio', speech);
  leg.media!.writeFrame(speech);
  assert.is(heard.length, 1, 'the held party hears nothing of the phone');
  assert.is(port.sent.length, 0, 'and the phone nothing of it');
  leg.analogPhone.setHeld(false);
  port.fire('audio', speech);
  assert.is(heard.length, 2);
  assert.equal(holds, [true, false]);
  assert.is(leg.state, 'up');
});

test('a second call from the phone: dial tone, its digits reach no one, its number goes to the core as a new leg; the first call stays', async () => {
  const { port, router, ext , fxsLeg } = setup();
  port.lift();
  port.dial('102');
  const first = fxsLeg(0);
  first.answer();
  const passed: string[] = [];
  first.on('digits', (d) => passed.push(d));
  first.analogPhone.setHeld(true);
  const second = first.analogPhone.dialSecondCall() as FxsChannel;
  assert.ok(second, 'the port can make a second call');
  assert.is(first.analogPhone.dialSecondCall(), undefined, 'but not a third');
  await flush();
  assert.equal(port.tone, { frequencies: [440], levelDbm0: -10 }, 'dial tone for the second call');
  port.dial('102');
  await flush();
  assert.is(router.accepted.length, 2);
  assert.is(router.accepted[1]!.leg, second);
  assert.is(router.accepted[1]!.destination, '102');
  assert.equal(passed, [], 'the number is not DTMF to the held party');
  second.ringing();
  await flush();
  assert.equal(port.tone, { frequencies: [440], levelDbm0: -10, cadence: [1500, 3500] }, 'ringback for the second call');
  second.answer();
  await flush();
  assert.is(port.tone, undefined);
  assert.is(ext.state, 'talking');
  second.hangup('normal');
  await flush();
  assert.equal(port.tone, { frequencies: [440], levelDbm0: -10, cadence: [500, 500] }, 'busy tone: the consulted party hung up');
  assert.is(first.state, 'up', 'the held call stays');
  assert.is(ext.state, 'talking', 'the phone still has a call');
  let flashes = 0;
  first.on('flash', () => flashes++);
  port.flash();
  assert.is(flashes, 1, 'the flash goes to the remaining call');
  first.analogPhone.setHeld(false);
  await flush();
  assert.is(port.tone, undefined, 'taking the call back stops the tone');
});

test('hanging up with two calls: the application hears of it while both legs are still up, then both end', async () => {
  const { port, router, ext , fxsLeg } = setup();
  port.lift();
  port.dial('102');
  const first = fxsLeg(0);
  first.answer();
  first.analogPhone.setHeld(true);
  const second = first.analogPhone.dialSecondCall() as FxsChannel;
  port.dial('102');
  second.answer();
  const seen: string[] = [];
  first.analogPhone.onHungUp(() => seen.push(`${first.state}/${second.state}`));
  port.hangUp();
  assert.equal(seen, ['up/up']);
  assert.is(first.cause, 'normal');
  assert.is(second.cause, 'normal');
  assert.is(ext.state, 'idle');
});

test('the card going offline ends the call with failure; back online with the phone on-hook is idle', () => {
  const { port, router, ext } = setup();
  port.lift();
  port.dial('102');
  const leg = router.accepted[0]!.leg;
  ext.setOnline(false);
  assert.is(leg.cause, 'failure');
  assert.is(ext.state, 'offline');
  port.offHook = false;
  ext.setOnline(true);
  assert.is(ext.state, 'idle');
});

test('dispose stops listening to the port', () => {
  const { port, ext } = setup();
  ext.dispose();
  assert.is(port.listeners('offHook'), 0);
  assert.is(port.listeners('digit'), 0);
});

test('a page to a loudspeaker port: up at once without ringing, the audio goes to the on-hook port, no tone after the page', async () => {
  const { port, ext, clock } = setup(null); // an amplifier: nobody's phone
  const leg = ext.offer({ page: true });
  leg.call({ number: '201', name: 'Galina' });
  await flush();
  assert.is(leg.state, 'up');
  assert.is(ext.state, 'talking');
  assert.not.ok(port.log.some((l) => l.startsWith('ring')), 'it never rings');
  leg.media!.writeFrame(new Int16Array(160).fill(1000));
  assert.ok(port.sent.length > 0 && port.sent.at(-1)![0] === 1000, 'the page reaches the port');
  leg.hangup('normal');
  await flush();
  clock.advance(1000);
  assert.is(ext.state, 'idle');
  assert.is(port.tone, undefined, 'no busy tone out of the loudspeaker');
  const next = ext.offer();
  next.call({ number: '201' });
  await flush();
  assert.is(ext.state, 'ringing', 'the next ordinary offer rings again');
});

test('a hot line (an analog door station): lifting dials its number at once, no dial tone; as a telephone again once cleared', async () => {
  const { port, router, ext } = setup(null);
  ext.setHotline('Front door');
  port.lift();
  await flush();
  assert.is(router.accepted.length, 1);
  assert.is(router.accepted[0]!.destination, 'Front door');
  assert.is(router.accepted[0]!.leg.owner, 'fxs1', 'the port, no one\'s telephone');
  assert.is(port.tone, undefined, 'no dial tone');
  assert.is(ext.state, 'calling');
  port.hangUp();
  await flush();
  ext.setHotline(undefined);
  port.lift();
  await flush();
  assert.is(router.accepted.length, 1, 'nothing dialled');
  assert.is(ext.state, 'tone', 'an unassigned port: the congestion tone');
});

test.run();
