/**
 * SIP message parser (RFC 3261 §7, grammar of §25). Liberal where the RFC asks for it
 * (LWS and line folding anywhere LWS is allowed, mixed-case and compact header names,
 * bare LF line ends, CRLFs before the start line, a missing final blank line) and strict
 * where RFC 4475 §3.1.2 says a message is invalid. Every failure is a
 * {@link SipParseError} carrying the status (400 or 505) and the reason phrase to answer.
 */
import { SipParseError } from './errors.js';
import { Headers, splitList } from './headers.js';
import { parseContacts, parseCSeq, parseNameAddr, parseScalar, parseVia, isToken } from './header-values.js';
import { SipRequest, SipResponse, type SipMessage } from './message.js';
import { parseUri } from './uri.js';

export interface ParseOptions {
  /**
   * The bytes came in one datagram (UDP): without Content-Length the body is the rest of
   * the datagram, and octets beyond Content-Length are discarded (RFC 3261 §18.3,
   * RFC 4475 §3.1.1.8). For stream transports the framer already cut the message.
   */
  datagram?: boolean;
}

/** A parse failure that still recovered enough headers to answer (RFC 3261 §8.2). */
export class SipMessageParseError extends SipParseError {
  constructor(
    reason: string,
    status: number,
    /** Whether the start line was a request line (only requests are answered). */
    readonly isRequest: boolean,
    /** The header lines read before the failure (raw values), for building the answer. */
    readonly headers: Headers,
  ) {
    super(reason, status);
  }
}

const SINGLE = ['Call-ID', 'CSeq', 'From', 'To', 'Max-Forwards', 'Content-Length'];
const REQUIRED = ['Call-ID', 'CSeq', 'From', 'To', 'Via'];
const VERSION = /^SIP\/[0-9]+\.[0-9]+$/;
const STATUS_CODE = /^[1-6][0-9][0-9]$/;

/** Index of the blank line ending the header section and the index where the body starts. */
function findHeaderEnd(buf: Buffer): [number, number] | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return [lf, lf + 2];
  if (crlf >= 0) return [crlf, crlf + 4];
  return undefined;
}

