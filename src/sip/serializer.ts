/**
 * Writes a SIP message to bytes (RFC 3261 §7). Headers go out in their stored order with
 * their canonical names; Content-Length is always recomputed from the body so it can
 * never lie.
 */
import type { SipMessage } from './message.js';

export function serialize(msg: SipMessage): Buffer {
  let head = msg.isRequest ? `${msg.method} ${msg.uri.toString()} ${msg.version}\r\n` : `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  for (const [name, value] of msg.headers) if (name !== 'Content-Length') head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${msg.body.length}\r\n\r\n`;
  if (msg.body.length === 0) return Buffer.from(head);
  return Buffer.concat([Buffer.from(head), msg.body]);
}

/** The message as text, for logs and tests. */
export function serializeToString(msg: SipMessage): string {
  return serialize(msg).toString('utf8');
}
