/**
 * Kamailio's own failover (deploy/kamailio/README.md): two nodes of the shipped
 * kamailio.cfg with `WITH_DMQ`, each the other's DMQ notification address, on loopback. A
 * phone registering at one node is in the other's location table soon after (dmq_usrloc),
 * and the other way round — so after a virtual IP moves, the survivor reaches every phone.
 * (keepalived moving the address is not tested: it needs root and a second interface.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { freePort as freeTcpPort, udpPortIsFree, waitFor } from '../helpers/net.js';
import { ROOT } from '../helpers/process.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { haveKamailio, KamailioProcess } from '../helpers/kamailio.js';

const DEPLOY = `${ROOT}deploy/kamailio/`;
async function freePort(): Promise<number> {
  for (;;) {
    const p = await freeTcpPort();
    if (await udpPortIsFree(p)) return p;
  }
}

const enabled = haveSipp() && haveKamailio('the Kamailio DMQ test');
const nodes: Array<{ kam: KamailioProcess; sip: number }> = [];

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    const db = `${dir}/db`;
    mkdirSync(db);
    for (const f of readdirSync(`${DEPLOY}db`)) copyFileSync(`${DEPLOY}db/${f}`, `${db}/${f}`);
    appendFileSync(`${db}/subscriber`, '1:201:autocom:s3cret-201::\n2:202:autocom:s3cret-202::\n');
    writeFileSync(`${dir}/dispatcher.list`, `1 sip:127.0.0.1:${await freePort()} 0 0 duid=box-a\n`);
    const ports = await Promise.all([0, 1].map(async () => ({ sip: await freePort(), dmq: await freePort(), rpc: await freePort() })));
    for (const [i, p] of ports.entries()) {
      const other = ports[1 - i]!;
      const home = `${dir}/node${i + 1}`;
      mkdirSync(home);
      const kam = new KamailioProcess(`${DEPLOY}kamailio.cfg`, home, p.rpc, [
        `SIP_LISTEN=udp:127.0.0.1:${p.sip}`, `DBURL="text://${db}"`, `DISPATCHER_LIST="${dir}/dispatcher.list"`, 'CHILDREN=2', `CTL_SOCKET="unixs:${home}/kamailio_ctl"`,
        'WITH_RPC_HTTP', `RPC_HTTP_LISTEN=tcp:127.0.0.1:${p.rpc}`, `RPC_HTTP_PORT=${p.rpc}`,
        'WITH_DMQ', `DMQ_LISTEN=udp:127.0.0.1:${p.dmq}`, `DMQ_PORT=${p.dmq}`,
        `DMQ_SERVER="sip:127.0.0.1:${p.dmq}"`, `DMQ_NOTIFY="sip:127.0.0.1:${other.dmq}"`, 'AUTH_SECRET="one-secret-for-both-nodes-of-the-test"',
      ]);
      nodes.push({ kam, sip: p.sip });
    }
    for (const n of nodes) await n.kam.start();
  });
  test.after(async () => {
    for (const n of nodes) await n.kam.stop();
  });

  test('a registration at one node reaches the other (dmq_usrloc), both ways', async () => {
    for (const [at, other, user] of [[0, 1, '202'], [1, 0, '201']] as const) {
      const port = await freePort();
      const reg = await sipp({ scenario: 'uas-register.xml', remote: `127.0.0.1:${nodes[at]!.sip}`, localPort: port, service: user, auth: { user, password: `s3cret-${user}` } }).done;
      assert.is(reg.code, 0, `${reg.output.slice(-2000)}\n${nodes[at]!.kam.output.slice(-2000)}`);
      assert.ok((await nodes[at]!.kam.contacts(user)).some((c) => c.includes(`:${port}`)), 'registered where it was sent');
      await waitFor(async () => (await nodes[other]!.kam.contacts(user)).some((c) => c.includes(`:${port}`)), 20_000, `${user}'s contact replicated to node ${other + 1}:\n${nodes[other]!.kam.output.slice(-2000)}`);
    }
  });
}

test.run();
