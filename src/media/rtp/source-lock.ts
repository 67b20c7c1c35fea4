/**
 * Strict RTP: once a session has latched to its phone's address, the RTP socket is
 * connect(2)ed to it. The kernel then delivers only that phone's packets (an RTP
 * injection or a stray stream from elsewhere never reaches us; Asterisk's `strictrtp`
 * does the same check in user space) and every send skips the lookup and route
 * resolution of an unconnected sendto — the relay's most frequent system call.
 *
 * The lock is released (back to learning any source, RFC 4961 symmetric RTP) when the
 * session is told a new remote, and when the locked source has gone quiet for
 * `quietMs` — a phone behind a NAT whose mapping changed — so the new source can be
 * latched, as without the lock.
 *
 * States (one transition each way; Node connects asynchronously):
 *   open ──lock()──▶ connecting ──(connected)──▶ locked ──unlock()──▶ open
 *   connecting ──unlock()──▶ (disconnected as soon as it is connected)
 */
import type { Socket } from 'node:dgram';
import type { Clock, TimerHandle } from '../../../common/clock.js';

export type SourceLockState = 'open' | 'connecting' | 'locked';

export class SourceLock {
  private current: SourceLockState = 'open';
  private releaseWhenConnected = false;
  private closed = false;
  private watchdog: TimerHandle | undefined;

  constructor(
    private readonly sock: Socket,
    private readonly clock: Clock,
    /** How long the locked source may stay silent before the lock is released. */
    private readonly quietMs: number,
    /** Monotonic time of the last packet from the locked source. */
    private readonly lastHeardAt: () => number,
  ) {}

  get state(): SourceLockState {
    return this.current;
  }

  /** Connect the socket to the latched source (no-op unless open). */
  lock(address: string, port: number): void {
    if (this.current !== 'open') return;
    this.current = 'connecting';
    this.sock.connect(port, address, () => {
      if (this.closed) return;
      this.current = 'locked';
      if (this.releaseWhenConnected) this.unlock();
      else this.watchdog = this.clock.setInterval(() => {
        if (this.clock.monotonic() - this.lastHeardAt() >= this.quietMs) this.unlock();
      }, this.quietMs);
    });
  }

  /** Accept any source again (new SDP, quiet source, close). */
  unlock(): void {
    if (this.current === 'connecting') {
      this.releaseWhenConnected = true;
      return;
    }
    this.releaseWhenConnected = false;
    this.clock.clearInterval(this.watchdog);
    this.watchdog = undefined;
    if (this.current === 'locked') this.sock.disconnect();
    this.current = 'open';
  }

  /** Send to the locked source, or to `port`/`address` while not locked. */
  send(buf: Buffer, port: number, address: string, done?: () => void): void {
    if (this.current === 'locked') this.sock.send(buf, done);
    else this.sock.send(buf, port, address, done);
  }

  /** Stop the watchdog; the socket is about to close. */
  close(): void {
    this.closed = true;
    this.clock.clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}
