/**
 * Tags, Call-IDs, branches, nonces and SDP session ids are unpredictable (RFC 3261 §19.3:
 * cryptographically random, at least 32 bits): no two share a prefix that a counter would
 * leave, consecutive ones differ in many bits, and they use only token characters.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newBranch, newCallId, newTag } from '../../src/sip/builders.js';
import { randomDecimal, randomToken } from '../../src/sip/random.js';
import { DigestServer, parseChallenge } from '../../src/sip/digest.js';
import { isToken } from '../../src/sip/header-values.js';
import { FakeClock } from '../../common/clock.js';

const N = 2000;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Bits that differ between two equal-length strings' base64url decodings. */
function bitsApart(a: string, b: string): number {
  const x = Buffer.from(a, 'base64url');
  const y = Buffer.from(b, 'base64url');
  let d = 0;
  for (let i = 0; i < x.length; i++) for (let v = x[i]! ^ y[i]!; v; v >>= 1) d += v & 1;
  return d;
}

function checkIds(name: string, make: () => string, strip: (s: string) => string, randomBits: number): void {
  const ids = Array.from({ length: N }, make);
  assert.is(new Set(ids).size, N, `${name}: all unique`);
  const bodies = ids.map(strip);
  for (const b of bodies) {
    assert.ok(B64URL.test(b), `${name}: ${b} is base64url`);
    assert.is(Buffer.from(b, 'base64url').length * 8, randomBits, `${name}: ${randomBits} random bits`);
  }
  // A counter (or a fixed prefix plus one) leaves consecutive ids a few bits apart; random
  // ones are about half their bits apart. The smallest distance over N pairs stays far above a counter's.
  let min = Infinity;
  let sum = 0;
  for (let i = 1; i < N; i++) {
    const d = bitsApart(bodies[i - 1]!, bodies[i]!);
    min = Math.min(min, d);
    sum += d;
  }
  assert.ok(min >= randomBits / 8, `${name}: consecutive ids differ in at least ${randomBits / 8} bits (min ${min})`);
  const mean = sum / (N - 1);
  assert.ok(Math.abs(mean - randomBits / 2) < randomBits / 16, `${name}: on average half the bits differ (${mean})`);
  // No shared leading run across all ids (a per-process prefix would show here).
  assert.ok(new Set(bodies.map((b) => b.slice(0, 2))).size > 100, `${name}: no common prefix`);
}

test('tags: 64 random bits, token characters', () => {
  checkIds('tag', newTag, (s) => s, 64);
  assert.ok(isToken(newTag()));
});

test('branches: the magic cookie and 72 random bits', () => {
  checkIds('branch', newBranch, (s) => (assert.ok(s.startsWith('z9hG4bK')), s.slice(7)), 72);
  assert.ok(isToken(newBranch()));
});

test('Call-IDs: 96 random bits, @host kept', () => {
  checkIds('call-id', () => newCallId('pbx.example'), (s) => (assert.ok(s.endsWith('@pbx.example')), s.slice(0, -'@pbx.example'.length)), 96);
  checkIds('call-id', () => newCallId(), (s) => s, 96);
});

test('the pool never hands out the same bytes twice, also across a refill', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) seen.add(randomToken(9)); // 45 kB: several refills of the pool
  assert.is(seen.size, 5000);
});

test('digest nonces: the random part differs in about half its bits', () => {
  const srv = new DigestServer({ realm: 'r', clock: new FakeClock() });
  const randomPart = () => parseChallenge(srv.challenge()[0]!)!.nonce.split('.')[1]!;
  checkIds('nonce', randomPart, (s) => s, 72);
});

test('SDP session ids: decimal, below 2**53, not sequential', () => {
  const ids = Array.from({ length: N }, randomDecimal);
  assert.is(new Set(ids).size, N);
  for (const id of ids) {
    assert.ok(/^[0-9]{1,16}$/.test(id), id);
    assert.ok(Number(id) <= Number.MAX_SAFE_INTEGER);
  }
  const steps = ids.slice(1).map((id, i) => Math.abs(Number(id) - Number(ids[i])));
  assert.ok(steps.filter((s) => s < 1e9).length < 5, 'consecutive ids are far apart');
});

test.run();
