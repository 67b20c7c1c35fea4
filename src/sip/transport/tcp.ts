/**
 * TCP transport (RFC 3261 §18): a listening server plus outgoing connections, all keyed by
 * the remote endpoint so a response goes back over the connection its request came on
 * (§18.2.2). Each connection has its own {@link StreamFramer}; a framing error closes that
 * connection only (RFC 4475 §3.1.2.3: close the stream on a negative Content-Length).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { StreamFramer } from '../framer.js';
import type { Endpoint, Transport } from './types.js';
import { endpointKey, socketAddress } from './types.js';

export class TcpTransport implements Transport {
  readonly protocol = 'tcp' as const;
  readonly reliable = true;
  private server?: Server;
  private readonly connections = new Map<string, Socket>();
  private readonly connecting = new Map<string, Promise<Socket>>();
  private handler: (data: Buffer, source: Endpoint, local?: Endpoint) => void = () => undefined;
  local: Endpoint;

  constructor(
    host: string,
    port: number,
    /** Connections without traffic for this long are closed (real time; sockets only). */
    private readonly idleMs = 10 * 60_000,
  ) {
    this.local = { address: host, port };
  }

  onMessage(handler: (data: Buffer, source: Endpoint, local?: Endpoint) => void): void {
    this.handler = handler;
  }

  /** Open connections (tests check that garbage closes one). */
  get connectionCount(): number {
    return this.connections.size;
  }

  listen(): Promise<void> {
    const server = createServer((socket) => this.adopt(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.local.port, this.local.address, () => {
        server.off('error', reject);
        const a = server.address();
        if (a && typeof a === 'object') this.local = { address: a.address, port: a.port };
        resolve();
      });
    });
  }

  private adopt(socket: Socket): void {
    const remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const local = { address: socket.localAddress ?? this.local.address, port: socket.localPort ?? this.local.port };
    const key = endpointKey(remote);
    this.connections.set(key, socket);
    socket.setNoDelay(true);
    socket.setTimeout(this.idleMs, () => socket.destroy());
    const framer = new StreamFramer((message) => this.handler(message, remote, local));
    socket.on('data', (chunk) => {
      try {
        framer.push(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.connections.get(key) === socket) this.connections.delete(key);
    });
  }

  /** Whether a connection to `remote` is open (a response can go back over it, §18.2.2). */
  hasConnection(remote: Endpoint): boolean {
    const s = this.connections.get(endpointKey(remote));
    return s !== undefined && !s.destroyed;
  }

  private connection(dest: Endpoint): Promise<Socket> {
    const key = endpointKey(dest);
    const open = this.connections.get(key);
    if (open && !open.destroyed) return Promise.resolve(open);
    const pending = this.connecting.get(key);
    if (pending) return pending;
    const p = new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: socketAddress(dest.address), port: dest.port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        this.adopt(socket);
        resolve(socket);
      });
    }).finally(() => this.connecting.delete(key));
    this.connecting.set(key, p);
    return p;
  }

  async send(data: Buffer, dest: Endpoint): Promise<void> {
    const socket = await this.connection(dest);
    await new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    for (const s of this.connections.values()) s.destroy();
    this.connections.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
