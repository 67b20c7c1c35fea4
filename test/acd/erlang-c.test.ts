/**
 * Erlang C against published figures and against the textbook formula computed the long
 * way (sums of A^k/k!), and its numerical stability where the long way overflows.
 *
 * Published values:
 * - Issue 14 (and the usual call-centre tables): 100 calls/h, 180 s handling (A = 5 erlangs),
 *   20 s target: 7 agents ≈ 74 %, 8 agents ≈ 88 % answered in time. Checked here by hand:
 *   B(7, 5) = 0.1205, C(7, 5) = 7·B/(7 − 5·(1 − B)) = 0.3241, SL = 1 − 0.3241·e^(−2·20/180) = 0.7404;
 *   C(8, 5) = 0.1673, SL = 1 − 0.1673·e^(−3·20/180) = 0.8801.
 * - Westbay Engineers, "The Erlang-C formula" (erlang.com, the worked example behind their
 *   Erlang C calculator): 360 calls per half hour, 4 minutes' handling, 55 agents, 15 s
 *   target: traffic 48 erlangs, occupancy 87.3 %, probability of waiting ≈ 23.9 %, average
 *   speed of answer ≈ 8.2 s, service level ≈ 84.6 %.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentsFor, averageSpeedOfAnswer, erlangB, erlangC, occupancy, serviceLevel, trafficErlangs } from '../../src/acd/erlang-c.js';

const near = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

/** The textbook formula, summed term by term (fine below ~150 agents, where A^N/N! still fits a double). */
function erlangCDirect(n: number, a: number): number {
  let term = 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = term * (n / (n - a));
  return top / (sum + top);
}

test('100 calls/h of 180 s, 20 s target: 7 agents ≈ 74 %, 8 agents ≈ 88 % (issue 14)', () => {
  assert.is(trafficErlangs(100, 180), 5);
  near(serviceLevel(7, 100, 180, 20), 0.74, 0.005, '7 agents');
  near(serviceLevel(8, 100, 180, 20), 0.88, 0.005, '8 agents');
  near(erlangC(7, 5), 0.3241, 0.0001, 'probability of waiting, 7 agents');
  near(averageSpeedOfAnswer(8, 100, 180), 10.04, 0.01, 'ASA, 8 agents');
  near(occupancy(8, 100, 180), 0.625, 1e-12, 'occupancy, 8 agents');
});

test('Westbay Engineers\' worked example: 360 calls per 30 min, 240 s, 55 agents, 15 s', () => {
  const perHour = 720;
  assert.is(trafficErlangs(perHour, 240), 48);
  near(occupancy(55, perHour, 240), 0.873, 0.0005, 'occupancy');
  near(erlangC(55, 48), 0.239, 0.001, 'probability of waiting');
  near(averageSpeedOfAnswer(55, perHour, 240), 8.2, 0.05, 'average speed of answer');
  near(serviceLevel(55, perHour, 240, 15), 0.846, 0.001, 'service level');
});

test('the Erlang B recursion equals the textbook formula wherever the latter can be computed', () => {
  for (const [n, a] of [[1, 0.5], [3, 2.2], [10, 7], [40, 31.5], [120, 110]] as const) {
    near(erlangC(n, a), erlangCDirect(n, a), 1e-9, `C(${n}, ${a})`);
  }
  near(erlangB(2, 1), 0.2, 1e-12, 'B(2, 1) = (1/2) / (1 + 1 + 1/2)');
});

test('500 agents and beyond: no overflow where the textbook way overflows', () => {
  near(erlangC(500, 480), erlangCDirect(500, 480), 1e-9, 'C(500, 480): the terms still fit a double');
  assert.ok(Number.isNaN(erlangCDirect(2000, 1950)), 'the textbook way overflows at 2000 agents');
  const c = erlangC(2000, 1950);
  assert.ok(c > 0 && c < 1, `C(2000, 1950) = ${c}`);
  const sl = serviceLevel(500, 480 * 20, 180, 20);
  assert.ok(sl > 0.9 && sl < 1, `service level ${sl}`);
  const big = agentsFor(0.8, 20, 10_000, 180); // 500 erlangs
  assert.ok(big.agents > 500 && big.agents < 540, `${big.agents} agents for 500 erlangs`);
  assert.ok(big.service_level >= 0.8);
});

test('agentsFor: the smallest N reaching the target, with N−2 … N+2', () => {
  const s = agentsFor(0.8, 20, 100, 180);
  assert.is(s.agents, 8, '7 agents give 74 %, 8 give 88 %');
  near(s.service_level, 0.8801, 0.0001, 'its service level');
  assert.equal(s.table.map((r) => r.agents), [6, 7, 8, 9, 10]);
  assert.ok(s.table[1]!.service_level < 0.8 && s.table[2]!.service_level >= 0.8, 'N−1 misses the target, N reaches it');
  for (let i = 1; i < s.table.length; i++) assert.ok(s.table[i]!.service_level > s.table[i - 1]!.service_level, 'more agents, better service');
  assert.equal(agentsFor(0.5, 20, 10, 60).table.map((r) => r.agents), [1, 2, 3], 'no rows below one agent');
});

test('overload and edge cases: N ≤ A waits forever; no traffic never waits; bad input is refused', () => {
  assert.is(erlangC(5, 5), 1);
  assert.is(serviceLevel(4, 100, 180, 20), 0);
  assert.is(averageSpeedOfAnswer(5, 100, 180), Infinity);
  assert.is(occupancy(4, 100, 180), 1);
  assert.is(erlangC(3, 0), 0);
  assert.is(serviceLevel(1, 0, 180, 20), 1);
  assert.throws(() => erlangC(2.5, 1), /whole number/);
  assert.throws(() => serviceLevel(3, 10, 0, 20), /handling time/);
  assert.throws(() => agentsFor(1, 20, 100, 180), /between 0 and 1/);
  assert.throws(() => agentsFor(0.8, 20, 1e9, 180), /more than/);
});

test.run();
