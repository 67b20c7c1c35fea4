/**
 * FxoLine over a fake FXO port and the fake clock: incoming ring → caller ID → route,
 * answer by seizing, cancel; outgoing seize → dial tone → dial → up; disconnect supervision.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { FxoLine } from '../../../src/channels/fxo/fxo-line.js';
import { inboundRouteFor } from '../../../src/channels/fxo/inbound-route.js';
import { FakeFxoPort, toneFrame } from '../../helpers/fake-ports.js';
import { log, office, RecordingRouter } from '../analog-config.js';

function setup(name: string | null = 'City 1') {
  const clock = new FakeClock();
  const port = new FakeFxoPort(1, 0);
  const router = new RecordingRouter();
  const line = new FxoLine({ port, clock, log, router, country: () => 'fr', inboundRoute: (n) => inboundRouteFor(office, n) });
  line.assign(name ?? undefined);
  return { clock, port, router, line };
}
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
/** Play `ms` of a tone with an on/off cadence into the line (20 ms frames). */
function hear(port: FakeFxoPort, freqs: number[], cadence: number[], ms: number): void {
  const period = cadence.reduce((a, b) => a + b, 0);
  for (let t = 0; t < ms; t += 20) {
    let phase = period ? t % period : 0;
    let on = true;
    for (const d of cadence) {
      if (phase < d) break;
      phase -= d;
      on = !on;
    }
    port.hear(toneFrame(freqs, on, 3000, (t / 20) * 160));
  }
}

test('a ring waits for caller ID, then the call goes to the number route\'s target with that caller ID; the line is not seized yet', () => {
  const { port, router, line } = setup();
  port.ringStart();
  assert.is(line.state, 'ringing');
  port.ringBurst(1);
  assert.is(router.accepted.length, 0, 'caller ID comes after the first ring');
  port.callerId({ number: '0612345678', name: 'DURAND' });
  assert.is(router.accepted.length, 1);
  const { leg, destination } = router.accepted[0]!;
  assert.is(destination, '0140000001', 'the line asks for its number; the core routes it by the office mode');
  assert.equal(leg.caller, { number: '0612345678', name: 'DURAND' });
  assert.is(leg.owner, 'City 1');
  assert.is(line.state, 'offered');
  assert.is(port.seized, false);
});

test('no caller ID: the second ring routes the call as anonymous; with no second ring either, the wait times out', () => {
  const a = setup();
  a.port.ringStart();
  a.port.ringBurst(1);
  a.port.ringBurst(2);
  assert.equal(a.router.accepted[0]?.leg.caller, { number: 'anonymous' });

  const b = setup();
  b.port.ringStart();
  b.clock.advance(6999);
  assert.is(b.router.accepted.length, 0);
  b.clock.advance(1);
  assert.is(b.router.accepted[0]?.destination, '0140000001');
});

test('a line no number routes is not answered: it rings on and goes idle when the ringing stops', () => {
  const { port, router, line } = setup('City 9');
  port.ringStart();
  port.callerId({ number: '0612345678' });
  port.ringBurst(2);
  assert.is(router.accepted.length, 0);
  assert.is(line.state, 'ringing');
  port.ringEnd();
  assert.is(line.state, 'idle');
  assert.is(port.seized, false);
});

test('the destination answering seizes the line; a polarity reversal is the caller hanging up', async () => {
  const { port, router, line } = setup();
  port.ringStart();
  port.callerId({ number: '0612345678' });
  const leg = router.accepted[0]!.leg;
  leg.ringing();
  assert.is(leg.state, 'alerting');
  leg.answer();
  await flush();
  assert.is(port.seized, true);
  assert.is(leg.state, 'up');
  assert.is(line.state, 'talking');
  port.reverse();
  await flush();
  assert.is(leg.cause, 'normal');
  assert.is(port.seized, false);
  assert.is(line.state, 'idle');
});

