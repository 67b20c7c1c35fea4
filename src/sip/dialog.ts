/**
 * Dialogs (RFC 3261 §12): the peer-to-peer relationship an INVITE (or SUBSCRIBE, REFER)
 * establishes. Holds the dialog ID, local/remote CSeq, local/remote URIs, the remote
 * target (from Contact) and the route set (from Record-Route), and builds in-dialog
 * requests with the routing rules of §12.2.1.1 (loose and strict routing).
 *
 * States: Early → Confirmed | Terminated; Confirmed → Terminated.
 * Early when created from a 1xx with a To tag, Confirmed on a 2xx (§12.1).
 */
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import { Headers } from './headers.js';
import { NameAddr } from './header-values.js';
import { SipError } from './errors.js';
import { SipRequest, type SipResponse } from './message.js';
import type { SipUri } from './uri.js';

export type DialogState = 'Early' | 'Confirmed' | 'Terminated';

const TABLE: TransitionTable<DialogState> = {
  Early: ['Confirmed', 'Terminated'],
  Confirmed: ['Terminated'],
  Terminated: [],
};

export interface DialogId {
  callId: string;
  localTag: string;
  remoteTag: string;
}

/** One string per dialog, for Map lookups. */
export function dialogKey(id: DialogId): string {
  return `${id.callId}|${id.localTag}|${id.remoteTag}`;
}

/** The dialog ID an incoming request belongs to, seen from the UAS (§12.2.2): local = To tag. */
export function dialogIdOfRequest(req: SipRequest): DialogId | undefined {
  const localTag = req.to.tag;
  const remoteTag = req.from.tag;
  if (!localTag || remoteTag === undefined) return undefined;
  return { callId: req.callId, localTag, remoteTag };
}

/** The dialog ID a response belongs to, seen from the UAC: local = From tag, remote = To tag. */
export function dialogIdOfResponse(res: SipResponse): DialogId | undefined {
  const remoteTag = res.to.tag;
  const localTag = res.from.tag;
  if (!remoteTag || !localTag) return undefined;
  return { callId: res.callId, localTag, remoteTag };
}

export interface InDialogOptions {
  body?: Buffer | string;
  contentType?: string;
  headers?: Array<[string, string]>;
}

export class Dialog {
  private readonly sm: StateMachine<DialogState>;
  readonly id: DialogId;
  readonly key: string;
  /** Our Contact, sent in target-refresh requests (re-INVITE). */
  localContact?: NameAddr;

  private constructor(
    readonly role: 'uac' | 'uas',
    callId: string,
    public localUri: NameAddr,
    public remoteUri: NameAddr,
    public remoteTarget: SipUri,
    public routeSet: NameAddr[],
    public localSeq: number,
    public remoteSeq: number | undefined,
    state: DialogState,
  ) {
    this.id = { callId, localTag: localUri.tag!, remoteTag: remoteUri.tag ?? '' };
    this.key = dialogKey(this.id);
    this.sm = new StateMachine('Dialog', TABLE, state);
  }

  get state(): DialogState {
    return this.sm.state;
  }

  /** §12.1.2: the UAC side, from the request it sent and a 1xx-with-tag or 2xx it received. */
  static asUac(req: SipRequest, res: SipResponse): Dialog {
    if (!res.to.tag) throw new Error('a dialog needs a To tag in the response');
    if (res.status < 101 || res.status >= 300) throw new Error(`status ${res.status} creates no dialog`);
    const contact = firstContact(res);
    const d = new Dialog(
      'uac', req.callId, req.from, res.to, contact?.uri ?? req.uri, res.routes('Record-Route').reverse(),
      req.cseq.seq, undefined, res.status < 200 ? 'Early' : 'Confirmed',
    );
    const own = firstContact(req);
    if (own) d.localContact = own;
    return d;
  }

