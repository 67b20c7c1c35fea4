/**
 * TLS transport (RFC 3261 §18, §26.2.1; RFC 5630 for sips: use) with mutual certificate
 * checks by pinned fingerprint: both ends present a certificate (usually self-signed, so
 * no CA vouches for it) and a connection stands only when `acceptPeer` knows the other's
 * SHA-256 fingerprint — in both directions, the server asks for the client's certificate.
 *
 * Connections are keyed by the remote endpoint so a response goes back over the
 * connection its request came on (§18.2.2). The side that opened a connection keeps it
 * alive with the CRLF ping of RFC 5626 §4.4.1 (CRLFCRLF, answered by one CRLF); a pong
 * not seen within {@link TlsOptions.pongTimeoutMs} fails the flow (§4.4.1: 10 s) and the
 * connection is closed, which {@link TlsTransport.onConnectionClosed} reports.
 *
 * With {@link TlsOptions.onePerPeer}, one connection per peer (per fingerprint): when both ends open one at the same moment
 * (a reconnection race), both keep the connection opened by the end whose certificate
 * fingerprint sorts first — both ends see the same two connections, so they choose the
 * same one without a word. The other is *retired*: nothing new is sent over it (the
 * peer's endpoint is the kept one's), what was in flight on it still gets its answers over
 * it (§18.2.2), and it is closed with a close_notify once quiet for
 * {@link TlsOptions.drainMs}. Should the kept one close first, the retired one is taken
 * back, so the pair is never left without its connection.
 */
