/**
 * The transport layer (RFC 3261 §18): owns the transports, parses what they receive,
 * stamps `received`/`rport` on incoming requests (§18.2.1, RFC 3581 §4), routes responses
 * back (§18.2.2 + RFC 3581 §4), and answers unparsable requests with 400 when a Via can be
 * salvaged (otherwise drops them). Nothing a peer sends can throw out of this layer.
 *
 * It also knows which address to advertise to each peer (Via sent-by, Contact, SDP c=):
 * the configured `advertise` host (NAT), else the bound address, else — bound to 0.0.0.0
 * or :: — the local address towards that peer ({@link LocalAddressCache}). A message from
 * a peer not seen before waits for that one route lookup before it is handed up, so the
 * answer to it already carries an address the peer can reach.
 */
import type { Logger } from '../../../common/log.js';
import { Headers } from '../headers.js';
import { parseVia, type Via } from '../header-values.js';
import { SipRequest, SipResponse } from '../message.js';
import { parseMessage, SipMessageParseError } from '../parser.js';
import { serialize } from '../serializer.js';
import { TcpTransport } from './tcp.js';
import { TlsTransport } from './tls.js';
import type { Clock } from '../../../common/clock.js';
import type { Endpoint, IncomingInfo, Transport, TransportConfig, TransportProtocol } from './types.js';
import { hostForm, socketAddress } from './types.js';
import { UdpTransport } from './udp.js';
import { isUnspecified, LocalAddressCache } from './local-address.js';
import { isIPv6 } from 'node:net';

export interface Destination extends Endpoint {
  protocol: TransportProtocol;
}

interface Bound {
  transport: Transport;
  config: TransportConfig;
  /** Bound to 0.0.0.0/:: without an advertise host: the address depends on the peer. */
  perPeer: boolean;
}

export class SipTransportLayer {
  private readonly bound: Bound[];
  private requestHandler: (req: SipRequest, info: IncomingInfo) => void = () => undefined;
  private responseHandler: (res: SipResponse, info: IncomingInfo) => void = () => undefined;
  /** Local address towards each peer, for transports bound to an unspecified address. */
  private readonly peers: LocalAddressCache;

  constructor(
    configs: TransportConfig[],
    private readonly logger: Logger,
    /** Drives the TLS keepalive (RFC 5626 §4.4.1) timers; the real clock when absent. */
    clock?: Clock,
  ) {
    this.bound = configs.map((config) => ({
      config,
      transport: makeTransport(config, clock),
      perPeer: isUnspecified(config.host) && config.advertise?.host === undefined,
    }));
    this.peers = new LocalAddressCache(configs.some((c) => isIPv6(socketAddress(c.host))) ? 'udp6' : 'udp4');
  }

  onRequest(handler: (req: SipRequest, info: IncomingInfo) => void): void {
    this.requestHandler = handler;
  }

  onResponse(handler: (res: SipResponse, info: IncomingInfo) => void): void {
    this.responseHandler = handler;
  }

  async start(): Promise<void> {
    for (const b of this.bound) {
      await b.transport.listen();
      const t = b.transport;
      t.onMessage((data, source, local) => this.arrive(b, data, { protocol: t.protocol, source, local: local ?? t.local }));
    }
  }

  /**
   * A message off the wire. For a per-peer transport, first know our address towards the
   * sender: a stream connection says it; over UDP a sender not seen before waits for one
   * route lookup (later messages from it queue behind the same lookup, in order).
   */
  private arrive(b: Bound, data: Buffer, info: IncomingInfo): void {
    if (b.perPeer) {
      const peer = info.source.address;
      const known = this.peers.get(peer);
      if (info.local !== b.transport.local) {
        if (known !== info.local.address) this.peers.learn(peer, info.local.address);
      } else if (known === undefined) {
        void this.peers.lookup(peer).then(() => this.receive(data, info));
        return;
      }
    }
    this.receive(data, info);
  }

  async stop(): Promise<void> {
    await Promise.all(this.bound.map((b) => b.transport.close()));
  }

  get transports(): Transport[] {
    return this.bound.map((b) => b.transport);
  }

  transport(protocol: TransportProtocol): Transport | undefined {
    return this.bound.find((b) => b.transport.protocol === protocol)?.transport;
  }

  /**
   * The host:port this stack writes in Via sent-by and Contact for a protocol, towards the
   * peer at `towards` (an IP address): the advertise host if configured, else the bound
   * address, else (bound to 0.0.0.0/::) the local address towards that peer — loopback
   * when no peer is named. Cached per peer: no system call on the hot path.
   */
  advertised(protocol: TransportProtocol, towards?: string): Endpoint {
    const b = this.bound.find((x) => x.transport.protocol === protocol);
    if (!b) throw new Error(`no ${protocol} transport configured`);
    const local = b.transport.local;
    let host = b.config.advertise?.host ?? local.address;
    if (b.perPeer) host = towards === undefined ? this.peers.guess('127.0.0.1') : this.peers.towards(socketAddress(towards));
    return { address: hostForm(host), port: b.config.advertise?.port ?? local.port };
  }

  isReliable(protocol: TransportProtocol): boolean {
    return this.transport(protocol)?.reliable ?? false;
  }

