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
 * latched, as without the lock. If the kernel refuses the connect, the session simply
 * stays unlocked (sends name their destination, as before).
 */
import type { Socket } from 'node:dgram';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { StateMachine, type TransitionTable } from '../../../common/state-machine.js';

/**
 * - `open`: any source may latch; sends name their destination.
 * - `connecting`: connect() asked; Node completes it asynchronously. Sends still name
 *   their destination (Node refuses a destination-less send until connected).
 * - `locked`: connected; sends go to the socket's peer.
 * - `closed`: the session is closing; nothing changes any more.
 */
export type SourceLockState = 'open' | 'connecting' | 'locked' | 'closed';

const TRANSITIONS: TransitionTable<SourceLockState> = {
  open: ['connecting', 'closed'],
  connecting: ['locked', 'open', 'closed'],
  locked: ['open', 'closed'],
  closed: [],
};

export class SourceLock {
  private readonly machine = new StateMachine<SourceLockState>('RTP source lock', TRANSITIONS, 'open');
  private releaseWhenConnected = false;
  /** Whether Node's socket is connected (also after close(), which does not disconnect). */
  private peerConnected = false;
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
    return this.machine.state;
  }

  /** Connect the socket to the latched source (no-op unless open). */
  lock(address: string, port: number): void {
    if (this.machine.state !== 'open') return;
    this.machine.transition('connecting');
    this.sock.connect(port, address, (err?: Error) => this.connected(err));
  }

  private connected(err: Error | undefined): void {
    if (!err) this.peerConnected = true;
    if (this.machine.state !== 'connecting') return; // closed meanwhile
    if (err) {
      this.releaseWhenConnected = false;
      this.machine.transition('open');
      return;
    }
    this.machine.transition('locked');
    if (this.releaseWhenConnected) return this.unlock();
    this.watchdog = this.clock.setInterval(() => {
      if (this.clock.monotonic() - this.lastHeardAt() >= this.quietMs) this.unlock();
    }, this.quietMs);
  }

  /** Accept any source again (new SDP, quiet source). */
  unlock(): void {
    const state = this.machine.state;
    if (state === 'connecting') {
      this.releaseWhenConnected = true;
      return;
    }
    if (state !== 'locked') return;
    this.releaseWhenConnected = false;
    this.stopWatchdog();
    this.sock.disconnect();
    this.peerConnected = false;
    this.machine.transition('open');
  }

  /** Send to the locked source, or to `port`/`address` while not locked. */
  send(buf: Buffer, port: number, address: string, done?: () => void): void {
    // Node throws on a destination given to a connected socket, and on none to another.
    if (this.peerConnected) this.sock.send(buf, done);
    else if (this.machine.state !== 'connecting') this.sock.send(buf, port, address, done);
    else {
      // Node resolves a send's destination on the next tick, after the connect it queued
      // first has completed, and the kernel then refuses a destination (EISCONN): resend
      // to the connected peer so no packet is lost in the one tick a connect takes.
      this.sock.send(buf, port, address, (err) => {
        if ((err as NodeJS.ErrnoException | null)?.code === 'EISCONN' && this.peerConnected) this.sock.send(buf, done);
        else done?.();
      });
    }
  }

  /** The socket is about to close: stop the watchdog, ignore a connect still under way. */
  close(): void {
    if (this.machine.state === 'closed') return;
    this.stopWatchdog();
    this.machine.transition('closed');
  }

  private stopWatchdog(): void {
    this.clock.clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}
