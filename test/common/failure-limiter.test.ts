/** The failure limits of logins (web) and digest authentication (SIP), on the fake clock. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { FailureLimiter, LoginLimits, type Lockout } from '../../common/failure-limiter.js';

const OPTS = { maxFailures: 3, windowMs: 60_000, lockMs: 300_000 };

function limits(spareKnownAddresses = false) {
  const clock = new FakeClock();
  const warnings: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const lockouts: Lockout[] = [];
  const l = new LoginLimits(clock, { warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }) }, {
    service: 'sip', perAddress: { ...OPTS, maxFailures: 5 }, perAccount: OPTS, spareKnownAddresses, onLockout: (x) => lockouts.push(x),
  });
  return { clock, l, warnings, lockouts };
}

test('a key is locked after maxFailures within the window, and free again after lockMs', () => {
  const clock = new FakeClock();
  const f = new FailureLimiter(clock, OPTS);
  assert.is(f.fail('a'), false);
  assert.is(f.fail('a'), false);
  assert.is(f.retryAfterMs('a'), 0);
  assert.is(f.fail('a'), true);
  assert.is(f.retryAfterMs('a'), 300_000);
  clock.advance(299_999);
  assert.is(f.retryAfterMs('a'), 1);
  clock.advance(1);
  assert.is(f.retryAfterMs('a'), 0);
});

test('failures older than the window do not count', () => {
  const clock = new FakeClock();
  const f = new FailureLimiter(clock, OPTS);
  f.fail('a');
  f.fail('a');
  clock.advance(60_000);
  assert.is(f.fail('a'), false);
  assert.is(f.retryAfterMs('a'), 0);
});

test('forgive clears only the failures from the given source, and never a lockout in force', () => {
  const clock = new FakeClock();
  const f = new FailureLimiter(clock, OPTS);
  f.fail('201', 'attacker');
  f.fail('201', 'desk');
  f.forgive('201', 'desk');
  assert.is(f.fail('201', 'attacker'), false);
  assert.is(f.fail('201', 'desk'), true, "the attacker's two failures still count");
  f.forgive('201');
  assert.ok(f.retryAfterMs('201') > 0);
});

test("one account's success never clears the failures counted against the address (no laundering)", () => {
  const { l, lockouts } = limits();
  // An attacker at 10.0.0.9 guesses 202's password, and holds a valid account 201 of its own.
  for (let i = 0; i < 4; i++) {
    l.fail('10.0.0.9', '202');
    if (i === 1) l.succeed('10.0.0.9', '201');
  }
  l.succeed('10.0.0.9', '201');
  assert.is(l.retryAfterMs('10.0.0.9', '201'), 0);
  l.fail('10.0.0.9', '203');
  assert.ok(l.retryAfterMs('10.0.0.9', '201') > 0, 'the fifth failure locks the address, successes in between or not');
  assert.ok(lockouts.some((x) => x.kind === 'address' && x.key === '10.0.0.9'));
});

test('per-extension lockout: failures against one extension from many addresses lock it, logged and announced without secrets', () => {
  const { clock, l, warnings, lockouts } = limits();
  l.fail('10.0.0.1', '202');
  l.fail('10.0.0.2', '202');
  assert.is(l.retryAfterMs('10.0.0.3', '202'), 0);
  l.fail('10.0.0.3', '202');
  assert.is(l.retryAfterMs('10.0.0.4', '202'), 300_000, 'any address waits for 202');
  assert.is(l.retryAfterMs('10.0.0.4', '201'), 0, 'other extensions are not affected');
  assert.is(l.retryAfterMs('10.0.0.4'), 0);
  assert.equal(lockouts, [{ service: 'sip', kind: 'extension', key: '202', until: clock.now() + 300_000 }]);
  assert.is(warnings.length, 1);
  assert.equal(warnings[0]!.obj, { service: 'sip', kind: 'extension', extension: '202', until: new Date(clock.now() + 300_000).toISOString() });
  assert.match(warnings[0]!.msg, /202 locked out/);
});

test("an extension's own success forgives its own typos from there, not a guesser's from elsewhere", () => {
  const { l: l2 } = limits();
  l2.fail('10.0.0.66', '202');
  l2.fail('192.168.1.20', '202'); // 202's owner mistypes…
  l2.succeed('192.168.1.20', '202'); // …then gets it right: only that failure is forgiven
  l2.fail('10.0.0.66', '202');
  assert.is(l2.retryAfterMs('10.0.0.66', '202'), 0, 'two failures of the guesser');
  l2.fail('10.0.0.66', '202');
  assert.ok(l2.retryAfterMs('10.0.0.66', '202') > 0, "the guesser's failures were not laundered by the owner's success");
});

test('spareKnownAddresses: a locked extension still works from where it last authenticated', () => {
  const { l } = limits(true);
  l.succeed('192.168.1.20', '202');
  for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) l.fail(a, '202');
  assert.is(l.retryAfterMs('192.168.1.20', '202'), 0, "202's desk phone keeps registering");
  assert.ok(l.retryAfterMs('10.0.0.4', '202') > 0);
});

test.run();