  /** Entry point for received bytes (public so tests and future transports can inject). */
  receive(data: Buffer, info: IncomingInfo): void {
    let msg;
    try {
      msg = parseMessage(data, { datagram: info.protocol === 'udp' });
    } catch (err) {
      if (err instanceof SipMessageParseError) this.answerUnparsable(err, info);
      else this.logger.warn({ err }, 'sip: dropping message');
      return;
    }
    try {
      if (msg instanceof SipRequest) {
        stampReceived(msg, info.source);
        this.requestHandler(msg, info);
      } else this.responseHandler(msg, info);
    } catch (err) {
      // A TU bug must not crash the exchange; it is logged and the message dropped.
      this.logger.error({ err }, 'sip: handler failed');
    }
  }

  /**
   * §8.2 / §18.2: a request we cannot parse gets `400 <reason>` (505 for another SIP
   * version) with the headers it had that a response copies. It goes where §18.2.2 says
   * when the top Via can be read; otherwise back to the transport source, the only address
   * known (RFC 4475 §3.1.2.1 badinv01, §3.1.2.16 badvers, §3.3.1 insuf). Without a CSeq
   * and a Via the bytes are not a request we could answer, and an ACK never is (§17.2.1).
   */
  private answerUnparsable(err: SipMessageParseError, info: IncomingInfo): void {
    this.logger.debug({ reason: err.reason, source: info.source }, 'sip: unparsable message');
    const h = err.headers;
    if (!err.isRequest || !h.has('Via') || !h.has('CSeq')) return;
    if (/\bACK\s*$/.test(h.get('CSeq') ?? '')) return;
    const res = new SipResponse(err.status, err.reason);
    for (const v of h.lines('Via')) res.headers.append('Via', v);
    for (const name of ['From', 'To', 'Call-ID', 'CSeq']) {
      const v = h.get(name);
      if (v !== undefined) res.headers.append(name, v);
    }
    let viaReadable = true;
    try {
      stampReceived(res, info.source);
    } catch {
      viaReadable = false;
    }
    const sent = viaReadable ? this.sendResponse(res, info) : this.transport(info.protocol)?.send(serialize(res), info.source);
    sent?.catch(() => undefined);
  }

  /** Send a request to a resolved next hop. */
  async sendRequest(req: SipRequest, dest: Destination): Promise<void> {
    const transport = this.transport(dest.protocol);
    if (!transport) throw new Error(`no ${dest.protocol} transport configured`);
    await transport.send(serialize(req), dest);
  }

  /**
   * Send a response where §18.2.2 and RFC 3581 §4 say: over a stream, back on the
   * connection of the request (which is keyed by its source); over UDP, to `received`
   * at the `rport` port when present, else to `received`/sent-by at the sent-by port.
   */
  async sendResponse(res: SipResponse, info?: IncomingInfo): Promise<void> {
    const via = res.topVia;
    const protocol = (info?.protocol ?? via.transport.toLowerCase()) as TransportProtocol;
    const transport = this.transport(protocol);
    if (!transport) throw new Error(`no ${protocol} transport for response`);
    const open = info !== undefined && (transport instanceof TcpTransport || transport instanceof TlsTransport) && transport.hasConnection(info.source);
    await transport.send(serialize(res), responseDestination(via, open ? info : undefined));
  }
}

function makeTransport(config: TransportConfig, clock?: Clock): Transport {
  switch (config.protocol) {
    case 'udp':
      return new UdpTransport(config.host, config.port);
    case 'tcp':
      return new TcpTransport(config.host, config.port);
    case 'tls':
      if (!config.tls) throw new Error('a TLS transport needs its key, certificate and pins (TransportConfig.tls)');
      return new TlsTransport(config.host, config.port, config.tls, clock);
  }
}

/**
 * Where a response goes: back over the request's open stream connection when `info` says
 * so; otherwise to `received` (or sent-by) at the `rport` port (UDP, RFC 3581 §4) or at
 * the sent-by port (default 5060) — §18.2.2 also opens a new connection that way.
 */
export function responseDestination(via: Via, info?: IncomingInfo): Endpoint {
  if (info && info.protocol !== 'udp') return info.source;
  const address = via.received ?? via.host;
  const rport = via.rport;
  const useRport = typeof rport === 'number' && rport > 0 && via.transport === 'UDP';
  const port = useRport ? rport : (via.port ?? (via.transport === 'TLS' ? 5061 : 5060));
  return { address: socketAddress(address), port };
}

/**
 * §18.2.1: add `received` when the source IP differs from the sent-by host; RFC 3581 §4:
 * fill an empty `rport` with the source port, and then always add `received`.
 */
export function stampReceived(msg: SipRequest | SipResponse, source: Endpoint): void {
  const raw = msg.headers.first('Via');
  if (raw === undefined) return;
  const via = parseVia(raw);
  // RFC 3261 §25.1: received holds a bare IPv4/IPv6 address (no brackets).
  const sourceHost = socketAddress(source.address);
  let changed = false;
  if (via.rport === null) {
    via.params.set('rport', String(source.port));
    via.params.set('received', sourceHost);
    changed = true;
  } else if (socketAddress(via.host) !== socketAddress(source.address)) {
    via.params.set('received', sourceHost);
    changed = true;
  }
  if (changed) replaceTopVia(msg.headers, via.toString());
}

export function replaceTopVia(headers: Headers, value: string): void {
  headers.shift('Via');
  headers.prepend('Via', value);
}
