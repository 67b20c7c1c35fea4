/**
 * The exchange as a SIP back-to-back user agent: every request from a phone lands here
 * and goes to the registrar, a new call, or the leg that owns its dialog.
 *
 * Order of checks, as RFC 3261 §8.2 and the no-enumeration rule want them: the stack has
 * already answered syntax errors with 400; the request line is checked (501 unknown
 * method, 405 + Allow, 416 scheme: uas-checks.ts's checkRequestLine); OPTIONS to the
 * exchange itself is answered without a challenge (phones use it as a keepalive);
 * everything else from a phone is authenticated before anything about the target is
 * revealed; only then come the semantic rejections of uas-checks.ts (420, 415, 406, 400
 * for an INVITE without Contact) and 404, before any RTP opens or anything rings.
 */
import type { Logger } from '../../../common/log.js';
import type { Switch, DeviceLegFactory, LegPurpose } from '../../core/switch.js';
import type { Device, Employee } from '../../config/schema.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import { createResponse, newTag } from '../../sip/builders.js';
import { dialogIdOfRequest, dialogKey } from '../../sip/dialog.js';
import { SipError } from '../../sip/errors.js';
import { checkRequestLine, checkUasRequest, type UasPolicy } from '../../sip/uas-checks.js';
import type { SipContext } from './context.js';
import type { SipDirectory } from './directory.js';
import type { SipAuthenticator } from './authenticator.js';
import type { Registrar } from './registrar.js';
import type { LocationService } from './location.js';
import { SipInboundChannel } from './inbound-channel.js';
import { LegDialog } from './leg-dialog.js';
import { parseReplaces } from './refer.js';
import type { DialogKey } from '../channel.js';
import { SipOutboundChannel } from './outbound-channel.js';
import { SipMedia } from './sip-media.js';
import { SdpRejected } from '../../sip/sdp-check.js';
import { refuseSdp } from './in-dialog.js';
import { answerSessionTimer } from './session-timer.js';
import type { SipNotifier } from './events/notifier.js';
import { lampPickup } from './events/lamp-pickup.js';
import type { FrontProxy } from './front-proxy.js';
import type { Draining } from './draining.js';

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REGISTER, SUBSCRIBE';
/** Extensions this exchange understands (RFC 4028 session timers); a Require for anything else is answered 420. */
const SUPPORTED: readonly string[] = ['timer', 'replaces'];
/** The request checks of RFC 3261 §8.2 (src/sip/uas-checks.ts) as this exchange applies them. */
const POLICY: UasPolicy = { allow: ALLOW.split(', '), schemes: ['sip', 'sips'], supported: SUPPORTED, accept: ['application/sdp'] };

export class B2bua implements DeviceLegFactory {
  readonly tech = 'sip' as const;
  /** SUBSCRIBE/NOTIFY (RFC 6665: busy lamps, presence, message-summary); set by wireSip. */
  notifier: SipNotifier | undefined;

  constructor(
    private readonly ctx: SipContext,
    private readonly sw: Switch,
    private readonly directory: SipDirectory,
    private readonly auth: SipAuthenticator,
    private readonly registrar: Registrar,
    private readonly location: LocationService,
    private readonly log: Logger,
    /** Behind a front proxy (front-proxy.ts) every SIP phone is also reached through it. */
    private readonly frontProxy?: FrontProxy,
    /** Taken out of service gently (draining.ts): new dialogs answered 503 + Retry-After. */
    private readonly draining?: Draining,
  ) {}

  /** The stack's request handler. Throwing a SipError answers with its status. */
  handle(req: SipRequest, tx: ServerTransaction): void | Promise<void> {
    const id = dialogIdOfRequest(req);
    if (id) {
      const owner = this.ctx.dialogs.get(dialogKey(id));
      if (!owner) throw new SipError(481, 'Call/Transaction Does Not Exist');
      return owner.handleInDialog(req, tx);
    }
    // §8.2.1/§8.2.2.1 before the challenge: 501 for an unknown method, 405 + Allow for one
    // the exchange does not do (SUBSCRIBE, MESSAGE, REFER, …), 416 for a tel: or other URI.
    checkRequestLine(req, POLICY);
    // Draining: a new call, subscription or a probe of the exchange itself is 503 (Kamailio tries the next box).
    if (req.method === 'INVITE' || req.method === 'SUBSCRIBE' || (req.method === 'OPTIONS' && !req.uri.user)) this.draining?.refuseNewDialog();
    switch (req.method) {
      case 'OPTIONS':
        return this.options(req, tx);
      case 'REGISTER':
        return this.registrar.handle(req, tx);
      case 'INVITE':
        return this.invite(req, tx);
      case 'SUBSCRIBE':
        if (!this.notifier) throw new SipError(489, 'Bad Event');
        return this.notifier.subscribe(req, tx);
      default:
        // BYE, INFO, UPDATE outside any dialog (§12.2.2).
        throw new SipError(481, 'Call/Transaction Does Not Exist');
    }
  }

  /** ACKs for our 2xx responses: delivered to the dialog's leg. */
  handleAck(ack: SipRequest): void {
    const id = dialogIdOfRequest(ack);
    if (id) this.ctx.dialogs.get(dialogKey(id))?.handleAck(ack);
  }

  /**
   * A 2xx we sent was never acknowledged within 64·T1 (RFC 3261 §13.3.1.4): the phone is
   * gone or cannot reach us, so the UAS ends the dialog with BYE and the call ends.
   */
  handleAckTimeout(res: SipResponse): void {
    const localTag = res.to.tag;
    const remoteTag = res.from.tag;
    if (!localTag || remoteTag === undefined) return;
    const owner = this.ctx.dialogs.get(dialogKey({ callId: res.callId, localTag, remoteTag }));
    if (owner instanceof LegDialog && owner.leg instanceof SipInboundChannel) {
      this.log.warn({ call: res.callId }, 'sip: no ACK for our 200 OK, ending the call');
      owner.leg.hangup('failure');
    }
  }

