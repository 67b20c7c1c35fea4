/**
 * HookDiscriminator with the card's HOOK stamps (PROTOCOL.md §2.1): events reach the host late
 * and bunched behind the one-at-a-time reliable channel, yet digits, flashes and hang-ups are
 * judged by when the loop really moved on the card.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { cardElapsed, HookDiscriminator, type HookSignal } from '../../drivers/linecard/sig-analog.js';

/**
 * A phone on a card whose events are held back: `loop()` records a stamped transition on the
 * card clock, `deliver()` hands everything recorded so far to the host at the host's now.
 * The card clock starts just before its u32 wrap so every test crosses it.
 */
function line(cardStart = 0xffffff00) {
  const clock = new FakeClock();
  const out: HookSignal[] = [];
  const d = new HookDiscriminator(clock, (s) => out.push(s));
  let cardNow = cardStart;
  let pending: Array<[boolean, number]> = [];
  return {
    clock, out, d,
    /** The loop changes now on the card; the card's time then runs on for ms. */
    loop(offHook: boolean, ms: number): void {
      pending.push([offHook, cardNow >>> 0]);
      cardNow += ms;
    },
    /** The card's time runs on (nothing changes on the loop). */
    wait(ms: number): void {
      cardNow += ms;
    },
    deliver(): void {
      const batch = pending;
      pending = [];
      for (const [off, at] of batch) d.raw(off, at);
    },
  };
}

/** n pulses at 10 pps: 60 ms break, 40 ms make. */
function pulses(l: ReturnType<typeof line>, n: number): void {
  for (let i = 0; i < n; i++) {
    l.loop(false, 60);
    l.loop(true, 40);
  }
}

test('card stamps are compared modulo 2^32', () => {
  assert.is(cardElapsed(0xfffffff0, 0x10), 0x20);
  assert.is(cardElapsed(100, 160), 60);
});

test('ten pulse transitions arriving all at once, 200 ms late, are still the digit 0', () => {
  const l = line();
  l.loop(true, 1000);
  l.deliver();
  pulses(l, 10);
  l.clock.advance(200 + 1000); // the whole train happened; nothing has arrived yet
  l.deliver();
  assert.equal(l.out, [{ type: 'offHook' }], 'the digit ends after the interdigit time, on the host clock');
  l.clock.advance(300);
  assert.equal(l.out, [{ type: 'offHook' }, { type: 'pulseDigit', digit: '0' }]);
  assert.ok(l.d.offHook);
});

test('two pulse digits delivered in one burst stay two digits (the card-time make between them ends the first)', () => {
  const l = line();
  l.loop(true, 500);
  l.deliver();
  pulses(l, 3);
  l.wait(600); // the dial's interdigit pause
  pulses(l, 4);
  l.clock.advance(2000);
  l.deliver();
  l.clock.advance(300);
  assert.equal(l.out, [{ type: 'offHook' }, { type: 'pulseDigit', digit: '3' }, { type: 'pulseDigit', digit: '4' }]);
});

test('a 60 ms break whose make arrives 150 ms after it is a pulse, not a flash', () => {
  const l = line();
  l.loop(true, 500);
  l.deliver();
  l.loop(false, 60);
  l.deliver(); // the break arrives on time…
  l.clock.advance(150);
  l.loop(true, 0);
  l.deliver(); // …the make 150 ms later (it waited for the break's ACK on a loaded host)
  l.clock.advance(300);
  assert.equal(l.out, [{ type: 'offHook' }, { type: 'pulseDigit', digit: '1' }]);
});

test('a 300 ms flash delivered bunched (break and make together) is a 300 ms flash', () => {
  const l = line();
  l.loop(true, 500);
  l.deliver();
  l.loop(false, 300);
  l.loop(true, 0);
  l.clock.advance(700);
  l.deliver();
  assert.equal(l.out, [{ type: 'offHook' }, { type: 'flash', durationMs: 300 }]);
  assert.ok(l.d.offHook);
});

test('a long on-hook with no later event ends the call on the host timer', () => {
  const l = line();
  l.loop(true, 500);
  l.deliver();
  l.loop(false, 0);
  l.clock.advance(200); // the break arrives late
  l.deliver();
  l.clock.advance(800);
  assert.equal(l.out, [{ type: 'offHook' }], 'the timer runs from the arrival: link delay never hangs up early');
  l.clock.advance(1);
  assert.equal(l.out, [{ type: 'offHook' }, { type: 'onHook' }]);
  assert.not.ok(l.d.offHook);
});

test('a 1.5 s on-hook whose break and make arrive together is a hang-up and a new call, not a flash', () => {
  const l = line();
  l.loop(true, 500);
  l.deliver();
  l.loop(false, 1500);
  l.loop(true, 0);
  l.clock.advance(1600);
  l.deliver();
  assert.equal(l.out, [{ type: 'offHook' }, { type: 'onHook' }, { type: 'offHook' }]);
  assert.ok(l.d.offHook);
  l.clock.advance(5000);
  assert.is(l.out.length, 3, 'no stale hang-up timer');
});

test('after a card HELLO a break started on the old clock is timed on the host clock', () => {
  const l = line(5_000_000);
  l.loop(true, 500);
  l.deliver();
  l.loop(false, 0);
  l.deliver();
  l.d.forgetCardTime(); // the card rebooted: its clock restarted near 0
  l.clock.advance(300);
  l.d.raw(true, 20);
  assert.equal(l.out, [{ type: 'offHook' }, { type: 'flash', durationMs: 300 }]);
});

test.run();