test('ringing that stops before an answer cancels the call; a call nobody takes leaves the line ringing unanswered', () => {
  const a = setup();
  a.port.ringStart();
  a.port.callerId({ number: '0612345678' });
  const leg = a.router.accepted[0]!.leg;
  a.port.ringEnd();
  assert.is(leg.cause, 'normal');
  assert.is(a.line.state, 'idle');

  const b = setup();
  b.port.ringStart();
  b.port.callerId({ number: '0612345678' });
  b.router.accepted[0]!.leg.hangup('no-answer');
  assert.is(b.line.state, 'ringing');
  assert.is(b.port.seized, false);
  b.port.ringBurst(3);
  assert.is(b.router.accepted.length, 1, 'not routed twice');
  b.port.ringEnd();
  assert.is(b.line.state, 'idle');
});

test('outgoing: seize, wait for dial tone, dial, then the call is up; a busy tone from the exchange releases it', async () => {
  const { port, line } = setup();
  port.holdDial = true;
  const leg = line.seizeFor('0612345678')!;
  assert.ok(leg);
  assert.is(line.seizeFor('0699999999'), undefined, 'one call per line');
  leg.call({ number: '101', name: 'Reception' });
  await flush();
  assert.is(port.seized, true);
  assert.is(port.dialled, '', 'waits for dial tone');
  hear(port, [440], [], 500);
  await flush();
  assert.is(port.dialled, '0612345678');
  assert.is(leg.state, 'proceeding');
  port.finishDial();
  await flush();
  assert.is(leg.state, 'up');
  assert.is(line.state, 'talking');
  hear(port, [440], [1500, 3500], 5000); // the far end's ringback is not a disconnect
  assert.is(leg.state, 'up');
  hear(port, [440], [500, 500], 2600);
  await flush();
  assert.is(leg.cause, 'normal');
  assert.is(port.seized, false);
  assert.is(line.state, 'idle');
});

test('outgoing without dial tone dials after 2 s anyway', async () => {
  const { port, line, clock } = setup();
  line.seizeFor('0612345678')!.call({ number: '101' });
  await flush();
  clock.advance(1999);
  await flush();
  assert.is(port.dialled, '');
  clock.advance(1);
  await flush();
  assert.is(port.dialled, '0612345678');
});

test('outgoing: the first reversal is the answer, the next one the hang-up; a loop-current drop also ends the call', async () => {
  const a = setup();
  const leg = a.line.seizeFor('0612345678')!;
  leg.call({ number: '101' });
  hear(a.port, [440], [], 500);
  await flush();
  assert.is(leg.state, 'up');
  a.port.reverse();
  assert.is(leg.state, 'up');
  a.port.reverse();
  assert.is(leg.cause, 'normal');

  const b = setup();
  const leg2 = b.line.seizeFor('0612345678')!;
  leg2.call({ number: '101' });
  await flush(); // seized: now the dial-tone wait runs
  b.clock.advance(2000);
  await flush();
  assert.is(leg2.state, 'up');
  b.port.fire('loopCurrent', false);
  assert.is(leg2.cause, 'normal');
  assert.is(b.port.seized, false);
});

test('the far end dropping the loop while the last digits go out ends the call and releases the line, rather than leaving a call nobody is on', async () => {
  const { port, line } = setup();
  port.holdDial = true;
  const leg = line.seizeFor('0612345678')!;
  leg.call({ number: '101' });
  await flush();
  hear(port, [440], [], 500);
  await flush();
  assert.is(port.dialled, '0612345678');
  assert.is(line.state, 'dialing', 'the card has not confirmed the digits yet');
  port.fire('loopCurrent', false);
  assert.is(leg.cause, 'normal');
  assert.is(port.seized, false, 'back on-hook');
  assert.is(line.state, 'idle');
  port.finishDial(); // the card's late "dialled": nothing comes back to life
  await flush();
  assert.is(line.state, 'idle');
  assert.is(leg.state, 'released');
  assert.ok(line.free, 'the line is free for the next call');
});

test('the core hanging up an outgoing call releases the line; an unnamed line is never seized for outside calls', async () => {
  const a = setup();
  const leg = a.line.seizeFor('0612345678')!;
  leg.call({ number: '101' });
  await flush();
  a.clock.advance(2000);
  await flush();
  leg.hangup('normal');
  await flush();
  assert.is(a.port.seized, false);
  assert.is(a.line.state, 'idle');

  const b = setup(null);
  assert.is(b.line.seizeFor('0612345678'), undefined);
});

test.run();
