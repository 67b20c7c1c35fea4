/**
 * A site announces only its own ranges and never passes on another's (issue #18,
 * docs/network.md, *x-autocom-site*), in one process on loopback (real TLS sockets, real
 * state files, probes on an injected clock): lille joins through paris while lyon is down.
 * paris still holds lyon's last record (its fallback routes), but its welcome carries only
 * paris's own, so lille has no route for lyon's numbers — it shows lyon down with no ranges
 * — until lyon is back and announces its record to lille itself.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { createLogger, silentLogger } from '../../common/log.js';
import { SiteNetwork, type SelfDescription } from '../../src/network/network.js';
import { toRange } from '../../src/network/ranges.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';

const root = tempDir('autocom-own-routes-');
const clock = new FakeClock();
const running: SiteNetwork[] = [];

async function site(id: string, ranges: string[], port = 0): Promise<SiteNetwork> {
  const self: SelfDescription = { id, ranges: ranges.map(toRange), public_template: `+33${id.length}0000{ext}` };
  const net = new SiteNetwork({ clock, log: process.env.NETLOG ? createLogger('info') : silentLogger(), dir: join(root, id), host: '127.0.0.1', port, self: () => self, probeIntervalMs: 10_000 });
  await net.start();
  running.push(net);
  return net;
}

async function stop(net: SiteNetwork): Promise<void> {
  await net.stop();
  running.splice(running.indexOf(net), 1);
}

const peer = (s: SiteNetwork, id: string) => s.view().peers.find((p) => p.site === id);

test('a newcomer gets no second-hand routes: lyon\'s ranges reach lille only from lyon', async () => {
  const A = await site('paris', ['2xx']);
  let B = await site('lyon', ['3xx']);
  await B.join(A.createInvitation(600));
  await waitFor(() => peer(A, 'lyon')?.ranges.join() === '3xx' && peer(B, 'paris')?.ranges.join() === '2xx', 8000, 'paris and lyon have each other\'s records');
  const lyonPort = B.port;
  await stop(B);
  await waitFor(() => peer(A, 'lyon')?.state === 'down', 8000, 'paris sees lyon down');
  assert.is(A.route('301')?.site, 'lyon', 'paris keeps lyon\'s routes while it is down (the fallback)');

  const C = await site('lille', ['4xx']);
  await C.join(A.createInvitation(600));
  await waitFor(() => peer(C, 'paris')?.ranges.join() === '2xx', 8000, 'lille has paris\'s record from paris');
  // lille probes lyon at once and gets no answer: down, a member with no record.
  clock.advance(100);
  await waitFor(() => peer(C, 'lyon') !== undefined, 2000, 'lille knows lyon as a member');
  const lyonAtLille = peer(C, 'lyon')!;
  assert.is(lyonAtLille.state, 'down');
  assert.equal(lyonAtLille.ranges, [], 'no ranges of lyon at lille: paris did not pass on lyon\'s record');
  assert.is(lyonAtLille.serial, null);
  assert.is(C.route('301'), undefined, 'lille has no route for lyon\'s 301');
  assert.is(C.startsWith('3'), false, 'lille\'s dial plan does not wait for a lyon number');
  assert.is(C.store.record('lyon'), undefined, 'nor on disk');

  // lyon comes back on its data and port: it learns lille from paris (membership sync) and lille's next probe reaches it.
  B = await site('lyon', ['3xx'], lyonPort);
  for (let i = 0; i < 4 && peer(C, 'lyon')?.ranges.join() !== '3xx'; i++) {
    clock.advance(10_000);
    await waitFor(() => peer(C, 'lyon')?.ranges.join() === '3xx', 1500, 'lyon\'s record at lille').catch(() => undefined);
  }
  assert.is(peer(C, 'lyon')?.state, 'up', 'lyon up at lille');
  assert.equal(peer(C, 'lyon')?.ranges, ['3xx'], 'lyon\'s record, from lyon itself');
  assert.is(C.route('301')?.site, 'lyon');
  assert.is(C.route('301')?.state, 'up');
  await waitFor(() => peer(B, 'lille')?.ranges.join() === '4xx', 2000, 'and lyon has lille\'s record from lille');
});

test.after(async () => {
  await Promise.all(running.map((n) => n.stop()));
});

test.run();
