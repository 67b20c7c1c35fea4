/**
 * Locating the provider's SIP server (RFC 3263 §4): from the trunk's `host[:port]` and
 * transport to an ordered list of destinations to try.
 *
 * - Transport (§4.1): the configured one; else UDP for a numeric IP or an explicit port;
 *   else the NAPTR records of the host (`SIP+D2U`, `SIP+D2T`, flag `s`, by order then
 *   preference) name the first transport this exchange supports and the SRV name to ask;
 *   without usable NAPTR records, the SRV records of each supported transport in turn
 *   (`_sip._udp`, then `_sip._tcp`); without any, UDP.
 * - Port and address (§4.2): a numeric IP is used as it is; an explicit port means an A
 *   lookup of the host (no SRV); otherwise the SRV records (RFC 2782 order, srv-order.ts),
 *   each target looked up in turn; without SRV records, the host's A records on 5060.
 * - Failover (§4.3): the caller tries the list in order; it moves to the next entry on a
 *   transport error or a 503 (trunk.ts).
 *
 * A and AAAA: IPv4 first (the exchange's transports bind IPv4), AAAA only for a name
 * without A records. Lookups that fail (no such name, no records, time out) fall through
 * to the next step, as §4 says; only a name that resolves to nothing at all is an error.
 */
import { lookup, Resolver } from 'node:dns/promises';
import type { Destination } from '../sip/transport/layer.js';
import type { TransportProtocol } from '../sip/transport/types.js';
import type { HostPort } from './hop.js';
import { orderSrv } from './srv-order.js';

/** The lookups this needs (node:dns Resolver has them all). */
export interface DnsLookups {
  resolveNaptr(name: string): Promise<Array<{ flags: string; service: string; regexp: string; replacement: string; order: number; preference: number }>>;
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
  /** Addresses of a name: A records, else AAAA. */
  addresses(name: string): Promise<string[]>;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const NAPTR_SERVICE: Record<string, TransportProtocol> = { 'SIP+D2U': 'udp', 'SIP+D2T': 'tcp' };
const SRV_PREFIX: Record<TransportProtocol, string> = { udp: '_sip._udp', tcp: '_sip._tcp', tls: '_sips._tcp' };

/**
 * The system's DNS (or `servers`, `address[:port]`, e.g. a test's server on loopback).
 * With the system's, A lookups go through getaddrinfo, so /etc/hosts still counts.
 */
export function dnsLookups(servers?: readonly string[]): DnsLookups {
  const r = new Resolver({ timeout: 2000, tries: 2 });
  if (servers?.length) r.setServers([...servers]);
  const a = servers?.length
    ? async (name: string): Promise<string[]> => {
        const v4 = await r.resolve4(name).catch(() => [] as string[]);
        return v4.length > 0 ? v4 : r.resolve6(name);
      }
    : async (name: string): Promise<string[]> => {
        if (name === 'localhost') return ['127.0.0.1'];
        const all = await lookup(name, { all: true });
        return [...all.filter((x) => x.family === 4), ...all.filter((x) => x.family === 6)].map((x) => x.address);
      };
  return { resolveNaptr: (n) => r.resolveNaptr(n), resolveSrv: (n) => r.resolveSrv(n), addresses: a };
}

export interface LocateOptions {
  /** The configured transport; absent: chosen by NAPTR/SRV. */
  transport?: TransportProtocol | undefined;
  /** Whether `hp.port` was written in the configuration (an explicit port skips NAPTR and SRV). */
  explicitPort: boolean;
  /** Transports this exchange can use, in the order tried without NAPTR. */
  supported: readonly TransportProtocol[];
  dns: DnsLookups;
  random?: () => number;
}

/** The destinations to try for `hp`, in order (never empty: a name that resolves to nothing throws). */
export async function locate(hp: HostPort, o: LocateOptions): Promise<Destination[]> {
  const host = hp.host.toLowerCase();
  if (IPV4.test(host)) return [{ protocol: o.transport ?? 'udp', address: host, port: hp.port }];
  if (o.explicitPort) return withAddresses(o.dns, host, hp.port, o.transport ?? 'udp');
  let plan: Array<{ protocol: TransportProtocol; srv: string }>;
  if (o.transport) plan = [{ protocol: o.transport, srv: `${SRV_PREFIX[o.transport]}.${host}` }];
  else plan = (await naptrPlan(o.dns, host, o.supported)) ?? o.supported.map((p) => ({ protocol: p, srv: `${SRV_PREFIX[p]}.${host}` }));
  for (const step of plan) {
    const records = await o.dns.resolveSrv(step.srv).catch(() => []);
    if (records.length === 0) continue;
    const out: Destination[] = [];
    for (const t of orderSrv(records, o.random)) {
      const addrs = await o.dns.addresses(t.name).catch(() => [] as string[]);
      for (const a of addrs) out.push({ protocol: step.protocol, address: a, port: t.port });
    }
    if (out.length > 0) return out;
  }
  return withAddresses(o.dns, host, hp.port, o.transport ?? 'udp');
}

/** §4.1: the SRV names of the host's NAPTR records, best first, for supported transports; undefined when none fit. */
async function naptrPlan(dns: DnsLookups, host: string, supported: readonly TransportProtocol[]): Promise<Array<{ protocol: TransportProtocol; srv: string }> | undefined> {
  const records = await dns.resolveNaptr(host).catch(() => []);
  const plan = records
    .filter((r) => r.flags.toLowerCase() === 's' && r.replacement && supported.includes(NAPTR_SERVICE[r.service.toUpperCase()]!))
    .sort((a, b) => a.order - b.order || a.preference - b.preference)
    .map((r) => ({ protocol: NAPTR_SERVICE[r.service.toUpperCase()]!, srv: r.replacement }));
  return plan.length > 0 ? plan : undefined;
}

async function withAddresses(dns: DnsLookups, host: string, port: number, protocol: TransportProtocol): Promise<Destination[]> {
  const addrs = await dns.addresses(host);
  if (addrs.length === 0) throw new Error(`${host} has no address`);
  return addrs.map((address) => ({ protocol, address, port }));
}
