/** The `dect:` configuration section (src/dect/config.ts): defaults equal the policy's, bad values refused. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dectConfigSchema, handoverPolicyConfig } from '../../src/dect/config.js';
import { DEFAULT_HANDOVER_POLICY } from '../../src/dect/handover-policy.js';

test('an empty handover section gives the policy its defaults', () => {
  const c = dectConfigSchema.parse({});
  assert.equal(handoverPolicyConfig(c.handover), DEFAULT_HANDOVER_POLICY);
  assert.is(c.access_code, undefined, 'no default access code');
});

test('out-of-range values and a weak access code are refused', () => {
  assert.not.ok(dectConfigSchema.safeParse({ handover: { hysteresis_db: 40 } }).success);
  assert.not.ok(dectConfigSchema.safeParse({ access_code: '12' }).success);
  assert.not.ok(dectConfigSchema.safeParse({ bases: ['/dev/x'] }).success, 'the bases are on the board');
  assert.ok(dectConfigSchema.safeParse({ access_code: '492107', handover: { hysteresis_db: 10, time_to_trigger_ms: 320 } }).success);
});

test.run();
