/**
 * Live state is not configuration, through the `autocom` command on a real data folder:
 * `config import` keeps the forwarding and DND phones set; `config export` leaves them out
 * unless `--with-state`, and importing that export restores them; an employee the new
 * configuration removes loses their entry, and the import says so; a loop in the file's
 * live state is refused with its path, nothing changed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tempDir } from '../helpers/tmp.js';
import { runAutocom } from '../helpers/process.js';
import { EXAMPLE_YAML } from '../config/example.js';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { LiveStateRepository } from '../../src/store/live-state.js';

/** Read or change the live state of a data folder as the exchange (a phone's feature code) would. */
function withLive<T>(data: string, f: (live: LiveStateRepository) => T): T {
  const db = openDatabase(data);
  try {
    return f(new LiveStateRepository(db));
  } finally {
    closeDatabase(db);
  }
}

test('import keeps the live state; export leaves it out unless --with-state; importing that restores it', () => {
  const dir = tempDir();
  const data = `${dir}/data`;
  writeFileSync(`${dir}/office.yaml`, EXAMPLE_YAML);
  assert.is(runAutocom(['config', 'import', `${dir}/office.yaml`, '--data', data]).status, 0);
  withLive(data, (l) => {
    l.update('202', { forward_all: '00612345678' }, 'phone:202');
    l.update('101', { dnd: true }, 'phone:101');
  });

  assert.is(runAutocom(['config', 'import', `${dir}/office.yaml`, '--data', data]).status, 0);
  assert.equal(withLive(data, (l) => l.all()), { employees: { '101': { dnd: true }, '202': { forward_all: '00612345678' } } }, 'a re-import resets nothing');

  const plain = runAutocom(['config', 'export', '--data', data]);
  assert.is(plain.status, 0);
  assert.not.ok('live_state' in parse(plain.stdout), 'no live state without --with-state');
  const full = runAutocom(['config', 'export', '--with-state', '--data', data]);
  assert.equal(parse(full.stdout).live_state, { employees: { '101': { dnd: true }, '202': { forward_all: '00612345678' } } });

  writeFileSync(`${dir}/backup.yaml`, full.stdout);
  withLive(data, (l) => l.update('202', { forward_all: null, dnd: true }, 'phone:202'));
  const restored = runAutocom(['config', 'import', `${dir}/backup.yaml`, '--data', data]);
  assert.is(restored.status, 0, restored.stderr);
  assert.match(restored.stderr, /live state restored/);
  assert.equal(withLive(data, (l) => l.all()), { employees: { '101': { dnd: true }, '202': { forward_all: '00612345678' } } });
});

test('an employee removed by an import loses their live state, and the import names them', () => {
  const dir = tempDir();
  const data = `${dir}/data`;
  writeFileSync(`${dir}/office.yaml`, EXAMPLE_YAML);
  assert.is(runAutocom(['config', 'import', `${dir}/office.yaml`, '--data', data]).status, 0);
  withLive(data, (l) => l.update('101', { forward_all: '00612345678' }, 'phone:101'));
  const without101 = parse(EXAMPLE_YAML);
  without101.employees = without101.employees.filter((e: { extension: string }) => e.extension !== '101');
  writeFileSync(`${dir}/smaller.yaml`, JSON.stringify(without101));
  const r = runAutocom(['config', 'import', `${dir}/smaller.yaml`, '--data', data]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /forwarding and do-not-disturb of 101 removed: no such employee any more/);
  assert.equal(withLive(data, (l) => l.all()), { employees: {} });
});

test('a forwarding loop in a file\'s live state is refused with its path, nothing changed', () => {
  const dir = tempDir();
  const data = `${dir}/data`;
  writeFileSync(`${dir}/office.yaml`, EXAMPLE_YAML);
  assert.is(runAutocom(['config', 'import', `${dir}/office.yaml`, '--data', data]).status, 0);
  const looped = { ...parse(EXAMPLE_YAML), live_state: { employees: { '201': { forward_all: '202' }, '202': { forward_all: '201' } } } };
  writeFileSync(`${dir}/loop.yaml`, JSON.stringify(looped));
  const r = runAutocom(['config', 'import', `${dir}/loop.yaml`, '--data', data]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /live_state\.employees\.201\.forward_all: forwarding loop 201 → 202 → 201/);
  assert.equal(withLive(data, (l) => l.all()), { employees: {} });
});

test.run();
