/**
 * Digest authentication of every request a phone sends (RFC 3261 §22, RFC 8760 SHA-256).
 *
 * An unknown extension and a wrong secret get exactly the same answer — a fresh 401
 * challenge — so nobody can learn which extensions exist (no extension enumeration).
 * Credentials that cannot be this request's own (no qop, another Request-URI, a nonce
 * count already used: see digest.ts) are refused the same way; a reused nonce count gets
 * `stale=true` so a phone that raced its own requests retries at once with a new nonce.
 * A source address that fails too often, and an extension that fails too often from
 * anywhere, are locked out for a while and answered 403 (logged, and `security.lockout`).
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import { DigestServer, parseAuthHeader } from '../../sip/digest.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import { createResponse, newTag } from '../../sip/builders.js';
import { LoginLimits, type Lockout } from '../../../common/failure-limiter.js';
import type { SipDirectory } from './directory.js';
import type { FrontProxy } from './front-proxy.js';

export const SIP_REALM = 'autocom';

/** Failed authentications per source address before it is locked out (then 403 for 5 min). */
const PER_ADDRESS = { maxFailures: 10, windowMs: 60_000, lockMs: 5 * 60_000 };
/**
 * Failed authentications of one extension, from any address, before the extension is
 * locked (a guesser rotating addresses). The addresses the extension last registered
 * from are spared, so its own phones keep working through someone else's attack.
 */
const PER_EXTENSION = { maxFailures: 20, windowMs: 10 * 60_000, lockMs: 10 * 60_000 };

/**
 * User agents that fail a 401 carrying any challenge they cannot answer, instead of
 * picking the one they can (RFC 7616 §3.7 / RFC 8760 §2.4 want the latter): libre before
 * 1.1 (baresip 1.0, Debian 11/12's baresip-core) gives up with ENOSYS on the SHA-256
 * challenge. They are challenged with MD5 alone.
 */
const MD5_ONLY_AGENTS = /^baresip v(0\.|1\.0\.)/i;

export class SipAuthenticator {
  private readonly digest: DigestServer;
  private readonly limits: LoginLimits;

  constructor(
    private readonly directory: SipDirectory,
    clock: Clock,
    private readonly log: Logger,
    onLockout?: (l: Lockout) => void,
    /** The trusted front proxy (front-proxy.ts): its requests carry the caller it authenticated. */
    private readonly frontProxy?: FrontProxy,
  ) {
    // MD5 is offered first and SHA-256 (RFC 8760) second: many deployed phones, and sipp,
    // read only the first WWW-Authenticate and give up when it is not MD5, while clients
    // that know SHA-256 still find it in the same 401.
    this.digest = new DigestServer({ realm: SIP_REALM, clock, algorithms: ['MD5', 'SHA-256'] });
    this.limits = new LoginLimits(clock, log, { service: 'sip', perAddress: PER_ADDRESS, perAccount: PER_EXTENSION, spareKnownAddresses: true, ...(onLockout ? { onLockout } : {}) });
  }

  /**
   * The authenticated extension, or undefined after answering the request (401 challenge,
   * 403 lockout). Phones answer a 401 by sending the request again with credentials.
   */
  authenticate(req: SipRequest, tx: ServerTransaction): string | undefined {
    if (this.frontProxy?.isFrom(tx.info.source, tx.info.protocol)) return this.asserted(req, tx, this.frontProxy);
    const source = tx.info.source.address;
    const header = req.headers.get('Authorization');
    const claimed = header === undefined ? undefined : parseAuthHeader(header)?.params.get('username') ?? '';
    if (this.limits.retryAfterMs(source, claimed) > 0) {
      tx.respond(createResponse(req, 403, 'Forbidden', newTag()));
      return undefined;
    }
    if (header === undefined || claimed === undefined) return this.challenge(req, tx, false);

    let result = this.digest.verify(req.method, header, () => undefined, req.uri);
    // Try each device secret of the claimed user (a desk phone and a softphone may differ).
    for (const secret of this.directory.secretsOf(claimed)) {
      result = this.digest.verify(req.method, header, (u) => (u === claimed ? secret : undefined), req.uri);
      if (result.ok || result.reason !== 'wrong') break;
    }
    if (result.ok) {
      this.limits.succeed(source, claimed);
      return result.username;
    }
    if (result.reason === 'wrong' || result.reason === 'unknown-user') {
      this.limits.fail(source, claimed);
      this.log.warn({ source, username: claimed, method: req.method }, 'sip: authentication failed');
    } else if (result.reason === 'replay' || result.reason === 'uri' || result.reason === 'no-qop') {
      // Not a guess (the limiter is for those) but worth a look: someone may be replaying sniffed credentials.
      this.log.warn({ source, username: claimed, method: req.method, reason: result.reason }, 'sip: credentials refused');
    }
    return this.challenge(req, tx, result.reason === 'stale' || result.reason === 'replay');
  }

  /**
   * A request the front proxy relays: the employee it asserts (P-Asserted-Identity), never
   * challenged (the proxy did that). REGISTER, a missing assertion or one naming nobody: 403.
   */
  private asserted(req: SipRequest, tx: ServerTransaction, proxy: FrontProxy): string | undefined {
    const extension = req.method === 'REGISTER' ? undefined : proxy.assertedExtension(req);
    if (extension !== undefined && this.directory.employee(extension)) return extension;
    this.log.warn({ method: req.method, call: req.callId, asserted: extension ?? null }, 'sip: request from the front proxy without an employee asserted, refused');
    tx.respond(createResponse(req, 403, 'Forbidden', newTag()));
    return undefined;
  }

  private challenge(req: SipRequest, tx: ServerTransaction, stale: boolean): undefined {
    const res = createResponse(req, 401, 'Unauthorized', newTag());
    let challenges = this.digest.challenge(stale);
    if (MD5_ONLY_AGENTS.test(req.headers.get('User-Agent') ?? '')) challenges = challenges.filter((c) => /algorithm=MD5\b/i.test(c));
    for (const c of challenges) res.headers.append('WWW-Authenticate', c);
    tx.respond(res);
    return undefined;
  }
}
