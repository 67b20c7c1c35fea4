/**
 * A REFER inside a call's dialog (RFC 3515): the phone asks the exchange to transfer the
 * other party to the Refer-To target. The exchange is a B2BUA, so it does not send the
 * transferee an INVITE of its own: it accepts (202), hands the core a TransferRequest, and
 * reports how the transfer goes on the implicit `refer` subscription (§2.4.4) with NOTIFYs
 * whose message/sipfrag bodies are the status lines of the target's progress (§2.4.5):
 * `100 Trying` at once, `180 Ringing` when the target rings, then the final status with
 * `Subscription-State: terminated;reason=noresource` (RFC 6665 §4.1.3).
 *
 * Attended transfer: a Replaces header in the Refer-To URI (RFC 3891 §3, escaped as a URI
 * header) names the transferor's dialog of the consultation call; it travels to the core
 * as `replaces` (the core finds that leg by its dialog: channels.ts).
 */
import type { DialogKey, HangupCause, TransferProgress, TransferRequest } from '../channel.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import type { Dialog } from '../../sip/dialog.js';
import type { Destination } from '../../sip/transport/layer.js';
import { createResponse } from '../../sip/builders.js';
import { SipError } from '../../sip/errors.js';
import { parseNameAddr } from '../../sip/header-values.js';
import { unescapeUri } from '../../sip/uri.js';
import type { SipContext } from './context.js';
import { statusForCause } from './causes.js';

/** What may be dialled: the dial plan's alphabet (anything else leads nowhere and never reaches a log or a header raw). */
const DIALLABLE = /^[0-9*#+]{1,32}$/;

/** How long the implicit subscription lasts unless the transfer ends first (§2.4.4 leaves it to us). */
const SUBSCRIPTION_S = 60;

/** What a REFER asks for: the number, and the dialog to replace for an attended transfer. */
export interface ReferTarget {
  target: string;
  replaces?: DialogKey;
}

/** A Call-ID or tag as RFC 3261 §25.1 allows them (word / token), bounded. */
const DIALOG_ID = /^[\w.!%*+`'~()<>:\\"/[\]?{}@-]{1,128}$/;

/** `callid;to-tag=…;from-tag=…` (RFC 3891 §6.1: a Replaces header, or one escaped in a Refer-To URI), or 400. */
export function parseReplaces(value: string): DialogKey {
  const [callId = '', ...params] = unescapeUri(value).split(';').map((p) => p.trim());
  const param = (name: string): string | undefined => params.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1);
  const toTag = param('to-tag');
  const fromTag = param('from-tag');
  if (!DIALOG_ID.test(callId) || !toTag || !fromTag || !DIALOG_ID.test(toTag) || !DIALOG_ID.test(fromTag)) throw new SipError(400, 'Malformed Replaces in Refer-To');
  return { callId, localTag: toTag, remoteTag: fromTag };
}

/**
 * The number a REFER asks to transfer to ('' when its user part is not a number: the dial
 * plan finds nothing and the transfer fails with 404) and its Replaces, or the SipError
 * the REFER gets: 400 without exactly one Refer-To (§2.4.1) or with a malformed Replaces.
 */
export function referTarget(req: SipRequest): ReferTarget {
  const values = req.headers.getAll('Refer-To');
  if (values.length !== 1) throw new SipError(400, values.length ? 'Only One Refer-To Allowed' : 'Missing Refer-To');
  let uri;
  try {
    uri = parseNameAddr(values[0]!).uri;
  } catch {
    throw new SipError(400, 'Malformed Refer-To');
  }
  const user = unescapeUri(uri.user ?? '');
  const target = DIALLABLE.test(user) ? user : '';
  const replaces = [...uri.headers].find(([h]) => h.toLowerCase() === 'replaces')?.[1];
  return replaces === undefined ? { target } : { target, replaces: parseReplaces(replaces) };
}

/** Accept the REFER (202) and return the transfer for the core, whose reports become NOTIFYs. */
export function acceptRefer(ctx: SipContext, req: SipRequest, tx: ServerTransaction, dialog: Dialog, destination: Destination, asked: ReferTarget): TransferRequest {
  const { target } = asked;
  const ok = createResponse(req, 202, 'Accepted');
  if (dialog.localContact) ok.headers.append('Contact', dialog.localContact.toString());
  tx.respond(ok);
  ctx.log.info({ call: req.callId, target: target || '(not a number)', attended: asked.replaces !== undefined }, 'sip: REFER accepted, transferring');

  let done = false;
  let rang = false;
  const notify = (status: number, reason: string, final: boolean): void => {
    if (dialog.state === 'Terminated') return; // the transferor hung up: nobody to tell
    const state = final ? 'terminated;reason=noresource' : `active;expires=${SUBSCRIPTION_S}`;
    const n = dialog.createRequest('NOTIFY', {
      headers: [['Event', 'refer'], ['Subscription-State', state]],
      body: `SIP/2.0 ${status} ${reason}\r\n`,
      contentType: 'message/sipfrag;version=2.0',
    });
    ctx.stack.sendRequest(n, { destination, onResponse: () => undefined });
  };
  return {
    target,
    ...(asked.replaces ? { replaces: asked.replaces } : {}),
    report(progress: TransferProgress): void {
      if (done) return;
      if (progress === 'trying') return notify(100, 'Trying', false);
      if (progress === 'ringing') {
        if (!rang) notify(180, 'Ringing', false); // once, however many of the target's phones ring
        rang = true;
        return;
      }
      done = true;
      if (progress === 'answered') return notify(200, 'OK', true);
      const { status, reason } = failureStatus(progress.failed);
      notify(status, reason, true);
    },
  };
}

/** The status line a failed transfer reports: the cause's SIP status (a withdrawn ring is 480, not 487). */
function failureStatus(cause: HangupCause): { status: number; reason: string } {
  const s = statusForCause(cause);
  return s.status === 487 ? statusForCause('no-answer') : s;
}
