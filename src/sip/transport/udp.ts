/** UDP transport (RFC 3261 §18): one socket, datagrams in and out. */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Endpoint, Transport } from './types.js';
import { socketAddress } from './types.js';

/**
 * Receive buffer asked for the SIP socket. Linux's default (rmem_default, about 208 KiB)
 * holds only a few hundred datagrams once the kernel's per-packet overhead is counted: at
 * a few thousand messages per second, an event-loop pause of some 40 ms (GC, a burst of
 * re-registrations after a power cut) overflows it and phones must wait for their 500 ms
 * retransmissions. The kernel caps the request at net.core.rmem_max.
 */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export class UdpTransport implements Transport {
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  private socket?: Socket;
  private handler: (data: Buffer, source: Endpoint) => void = () => undefined;
  local: Endpoint;

  constructor(host: string, port: number) {
    this.local = { address: host, port };
  }

  onMessage(handler: (data: Buffer, source: Endpoint) => void): void {
    this.handler = handler;
  }

  listen(): Promise<void> {
    const socket = createSocket({ type: isIPv6(this.local.address) ? 'udp6' : 'udp4', reuseAddr: false, recvBufferSize: RECEIVE_BUFFER_BYTES });
    this.socket = socket;
    socket.on('message', (data, rinfo) => this.handler(data, { address: rinfo.address, port: rinfo.port }));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.local.port, this.local.address, () => {
        socket.off('error', reject);
        // A send error (ICMP unreachable) must never take the process down.
        socket.on('error', () => undefined);
        const a = socket.address();
        this.local = { address: a.address, port: a.port };
        resolve();
      });
    });
  }

  send(data: Buffer, dest: Endpoint): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('UDP transport is not listening'));
    return new Promise((resolve, reject) => {
      socket.send(data, dest.port, socketAddress(dest.address), (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
