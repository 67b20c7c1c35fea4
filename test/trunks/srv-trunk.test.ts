/**
 * A static-peer trunk configured by name only (`peer.host: provider.test`), found the RFC
 * 3263 way through a DNS server on loopback: NAPTR → SRV → A. The SRV records name a main
 * server on one non-default port and a backup on another, both sipp; the main one refuses
 * with 503, and the call goes on to the backup, which answers (§4.3 failover).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { TrunkView } from '../../src/trunks/trunk.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort as freeTcpPort, udpPortIsFree, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { ApiClient } from '../helpers/http.js';
import { startDnsServer, type DnsServer } from '../helpers/dns-server.js';
import { example } from '../config/example.js';

const SCENARIOS = new URL('./scenarios/', import.meta.url).pathname;

async function freePort(): Promise<number> {
  for (;;) {
    const p = await freeTcpPort();
    if (await udpPortIsFree(p)) return p;
  }
}
const enabled = haveSipp();
let ex: Exchange;
let admin: ApiClient;
let dns: DnsServer;
let remote: string;
let mainPort: number;
let backupPort: number;

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    [mainPort, backupPort] = [await freePort(), await freePort()];
    dns = await startDnsServer({
      'provider.test': { naptr: [{ order: 10, preference: 10, flags: 's', service: 'SIP+D2U', replacement: '_sip._udp.provider.test' }] },
      '_sip._udp.provider.test': { srv: [{ priority: 20, weight: 0, port: backupPort, target: 'backup.provider.test' }, { priority: 10, weight: 0, port: mainPort, target: 'main.provider.test' }] },
      'main.provider.test': { a: ['127.0.0.1'] },
      'backup.provider.test': { a: ['127.0.0.1'] },
    });
    const cfg = example();
    cfg.sip_trunks = [{ name: 'Named', peer: { host: 'provider.test' }, codecs: ['PCMA'], options_interval_s: 0 }];
    cfg.trunk_groups = [{ name: 'City', lines: ['City 1'] }, { name: 'SIP', lines: ['Named'] }];
    cfg.employees[0].trunk_groups = ['SIP'];
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(), dnsServers: [dns.address],
    });
    remote = `127.0.0.1:${ex.sip.port}`;
    admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
  });
  test.after(async () => {
    await ex?.close();
    await dns?.close();
  });

  test('the exchange looked the provider up as RFC 3263 says: NAPTR, then the SRV name it gave, then the targets', async () => {
    await waitFor(() => dns.asked.includes('A backup.provider.test'), 5000, 'the lookups');
    assert.equal(dns.asked.slice(0, 4), ['NAPTR provider.test', 'SRV _sip._udp.provider.test', 'A main.provider.test', 'A backup.provider.test']);
    const t = ((await admin.get('/api/lines')).body.trunks as TrunkView[])[0]!;
    assert.equal([t.name, t.kind, t.provider], ['Named', 'peer', 'provider.test:5060']);
  });

  test('201 calls out: the main server (SRV priority 10) answers 503, the backup (priority 20) takes the call', async () => {
    const main = sipp({ scenario: `${SCENARIOS}far-uas-503.xml`, remote, localPort: mainPort });
    const backup = sipp({ scenario: `${SCENARIOS}far-uas-answer.xml`, remote, localPort: backupPort });
    await new Promise((r) => setTimeout(r, 300));
    const caller = await sipp({ scenario: 'uac-call-hangup.xml', remote, localPort: await freePort(), keys: { caller: '201', callee: '00612345678' }, auth: { user: '201', password: 's3cret-201' } }).done;
    const [refused, answered] = [await main.done, await backup.done];
    assert.is(refused.code, 0, refused.output);
    assert.is(answered.code, 0, answered.output);
    assert.is(caller.code, 0, caller.output);
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to end');
  });
}

test.run();
