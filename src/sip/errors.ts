/**
 * Errors of the SIP stack. A parse failure carries the status and reason phrase the caller
 * answers with (RFC 3261 §8.2: 400 for malformed requests, 505 for an unknown SIP version);
 * a `SipError` is a semantic rejection a TU throws (e.g. 416, 420, 481) and the stack turns
 * into a response.
 */
import { ParseError } from '../../common/errors.js';

/** A message that does not follow RFC 3261 §25. `status`/`reason` form the answer line. */
export class SipParseError extends ParseError {
  constructor(
    readonly reason: string,
    readonly status = 400,
    offset?: number,
  ) {
    super(reason, offset);
  }
}

/** A request rejected for a semantic reason; the stack answers `status reason`. */
export class SipError extends Error {
  override readonly name = 'SipError';
  constructor(
    readonly status: number,
    readonly reason: string,
    /** Extra headers for the rejection (e.g. Unsupported for 420, Accept for 415). */
    readonly headers: ReadonlyArray<readonly [string, string]> = [],
  ) {
    super(`${status} ${reason}`);
  }
}
