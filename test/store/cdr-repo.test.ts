/**
 * The CDR store on a real SQLite file: a record carries its derived fields (the city line
 * an outside call used, who answered, ring and talk seconds), a transferred call says so
 * and counts its transfer parties as taking part, and the row with its parties is one
 * transaction — a failure half-way leaves nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { CdrRepository } from '../../src/store/cdr-repo.js';
import type { CallRecordData } from '../../src/core/call-record.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const outside: CallRecordData = {
  id: 'call-1', channel: 'sip-1', from: '202', fromName: 'Semyon Petrovich', owner: '202', to: '00612345678', tech: 'sip',
  legs: [{ channel: 'fxo-2', owner: 'City 1', tech: 'fxo', offeredAt: T0, answeredAt: T0 + 12_400, endedAt: T0 + 72_600, cause: 'normal' }],
  bridges: [], startedAt: T0, answeredAt: T0 + 12_400, endedAt: T0 + 72_600, cause: 'normal', disposition: 'answered',
};

test('an outside call: the line it used, who answered, ring and talk seconds (rounded)', () => {
  const db = openDatabase(tempDir());
  const cdr = new CdrRepository(db);
  cdr.write(outside);
  const [r] = cdr.find({ limit: 10, offset: 0 }).records;
  assert.equal([r!.outsideLine, r!.answeredBy, r!.ringSeconds, r!.talkSeconds, r!.dialled, r!.caller.name], ['City 1', 'City 1', 12, 60, '00612345678', 'Semyon Petrovich']);
  closeDatabase(db);
});

test('a transferred call: disposition transferred, and the transfer target took part', () => {
  const db = openDatabase(tempDir());
  const cdr = new CdrRepository(db);
  cdr.write({
    ...outside, id: 'call-2', from: '0612345678', owner: 'City 1', tech: 'fxo', to: '0140000001',
    legs: [{ channel: 'sip-3', owner: '201', tech: 'sip', offeredAt: T0, answeredAt: T0 + 3000 }],
    transfers: [{ at: T0 + 20_000, by: '201', target: '202', kind: 'blind' }],
  });
  const r = cdr.find({ extension: '202', limit: 10, offset: 0 });
  assert.is(r.total, 1);
  assert.is(r.records[0]!.disposition, 'transferred');
  assert.equal(r.records[0]!.transfers, [{ at: T0 + 20_000, by: '201', target: '202', kind: 'blind' }]);
  assert.equal(r.records[0]!.source, { tech: 'fxo', owner: 'City 1' });
  assert.is(cdr.find({ visibleTo: '101', limit: 10, offset: 0 }).total, 0);
  closeDatabase(db);
});

test('the row and its parties are one transaction: a failing party insert leaves no row', () => {
  const db = openDatabase(tempDir());
  const cdr = new CdrRepository(db);
  db.exec(`CREATE TRIGGER fail_party BEFORE INSERT ON cdr_parties WHEN NEW.party = '202' BEGIN SELECT RAISE(ABORT, 'injected'); END`);
  assert.throws(() => cdr.write(outside), /injected/);
  assert.is((db.prepare('SELECT COUNT(*) AS n FROM cdr').get() as { n: number }).n, 0);
  closeDatabase(db);
});

test.run();
