/**
 * Least-cost routing's decisions (network/breakout-rules.ts, apps/breakout.ts): which rule an
 * outside call meets, whether a carrying site admits a peer's call and as which number its
 * line dials it, when a via site is skipped, and the public number a caller is shown with.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import type { Config } from '../../src/config/schema.js';
import { breakoutRuleFor, carryVerdict, startsWithPattern } from '../../src/network/breakout-rules.js';
import { publicIdentity, skipReason } from '../../src/apps/breakout.js';
import { example } from '../config/example.js';

function site(country: string, id: string, breakout: object | undefined, more: (c: any) => void = () => {}): Config {
  const c = example();
  Object.assign(c.site, { country, id, public_template: country === 'fr' ? '+33140000{ext}' : '+44207000{ext}' });
  if (breakout) c.outside_call_policy = { breakout };
  more(c);
  return validateConfig(c);
}

test('a number prefix: digits, x for any digit', () => {
  assert.ok(startsWithPattern('+442079460000', '+44'));
  assert.ok(startsWithPattern('0472000301', '04x2'));
  assert.not.ok(startsWithPattern('+4420', '+441'));
  assert.not.ok(startsWithPattern('+4', '+44'));
});

test('the calling side: the first rule that matches, by E.164 or as this site dials the number; emergency and short numbers stay here', () => {
  const c = site('fr', 'paris', { rules: [{ numbers: ['04'], via: ['lyon'] }, { numbers: ['+44', '+1'], via: ['london', 'newyork'], fallback: 'none' }] });
  const uk = breakoutRuleFor(c, '00442079460000', false)!;
  assert.equal([uk.index, uk.e164, uk.rule.via, uk.rule.fallback], [1, '+442079460000', ['london', 'newyork'], 'none']);
  const lyon = breakoutRuleFor(c, '0472000301', false)!;
  assert.equal([lyon.index, lyon.e164, lyon.rule.fallback], [0, '+33472000301', 'local']);
  assert.is(breakoutRuleFor(c, '0140000000', false), undefined, 'a Paris number matches no rule');
  assert.is(breakoutRuleFor(c, '112', true), undefined, 'emergency: always on our own line');
  assert.is(breakoutRuleFor(site('fr', 'paris', undefined), '00442079460000', false), undefined, 'no rule: off');
});

test('the carrying side: only the peers and numbers its policy lists; its own barring by its country', () => {
  const c = site('gb', 'london', { carry: { peers: ['paris'], numbers: ['+44', '+33'] } });
  const lyon = carryVerdict(c, 'lyon', '+442079460000', 'day');
  assert.match(lyon.ok ? '' : lyon.reason, /site lyon is not in .*carry\.peers/);
  const v = carryVerdict(c, 'paris', '+442079460000', 'day');
  assert.equal(v.ok && [v.number, v.international, v.cls], ['02079460000', false, 'national']);
  const fr = carryVerdict(c, 'paris', '+33140000101', 'day');
  assert.equal(fr.ok ? 'carried' : fr.reason, 'international calls are not allowed (day mode) for carried calls (outside_call_policy.breakout.carry.outside_calls)');
  const premium = carryVerdict(c, 'paris', '+449098790000', 'day');
  assert.match(premium.ok ? '' : premium.reason, /premium calls are not allowed/);
  assert.is(carryVerdict(c, 'paris', '+491701234567', 'day').ok, false, 'not in carry.numbers');
  assert.is(carryVerdict(site('gb', 'london', undefined), 'paris', '+442079460000', 'day').ok, false, 'no carry: off');
  const mobiles = site('gb', 'london', { carry: { peers: ['paris'], numbers: ['+44'], outside_calls: ['mobile'] } });
  assert.is(carryVerdict(mobiles, 'paris', '+447700900123', 'night').ok, true, 'a class list');
  assert.is(carryVerdict(mobiles, 'paris', '+442079460000', 'night').ok, false);
  assert.is(carryVerdict(mobiles, 'paris', '+442079460000').ok, true, 'no mode: the class is checked later, in the call');
});

test('a via site is skipped when down, refusing, without a free line or silent; the callee\'s answers are final', () => {
  assert.is(skipReason({ heard: true, outcome: { status: 403 } }), 'refused');
  assert.is(skipReason({ heard: true, outcome: { status: 404 } }), 'refused');
  assert.is(skipReason({ heard: true, outcome: { status: 503 } }), 'no-line');
  assert.is(skipReason({ heard: true, outcome: { status: 500 } }), 'server-error');
  assert.is(skipReason({ heard: false, outcome: 'unreachable' }), 'unreachable');
  assert.is(skipReason({ heard: false, outcome: undefined }), 'no-answer');
  assert.is(skipReason({ heard: true, outcome: { status: 486 } }), undefined, 'busy: final');
  assert.is(skipReason({ heard: true, outcome: { status: 480 } }), undefined);
  assert.is(skipReason({ heard: true, outcome: undefined }), undefined, 'rang until the caller gave up');
});

test('the caller\'s public number: their outbound caller ID, else the site template for their extension, in E.164', () => {
  const c = site('fr', 'paris', undefined, (x) => {
    x.employees[0].caller_id = '0140000999';
  });
  const [first, second] = [c.employees[0]!.extension, c.employees[1]!.extension];
  assert.equal(publicIdentity(c, first, false), { number: '+33140000999', withheld: false });
  assert.equal(publicIdentity(c, second, true), { number: `+33140000${second}`, withheld: true });
  assert.equal(publicIdentity(c, 'City 1', false), { number: undefined, withheld: false });
});

test.run();
