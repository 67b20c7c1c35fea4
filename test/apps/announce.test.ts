/**
 * The secretary console's announce in the core (apps/announce.ts, secretary-desk.ts) on the
 * fake clock, with fake channels and the real SQLite store: 201 calls director 200, the
 * secretary 210 answers, the console types the caller's name and announces —
 *
 * - the director's phone is offered the call showing the typed name, while the caller holds;
 * - nobody answers within ANNOUNCE_RING_MS: the director stops ringing, the secretary is back with the caller;
 * - "take back" while it rings does the same at once;
 * - the secretary hangs up while it rings: the director's answer puts the caller through (an attended transfer).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { FailureLimiter } from '../../common/failure-limiter.js';
import { silentLogger } from '../../common/log.js';
import { EventBus } from '../../src/core/events.js';
import { OfficeMode } from '../../src/core/office-mode.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Party } from '../../src/channels/channel.js';
import { ANNOUNCE_RING_MS } from '../../src/apps/announce.js';
import { SecretaryDesk } from '../../src/secretary/desk.js';
import { WaitingCallers } from '../../src/secretary/services.js';
import { SecretaryRepository } from '../../src/secretary/store.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from '../config/example.js';

function setup() {
  const raw = example();
  raw.employees.push(
    { name: 'Semyon Petrov', extension: '200', devices: [{ type: 'sip', secret: 's3cret-200' }] },
    { name: 'Marina Vorobyova', extension: '210', devices: [{ type: 'sip', secret: 's3cret-210' }] },
  );
  raw.executives = [{ extension: '200', assistants: ['210'], hold_reminder_s: 600 }];
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const db = openDatabase(tempDir());
  const desk = new SecretaryDesk();
  const mode = new OfficeMode({ clock, log: silentLogger(), events, config: () => config, store: { forced: () => undefined, saveForced: () => {}, clearForced: () => {} } });
  const office = {
    mode, modePin: () => '1234', pinFailures: new FailureLimiter(clock, { maxFailures: 5, windowMs: 60_000, lockMs: 60_000 }),
    secretary: { repo: new SecretaryRepository(db, () => clock.now()), waiting: new WaitingCallers(), desk, namesDir: tempDir() },
  };
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config, office });
  const legs: FakeChannel[] = [];
  const shown: Array<[string, Party]> = [];
  sw.addLegFactory({
    tech: 'sip',
    legsFor: (e) => {
      const l = new FakeChannel('outbound', e.extension);
      const call = l.call.bind(l);
      l.call = (p, h) => { shown.push([e.extension, p]); call(p, h); };
      legs.push(l);
      return [l];
    },
  });
  return { clock, sw, events, legs, shown, desk, close: () => { mode.close(); closeDatabase(db); } };
}
const settle = async () => { for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r)); };

/** 201 calls 200; 210 answers: the caller, the secretary's leg, the desk's actions. */
async function secretaryTalks(s: ReturnType<typeof setup>) {
  const caller = new FakeChannel('inbound', '201', { number: '201', name: 'Galina Ivanovna' });
  s.sw.accept(caller);
  caller.dial('200');
  await settle();
  const secretary = s.legs.find((l) => l.owner === '210')!;
  assert.ok(secretary, 'the secretary rings');
  secretary.deviceAnswers();
  await settle();
  const [entry] = s.desk.list();
  assert.is(entry?.state, 'talking', 'the call is on the desk');
  return { caller, secretary, call: entry!.call, actions: s.desk.get(entry!.call)!.actions };
}

test('the typed name on the director\'s phone; no answer: the secretary is back with the caller', async () => {
  const s = setup();
  const { caller, secretary, call, actions } = await secretaryTalks(s);
  actions.present('Jean Dupont');
  assert.equal(s.desk.get(call)!.entry.caller, { number: '201', name: 'Jean Dupont' });
  assert.is(actions.announce(), true);
  await settle();
  const director = s.legs.find((l) => l.owner === '200')!;
  assert.equal(s.shown.find(([ext]) => ext === '200')![1], { number: '201', name: 'Jean Dupont' }, 'the director sees the typed name');
  assert.ok(s.sw.holding.has(caller), 'the caller holds with music');
  assert.is(s.desk.get(call)!.entry.state, 'announcing');
  assert.is(actions.join(), 'the director has not answered', 'no join while it rings');
  director.deviceRings();
  s.clock.advance(ANNOUNCE_RING_MS);
  await settle();
  assert.is(director.state, 'released', 'the director stops ringing');
  assert.not.ok(s.sw.holding.has(caller), 'the caller is out of the music');
  assert.is(secretary.state, 'up');
  assert.is(s.desk.get(call)!.entry.state, 'talking', 'back with the secretary');
  assert.is(actions.announce(), true, 'and may announce again');
  await settle();
  assert.is(actions.takeBack(), true, '"take back" while it rings');
  await settle();
  assert.is(s.legs.filter((l) => l.owner === '200').at(-1)!.state, 'released');
  assert.is(s.desk.get(call)!.entry.state, 'talking');
  caller.deviceHangsUp();
  await settle();
  assert.is(s.desk.list().length, 0, 'the desk is empty once the call ended');
  s.close();
});

test('the secretary hangs up while the director rings: the director\'s answer puts the caller through', async () => {
  const s = setup();
  const { caller, secretary, call, actions } = await secretaryTalks(s);
  const ended: unknown[] = [];
  s.events.subscribe((e) => { if (e.type === 'call.ended') ended.push(e.data); });
  assert.is(actions.announce(), true);
  await settle();
  secretary.deviceHangsUp();
  await settle();
  assert.is(s.desk.get(call), undefined, 'the call left the desk with the secretary\'s leg');
  assert.ok(s.sw.holding.has(caller), 'the caller still holds');
  const director = s.legs.find((l) => l.owner === '200')!;
  director.deviceAnswers();
  await settle();
  assert.not.ok(s.sw.holding.has(caller), 'the caller talks with the director');
  assert.is(caller.state, 'up');
  assert.is(s.sw.activeCalls().length, 1);
  caller.deviceHangsUp();
  await settle();
  const record = (ended[0] as { record: { transfers: Array<{ kind: string; target: string }> } }).record;
  assert.equal(record.transfers.map((t) => [t.kind, t.target]), [['attended', '200']]);
  assert.is(director.state, 'released');
  s.close();
});

test.run();
