/**
 * Tie lines (`sip_trunks[].ranges`, src/trunks/ranges.ts) as pure logic: the range syntax,
 * what the dial plan makes of another PBX's numbers (after ours and the emergency numbers,
 * overlap dialling included), what a call from that PBX may reach here (internal numbers
 * only: never back out), the caller ID it is shown, and that a tie line carries no public
 * calls unless a trunk group names it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import { couldBeInRange, inRange } from '../../src/trunks/ranges.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { tieLineDestination } from '../../src/trunks/inbound.js';
import { trunkCallSpec } from '../../src/trunks/outbound.js';
import { groupsOf } from '../../src/outgoing/trunk-groups.js';
import { forwardTargetProblem } from '../../src/core/forwarding.js';
import { example, exampleIssues } from '../config/example.js';

const PBX = { name: 'Asterisk', peer: { host: '192.0.2.50', domain: 'pbx.example' }, ranges: ['3xx', '450-459'] };

function config(extra: Record<string, unknown> = {}) {
  const c = example();
  c.sip_trunks = [{ ...PBX, ...extra }];
  return validateConfig(c);
}

function issues(ranges: unknown): string[] {
  return exampleIssues((c) => (c.sip_trunks = [{ ...PBX, ranges }]));
}

test('ranges: x wildcards and FROM-TO, complete and still growing', () => {
  assert.ok(inRange('3xx', '301'));
  assert.not.ok(inRange('3xx', '30'));
  assert.not.ok(inRange('3xx', '3011'));
  assert.not.ok(inRange('3xx', '401'));
  assert.ok(inRange('450-459', '455'));
  assert.not.ok(inRange('450-459', '460'));
  assert.ok(inRange('600', '600'));
  assert.ok(couldBeInRange('3xx', '3'));
  assert.ok(couldBeInRange('3xx', '30'));
  assert.not.ok(couldBeInRange('3xx', '301'));
  assert.ok(couldBeInRange('450-459', '45'));
  assert.not.ok(couldBeInRange('450-459', '46'));
  assert.not.ok(couldBeInRange('3xx', '*3'));
});

test('the range syntax is checked, and a range must not cover our own extensions', () => {
  assert.equal(issues(['3xx', '700', '300-349']), []);
  for (const bad of [['0xx'], ['3x5'], ['x'], ['349-300'], ['30-349'], ['3']]) assert.ok(issues(bad).some((i) => i.startsWith('sip_trunks[0].ranges[0]')), JSON.stringify(bad));
  assert.ok(issues([]).length > 0, 'an empty list is refused');
  assert.match(issues(['2xx']).join('\n'), /sip_trunks\[0\]\.ranges\[0\]: "2xx" covers the site's own extension 201, 202/);
});

test('dialled: another PBX\'s number goes to its tie line; ours and the emergency numbers win', () => {
  const c = config();
  assert.equal(resolveDialled(c, '301', { final: true }), { kind: 'tie-line', trunk: 'Asterisk', number: '301' });
  assert.equal(resolveDialled(c, '455', { final: false }), { kind: 'tie-line', trunk: 'Asterisk', number: '455' });
  assert.is(resolveDialled(c, '30', { final: false }).kind, 'incomplete', 'an analog phone may still dial 301');
  assert.is(resolveDialled(c, '30', { final: true }).kind, 'invalid');
  assert.is(resolveDialled(c, '202', { final: true }).kind, 'employee');
  const wide = validateConfig({ ...example(), sip_trunks: [{ ...PBX, ranges: ['1xx'] }], employees: example().employees.filter((e: any) => !e.extension.startsWith('1')) });
  assert.equal(resolveDialled(wide, '112', { final: true }), { kind: 'outside', number: '112', emergency: true, international: false });
});

test('from the PBX: our internal numbers, never its own range or the public network', () => {
  const c = config();
  const t = c.sip_trunks![0]!;
  assert.is(tieLineDestination(c, t, '202')?.kind, 'employee');
  assert.is(tieLineDestination(c, t, '600')?.kind, 'department');
  assert.is(tieLineDestination(c, t, '301'), undefined, 'no loop back over the tie line');
  assert.is(tieLineDestination(c, t, '00612345678'), undefined, 'no toll bypass');
  assert.is(tieLineDestination(c, t, '112'), undefined);
  const provider = { ...t, ranges: undefined };
  assert.is(tieLineDestination(c, provider, '202'), undefined, 'a provider trunk reaches only its DIDs');
});

test('over the tie line the caller is their extension, with their name', () => {
  const c = config();
  const spec = trunkCallSpec(c.sip_trunks![0]!, c, { number: '301', caller: { number: '201', name: 'Galina Ivanovna' }, withhold: false }, { protocol: 'udp', address: '192.0.2.50', port: 5060 }, undefined);
  assert.is(spec.uri.toString(), 'sip:301@pbx.example');
  assert.is(spec.from.uri.user, '201');
  assert.is(spec.from.displayName, 'Galina Ivanovna');
});

test('without trunk groups a tie line carries no public calls; a group may name it', () => {
  const c = config();
  assert.not.ok(groupsOf(c, '201').flatMap((g) => g.lines).includes('Asterisk'));
  const grouped = validateConfig({ ...example(), sip_trunks: [PBX], trunk_groups: [{ name: 'Via PBX', lines: ['Asterisk'] }] });
  assert.ok(groupsOf(grouped, '201').flatMap((g) => g.lines).includes('Asterisk'));
});

test('an employee may forward to another PBX\'s extension', () => {
  const c = config();
  assert.is(forwardTargetProblem(c, '201', '301'), undefined);
  assert.match(forwardTargetProblem(c, '201', '399999') ?? '', /is not an extension/);
});

test.run();
