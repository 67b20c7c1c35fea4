/** The site's network identity in the configuration: validated (ranges, template, id) and kept by the store. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { prepareConfig } from '../../src/config/prepare.js';
import { tempDir } from '../helpers/tmp.js';
import { example, exampleIssues as issues } from './example.js';


test('id, ranges and public_template are accepted and checked', () => {
  assert.equal(issues((c) => Object.assign(c.site, { id: 'paris', ranges: ['2xx', { from: '600', to: '609' }], public_template: '+33140000{ext}' })), []);
  assert.match(issues((c) => Object.assign(c.site, { id: 'Paris!' })).join(), /site\.id/);
  assert.match(issues((c) => Object.assign(c.site, { id: 'paris', ranges: ['0xx'] })).join(), /site\.ranges/);
  assert.match(issues((c) => Object.assign(c.site, { id: 'paris', public_template: '+3314000' })).join(), /public_template/);
  assert.match(issues((c) => Object.assign(c.site, { id: 'paris', ranges: ['2xx', '25x'] })).join(), /site\.ranges\[1\]: 25x overlaps/);
  assert.match(issues((c) => Object.assign(c.site, { ranges: ['2xx'] })).join(), /site\.id: ranges and public_template/);
});

test('the store keeps them across a reload', async () => {
  const db = openDatabase(tempDir());
  try {
    const repo = new ConfigRepository(db);
    const c = example();
    Object.assign(c.site, { id: 'paris', ranges: ['2xx', { from: '600', to: '609' }], public_template: '+33140000{ext}' });
    repo.replace(await prepareConfig(c), 'test');
    const site = repo.load()!.site;
    assert.is(site.id, 'paris');
    assert.equal(site.ranges, ['2xx', { from: '600', to: '609' }]);
    assert.is(site.public_template, '+33140000{ext}');
    repo.replace(await prepareConfig(example()), 'test');
    assert.is(repo.load()!.site.id, undefined);
  } finally {
    closeDatabase(db);
  }
});

test.run();
