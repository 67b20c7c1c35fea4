/**
 * The SIP stack a user agent (the registrar, the B2BUA, trunks) is built on: transports,
 * transaction layer and the parts of the UA core that are the same for every TU —
 * CANCEL handling (§9), 2xx retransmission until the ACK (§13.3.1.4), ACK resending on
 * 2xx retransmissions (§13.2.2.4), Via/branch stamping and next-hop resolution (§8.1.2).
 *
 *   const stack = new SipStack({ clock, logger, transports: [{ protocol: 'udp', host, port }] });
 *   stack.onRequest((req, tx) => tx.respond(stack.createResponse(req, 200)));
 *   await stack.start();
 */
import { SystemClock, type Clock, type TimerHandle } from '../../common/clock.js';
import { silentLogger, type Logger } from '../../common/log.js';
import { buildCancel, buildRequest, createResponse, newBranch, newTag, type RequestSpec } from './builders.js';
import { SipError } from './errors.js';
import { NameAddr } from './header-values.js';
import type { SipRequest, SipResponse } from './message.js';
import type { TimerValues } from './transaction/base.js';
import { InviteClientTransaction, type ClientTransactionUser } from './transaction/invite-client.js';
import { InviteServerTransaction } from './transaction/invite-server.js';
import { TransactionLayer, type ClientTransaction } from './transaction/layer.js';
import type { ServerTransaction } from './transaction/server.js';
import { SipTransportLayer, type Destination } from './transport/layer.js';
import type { IncomingInfo, TransportConfig, TransportProtocol } from './transport/types.js';
import { SipUri } from './uri.js';

export interface SipStackOptions {
  transports: TransportConfig[];
  clock?: Clock;
  logger?: Logger;
  timers?: Partial<TimerValues>;
}

export interface SendOptions extends ClientTransactionUser {
  /** Next hop; by default resolved from the top Route or the Request-URI (IP literals only). */
  destination?: Destination;
}

export type RequestHandler = (req: SipRequest, tx: ServerTransaction) => void | Promise<void>;

