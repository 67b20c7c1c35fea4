/**
 * Where a trunk's requests go: `host[:port]` from the configuration. locate.ts turns it into
 * the destinations to try (RFC 3263: NAPTR, SRV, A); the same addresses say who may send
 * calls in from the provider. `allow_from` addresses are resolved here (IPv4 literals).
 */
import { lookup } from 'node:dns/promises';

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

/** Whether `host[:port]` names its port (RFC 3263 §4.2: then no NAPTR or SRV lookup). */
export function hasPort(s: string): boolean {
  return s.includes(':');
}
