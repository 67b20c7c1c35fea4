/**
 * Where a trunk's requests go: `host[:port]` from the configuration, resolved to an address
 * (RFC 3263 is not implemented: a name is looked up as A records, port 5060 by default).
 * The same addresses say who may send calls in from the provider.
 */
import { lookup } from 'node:dns/promises';
import type { Destination } from '../sip/transport/layer.js';
import type { TransportProtocol } from '../sip/transport/types.js';

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(s: string, defaultPort = 5060): HostPort {
  const i = s.lastIndexOf(':');
  if (i < 0) return { host: s, port: defaultPort };
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The host's first IPv4 address (a literal is returned as it is). */
export async function resolveHost(host: string): Promise<string> {
  if (IPV4.test(host)) return host;
  if (host === 'localhost') return '127.0.0.1';
  const r = await lookup(host, { family: 4 });
  return r.address;
}

export async function resolveHop(hp: HostPort, protocol: TransportProtocol): Promise<Destination> {
  return { protocol, address: await resolveHost(hp.host), port: hp.port };
}