  /** §12.1.1: the UAS side, from the request it received and the 1xx/2xx (with To tag) it sends. */
  static asUas(req: SipRequest, res: SipResponse, localContact?: NameAddr): Dialog {
    if (!res.to.tag) throw new Error('the response creating a dialog must carry a To tag');
    const contact = firstContact(req);
    if (!contact) throw new SipError(400, 'Missing Contact header');
    const d = new Dialog(
      'uas', req.callId, res.to, req.from, contact.uri, req.routes('Record-Route'),
      0, req.cseq.seq, res.status < 200 ? 'Early' : 'Confirmed',
    );
    if (localContact) d.localContact = localContact;
    return d;
  }

  /**
   * A response within the dialog's INVITE transaction (UAC): a 2xx confirms it and, for an
   * early dialog, recomputes the route set and remote target (§12.2.1.2, §13.2.2.4).
   */
  receiveResponse(res: SipResponse): void {
    if (this.state === 'Terminated') return;
    const contact = firstContact(res);
    if (res.status >= 200 && res.status < 300) {
      if (this.state === 'Early') {
        if (this.role === 'uac') this.routeSet = res.routes('Record-Route').reverse();
        this.sm.transition('Confirmed');
      }
      if (contact) this.remoteTarget = contact.uri;
    } else if (res.status >= 300 && this.state === 'Early') this.terminate();
    else if (contact && res.status > 100) this.remoteTarget = contact.uri;
  }

  /**
   * An in-dialog request received (§12.2.2): the remote CSeq must grow (else 500), and a
   * target refresh (re-INVITE, UPDATE) with a Contact moves the remote target.
   */
  receiveRequest(req: SipRequest): void {
    if (req.method === 'ACK' || req.method === 'CANCEL') return;
    const seq = req.cseq.seq;
    if (this.remoteSeq !== undefined && seq <= this.remoteSeq) throw new SipError(500, 'CSeq out of order');
    this.remoteSeq = seq;
    if (req.method === 'INVITE' || req.method === 'UPDATE') {
      const c = firstContact(req);
      if (c) this.remoteTarget = c.uri;
    }
    if (req.method === 'BYE') this.terminate();
  }

  confirm(): void {
    if (this.state === 'Early') this.sm.transition('Confirmed');
  }

  terminate(): void {
    if (this.state !== 'Terminated') this.sm.transition('Terminated');
  }

  /** A new in-dialog request (§12.2.1.1); takes the next local CSeq. */
  createRequest(method: string, options: InDialogOptions = {}): SipRequest {
    if (method === 'ACK' || method === 'CANCEL') throw new Error(`${method} is built with createAck() / buildCancel()`);
    this.localSeq += 1;
    return this.build(method, this.localSeq, options);
  }

  /** The ACK for a 2xx to the INVITE with CSeq `inviteSeq` (§13.2.2.4: same CSeq number). */
  createAck(inviteSeq: number, options: InDialogOptions = {}): SipRequest {
    return this.build('ACK', inviteSeq, options);
  }

  private build(method: string, seq: number, options: InDialogOptions): SipRequest {
    const h = new Headers();
    let target = this.remoteTarget.clone();
    const routes = this.routeSet.map((r) => r.toString());
    const first = this.routeSet[0];
    if (first && !first.uri.params.has('lr')) {
      // Strict routing (§12.2.1.1): the first route becomes the Request-URI and the remote
      // target is appended as the last Route.
      routes.shift();
      routes.push(`<${target.toString()}>`);
      target = first.uri.clone();
      target.params.delete('method');
      target.headers.clear();
    }
    for (const r of routes) h.append('Route', r);
    h.append('Max-Forwards', '70');
    h.append('From', this.localUri.toString());
    h.append('To', this.remoteUri.toString());
    h.append('Call-ID', this.id.callId);
    h.append('CSeq', `${seq} ${method}`);
    if (this.localContact && (method === 'INVITE' || method === 'UPDATE' || method === 'SUBSCRIBE' || method === 'REFER' || method === 'NOTIFY')) {
      h.append('Contact', this.localContact.toString());
    }
    for (const [n, v] of options.headers ?? []) h.append(n, v);
    const req = new SipRequest(method, target, h);
    if (options.body !== undefined) req.setBody(options.body, options.contentType);
    return req;
  }
}

function firstContact(msg: SipRequest | SipResponse): NameAddr | undefined {
  const c = msg.contacts;
  return c === '*' ? undefined : c[0];
}
