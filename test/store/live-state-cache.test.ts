/**
 * LiveStateRepository.employee() keeps what it read (every call to an employee asks), and a
 * change is still seen at once: one made through the same repository (a phone's feature
 * code, an import's restore, a prune), and one committed by another connection to the same
 * data folder (the `autocom` command while the exchange runs). Real SQLite files.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../helpers/tmp.js';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrations.js';
import { LiveStateRepository } from '../../src/store/live-state.js';

function twoConnections(): { exchange: LiveStateRepository; command: LiveStateRepository; close: () => void } {
  const data = `${tempDir()}/data`;
  const a = openDatabase(data);
  migrate(a);
  const b = openDatabase(data);
  return { exchange: new LiveStateRepository(a), command: new LiveStateRepository(b), close: () => { closeDatabase(b); closeDatabase(a); } };
}

test('a change through the same repository is seen by the next read', () => {
  const { exchange, close } = twoConnections();
  try {
    assert.equal(exchange.employee('202'), {});
    exchange.update('202', { dnd: true }, 'phone:202');
    assert.equal(exchange.employee('202'), { dnd: true });
    exchange.update('202', { forward_all: '203' }, 'phone:202');
    assert.equal(exchange.employee('202'), { dnd: true, forward_all: '203' });
    exchange.restore({ employees: { '202': { call_waiting: false } } }, 'import');
    assert.equal(exchange.employee('202'), { call_waiting: false });
    exchange.prune(new Set(['101']));
    assert.equal(exchange.employee('202'), {}, 'pruned');
  } finally {
    close();
  }
});

test('a change committed by another connection is seen by the next read', () => {
  const { exchange, command, close } = twoConnections();
  try {
    exchange.update('101', { dnd: true }, 'phone:101');
    assert.equal(exchange.employee('101'), { dnd: true }); // now cached
    command.update('101', { dnd: false, forward_busy: '202' }, 'cli');
    assert.equal(exchange.employee('101'), { dnd: false, forward_busy: '202' });
    command.restore({ employees: {} }, 'cli');
    assert.equal(exchange.employee('101'), {});
  } finally {
    close();
  }
});

test('what a caller does with its copy does not change the cached state', () => {
  const { exchange, close } = twoConnections();
  try {
    exchange.update('101', { dnd: true }, 'phone:101');
    const mine = exchange.employee('101');
    mine.dnd = false;
    assert.equal(exchange.employee('101'), { dnd: true });
  } finally {
    close();
  }
});

test.run();
