/**
 * The offline configuration check and forwarding to a colleague at another site
 * (config/peer-ranges.ts), through the `autocom` command on a real data folder whose
 * network state was written by a real site: paris joined lyon (3xx) over TLS on loopback,
 * and paris's `<data>/network/state.json` keeps lyon's record. With it, `config validate`
 * and `config import` accept 201 forwarding to lyon's 301 and refuse 455 (no site owns it),
 * naming the sites checked; without any network state the forward to 301 is accepted with
 * a warning that names the number; a site without `site.id` is in no network and is refused
 * as before; the live state of an export (`live_state:`) is checked the same way.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SystemClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { SiteNetwork, type SelfDescription } from '../../src/network/network.js';
import { toRange } from '../../src/network/ranges.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { runAutocom } from '../helpers/process.js';

const root = tempDir('autocom-cli-peers-');
/** The data folder paris's network wrote (its state.json knows lyon). */
const parisData = join(root, 'paris-data');

const office = (forward: string, site: object = { id: 'paris', ranges: ['2xx'] }) => ({
  site: { name: 'Paris', country: 'fr', ...site },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip' }], forwarding: { all: forward } },
    { name: 'Anne', extension: '202', devices: [{ type: 'sip' }] },
  ],
});

function file(name: string, config: object): string {
  const f = join(root, name);
  writeFileSync(f, stringify(config));
  return f;
}

test.before(async () => {
  const clock = new SystemClock();
  const start = async (id: string, ranges: string[], dir: string): Promise<SiteNetwork> => {
    const self: SelfDescription = { id, ranges: ranges.map(toRange) };
    const net = new SiteNetwork({ clock, log: silentLogger(), dir, host: '127.0.0.1', port: 0, self: () => self });
    await net.start();
    return net;
  };
  const lyon = await start('lyon', ['3xx'], join(root, 'lyon-data', 'network'));
  const paris = await start('paris', ['2xx'], join(parisData, 'network'));
  try {
    await paris.join(lyon.createInvitation(600));
    await waitFor(() => paris.view().peers.some((p) => p.site === 'lyon' && p.ranges.join() === '3xx'), 10_000, 'paris knows lyon\'s ranges');
  } finally {
    await Promise.all([paris.stop(), lyon.stop()]);
  }
  assert.ok(existsSync(join(parisData, 'network', 'state.json')), 'paris kept its network state on disk');
});

test('with the network state: forwarding to lyon\'s 301 is valid and imports; to 455 (no site owns it) is refused, naming the sites checked', () => {
  const ok = runAutocom(['config', 'validate', file('ok.yaml', office('301')), '--data', parisData]);
  assert.is(ok.status, 0, ok.stderr);
  assert.not.match(ok.stderr, /warning/);
  const imported = runAutocom(['config', 'import', file('ok.yaml', office('301')), '--data', parisData]);
  assert.is(imported.status, 0, imported.stderr);
  assert.not.match(imported.stderr, /warning/);

  const bad = runAutocom(['config', 'validate', file('bad.yaml', office('455')), '--data', parisData]);
  assert.is.not(bad.status, 0);
  assert.match(bad.stderr, /employees\[0\]\.forwarding\.all/);
  assert.match(bad.stderr, /"455" is not an extension/);
  assert.match(bad.stderr, /lyon 3xx/);
});

test('without any network state: forwarding to 301 is accepted with a warning that names the number and why', () => {
  const empty = join(root, 'empty-data');
  const r = runAutocom(['config', 'validate', file('ok.yaml', office('301')), '--data', empty]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: employees\[0\]\.forwarding\.all: forwarding to 301: .*cannot be checked offline \(no network state in /);
  assert.match(r.stderr, /valid configuration \(1 warning\)/);
  const imported = runAutocom(['config', 'import', file('ok.yaml', office('301')), '--data', empty]);
  assert.is(imported.status, 0, imported.stderr);
  assert.match(imported.stderr, /warning: .*forwarding to 301/);
});

test('a site without site.id is in no network: forwarding to 301 is refused even with a network state; a self-forward is refused as ever', () => {
  const r = runAutocom(['config', 'validate', file('alone.yaml', office('301', {})), '--data', parisData]);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /"301" is not an extension/);
  const self = runAutocom(['config', 'validate', file('self.yaml', office('201')), '--data', join(root, 'empty-data')]);
  assert.is.not(self.status, 0);
  assert.match(self.stderr, /cannot forward to themself/);
});

test('the live state of an export is checked against the peers too', () => {
  const withState = (target: string) => ({ ...office('202'), live_state: { employees: { '202': { forward_busy: target } } } });
  const ok = runAutocom(['config', 'import', file('state-ok.yaml', withState('302')), '--data', parisData]);
  assert.is(ok.status, 0, ok.stderr);
  const bad = runAutocom(['config', 'import', file('state-bad.yaml', withState('455')), '--data', parisData]);
  assert.is.not(bad.status, 0);
  assert.match(bad.stderr, /live_state\.employees\.202\.forward_busy/);
});

test.run();