  /** Outbound legs reaching an employee's SIP phones: one per registered contact. */
  legsFor(employee: Employee, device: Device, purpose?: LegPurpose): SipOutboundChannel[] {
    // Contacts belong to the extension, not to one device entry: ring them once.
    if (employee.devices.find((d) => d.type === 'sip') !== device) return [];
    const bindings = this.location.contacts(employee.extension);
    if (this.frontProxy) bindings.push(this.frontProxy.binding(employee.extension));
    return bindings.map((b) => new SipOutboundChannel(this.ctx, employee, b, this.auth, purpose));
  }

  /** Whether the employee's SIP phones could ring now: at least one registered contact (core/availability.ts). */
  reachable(employee: Employee, device: Device): boolean {
    // Behind a front proxy the phones' registrations are the proxy's: it may know one (it answers 404/480 when not).
    return device.type === 'sip' && (this.frontProxy !== undefined || this.location.contacts(employee.extension).length > 0);
  }

  private options(req: SipRequest, tx: ServerTransaction): void {
    const user = req.uri.user;
    const ok = () => {
      const res = createResponse(req, 200, 'OK', newTag());
      res.headers.append('Allow', ALLOW);
      res.headers.append('Accept', 'application/sdp');
      if (this.notifier) res.headers.append('Allow-Events', this.notifier.allowEvents());
      tx.respond(res);
    };
    if (user === undefined || user === '') return ok(); // the exchange itself: keepalive, no challenge
    if (this.auth.authenticate(req, tx) === undefined) return;
    const kind = this.sw.classify(user, true).kind;
    if (kind === 'employee' || kind === 'department') return ok();
    throw new SipError(404, 'Not Found');
  }

  private async invite(req: SipRequest, tx: ServerTransaction): Promise<void> {
    const extension = this.auth.authenticate(req, tx);
    if (extension === undefined) return;
    const employee = this.directory.employee(extension);
    if (!employee) throw new SipError(403, 'Forbidden');
    // §8.2.2–§8.2.3 and §8.1.1.8 (420, 415, 406, 400 without a Contact): before anything rings.
    checkUasRequest(req, POLICY);
    answerSessionTimer(req); // RFC 4028 §9: 422 with Min-SE for too short an interval, before anything rings
    // A busy-lamp key's pickup (Replaces naming a lamp's ringing dialog) is a directed pickup.
    const pickup = lampPickup(req, this.sw.lamps, this.sw.lamps.pickupCode());
    const replaces = pickup === undefined ? this.replacesOf(req, extension) : undefined;
    const media = await SipMedia.open(this.ctx, undefined, tx.info.source.address);
    // A CANCEL that came while the RTP endpoint was opening was answered by the stack
    // (200, then 487 to the INVITE, §9.2): the INVITE is over, so nothing may ring.
    if (tx.state !== 'Proceeding') {
      this.log.debug({ call: req.callId }, 'sip: INVITE cancelled while its RTP was opening');
      await media.close();
      return;
    }
    // An offerless INVITE is answered with our offer in the 200 (RFC 3264 §4, the inbound leg).
    if (req.body.length) {
      try {
        media.answer(req.body); // fail early (488 + Warning) when the offer is unusable, before anything rings
      } catch (err) {
        await media.close();
        throw err instanceof SdpRejected ? refuseSdp(this.ctx, tx.info.protocol, err) : err;
      }
    }
    const leg = new SipInboundChannel(this.ctx, req, tx, { owner: employee.extension, caller: { number: employee.extension, name: employee.name } }, media, this.auth);
    // debug, not info: the core logs every call once ('call routed'); a second line per call
    // at info cost about 4 % of the exchange's CPU at a few hundred calls per second.
    this.log.debug({ from: extension, to: leg.dialled, call: req.callId }, 'sip: incoming call');
    if (pickup !== undefined) {
      this.log.info({ from: extension, call: req.callId, pickup }, 'sip: pickup from a busy lamp');
      this.sw.accept(leg);
      leg.start(pickup);
      return;
    }
    if (replaces) {
      leg.start();
      const verdict = this.sw.replaces.replace(leg, replaces);
      if (verdict !== 'replaced') leg.hangup(verdict === 'forbidden' ? 'barred' : verdict === 'busy' ? 'busy' : 'not-found');
      return;
    }
    this.sw.accept(leg);
    leg.start();
  }

  /**
   * RFC 3891 §3: an INVITE with Replaces takes over a dialog of the exchange instead of
   * placing a call: 481 when no call is that dialog, 403 when it is another employee's,
   * 486 when its call is not talking (ringing, being transferred). Checked before anything rings.
   */
  private replacesOf(req: SipRequest, extension: string): DialogKey | undefined {
    const values = req.headers.getAll('Replaces');
    if (values.length === 0) return undefined;
    if (values.length > 1) throw new SipError(400, 'Only One Replaces Allowed');
    const key = parseReplaces(values[0]!);
    const verdict = this.sw.replaces.check(key, extension);
    if (verdict === 'not-found') throw new SipError(481, 'Call/Transaction Does Not Exist');
    if (verdict === 'forbidden') {
      this.log.warn({ call: req.callId, from: extension }, 'sip: INVITE with Replaces for another employee\'s call, refused');
      throw new SipError(403, 'Forbidden');
    }
    if (verdict === 'busy') throw new SipError(486, 'Busy Here');
    return key;
  }
}
