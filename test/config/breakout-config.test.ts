/** Least-cost routing in the configuration (`outside_call_policy.breakout`): off by default, checked with the path of each mistake, kept by the store. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import { prepareConfig } from '../../src/config/prepare.js';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { outsideCallPolicy } from '../../src/outgoing/policy.js';
import { tempDir } from '../helpers/tmp.js';
import { example, exampleIssues } from './example.js';

function issues(breakout: unknown, id: string | null = 'paris'): string[] {
  return exampleIssues((c) => {
    if (id) c.site.id = id;
    c.outside_call_policy = { breakout };
  });
}

test('absent: no rule, nothing carried', () => {
  const c = validateConfig(example());
  assert.is(outsideCallPolicy(c).breakout, undefined);
});

test('a rule and a carrying policy are accepted, with their defaults', () => {
  const c = example();
  c.site.id = 'paris';
  c.outside_call_policy = { breakout: { rules: [{ numbers: ['+44', '0044'], via: ['london'] }], carry: { peers: ['lyon'], numbers: ['+33'] } } };
  const b = outsideCallPolicy(validateConfig(c)).breakout!;
  assert.equal(b.rules, [{ numbers: ['+44', '0044'], via: ['london'], fallback: 'local' }]);
  assert.equal(b.carry, { peers: ['lyon'], numbers: ['+33'], outside_calls: 'national', caller_id: 'own' });
});

test('mistakes are refused with their path', () => {
  assert.equal(issues({ rules: [{ numbers: ['+44', '44-20'], via: ['london'] }] }), ['outside_call_policy.breakout.rules[0].numbers[1]: must be a number prefix: digits (x for any digit), optionally a leading +']);
  assert.equal(issues({ rules: [{ numbers: [], via: ['london'] }] }), ['outside_call_policy.breakout.rules[0].numbers: must list at least one number prefix']);
  assert.equal(issues({ rules: [{ numbers: ['+44'], via: ['london', 'london'] }] }), ['outside_call_policy.breakout.rules[0].via: must not name a site twice']);
  assert.match(issues({ rules: [{ numbers: ['+44'], via: ['London!'] }] }).join(), /rules\[0\]\.via\[0\]: must be 1 to 32 lower-case/);
  assert.match(issues({ rules: [{ numbers: ['+44'], via: ['london'], fallback: 'maybe' }] }).join(), /rules\[0\]\.fallback/);
  assert.match(issues({ carry: { peers: ['lyon'], numbers: ['+33'], caller_id: 'theirs' } }).join(), /carry\.caller_id/);
  assert.match(issues({ carry: { peers: [], numbers: ['+33'] } }).join(), /carry\.peers: must name at least one site/);
  assert.match(issues({ carry: { peers: ['lyon'] } }).join(), /carry\.numbers/);
  assert.match(issues({ rule: [] }).join(), /outside_call_policy\.breakout/);
});

test('cross-references: this site is never a via site or a carried peer, and the rules need a site id', () => {
  assert.equal(issues({ rules: [{ numbers: ['+44'], via: ['london', 'paris'] }] }), ['outside_call_policy.breakout.rules[0].via[1]: "paris" is this site: a rule sends calls through another site\'s lines']);
  assert.equal(issues({ carry: { peers: ['paris'], numbers: ['+33'] } }), ['outside_call_policy.breakout.carry.peers[0]: "paris" is this site']);
  assert.equal(issues({ rules: [{ numbers: ['+44'], via: ['london'] }] }, null), ['outside_call_policy.breakout: least-cost routing between sites needs site.id (this site in a network)']);
});

test('the store keeps it across a reload', async () => {
  const db = openDatabase(tempDir());
  try {
    const repo = new ConfigRepository(db);
    const c = example();
    c.site.id = 'paris';
    c.outside_call_policy = { breakout: { rules: [{ numbers: ['+44'], via: ['london'], fallback: 'none' }], carry: { peers: ['lyon'], numbers: ['+33'], caller_id: 'caller' } } };
    repo.replace(await prepareConfig(c), 'test');
    const b = outsideCallPolicy(repo.load()).breakout!;
    assert.equal(b.rules[0], { numbers: ['+44'], via: ['london'], fallback: 'none' });
    assert.is(b.carry!.caller_id, 'caller');
  } finally {
    closeDatabase(db);
  }
});

test.run();
