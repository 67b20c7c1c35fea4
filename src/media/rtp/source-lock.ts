/**
 * Strict RTP, in the kernel: once a session has latched to its phone's address
 * (source-learning.ts decides when), the RTP socket is connect(2)ed to it. The kernel then
 * delivers only that phone's packets (an RTP injection or a stray stream from elsewhere
 * never reaches us; Asterisk's `strictrtp` does the same check in user space) and every
 * send skips the lookup and route resolution of an unconnected sendto — the relay's most
 * frequent system call.
 *
 * The lock is released (back to learning) only when the session is told a new remote by
 * SDP. It is not released when the phone goes quiet: a pause (silence suppression, hold,
 * a network hiccup) is exactly when an attacker spraying the port would otherwise take
 * the stream over ("RTP bleed"). If the kernel refuses the connect, the session stays
 * unlocked (sends name their destination, and learning still filters sources).
 */
import type { Socket } from 'node:dgram';
import { StateMachine, type TransitionTable } from '../../../common/state-machine.js';

/**
 * - `open`: not connected; sends name their destination.
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

  constructor(private readonly sock: Socket) {}

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
    if (this.releaseWhenConnected) this.unlock();
  }

  /** Accept any source again (new SDP). */
  unlock(): void {
    const state = this.machine.state;
    if (state === 'connecting') {
      this.releaseWhenConnected = true;
      return;
    }
    if (state !== 'locked') return;
    this.releaseWhenConnected = false;
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

  /** The socket is about to close: ignore a connect still under way. */
  close(): void {
    if (this.machine.state === 'closed') return;
    this.machine.transition('closed');
  }
}
