import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Channel, HangupCause } from '../../src/channels/channel.js';
import type { DialTarget } from '../../src/core/session.js';
import { dial, DialFailed, type RingStrategy } from '../../src/apps/dial.js';
import { bridge } from '../../src/apps/bridge.js';
import type { MediaEndpoint } from '../../src/media/endpoint.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { appSession } from '../helpers/app-session.js';

type RingOutcome = { answered: Channel } | { failed: HangupCause };

/** Members whose legs the test can reach; `legs` made at each offer are recorded. */
function members(...exts: string[]) {
  const made = new Map<string, FakeChannel[]>();
  const targets: DialTarget[] = exts.map((extension) => ({
    extension,
    legs: () => {
      const leg = new FakeChannel('outbound', extension);
      made.set(extension, [...(made.get(extension) ?? []), leg]);
      return [leg];
    },
  }));
  const ringing = () => [...made.values()].flat().filter((l) => l.state === 'proceeding' || l.state === 'alerting').map((l) => l.owner).sort();
  const last = (ext: string) => made.get(ext)!.at(-1)!;
  return { targets, ringing, last };
}

function setup() {
  const s = appSession();
  /** dial() as the outcome the ring strategies are checked by. */
  const ringGroup = (targets: DialTarget[], strategy: RingStrategy, timeoutMs: number): Promise<RingOutcome> =>
    dial(s.ctx, targets, { strategy, timeout_ms: timeoutMs }).then(
      (answered) => ({ answered }),
      (err: unknown) => {
        if (err instanceof DialFailed) return { failed: err.cause };
        throw err;
      },
    );
  return { ...s, ringGroup };
}

test('all at once: every member rings; the first to answer gets the call, the others stop', async () => {
  const { clock, a, call, ringGroup } = setup();
  const m = members('201', '202', '203');
  const done = ringGroup(m.targets, 'all_at_once', 20_000);
  assert.equal(m.ringing(), ['201', '202', '203']);
  m.last('202').deviceRings();
  assert.ok(a.log.includes('ringing'), 'the caller hears ringback');
  clock.advance(5_000);
  m.last('202').deviceAnswers();
  const r = (await done) as { answered: FakeChannel };
  assert.is(r.answered.owner, '202');
  assert.is(a.state, 'up');
  assert.is(m.last('201').cause, 'answered-elsewhere');
  assert.is(m.last('203').cause, 'answered-elsewhere');
  assert.is(call.state, 'connected');
});

test('all at once: nobody answers within the timeout → no-answer, all legs stop', async () => {
  const { clock, ringGroup } = setup();
  const m = members('201', '202');
  const done = ringGroup(m.targets, 'all_at_once', 20_000);
  clock.advance(19_999);
  assert.equal(m.ringing(), ['201', '202']);
  clock.advance(1);
  assert.equal(await done, { failed: 'no-answer' } satisfies RingOutcome);
  assert.equal(m.ringing(), []);
  assert.is(clock.pending(), 0, 'no timer left behind');
});

test('all at once: everyone busy → the caller hears busy at once', async () => {
  const { clock, ringGroup } = setup();
  const m = members('201', '202');
  const done = ringGroup(m.targets, 'all_at_once', 20_000);
  m.last('201').deviceHangsUp('busy');
  m.last('202').deviceHangsUp('unavailable');
  assert.equal(await done, { failed: 'busy' });
});

test('one by one: each member rings alone for the step, in order', async () => {
  const { clock, ringGroup } = setup();
  const m = members('201', '202', '203');
  const done = ringGroup(m.targets, 'one_by_one', 15_000);
  assert.equal(m.ringing(), ['201']);
  clock.advance(15_000);
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(m.ringing(), ['202']);
  m.last('202').deviceHangsUp('busy'); // busy member: move on at once
  await new Promise((r) => setImmediate(r));
  assert.equal(m.ringing(), ['203']);
  m.last('203').deviceAnswers();
  const r = (await done) as { answered: FakeChannel };
  assert.is(r.answered.owner, '203');
});

test('more and more: each step adds the next member while the others keep ringing', async () => {
  const { clock, ringGroup } = setup();
  const m = members('201', '202', '203');
  const done = ringGroup(m.targets, 'more_and_more', 10_000);
  const tick = async (ms: number) => {
    clock.advance(ms);
    await new Promise((r) => setImmediate(r));
  };
  assert.equal(m.ringing(), ['201']);
  await tick(10_000);
  assert.equal(m.ringing(), ['201', '202']);
  await tick(10_000);
  assert.equal(m.ringing(), ['201', '202', '203']);
  m.last('201').deviceAnswers();
  const r = (await done) as { answered: FakeChannel };
  assert.is(r.answered.owner, '201');
  assert.equal(m.ringing(), []);
});

test('every leg a ring group calls is asked to place its media near the caller\'s (so the call relays in one worker)', async () => {
  const { a, ringGroup } = setup();
  const callerMedia: MediaEndpoint = { onFrame: () => () => {}, writeFrame: () => {} };
  a.setMedia(callerMedia);
  const m = members('201', '202', '203');
  const done = ringGroup(m.targets, 'all_at_once', 20_000);
  for (const ext of ['201', '202', '203']) assert.is(m.last(ext).placement?.near, callerMedia, ext);
  a.deviceHangsUp('normal');
  await done;
});

test('the caller hangs up while ringing: every leg is cancelled', async () => {
  const { clock, a, call, ringGroup } = setup();
  const m = members('201', '202');
  const done = ringGroup(m.targets, 'all_at_once', 20_000);
  a.deviceHangsUp('normal');
  assert.equal(await done, { failed: 'cancelled' });
  assert.is(m.last('201').cause, 'cancelled');
  assert.is(call.state, 'ended');
});

test('after the answer, either side hanging up ends the call and releases the other', async () => {
  const { a, call, ringGroup, session, ctx } = setup();
  const m = members('201');
  const done = ringGroup(m.targets, 'all_at_once', 20_000);
  m.last('201').deviceAnswers();
  const r = (await done) as { answered: FakeChannel };
  const talking = bridge(ctx, [a, r.answered]).then(() => session.end('normal')); // the employee application's script
  m.last('201').deviceHangsUp('normal');
  await talking;
  assert.is(call.state, 'ended');
  assert.is(a.state, 'released');
  assert.is(a.cause, 'normal');
});

test.run();
