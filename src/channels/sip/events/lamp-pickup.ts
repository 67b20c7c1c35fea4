/**
 * Call pickup from a busy-lamp key by Replaces (Polycom, Snom, Yealink's "BLF pickup with
 * Replaces"): the phone copies the call-id and tags of a ringing dialog from the
 * dialog-info NOTIFY (dialog-info.ts) into an INVITE's Replaces header (RFC 3891 §3, often
 * with `early-only`). Those identifiers are the lamp board's tokens (core/lamps.ts), not a
 * SIP dialog of the exchange, so this INVITE is not a Replaces of the exchange's own
 * dialogs: it becomes the directed pickup of the ringing extension (`*8` + extension,
 * apps/pickup.ts), with that application's rules (never one's own call, the ringing call
 * only). A token that no longer names a ringing call falls through to the ordinary
 * Replaces handling, which answers 481 (§3: no such dialog).
 *
 * A lamp of another site's extension (network/remote-lamps.ts) carries that site's tokens:
 * one of them ringing makes the INVITE the directed pickup of that extension, which the
 * dial plan sends to its site (apps/site-pickup.ts).
 */
import type { LampBoard } from '../../../core/lamps.js';
import type { SipRequest } from '../../../sip/message.js';
import { parseReplaces } from '../refer.js';

/** The digits to route the INVITE to (the pickup code + the ringing extension), or undefined when it is no lamp pickup. */
export function lampPickup(req: SipRequest, lamps: LampBoard, pickupCode: string): string | undefined {
  const values = req.headers.getAll('Replaces');
  if (values.length !== 1) return undefined; // none, or several: b2bua.ts answers those
  let callId: string;
  try {
    callId = parseReplaces(values[0]!).callId;
  } catch {
    return undefined;
  }
  const extension = lamps.ringingCall(callId)?.owner ?? lamps.remote?.ringingExtension?.(callId);
  return extension !== undefined ? `${pickupCode}${extension}` : undefined;
}
