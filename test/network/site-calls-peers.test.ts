/**
 * Who may call into a site over the network stack (network.ts, site-calls.ts): a member's
 * INVITE reaches the call handler; a stranger's — even on a connection that stands because an
 * invitation of the site is open — is answered 403 Not A Member and never reaches it. Real TLS
 * sockets on loopback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { SystemClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { SiteNetwork, type SelfDescription } from '../../src/network/network.js';
import { toRange } from '../../src/network/ranges.js';
import { createResponse, NameAddr, type SipResponse } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';

const root = tempDir('autocom-site-calls-');
const clock = new SystemClock();
const running: SiteNetwork[] = [];

async function site(id: string, ranges: string[]): Promise<SiteNetwork> {
  const self: SelfDescription = { id, ranges: ranges.map(toRange), public_template: '+33140000{ext}' };
  const net = new SiteNetwork({ clock, log: silentLogger(), dir: join(root, id), host: '127.0.0.1', port: 0, self: () => self });
  await net.start();
  running.push(net);
  return net;
}

function invite(from: SiteNetwork, to: SiteNetwork, user: string): Promise<SipResponse> {
  const uri = from.uriOf({ site: 'x', address: '127.0.0.1', port: to.port } as never, user);
  const req = from.stack.createRequest({ method: 'INVITE', uri, from: new NameAddr(from.fromUri('101').uri, 'Anne'), to: new NameAddr(uri.clone()) });
  return new Promise((resolve, reject) => {
    from.stack.sendRequest(req, {
      destination: { protocol: 'tls', address: '127.0.0.1', port: to.port },
      onResponse: (res) => res.status >= 200 && resolve(res),
      onTimeout: () => reject(new Error(`${from.selfId()}: no answer`)),
      onTransportError: () => reject(new Error(`${from.selfId()}: no connection`)),
    });
  });
}

test('a member\'s INVITE reaches the calls; a stranger\'s on an invitation\'s connection is 403', async () => {
  const A = await site('paris', ['2xx']);
  const B = await site('lyon', ['3xx']);
  const reached: string[] = [];
  A.calls = {
    invite: (req, tx, member) => {
      reached.push(`${member.site}:${req.uri.user}`);
      tx.respond(createResponse(req, 486, 'Busy Here', 'x'));
    },
    inDialog: () => undefined,
  };
  await B.join(A.createInvitation(600));
  await waitFor(() => A.view().peers.some((p) => p.site === 'lyon' && p.state === 'up'), 8000, 'lyon up at paris');
  assert.is((await invite(B, A, '201')).status, 486);
  assert.equal(reached, ['lyon:201']);

  A.createInvitation(600); // an open invitation: a stranger's connection stands, for the join only
  const stranger = await site('rogue', ['8xx']);
  const paris = A.store.members().find((m) => m.site === 'paris')!;
  stranger.store.update((s) => void s.members.push(paris)); // the stranger pins paris (as a token would)
  const res = await invite(stranger, A, '201');
  assert.is(res.status, 403);
  assert.is(res.reason, 'Not A Member');
  assert.equal(reached, ['lyon:201'], 'the stranger reached nothing');
});

test.after(async () => {
  await Promise.all(running.map((n) => n.stop()));
});

test.run();
