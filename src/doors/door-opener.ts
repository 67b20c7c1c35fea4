/**
 * Opening one door: who may, with which code, how often, and the record of every attempt.
 *
 * - Only extensions in the door's `allowed` list (or members of a department in it) may open
 *   (by code during a door call, or from the web UI), and only inside their time profiles
 *   (door-access.ts); anyone else's attempt, or one outside the hours, is refused and
 *   logged before the code is looked at, and never counts as a wrong code (it tells nothing
 *   about the code). An admin opening from the web UI is not bound by the profiles.
 * - The code is checked against its scrypt hash (config/prepare.ts); three wrong codes in a
 *   minute lock opening for that door for five minutes, whoever tries next.
 * - An opening pulses the relay for `open_s`; the relay guard ends the pulse even if this
 *   process dies (drivers/gpio/relay-guard-main.ts).
 * Every attempt, right or wrong, is an event (`door.attempt`, `door.opened`), a log line and
 * an audit-log row (store/door-audit.ts), never with the digits keyed.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { FailureLimiter } from '../../common/failure-limiter.js';
import type { Relay } from '../../drivers/hal.js';
import type { DoorConfig } from '../config/door-schema.js';
import type { EventBus } from '../core/events.js';
import { verifyPassword } from '../store/password.js';
import { doorAccess, NO_SITE, type AccessContext, type AccessVerdict } from './door-access.js';

/** How an opening was asked for: digits signalled by a phone (RFC 4733, SIP INFO), tones on an analog line, the web UI. */
export type OpenedHow = 'rfc4733' | 'info' | 'inband' | 'web';

export type AttemptResult = 'opened' | 'wrong-code' | 'not-allowed' | 'outside-hours' | 'locked' | 'relay-fault';

export interface DoorAttempt {
  at: number;
  by: string;
  how: OpenedHow;
  result: AttemptResult;
}

export const WRONG_CODES = { maxFailures: 3, windowMs: 60_000, lockMs: 5 * 60_000 } as const;
/** Attempts remembered for GET /api/doors. */
const KEEP = 20;

export class DoorOpener {
  private readonly limiter: FailureLimiter;
  private readonly attempts: DoorAttempt[] = [];

  constructor(
    private door: DoorConfig,
    private readonly relay: Relay,
    /** `site`: the departments, time zone and holidays the time profiles need (default: none, UTC). */
    private readonly deps: { clock: Clock; log: Logger; events: EventBus; site?: () => AccessContext; audit?: (e: DoorAttempt & { door: string }) => void },
  ) {
    this.limiter = new FailureLimiter(deps.clock, WRONG_CODES);
  }

  get name(): string {
    return this.door.name;
  }

  /** A new configuration for this door (same name): the lockout and the record stay. */
  update(door: DoorConfig): void {
    this.door = door;
  }

  /** Whether `extension` may open now: allowed, and inside its time profiles. */
  access(extension: string): AccessVerdict {
    return doorAccess(this.door, extension, this.deps.site?.() ?? NO_SITE, this.deps.clock.now());
  }

  mayOpen(extension: string): boolean {
    return this.access(extension) === 'allowed';
  }

  /** Milliseconds until codes are accepted again (0: now). */
  lockedForMs(): number {
    return this.limiter.retryAfterMs('door');
  }

  /** Digits keyed on a phone during a door call: open when `by` is allowed and the code is right. */
  async tryCode(by: string, code: string, how: Exclude<OpenedHow, 'web'>): Promise<AttemptResult> {
    const access = this.access(by);
    if (access !== 'allowed') return this.refused(by, how, access);
    if (this.lockedForMs() > 0) return this.record(by, how, 'locked');
    const right = this.door.code_hash !== undefined && (await verifyPassword(code, this.door.code_hash));
    if (!right) {
      if (this.limiter.fail('door', by)) {
        this.deps.log.warn({ door: this.door.name, by }, 'door: three wrong codes, opening locked for 5 minutes');
        this.deps.events.emit('door.locked', { door: this.door.name, until: this.deps.clock.now() + WRONG_CODES.lockMs });
      }
      return this.record(by, how, 'wrong-code');
    }
    this.limiter.forgive('door');
    return this.pulse(by, how);
  }

  /** The web UI's open button: an admin always (audited like any opening), a user when allowed now. */
  async openFromWeb(by: string, opts: { admin: boolean }): Promise<AttemptResult> {
    const access = opts.admin ? 'allowed' : this.access(by);
    if (access !== 'allowed') return this.refused(by, 'web', access);
    return this.pulse(by, 'web');
  }

  recent(): readonly DoorAttempt[] {
    return this.attempts;
  }

  private async pulse(by: string, how: OpenedHow): Promise<AttemptResult> {
    try {
      await this.relay.pulse(this.door.open_s * 1000);
    } catch (err) {
      this.deps.log.error({ err, door: this.door.name }, 'door: the relay could not be pulsed');
      return this.record(by, how, 'relay-fault');
    }
    this.deps.events.emit('door.opened', { door: this.door.name, by, how, open_s: this.door.open_s });
    return this.record(by, how, 'opened');
  }

  private refused(by: string, how: OpenedHow, why: Exclude<AccessVerdict, 'allowed'>): AttemptResult {
    this.deps.log.warn({ door: this.door.name, by, how }, why === 'outside-hours' ? 'door: refused, outside the opener\'s time profiles' : 'door: refused, not allowed to open this door');
    return this.record(by, how, why);
  }

  private record(by: string, how: OpenedHow, result: AttemptResult): AttemptResult {
    const a: DoorAttempt = { at: this.deps.clock.now(), by, how, result };
    this.attempts.unshift(a);
    if (this.attempts.length > KEEP) this.attempts.pop();
    this.deps.log.info({ door: this.door.name, by, how, result }, 'door: opening attempt');
    this.deps.events.emit('door.attempt', { door: this.door.name, by, how, result });
    try {
      this.deps.audit?.({ ...a, door: this.door.name });
    } catch (err) {
      this.deps.log.error({ err, door: this.door.name }, 'door: the attempt could not be written to the audit log');
    }
    return result;
  }
}
