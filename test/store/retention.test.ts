/**
 * Retention (src/store/retention.ts) on a real SQLite file and real files, on the fake
 * clock: nothing is removed until asked; call records, voicemail (index and WAV) and
 * recordings older than their setting go — at once on a change, then each hour as time
 * passes — and what is younger stays; `null` keeps a kind for good; the settings survive.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { VoicemailRepository } from '../../src/store/voicemail-repo.js';
import { Retention } from '../../src/store/retention.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;

test('old records, messages and recordings go by their setting; the young stay; hourly as time passes', () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const db = openDatabase(dir);
  const vm = new VoicemailRepository(db, join(dir, 'voicemail'), () => clock.now());
  const cdr = db.prepare(`INSERT INTO cdr (call_id, caller_number, source_tech, source, dialled, started_at, ended_at, ring_s, talk_s, disposition, cause) VALUES (?, '201', 'sip', '201', '202', ?, ?, 0, 0, 'answered', 'normal')`);
  const at = (daysAgo: number) => clock.now() - daysAgo * DAY;
  cdr.run('call-1', at(40), at(40));
  cdr.run('call-2', at(10), at(10));
  const wav = (name: string) => {
    const f = join(vm.boxFolder('202'), name);
    writeFileSync(f, 'RIFF');
    return f;
  };
  const oldWav = wav('old.wav');
  vm.add('202', { caller_number: '201', received_at: at(40), duration_ms: 1000, file: oldWav });
  vm.add('202', { caller_number: '201', received_at: at(1), duration_ms: 1000, file: wav('new.wav') });
  const recDir = join(dir, 'queue-recordings', '700');
  mkdirSync(recDir, { recursive: true });
  const rec = (name: string, daysAgo: number) => {
    const f = join(recDir, name);
    writeFileSync(f, 'RIFF');
    utimesSync(f, new Date(at(daysAgo)), new Date(at(daysAgo)));
    return f;
  };
  const oldRec = rec('old.wav', 100);
  const newRec = rec('new.wav', 5);

  const r = new Retention({ db, clock, log: silentLogger(), voicemail: vm, dataFolder: dir });
  r.start();
  const count = () => (db.prepare('SELECT COUNT(*) AS n FROM cdr').get() as { n: number }).n;
  assert.is(count(), 2, 'nothing removed unasked');
  assert.equal(r.settings(), { call_records_days: null, voicemail_days: null, recordings_days: null });

  const removed = r.set({ call_records_days: 30, voicemail_days: 30, recordings_days: 60 }, 'test');
  assert.equal(removed, { call_records: 1, voicemail: 1, recordings: 1 });
  assert.is(count(), 1);
  assert.equal(vm.messages('202').map((m) => m.received_at), [at(1)]);
  assert.not.ok(existsSync(oldWav), 'the WAV goes with its index');
  assert.not.ok(existsSync(oldRec));
  assert.ok(existsSync(newRec));

  clock.advance(21 * DAY); // the hourly purge catches up: call-2 is 31 days old now
  assert.is(count(), 0);
  assert.ok(existsSync(newRec), 'a 26-day-old recording stays under a 60-day setting');
  assert.is(vm.messages('202').length, 1, 'a 22-day-old message stays');

  r.set({ call_records_days: null, voicemail_days: null, recordings_days: null }, 'test');
  clock.advance(100 * DAY);
  assert.is(vm.messages('202').length, 1, 'null keeps for good');
  r.close();
  assert.equal(new Retention({ db, clock, log: silentLogger(), voicemail: vm, dataFolder: dir }).settings(), { call_records_days: null, voicemail_days: null, recordings_days: null });
  closeDatabase(db);
});

test.run();