/** Parse one SIP message. Throws {@link SipMessageParseError} when it is malformed. */
export function parseMessage(data: Buffer | string, options: ParseOptions = {}): SipMessage {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const headers = new Headers();
  let isRequest = false;
  try {
    const end = findHeaderEnd(buf);
    const headText = buf.toString('utf8', 0, end ? end[0] : buf.length);
    const bodyStart = end ? end[1] : buf.length;
    const lines = headText.split('\n');
    let li = 0;
    // RFC 3261 §7.5: CRLFs before the start line are ignored.
    while (li < lines.length && (lines[li] === '' || lines[li] === '\r')) li++;
    const startLine = stripCr(lines[li++] ?? '');
    isRequest = !startLine.startsWith('SIP/');
    readHeaders(lines, li, headers);
    const msg = isRequest ? parseRequestLine(startLine, headers) : parseStatusLine(startLine, headers);
    msg.body = readBody(buf, bodyStart, headers, options);
    validate(msg);
    return msg;
  } catch (err) {
    if (err instanceof SipMessageParseError) throw err;
    if (err instanceof SipParseError) throw new SipMessageParseError(err.reason, err.status, isRequest, headers);
    // Defence in depth: a bug in a header decoder must not crash a network-facing parser.
    throw new SipMessageParseError('Malformed message', 400, isRequest, headers);
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function readHeaders(lines: string[], from: number, headers: Headers): void {
  let name: string | undefined;
  let value = '';
  const flush = (): void => {
    if (name !== undefined) headers.append(name, value.trim());
  };
  for (let i = from; i < lines.length; i++) {
    const line = stripCr(lines[i]!);
    if (line === '') continue;
    const c = line.charCodeAt(0);
    if (c === 0x20 || c === 0x09) {
      // Folded continuation (LWS = [*WSP CRLF] 1*WSP): it joins the previous value with one SP.
      if (name === undefined) throw new SipParseError('Continuation line before any header');
      value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError('Malformed header line');
    const n = line.slice(0, colon).trimEnd();
    if (!isToken(n)) throw new SipParseError('Malformed header name');
    name = n;
    value = line.slice(colon + 1);
  }
  flush();
}

function parseRequestLine(line: string, headers: Headers): SipRequest {
  const parts = line.split(' ');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) throw new SipParseError('Malformed Request-Line');
  const [method, uriText, version] = parts as [string, string, string];
  if (!isToken(method)) throw new SipParseError('Malformed method');
  if (version !== 'SIP/2.0') {
    if (VERSION.test(version)) throw new SipParseError('Version Not Supported', 505);
    throw new SipParseError('Malformed SIP-Version');
  }
  if (uriText.startsWith('<')) throw new SipParseError('Request-URI must not be enclosed in <>');
  const uri = parseUri(uriText);
  // RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
  if (uri.headers.size) throw new SipParseError('Request-URI must not contain headers');
  return new SipRequest(method, uri, headers);
}

function parseStatusLine(line: string, headers: Headers): SipResponse {
  const sp1 = line.indexOf(' ');
  const sp2 = line.indexOf(' ', sp1 + 1);
  const version = line.slice(0, sp1);
  const code = sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2);
  if (sp1 < 0 || !STATUS_CODE.test(code)) throw new SipParseError('Malformed Status-Line');
  if (version !== 'SIP/2.0') throw new SipParseError('Version Not Supported', 505);
  return new SipResponse(Number(code), sp2 < 0 ? '' : line.slice(sp2 + 1), headers);
}

function readBody(buf: Buffer, start: number, headers: Headers, options: ParseOptions): Buffer {
  const available = buf.length - start;
  const cl = headers.lines('Content-Length');
  if (cl.length > 1) throw new SipParseError('Multiple Content-Length values');
  if (cl.length === 0) return options.datagram ? buf.subarray(start) : buf.subarray(start, start);
  const length = parseScalar(cl[0]!, 'Content-Length');
  // RFC 3261 §18.3: a datagram shorter than Content-Length is answered 400 (RFC 4475 §3.1.2.2).
  if (length > available) throw new SipParseError('Content-Length larger than message');
  return buf.subarray(start, start + length);
}

/** Header checks of RFC 3261 §8.2.2/§20 that make a message unusable (RFC 4475 §3.1.2, §3.3). */
function validate(msg: SipMessage): void {
  const h = msg.headers;
  for (const name of REQUIRED) if (!h.has(name)) throw new SipParseError(`Missing ${name} header`);
  for (const name of SINGLE) if (h.count(name) > 1 || (name !== 'Call-ID' && name !== 'CSeq' && h.getAll(name).length > 1)) throw new SipParseError(`Multiple ${name} values`);
  if (!msg.callId) throw new SipParseError('Empty Call-ID');
  const cseq = parseCSeq(h.get('CSeq')!);
  parseNameAddr(h.get('From')!);
  parseNameAddr(h.get('To')!);
  for (const line of h.lines('Via')) for (const v of splitList(line)) {
    if (v === '') throw new SipParseError('Empty Via value');
    parseVia(v);
  }
  const contacts = h.getAll('Contact');
  if (contacts.length) parseContacts(contacts);
  for (const name of ['Route', 'Record-Route'] as const) for (const v of h.getAll(name)) parseNameAddr(v);
  const mf = h.get('Max-Forwards');
  if (mf !== undefined) parseScalar(mf, 'Max-Forwards', 255);
  const exp = h.get('Expires');
  if (exp !== undefined) parseScalar(exp, 'Expires');
  if (msg instanceof SipRequest && cseq.method !== msg.method) throw new SipParseError('CSeq method does not match Request-Line');
}
