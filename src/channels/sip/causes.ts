/**
 * Hangup causes ⇄ SIP status codes, both ways (RFC 3261 §21; the mapping Asterisk and
 * FreeSWITCH use for Q.850 causes, simplified to the exchange's causes).
 */
import type { HangupCause } from '../channel.js';

/** The final response an unanswered inbound leg gets for a cause. */
export function statusForCause(cause: HangupCause): { status: number; reason: string } {
  switch (cause) {
    case 'busy':
      return { status: 486, reason: 'Busy Here' };
    case 'no-answer':
      return { status: 480, reason: 'Temporarily Unavailable' };
    case 'unavailable':
      return { status: 480, reason: 'Temporarily Unavailable' };
    case 'rejected':
      return { status: 603, reason: 'Decline' };
    case 'not-found':
      return { status: 404, reason: 'Not Found' };
    case 'cancelled':
    case 'answered-elsewhere':
    case 'normal':
      return { status: 487, reason: 'Request Terminated' };
    case 'barred':
      return { status: 403, reason: 'Forbidden' };
    case 'congestion':
      return { status: 503, reason: 'Service Unavailable' };
    case 'failure':
      return { status: 500, reason: 'Server Internal Error' };
  }
}

/** What a final failure response from a phone means for the call. */
export function causeForStatus(status: number): HangupCause {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603 || status === 607) return 'rejected';
  if (status === 404 || status === 604 || status === 484) return 'not-found';
  if (status === 480 || status === 408 || status === 410) return 'unavailable';
  if (status === 487) return 'cancelled';
  if (status === 403) return 'barred';
  if (status === 503 || status === 502 || status === 504) return 'congestion';
  return 'failure';
}
