/**
 * RFC 3263 §4 for trunks (src/trunks/locate.ts) against a DNS server on loopback
 * (test/helpers/dns-server.ts) through node:dns, and the RFC 2782 order of SRV targets.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dnsLookups, locate } from '../../src/trunks/locate.js';
import { orderSrv } from '../../src/trunks/srv-order.js';
import { startDnsServer, type DnsServer } from '../helpers/dns-server.js';

let dns: DnsServer;
const at = (...d: Array<[string, string, number]>) => d.map(([protocol, address, port]) => ({ protocol, address, port }));

test.before(async () => {
  dns = await startDnsServer({
    // NAPTR prefers TCP (order 10) over UDP (order 20).
    'naptr.test': {
      naptr: [
        { order: 20, preference: 10, flags: 's', service: 'SIP+D2U', replacement: '_sip._udp.naptr.test' },
        { order: 10, preference: 10, flags: 's', service: 'SIP+D2T', replacement: '_sip._tcp.naptr.test' },
        { order: 5, preference: 10, flags: 's', service: 'SIPS+D2T', replacement: '_sips._tcp.naptr.test' },
      ],
      a: ['127.0.0.9'],
    },
    '_sip._tcp.naptr.test': { srv: [{ priority: 10, weight: 0, port: 5070, target: 'tcp1.naptr.test' }] },
    '_sip._udp.naptr.test': { srv: [{ priority: 10, weight: 0, port: 5080, target: 'udp1.naptr.test' }] },
    '_sips._tcp.naptr.test': { srv: [{ priority: 10, weight: 0, port: 5061, target: 'tls.naptr.test' }] },
    'tcp1.naptr.test': { a: ['127.0.0.2'] },
    'udp1.naptr.test': { a: ['127.0.0.3'] },
    'tls.naptr.test': { a: ['127.0.0.4'] },
    // No NAPTR: SRV per supported transport; two priorities, the backup with two addresses.
    'srv.test': { a: ['127.0.0.9'] },
    '_sip._udp.srv.test': { srv: [{ priority: 20, weight: 0, port: 5090, target: 'backup.srv.test' }, { priority: 10, weight: 0, port: 5070, target: 'main.srv.test' }] },
    'main.srv.test': { a: ['127.0.0.5'] },
    'backup.srv.test': { a: ['127.0.0.6', '127.0.0.7'] },
    // Neither: the host's A records on 5060.
    'plain.test': { a: ['127.0.0.8'] },
    'v6only.test': { aaaa: ['::1'] },
  });
});
test.after(() => dns.close());

const opts = (o: { transport?: 'udp' | 'tcp'; explicitPort?: boolean } = {}) => ({ transport: o.transport, explicitPort: o.explicitPort ?? false, supported: ['udp', 'tcp'] as const, dns: dnsLookups([dns.address]) });

test('NAPTR picks the best transport this exchange supports (TLS skipped), its SRV target and address', async () => {
  dns.asked.length = 0;
  assert.equal(await locate({ host: 'naptr.test', port: 5060 }, opts()), at(['tcp', '127.0.0.2', 5070]));
  assert.equal(dns.asked, ['NAPTR naptr.test', 'SRV _sip._tcp.naptr.test', 'A tcp1.naptr.test']);
});

test('a configured transport skips NAPTR and asks that transport\'s SRV name', async () => {
  dns.asked.length = 0;
  assert.equal(await locate({ host: 'naptr.test', port: 5060 }, opts({ transport: 'udp' })), at(['udp', '127.0.0.3', 5080]));
  assert.equal(dns.asked[0], 'SRV _sip._udp.naptr.test');
});

test('without NAPTR: SRV in priority order, every address of each target, for failover down the list', async () => {
  assert.equal(await locate({ host: 'srv.test', port: 5060 }, opts()), at(['udp', '127.0.0.5', 5070], ['udp', '127.0.0.6', 5090], ['udp', '127.0.0.7', 5090]));
});

test('an explicit port skips NAPTR and SRV: the host\'s A records on that port (§4.2)', async () => {
  dns.asked.length = 0;
  assert.equal(await locate({ host: 'srv.test', port: 5999 }, opts({ explicitPort: true })), at(['udp', '127.0.0.9', 5999]));
  assert.equal(dns.asked, ['A srv.test']);
});

test('a numeric IP asks no DNS at all', async () => {
  dns.asked.length = 0;
  assert.equal(await locate({ host: '192.0.2.10', port: 5060 }, opts({ transport: 'tcp' })), at(['tcp', '192.0.2.10', 5060]));
  assert.equal(dns.asked, []);
});

test('no NAPTR and no SRV: A records on 5060 over UDP; AAAA only without A', async () => {
  assert.equal(await locate({ host: 'plain.test', port: 5060 }, opts()), at(['udp', '127.0.0.8', 5060]));
  assert.equal(await locate({ host: 'v6only.test', port: 5060 }, opts()), at(['udp', '::1', 5060]));
});

test('a name that resolves to nothing is an error naming it', async () => {
  try {
    await locate({ host: 'missing.test', port: 5060 }, opts());
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /missing\.test|ENOTFOUND/);
  }
});

const srv = (name: string, priority: number, weight: number) => ({ name, port: 5060, priority, weight });

test('RFC 2782: lower priority first whatever the weights', () => {
  const order = orderSrv([srv('b', 20, 100), srv('a', 10, 1)], () => 0.99).map((r) => r.name);
  assert.equal(order, ['a', 'b']);
});

test('RFC 2782: within a priority, a weighted draw in proportion to weight', () => {
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const first: Record<string, number> = { big: 0, small: 0 };
  for (let i = 0; i < 4000; i++) first[orderSrv([srv('small', 10, 20), srv('big', 10, 60)], random)[0]!.name]!++;
  const share = first.big! / 4000;
  assert.ok(share > 0.7 && share < 0.8, `weight 60 beside 20 comes first about 3 times in 4 (got ${share})`);
});

test('RFC 2782: the draw walks the running sums (weight 0 first in the list, picked only on a draw of 0)', () => {
  const recs = [srv('w10', 10, 10), srv('w0', 10, 0), srv('w30', 10, 30)];
  assert.equal(orderSrv(recs, () => 0).map((r) => r.name), ['w0', 'w10', 'w30']);
  assert.equal(orderSrv(recs, () => 0.5).map((r) => r.name), ['w30', 'w10', 'w0']);
  assert.equal(orderSrv(recs, () => 0.2).map((r) => r.name), ['w10', 'w30', 'w0']);
});

test('RFC 2782: a lone target "." means no service there', () => {
  assert.equal(orderSrv([srv('.', 0, 0)]), []);
});

test.run();
