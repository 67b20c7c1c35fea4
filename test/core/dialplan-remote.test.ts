/** The dial plan with other sites' numbers: a peer's short number becomes its public number on a local line; prefixes wait; local numbers and emergency numbers win. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveDialled, type RemoteNumbers } from '../../src/core/dialplan.js';
import { validateConfig } from '../../src/config/validate.js';
import { example } from '../config/example.js';

const config = validateConfig(example());
const local = config.employees[0]!.extension;
const remote: RemoteNumbers = {
  owner: (d) => (d === '399' ? { site: 'lyon', reason: 'down' } : /^3[0-9]{2}$/.test(d) ? { site: 'lyon', fallback: `+33472000${d}`, reason: 'down' } : d === local || d === '112' ? { site: 'odd', fallback: '+33472000999', reason: 'down' } : undefined),
  startsWith: (d) => d.length < 3 && d.startsWith('3'),
};

test('a peer\'s number goes out to its public number, with the site and why', () => {
  const d = resolveDialled(config, '301', { final: false, remote });
  assert.equal(d, { kind: 'outside', number: '0472000301', emergency: false, international: false, network: { site: 'lyon', extension: '301', reason: 'down' } });
});

test('without a public number template there is nowhere to fall back to: invalid, saying why', () => {
  const d = resolveDialled(config, '399', { final: true, remote });
  assert.is(d.kind, 'invalid');
  assert.match((d as { reason: string }).reason, /lyon/);
});

test('a prefix of a peer\'s range waits for more digits; without the network it is invalid', () => {
  assert.is(resolveDialled(config, '3', { final: false, remote }).kind, 'incomplete');
  assert.is(resolveDialled(config, '3', { final: false }).kind, 'invalid');
});

test('this site\'s own numbers and emergency numbers are never sent to a peer', () => {
  assert.is(resolveDialled(config, local, { final: true, remote }).kind, 'employee');
  const sos = resolveDialled(config, '112', { final: true, remote });
  assert.ok(sos.kind === 'outside' && sos.emergency && sos.number === '112');
});
test('a peer that is up: a call over the network, its public number kept for the fallback', () => {
  const leg = (() => undefined) as unknown as NonNullable<ReturnType<RemoteNumbers['owner']>>['call'];
  const up: RemoteNumbers = { owner: (d) => (/^3[0-9]{2}$/.test(d) ? { site: 'lyon', fallback: `+33472000${d}`, reason: 'no-network-calls', call: leg } : undefined), startsWith: () => false };
  const d = resolveDialled(config, '301', { final: true, remote: up });
  assert.is(d.kind, 'site');
  const s = d as Extract<typeof d, { kind: 'site' }>;
  assert.equal([s.site, s.extension, s.fallback, s.leg === leg], ['lyon', '301', { number: '0472000301', international: false }, true]);
  assert.is(resolveDialled(config, local, { final: true, remote: up }).kind, 'employee', 'our own numbers still win');
});

test.run();