interface Pending2xx {
  res: SipResponse;
  info: IncomingInfo;
  retransmit?: TimerHandle;
  giveUp: TimerHandle;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export class SipStack {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly transport: SipTransportLayer;
  readonly transactions: TransactionLayer;
  private requestHandler: RequestHandler = (req, tx) => void tx.respond(createResponse(req, 501, undefined, newTag()));
  private ackHandler: (ack: SipRequest) => void = () => undefined;
  private strayHandler: (res: SipResponse) => void = () => undefined;
  private ackTimeoutHandler: (res: SipResponse) => void = () => undefined;
  private readonly pending2xx = new Map<string, Pending2xx>();
  private readonly sentAcks = new Map<string, { ack: SipRequest; dest: Destination; forget: TimerHandle }>();
  private readonly inviteDest = new WeakMap<InviteClientTransaction, Destination>();
  private readonly cancelWanted = new WeakSet<InviteClientTransaction>();
  private readonly cancelSent = new WeakSet<InviteClientTransaction>();
  private readonly drainWaiters = new Set<() => void>();

  constructor(options: SipStackOptions) {
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? silentLogger();
    this.transport = new SipTransportLayer(options.transports, this.logger, this.clock);
    this.transactions = new TransactionLayer(this.clock, this.transport, (req) => createResponse(req, 100), options.timers, this.logger);
    this.transport.onRequest((req, info) => this.receiveRequest(req, info));
    this.transport.onResponse((res) => this.receiveResponse(res));
  }

  async start(): Promise<void> {
    await this.transport.start();
  }

  /**
   * Wait until every request this stack sent has its final response (the BYEs and CANCELs
   * of a shutdown, RFC 3261 §15.1.1, §9.1), or `maxMs` on the stack's clock, whichever
   * comes first; what was handed to the transport meanwhile has been written.
   */
  async drain(maxMs: number): Promise<void> {
    if (this.transactions.awaitingFinal() > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.clock.clearTimeout(timer);
          this.drainWaiters.delete(check);
          resolve();
        };
        const check = (): void => {
          if (this.transactions.awaitingFinal() === 0) done();
        };
        const timer = this.clock.setTimeout(done, maxMs);
        this.drainWaiters.add(check);
      });
    }
    // One turn of the event loop: sends queued just now (a 503, an ACK) leave the socket.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** What the stack holds now (the soak benchmark checks it returns to idle): live transactions, 2xx awaiting their ACK, ACKs kept for retransmitted 2xx. */
  stats(): { clientTransactions: number; serverTransactions: number; pending2xx: number; sentAcks: number } {
    const tx = this.transactions.size;
    return { clientTransactions: tx.clients, serverTransactions: tx.servers, pending2xx: this.pending2xx.size, sentAcks: this.sentAcks.size };
  }

  async stop(): Promise<void> {
    for (const p of this.pending2xx.values()) this.clear2xx(p);
    this.pending2xx.clear();
    for (const a of this.sentAcks.values()) this.clock.clearTimeout(a.forget);
    this.sentAcks.clear();
    await this.transport.stop();
  }

  /** New requests (never ACK or CANCEL, which the stack handles). Throw a SipError to reject. */
  onRequest(handler: RequestHandler): void {
    this.requestHandler = handler;
  }
  /** ACKs for 2xx responses (they belong to the dialog, not to a transaction). */
  onAck(handler: (ack: SipRequest) => void): void {
    this.ackHandler = handler;
  }
  /** Responses that matched no transaction and no known ACK (e.g. a 2xx from another fork). */
  onStrayResponse(handler: (res: SipResponse) => void): void {
    this.strayHandler = handler;
  }
  /** A 2xx to an INVITE was never acknowledged within 64·T1 (§13.3.1.4: the UAS sends BYE). */
  onAckTimeout(handler: (res: SipResponse) => void): void {
    this.ackTimeoutHandler = handler;
  }

  createResponse(req: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
    return createResponse(req, status, reason, toTag ?? (status > 100 ? newTag() : undefined));
  }

  createRequest(spec: RequestSpec): SipRequest {
    return buildRequest(spec);
  }

  /**
   * This stack's Contact for a transport (`<sip:user@host:port;transport=tcp>`), with the
   * address the peer at `towards` can reach (see SipTransportLayer.advertised).
   */
  contact(protocol: TransportProtocol = 'udp', user?: string, towards?: string): NameAddr {
    const adv = this.transport.advertised(protocol, towards);
    const uri = new SipUri('sip', adv.address, adv.port, user);
    // RFC 5630 §3.1.3: TLS is asked for with sips:, not the deprecated transport=tls.
    if (protocol === 'tls') uri.scheme = 'sips';
    else if (protocol !== 'udp') uri.params.set('transport', protocol);
    return new NameAddr(uri);
  }

  /** Send a request in a new client transaction (not for ACK: see {@link sendAck}). */
  sendRequest(req: SipRequest, options: SendOptions): ClientTransaction {
    if (req.method === 'ACK') throw new Error('ACK is sent with sendAck(), outside any transaction');
    const dest = options.destination ?? this.resolve(req);
    this.stampVia(req, dest);
    let tx: ClientTransaction | undefined = undefined;
    const user: ClientTransactionUser = {
      ...options,
      onResponse: (res) => {
        // §9.1: a CANCEL requested before any provisional response goes out on the first one.
        if (tx instanceof InviteClientTransaction && res.status < 200 && this.cancelWanted.has(tx)) this.sendCancel(tx);
        options.onResponse(res);
      },
    };
    tx = this.transactions.sendRequest(req, dest, user);
    if (tx instanceof InviteClientTransaction) this.inviteDest.set(tx, dest);
    return tx;
  }

  /** Cancel a pending INVITE (§9.1); deferred until a provisional response has arrived. */
  cancel(tx: InviteClientTransaction): void {
    this.cancelWanted.add(tx);
    if (tx.state === 'Proceeding') this.sendCancel(tx);
  }

  private sendCancel(tx: InviteClientTransaction): void {
    if (this.cancelSent.has(tx)) return;
    this.cancelSent.add(tx);
    const dest = this.inviteDest.get(tx)!;
    this.transactions.sendRequest(buildCancel(tx.request), dest, { onResponse: () => undefined });
    tx.cancelSent(); // §9.1: no 487 within 64·T1 ends the INVITE transaction anyway
  }

  /**
   * Send the ACK for a 2xx (§13.2.2.4) statelessly, and send it again whenever that 2xx
   * is retransmitted, for 64·T1.
   */
  sendAck(ack: SipRequest, destination?: Destination): void {
    const dest = destination ?? this.resolve(ack);
    this.stampVia(ack, dest);
    // Keyed by the remote tag too: a 2xx from another fork needs its own ACK (§13.2.2.4).
    const key = `${ack.callId}|${ack.cseq.seq}|${ack.to.tag ?? ''}`;
    const old = this.sentAcks.get(key);
    if (old) this.clock.clearTimeout(old.forget);
    const forget = this.clock.setTimeout(() => this.sentAcks.delete(key), 64 * this.transactions.timers.T1);
    this.sentAcks.set(key, { ack, dest, forget });
    this.transport.sendRequest(ack, dest).catch((err: unknown) => this.logger.warn({ err }, 'sip: ACK send failed'));
  }

  /** Next hop of §8.1.2: the top Route if loose-routing, else the Request-URI. */
  resolve(req: SipRequest): Destination {
    const route = req.headers.first('Route');
    let target = req.uri;
    if (route !== undefined) {
      const r = req.routes('Route')[0]!;
      if (r.uri.params.has('lr')) target = r.uri;
    }
    if (!target.isSip) throw new SipError(416, 'Unsupported URI Scheme');
    const transport = target.transport;
    if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') throw new SipError(503, `Transport ${transport} not supported`);
    let host = target.params.get('maddr') ?? target.host;
    if (host === 'localhost') host = '127.0.0.1';
    if (!IPV4.test(host) && !host.startsWith('[')) {
      throw new Error(`cannot resolve ${host}: DNS (RFC 3263) lookups are not supported yet, pass options.destination`);
    }
    return { protocol: transport, address: host.startsWith('[') ? host.slice(1, -1) : host, port: target.port ?? (transport === 'tls' ? 5061 : 5060) };
  }

  private stampVia(req: SipRequest, dest: Destination): void {
    if (req.headers.has('Via')) return;
    const protocol = dest.protocol;
    const adv = this.transport.advertised(protocol, dest.address);
    req.headers.prepend('Via', `SIP/2.0/${protocol.toUpperCase()} ${adv.address}:${adv.port};branch=${newBranch()};rport`);
    if (!req.headers.has('Max-Forwards')) req.headers.append('Max-Forwards', '70');
  }

  private receiveRequest(req: SipRequest, info: IncomingInfo): void {
    const r = this.transactions.receiveRequest(req, info);
    if (r.kind === 'absorbed') return;
    if (r.kind === 'ack') {
      const p = this.pending2xx.get(`${req.callId}|${req.cseq.seq}`);
      if (p) {
        this.clear2xx(p);
        this.pending2xx.delete(`${req.callId}|${req.cseq.seq}`);
      }
      this.ackHandler(req);
      return;
    }
    const tx = r.tx;
    if (tx instanceof InviteServerTransaction) tx.on2xx = (res) => this.start2xx(res, info);
    if (req.method === 'CANCEL') return this.receiveCancel(req, tx);
    try {
      const p = this.requestHandler(req, tx);
      if (p) p.catch((err: unknown) => this.reject(req, tx, err));
    } catch (err) {
      this.reject(req, tx, err);
    }
  }

  /** A TU that throws gets its request answered: SipError → its status, anything else → 500. */
  private reject(req: SipRequest, tx: ServerTransaction, err: unknown): void {
    if (err instanceof SipError) {
      const res = this.createResponse(req, err.status, err.reason);
      for (const [n, v] of err.headers) res.headers.append(n, v);
      tx.respond(res);
      return;
    }
    this.logger.error({ err, method: req.method }, 'sip: request handler failed');
    tx.respond(this.createResponse(req, 500));
  }

  /** §9.2: 200 to the CANCEL, then the INVITE is answered 487 unless the TU already answered. */
  private receiveCancel(cancel: SipRequest, tx: ServerTransaction): void {
    const invite = this.transactions.inviteServerFor(cancel);
    if (!invite) {
      tx.respond(this.createResponse(cancel, 481));
      return;
    }
    const toTag = invite.lastResponse?.to.tag;
    tx.respond(this.createResponse(cancel, 200, undefined, toTag));
    if (invite.state !== 'Proceeding') return;
    invite.notifyCancel();
    if (invite.state === 'Proceeding') invite.respond(this.createResponse(invite.request, 487, undefined, toTag));
  }

  private receiveResponse(res: SipResponse): void {
    if (this.transactions.receiveResponse(res)) {
      if (this.drainWaiters.size) for (const check of [...this.drainWaiters]) check(); // only while shutting down
      return;
    }
    const cseq = res.cseq;
    if (cseq.method === 'INVITE' && res.status >= 200 && res.status < 300) {
      const sent = this.sentAcks.get(`${res.callId}|${cseq.seq}|${res.to.tag ?? ''}`);
      if (sent) {
        this.transport.sendRequest(sent.ack, sent.dest).catch(() => undefined);
        return;
      }
    }
    this.strayHandler(res);
  }

  /** §13.3.1.4: the UAS core retransmits a 2xx (T1 doubling to T2) until the ACK, for 64·T1. */
  private start2xx(res: SipResponse, info: IncomingInfo): void {
    const key = `${res.callId}|${res.cseq.seq}`;
    const old = this.pending2xx.get(key);
    if (old) this.clear2xx(old);
    const { T1, T2 } = this.transactions.timers;
    const entry: Pending2xx = {
      res,
      info,
      giveUp: this.clock.setTimeout(() => {
        this.clear2xx(entry);
        this.pending2xx.delete(key);
        try {
          this.ackTimeoutHandler(res);
        } catch (err) {
          this.logger.error({ err }, 'sip: ACK timeout handler failed');
        }
      }, 64 * T1),
    };
    const again = (interval: number): void => {
      entry.retransmit = this.clock.setTimeout(() => {
        this.transport.sendResponse(res, info).catch(() => undefined);
        again(Math.min(interval * 2, T2));
      }, interval);
    };
    if (!this.transport.isReliable(info.protocol)) again(T1);
    this.pending2xx.set(key, entry);
  }

  private clear2xx(p: Pending2xx): void {
    this.clock.clearTimeout(p.retransmit);
    this.clock.clearTimeout(p.giveUp);
  }
}
