/**
 * Digest authentication of every request a phone sends (RFC 3261 §22, RFC 8760 SHA-256).
 *
 * An unknown extension and a wrong secret get exactly the same answer — a fresh 401
 * challenge — so nobody can learn which extensions exist (no extension enumeration). A
 * source address that fails too often is locked out for a while and answered 403.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import { DigestServer } from '../../sip/digest.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import { createResponse, newTag } from '../../sip/builders.js';
import { FailureLimiter } from '../../../common/failure-limiter.js';
import type { SipDirectory } from './directory.js';

export const SIP_REALM = 'autocom';

/** Failed authentications per source address before it is locked out (then 403 for LOCK_MS). */
const MAX_FAILURES = 10;
const WINDOW_MS = 60_000;
const LOCK_MS = 5 * 60_000;

/**
 * User agents that fail a 401 carrying any challenge they cannot answer, instead of
 * picking the one they can (RFC 7616 §3.7 / RFC 8760 §2.4 want the latter): libre before
 * 1.1 (baresip 1.0, Debian 11/12's baresip-core) gives up with ENOSYS on the SHA-256
 * challenge. They are challenged with MD5 alone.
 */
const MD5_ONLY_AGENTS = /^baresip v(0\.|1\.0\.)/i;

export class SipAuthenticator {
  private readonly digest: DigestServer;
  private readonly limiter: FailureLimiter;

  constructor(private readonly directory: SipDirectory, clock: Clock, private readonly log: Logger) {
    // MD5 is offered first and SHA-256 (RFC 8760) second: many deployed phones, and sipp,
    // read only the first WWW-Authenticate and give up when it is not MD5, while clients
    // that know SHA-256 still find it in the same 401.
    this.digest = new DigestServer({ realm: SIP_REALM, clock, algorithms: ['MD5', 'SHA-256'] });
    this.limiter = new FailureLimiter(clock, { maxFailures: MAX_FAILURES, windowMs: WINDOW_MS, lockMs: LOCK_MS });
  }

  /**
   * The authenticated extension, or undefined after answering the request (401 challenge,
   * 403 lockout). Phones answer a 401 by sending the request again with credentials.
   */
  authenticate(req: SipRequest, tx: ServerTransaction): string | undefined {
    const source = tx.info.source.address;
    if (this.limiter.retryAfterMs(source) > 0) {
      tx.respond(createResponse(req, 403, 'Forbidden', newTag()));
      return undefined;
    }
    const header = req.headers.get('Authorization');
    if (header === undefined) return this.challenge(req, tx, false);

    let result = this.digest.verify(req.method, header, () => undefined);
    // Try each device secret of the claimed user (a desk phone and a softphone may differ).
    const claimed = /username="([^"]*)"/i.exec(header)?.[1] ?? '';
    for (const secret of this.directory.secretsOf(claimed)) {
      result = this.digest.verify(req.method, header, (u) => (u === claimed ? secret : undefined));
      if (result.ok || result.reason === 'stale' || result.reason === 'replay') break;
    }
    if (result.ok) {
      this.limiter.succeed(source);
      return result.username;
    }
    if (result.reason === 'stale') return this.challenge(req, tx, true);
    if (result.reason === 'wrong' || result.reason === 'unknown-user') {
      this.limiter.fail(source);
      this.log.warn({ source, username: claimed, method: req.method }, 'sip: authentication failed');
    }
    return this.challenge(req, tx, false);
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
