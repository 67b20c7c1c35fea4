/**
 * Splits a byte stream (TCP, later TLS/WS) into SIP messages by Content-Length
 * (RFC 3261 §18.3). Messages may arrive split over any number of chunks or several in one
 * chunk; CRLF keep-alives between messages (RFC 5626 §4.4.1) are skipped. A framing error
 * is unrecoverable on a stream (the next message boundary is unknown): the caller closes
 * the connection.
 */
import { SipParseError } from './errors.js';

const CONTENT_LENGTH_LINE = /^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)$/gim;

export class StreamFramer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onMessage: (message: Buffer) => void,
    private readonly maxHeaderBytes = 64 * 1024,
    private readonly maxBodyBytes = 1024 * 1024,
  ) {}

  /** Bytes received and not yet framed (a message in progress). */
  get buffered(): number {
    return this.pending.length;
  }

  /** Feed a chunk; emits every complete message. Throws {@link SipParseError} on a framing error. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      let start = 0;
      while (start < this.pending.length && (this.pending[start] === 0x0d || this.pending[start] === 0x0a)) start++;
      if (start) this.pending = this.pending.subarray(start);
      if (this.pending.length === 0) return;
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.pending.length > this.maxHeaderBytes) throw new SipParseError('Header section too large', 513);
        return;
      }
      const bodyStart = end + 4;
      const length = contentLength(this.pending.toString('latin1', 0, end));
      if (length > this.maxBodyBytes) throw new SipParseError('Message body too large', 513);
      if (this.pending.length < bodyStart + length) return;
      const message = Buffer.from(this.pending.subarray(0, bodyStart + length));
      this.pending = this.pending.subarray(bodyStart + length);
      this.onMessage(message);
    }
  }
}

function contentLength(head: string): number {
  let found: string | undefined;
  CONTENT_LENGTH_LINE.lastIndex = 0;
  for (let m = CONTENT_LENGTH_LINE.exec(head); m; m = CONTENT_LENGTH_LINE.exec(head)) {
    if (found !== undefined) throw new SipParseError('Multiple Content-Length values');
    found = m[1]!.trim();
  }
  // RFC 3261 §18.3: Content-Length is mandatory on streams; a missing one is read as 0.
  if (found === undefined) return 0;
  if (!/^[0-9]{1,9}$/.test(found)) throw new SipParseError('Malformed Content-Length');
  return Number(found);
}