import { createServer, connect, type Server, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { SystemClock, type Clock, type TimerHandle } from '../../../common/clock.js';
import { StreamFramer } from '../framer.js';
import type { Endpoint, Transport } from './types.js';
import { endpointKey, socketAddress } from './types.js';

export interface TlsOptions {
  /** PEM private key and certificate this end presents. */
  key: string | Buffer;
  cert: string | Buffer;
  /** Pinning: whether a peer presenting a certificate with this fingerprint (`AB:CD:…`, SHA-256) may connect. */
  acceptPeer(fingerprint: string, remote: Endpoint): boolean;
  /** CRLF keepalive period on connections this end opened (RFC 5626 §4.4.1); 0 = none. Default 30 s. */
  keepaliveMs?: number;
  /** How long a ping may wait for its pong before the flow is failed (RFC 5626 §4.4.1: 10 s). */
  pongTimeoutMs?: number;
  /** Keep one connection per peer fingerprint (the network of sites): see the top of this file. */
  onePerPeer?: boolean;
  /** A retired second connection to a peer closes once quiet this long (default 32 s: Timer F, the life of a non-INVITE transaction). */
  drainMs?: number;
}

const PING = Buffer.from('\r\n\r\n');
const PONG = Buffer.from('\r\n');

interface Connection {
  socket: TLSSocket;
  fingerprint: string;
  framer: StreamFramer;
  /** This end opened it (it sends the keepalive). */
  outgoing: boolean;
  keepalive?: TimerHandle;
  pongDue?: TimerHandle;
  /** A second connection to the same peer, given up for the other: closes when `drain` fires. */
  retired?: boolean;
  drain?: TimerHandle;
}

/** The SHA-256 fingerprint of a PEM certificate, as TLS peers report it (`AB:CD:…`). */
export function certificateFingerprint(pem: string | Buffer): string {
  return new X509Certificate(pem).fingerprint256;
}

export class TlsTransport implements Transport {
  readonly protocol = 'tls' as const;
  readonly reliable = true;
  private server?: Server;
  private readonly connections = new Map<string, Connection>();
  private readonly connecting = new Map<string, Promise<Connection>>();
  private handler: (data: Buffer, source: Endpoint, local?: Endpoint) => void = () => undefined;
  private closedHandlers: Array<(remote: Endpoint, fingerprint: string, retired: boolean) => void> = [];
  private refusedHandlers: Array<(remote: Endpoint, fingerprint: string | undefined) => void> = [];
  private readonly ownFingerprint: string;
  /** onePerPeer: the peer of each endpoint whose connection closed (newest last, bounded), so what is still addressed there goes over the pair's connection now. */
  private readonly former = new Map<string, string>();
  local: Endpoint;

  constructor(
    host: string,
    port: number,
    private readonly options: TlsOptions,
    private readonly clock: Clock = new SystemClock(),
    /** Connections without traffic for this long are closed (real time; sockets only). */
    private readonly idleMs = 10 * 60_000,
  ) {
    this.local = { address: host, port };
    this.ownFingerprint = certificateFingerprint(options.cert);
  }

  onMessage(handler: (data: Buffer, source: Endpoint, local?: Endpoint) => void): void {
    this.handler = handler;
  }

  /** A connection that stood (certificate accepted) has closed: dropped, failed keepalive, or closed here. */
  /** `retired`: it was a second connection to that peer, given up (onePerPeer). */
  onConnectionClosed(handler: (remote: Endpoint, fingerprint: string, retired: boolean) => void): () => void {
    this.closedHandlers.push(handler);
    return () => {
      this.closedHandlers = this.closedHandlers.filter((h) => h !== handler);
    };
  }

  /** A peer's certificate was refused (unknown fingerprint, or none presented). */
  onRefused(handler: (remote: Endpoint, fingerprint: string | undefined) => void): void {
    this.refusedHandlers.push(handler);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The fingerprint the peer at `remote` presented, while its connection stands (a TU checks who sent a request). */
  peerFingerprint(remote: Endpoint): string | undefined {
    return this.connections.get(endpointKey(remote))?.fingerprint;
  }

  /** The certificate (PEM) the peer at `remote` presented, while its connection stands. */
  peerCertificate(remote: Endpoint): string | undefined {
    return this.connections.get(endpointKey(remote))?.socket.getPeerX509Certificate()?.toString();
  }

  /** The remote end of the standing connection whose peer presented `fingerprint` (one connection per pair of sites; never a retired one). */
  endpointOf(fingerprint: string): Endpoint | undefined {
    const c = this.kept(fingerprint);
    return c && { address: c.socket.remoteAddress ?? '', port: c.socket.remotePort ?? 0 };
  }

  private kept(fingerprint: string, except?: Connection): Connection | undefined {
    for (const c of this.connections.values()) if (c !== except && c.fingerprint === fingerprint && !c.retired && !c.socket.destroyed) return c;
    return undefined;
  }

  hasConnection(remote: Endpoint): boolean {
    const c = this.connections.get(endpointKey(remote));
    return c !== undefined && !c.socket.destroyed;
  }

  listen(): Promise<void> {
    const server = createServer({
      key: this.options.key,
      cert: this.options.cert,
      // Mutual TLS with self-signed certificates: no CA to check against, the pin decides (adopt()).
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    server.on('secureConnection', (socket) => void this.adopt(socket, false));
    server.on('tlsClientError', () => undefined);
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

  /** Check the peer's certificate against the pins; keep the connection only when it passes. */
  private adopt(socket: TLSSocket, outgoing: boolean): Connection | undefined {
    const remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const local = { address: socket.localAddress ?? this.local.address, port: socket.localPort ?? this.local.port };
    const cert = socket.getPeerX509Certificate();
    const fingerprint = cert?.fingerprint256;
    if (fingerprint === undefined || !this.options.acceptPeer(fingerprint, remote)) {
      for (const h of this.refusedHandlers) h(remote, fingerprint);
      socket.destroy();
      return undefined;
    }
    const key = endpointKey(remote);
    const conn: Connection = {
      socket,
      fingerprint,
      outgoing,
      framer: new StreamFramer((message) => this.handler(message, remote, local)),
    };
    this.connections.set(key, conn);
    socket.setNoDelay(true);
    socket.setTimeout(this.idleMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.data(conn, chunk, outgoing));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.clock.clearInterval(conn.keepalive);
      this.clock.clearTimeout(conn.pongDue);
      this.clock.clearTimeout(conn.drain);
      if (this.connections.get(key) !== conn) return;
      this.connections.delete(key);
      if (this.options.onePerPeer) this.remember(key, fingerprint);
      if (!conn.retired && !this.kept(fingerprint)) this.takeBack(fingerprint);
      for (const h of [...this.closedHandlers]) h(remote, fingerprint, conn.retired === true);
    });
    this.startKeepalive(conn);
    const other = this.options.onePerPeer ? this.kept(fingerprint, conn) : undefined;
    if (other) this.retire(this.preferred(conn, other) === conn ? other : conn);
    return conn;
  }

  private startKeepalive(conn: Connection): void {
    const every = this.options.keepaliveMs ?? 30_000;
    if (conn.outgoing && every > 0) conn.keepalive = this.clock.setInterval(() => this.ping(conn), every);
  }

  /**
   * Of two connections to one peer, the one both ends keep: opened by the end whose
   * fingerprint sorts first; opened by the same end, the newer (that end gave up the older).
   */
  private preferred(a: Connection, b: Connection): Connection {
    const opener = (c: Connection): string => (c.outgoing ? this.ownFingerprint : c.fingerprint);
    if (opener(a) === opener(b)) return a;
    return opener(a) < opener(b) ? a : b;
  }

  /** Give up a second connection: no keepalive, nothing new over it, closed once quiet. */
  private retire(conn: Connection): void {
    conn.retired = true;
    this.clock.clearInterval(conn.keepalive);
    this.clock.clearTimeout(conn.pongDue);
    conn.keepalive = conn.pongDue = undefined;
    this.quiet(conn);
  }

  /** Traffic on a retired connection: its close waits for another quiet period. */
  private quiet(conn: Connection): void {
    if (!conn.retired) return;
    this.clock.clearTimeout(conn.drain);
    conn.drain = this.clock.setTimeout(() => conn.socket.end(), this.options.drainMs ?? 32_000);
  }

  private remember(key: string, fingerprint: string): void {
    this.former.delete(key);
    this.former.set(key, fingerprint);
    if (this.former.size > 1000) this.former.delete(this.former.keys().next().value!);
  }

  /** The kept connection closed: a retired one still open to that peer serves again. */
  private takeBack(fingerprint: string): void {
    const back = [...this.connections.values()].find((c) => c.fingerprint === fingerprint && c.retired && !c.socket.destroyed && c.socket.writable);
    if (!back) return;
    back.retired = false;
    this.clock.clearTimeout(back.drain);
    back.drain = undefined;
    this.startKeepalive(back);
  }

  /**
   * RFC 5626 §4.4.1: between messages, a CRLFCRLF is a ping (the server answers CRLF) and,
   * on a connection we opened, a lone CRLF is the pong. Anything else goes to the framer,
   * which skips stray CRLFs itself (§7.5 of RFC 3261).
   */
  private data(conn: Connection, chunk: Buffer, outgoing: boolean): void {
    this.quiet(conn);
    if (conn.framer.buffered === 0 && isOnlyCrlf(chunk)) {
      if (outgoing) {
        this.clock.clearTimeout(conn.pongDue);
        conn.pongDue = undefined;
      } else if (chunk.length >= 4) conn.socket.write(PONG);
      return;
    }
    try {
      conn.framer.push(chunk);
    } catch {
      conn.socket.destroy(); // a framing error on a stream: the next boundary is unknown
    }
  }

  private ping(conn: Connection): void {
    if (conn.pongDue !== undefined) return;
    conn.socket.write(PING);
    conn.pongDue = this.clock.setTimeout(() => conn.socket.destroy(), this.options.pongTimeoutMs ?? 10_000);
  }

  private connection(dest: Endpoint): Promise<Connection> {
    const key = endpointKey(dest);
    const open = this.connections.get(key);
    if (open && !open.socket.destroyed) return Promise.resolve(open);
    // A subscription's NOTIFY, say, still addressed to a connection of the pair that closed: the pair's connection now.
    const peer = this.former.get(key);
    const instead = peer === undefined ? undefined : this.kept(peer);
    if (instead) return Promise.resolve(instead);
    const pending = this.connecting.get(key);
    if (pending) return pending;
    const p = new Promise<Connection>((resolve, reject) => {
      const socket = connect({
        host: socketAddress(dest.address),
        port: dest.port,
        key: this.options.key,
        cert: this.options.cert,
        rejectUnauthorized: false,
        // The name in a self-signed certificate proves nothing; the pinned fingerprint does.
        checkServerIdentity: () => undefined,
        minVersion: 'TLSv1.2',
      });
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        socket.off('error', reject);
        const conn = this.adopt(socket, true);
        if (conn) resolve(conn);
        else reject(new TlsPeerRefusedError(dest));
      });
    }).finally(() => this.connecting.delete(key));
    this.connecting.set(key, p);
    return p;
  }

  async send(data: Buffer, dest: Endpoint): Promise<void> {
    const conn = await this.connection(dest);
    this.quiet(conn);
    await new Promise<void>((resolve, reject) => conn.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Close the connection to `remote` (a peer removed from the network). `graceful`: after
   * what was written to it has gone (a final answer), with a TLS close_notify.
   */
  disconnect(remote: Endpoint, graceful = false): void {
    const s = this.connections.get(endpointKey(remote))?.socket;
    if (graceful) s?.end();
    else s?.destroy();
  }

  async close(): Promise<void> {
    for (const c of [...this.connections.values()]) c.socket.destroy();
    this.connections.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The peer's certificate is not pinned: the connection was closed. */
export class TlsPeerRefusedError extends Error {
  constructor(readonly remote: Endpoint) {
    super(`TLS peer ${remote.address}:${remote.port} presented a certificate that is not pinned`);
    this.name = 'TlsPeerRefusedError';
  }
}

function isOnlyCrlf(chunk: Buffer): boolean {
  for (const b of chunk) if (b !== 0x0d && b !== 0x0a) return false;
  return chunk.length > 0;
}
