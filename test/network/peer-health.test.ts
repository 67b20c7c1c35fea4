/**
 * A peer site's health on the fake clock: a site that hangs (connection open, nothing
 * answered) is marked down within 25 s of its last answer whatever the point of the 10 s
 * probe cycle it hung at (the issue: three misses of a 10 s probe, 30 s); an up site is
 * probed every 10 s and no more; one late answer, or a site answering every probe 12 s
 * late, does not mark it down; a down site is probed at the normal pace and comes back by
 * itself; nothing is probed after stop.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { PeerHealth, type PeerState, type ProbeResult } from '../../src/network/peer-health.js';

function site(clock: FakeClock) {
  let hung = false;
  let answerAfterMs = 5;
  let probes = 0;
  const changes: Array<{ to: PeerState; at: number }> = [];
  const health = new PeerHealth({
    clock, intervalMs: 10_000, misses: 3,
    probe: (done: (r: ProbeResult) => void) => {
      probes++;
      if (!hung) clock.setTimeout(() => done('answered'), answerAfterMs);
      // A hung site never answers: the TLS transaction would time out after Timer F (32 s).
      else clock.setTimeout(() => done('timeout'), 32_000);
    },
    onChange: (to) => changes.push({ to, at: clock.monotonic() }),
  });
  return {
    health, changes,
    hang: () => { hung = true; },
    resume: () => { hung = false; },
    slow: (ms: number) => { answerAfterMs = ms; },
    probes: () => probes,
  };
}

test('a site that hangs is down within 25 s, at any point of the probe cycle', () => {
  let worst = 0;
  for (let phase = 0; phase < 10_000; phase += 250) {
    const clock = new FakeClock();
    const s = site(clock);
    s.health.start();
    clock.advance(60_000 + phase);
    assert.is(s.health.state, 'up', `phase ${phase}: up before the hang`);
    const hungAt = clock.monotonic();
    s.hang();
    clock.advance(25_000);
    assert.is(s.health.state, 'down', `phase ${phase}: down 25 s after the hang`);
    const down = s.changes.find((c) => c.to === 'down')!;
    worst = Math.max(worst, down.at - hungAt);
    s.health.stop();
    const probes = s.probes();
    clock.advance(60_000);
    assert.is(s.probes(), probes, 'no probe after stop');
  }
  assert.ok(worst <= 25_000 && worst > 20_000, `the worst phase: ${worst} ms`);
});

test('an up site is probed every 10 s, no more', () => {
  const clock = new FakeClock();
  const s = site(clock);
  s.health.start();
  clock.advance(100);
  const first = s.probes();
  clock.advance(100_000);
  assert.is(s.probes() - first, 10);
  assert.is(s.health.probing, false, 'each answered');
  assert.is(s.health.misses, 0);
  s.health.stop();
});

test('answers late by a few seconds — one, or every one 12 s late — do not mark the site down', () => {
  const clock = new FakeClock();
  const s = site(clock);
  s.health.start();
  clock.advance(20_000);
  s.slow(7_000);
  clock.advance(10_000);
  s.slow(5);
  clock.advance(30_000);
  s.slow(12_000);
  clock.advance(120_000);
  assert.equal(s.changes.map((c) => c.to), ['up'], 'never down');
  s.health.stop();
});

test('a down site is probed every 10 s, not hammered, and comes back by itself', () => {
  const clock = new FakeClock();
  const s = site(clock);
  s.health.start();
  clock.advance(15_000);
  s.hang();
  clock.advance(60_000);
  assert.is(s.health.state, 'down');
  const before = s.probes();
  s.resume();
  clock.advance(100_000);
  assert.is(s.health.state, 'up', 'back up once it answers');
  assert.ok(s.probes() - before <= 11, `probes while down and after: ${s.probes() - before}`);
  s.health.stop();
});

test.run();
