/**
 * The box as an application server behind a front proxy (Kamailio as registrar and
 * dispatcher, deploy/kamailio/README.md): phones register at the proxy, not here, and
 * their calls arrive from the proxy, which has already authenticated them.
 *
 * - Trust is by address, and only for the one configured proxy (`--front-proxy ADDR:PORT`):
 *   UDP from exactly that address and port (Kamailio sends from its listening socket), TCP
 *   from that address (a TCP client's port is ephemeral). Nobody else is trusted for anything.
 * - The caller is the proxy's assertion (RFC 3325 §9.1, P-Asserted-Identity from a trusted
 *   node; the proxy removes any a phone sent and adds its own after the digest check), never
 *   From: a request from the proxy without one, or naming no employee, is refused (403).
 * - REGISTER through the proxy is refused: the proxy is the registrar, a binding here
 *   pointing at it would only loop.
 * - Calls to an employee's SIP phones go to the proxy as `sip:EXT@proxy` (besides any phone
 *   registered here directly); the proxy looks the extension up in its location table and
 *   answers 404/480 when nobody is registered.
 */
import { isIP } from 'node:net';
import type { SipRequest } from '../../sip/message.js';
import { parseNameAddr } from '../../sip/header-values.js';
import type { Binding } from './location.js';

/** A transport source as the stack reports it. */
export interface Source {
  address: string;
  port: number;
}

/** `ADDR[:PORT]` (an IPv4 literal; port default 5060): the proxy, or an error saying why not. */
export function parseFrontProxy(value: string): { address: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(value);
  const port = m?.[2] === undefined ? 5060 : Number(m[2]);
  if (!m || isIP(m[1]!) !== 4 || port < 1 || port > 65535) throw new Error(`must be an IPv4 address with an optional :port (e.g. 192.0.2.10:5060), got "${value}"`);
  return { address: m[1]!, port };
}

/** The user part of an extension: digits only (what the directory knows), else nothing. */
const EXTENSION = /^[0-9]{2,6}$/;

export class FrontProxy {
  constructor(readonly address: string, readonly port: number) {}

  /** Whether a request with this transport source is the proxy's. */
  isFrom(source: Source, protocol: string): boolean {
    if (source.address !== this.address) return false;
    return protocol === 'tcp' || source.port === this.port;
  }

  /**
   * The extension the proxy asserts for a request it relays: the user part of the first
   * P-Asserted-Identity's SIP URI, when it looks like an extension; undefined otherwise.
   */
  assertedExtension(req: SipRequest): string | undefined {
    const value = req.headers.getAll('P-Asserted-Identity')[0];
    if (value === undefined) return undefined;
    try {
      const user = parseNameAddr(value.split(',')[0]!.trim()).uri.user ?? '';
      return EXTENSION.test(user) ? user : undefined;
    } catch {
      return undefined; // malformed: no assertion
    }
  }

  /** Where a call to `extension`'s phones goes: the proxy, which looks it up (a binding that never expires). */
  binding(extension: string): Binding {
    return {
      extension,
      contact: `sip:${extension}@${this.address}:${this.port}`,
      source: { protocol: 'udp', address: this.address, port: this.port },
      callId: `front-proxy-${extension}`,
      cseq: 0,
      expiresAt: Number.MAX_SAFE_INTEGER,
    };
  }
}
