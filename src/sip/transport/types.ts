/**
 * The transport seam (RFC 3261 §18). UDP, TCP and TLS implement it; a WebSocket
 * transport plugs in later behind the same interface. A transport moves whole messages:
 * UDP hands up datagrams, stream transports hand up messages already cut by the framer.
 */
export type TransportProtocol = 'udp' | 'tcp' | 'tls';

import type { TlsOptions } from './tls.js';

export interface Endpoint {
  address: string;
  port: number;
}

export interface TransportConfig {
  protocol: TransportProtocol;
  /** Address to bind (`0.0.0.0`, `127.0.0.1`, `::1`). */
  host: string;
  /** Port to bind; 0 lets the OS choose (tests). */
  port: number;
  /**
   * Host (and port) written into Via sent-by and Contact (behind NAT: the public address);
   * defaults to the bound address, or for 0.0.0.0/:: the local address towards each peer.
   */
  advertise?: { host: string; port?: number };
  /** TLS only: this end's key and certificate, and the pins that admit peers (tls.ts). */
  tls?: TlsOptions;
}

export interface Transport {
  readonly protocol: TransportProtocol;
  /** Reliable transports get no retransmissions and zero-length Timers D/I/J/K (§17). */
  readonly reliable: boolean;
  /** The bound address, valid after listen(). */
  readonly local: Endpoint;
  listen(): Promise<void>;
  /** Send bytes to `dest` (for streams: over the open connection to it, or a new one). */
  send(data: Buffer, dest: Endpoint): Promise<void>;
  close(): Promise<void>;
  /**
   * Whole messages (UDP datagrams, framed stream messages) with their source, and for
   * streams the connection's local address (which of the box's addresses the peer reached).
   */
  onMessage(handler: (data: Buffer, source: Endpoint, local?: Endpoint) => void): void;
}

/** Where a message came from: the transaction layer answers through it (§18.2.2). */
export interface IncomingInfo {
  protocol: TransportProtocol;
  source: Endpoint;
  local: Endpoint;
}

/** The `host` form of an address in Via/Contact: IPv6 in brackets (RFC 5118 §4.1). */
export function hostForm(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

/** The socket form of a host: no brackets. */
export function socketAddress(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function endpointKey(e: Endpoint): string {
  return `${socketAddress(e.address)}|${e.port}`;
}
