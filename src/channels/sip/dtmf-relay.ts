/**
 * DTMF carried in SIP INFO bodies: `application/dtmf-relay` (`Signal=5\r\nDuration=160`,
 * the Cisco/Asterisk form every desk phone speaks) and `application/dtmf` (the digit alone).
 */
const VALID = /^[0-9*#A-D]$/;

/** The digit an INFO body carries, or undefined when the body is not a valid DTMF event. */
export function parseDtmfRelay(body: string, contentType: string): string | undefined {
  let signal: string | undefined;
  if (contentType.startsWith('application/dtmf-relay')) {
    for (const line of body.split(/\r?\n/)) {
      const m = /^\s*signal\s*=\s*(\S+)\s*$/i.exec(line);
      if (m) signal = m[1];
    }
  } else signal = body.trim();
  if (signal === undefined) return undefined;
  if (signal === '10') signal = '*'; // some phones send the RFC 4733 event number
  if (signal === '11') signal = '#';
  signal = signal.toUpperCase();
  return VALID.test(signal) ? signal : undefined;
}
