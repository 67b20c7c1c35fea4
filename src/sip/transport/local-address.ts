/**
 * Which of the box's own addresses a peer can reach: the source address the kernel would
 * pick for a packet to that peer (its route lookup). A stack bound to 0.0.0.0 (or ::)
 * writes this address in Via sent-by, Contact and SDP `c=` towards that peer, instead of
 * the unspecified address or loopback, which a phone on the LAN cannot use.
 *
 * Node exposes neither IP_PKTINFO nor a synchronous route lookup, so the answer is asked
 * once per peer address from a connected UDP socket (connect() does the route lookup,
 * sends nothing; its localAddress is the answer) and cached: the hot path costs one Map
 * lookup. Stream transports teach the cache for free (an accepted connection's
 * localAddress). A peer not seen yet gets a guess (loopback for loopback, else the first
 * non-internal address of the box) while its lookup runs in the background.
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Unspecified bind addresses: the OS picks the source per packet. */
export function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]';
}

/** Enough for every phone and trunk of a small office many times over; the oldest go first. */
const MAX_PEERS = 4096;
/**
 * Lookups in flight at most: a flood from spoofed sources costs a bounded number of
 * sockets; past it, messages are handled at once with the guess.
 */
const MAX_PENDING = 64;

export class LocalAddressCache {
  private readonly known = new Map<string, string>();
  private readonly pending = new Map<string, Promise<string>>();
  private guessed: string | undefined;

  /** @param family the bound socket's family: the peers' addresses are of that family. */
  constructor(private readonly family: 'udp4' | 'udp6') {}

  /** The cached local address towards `remote`, if looked up or learnt already. */
  get(remote: string): string | undefined {
    return this.known.get(remote);
  }

  /** The local address towards `remote`: cached, else a guess (and a lookup starts for next time). */
  towards(remote: string): string {
    const hit = this.known.get(remote);
    if (hit !== undefined) return hit;
    void this.lookup(remote);
    return this.guess(remote);
  }

  /** Record what a connection told us (an accepted TCP socket's localAddress). */
  learn(remote: string, local: string): void {
    if (this.known.size >= MAX_PEERS && !this.known.has(remote)) this.known.delete(this.known.keys().next().value!);
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; headers carry the IPv4 form.
    this.known.set(remote, local.startsWith('::ffff:') && local.includes('.') ? local.slice(7) : local);
  }

  /** Ask the kernel's route lookup (once per peer; concurrent callers share the answer). */
  lookup(remote: string): Promise<string> {
    const hit = this.known.get(remote);
    if (hit !== undefined) return Promise.resolve(hit);
    const running = this.pending.get(remote);
    if (running) return running;
    if (this.pending.size >= MAX_PENDING) return Promise.resolve(this.guess(remote));
    const p = new Promise<string>((resolve) => {
      const socket = createSocket(this.family);
      let finished = false;
      const done = (local: string | undefined): void => {
        if (finished) return;
        finished = true;
        socket.close();
        this.pending.delete(remote);
        // No route (ENETUNREACH), or no source chosen (a peer of the other family):
        // keep guessing, and ask again next time.
        if (local === undefined || isUnspecified(local)) return resolve(this.guess(remote));
        this.learn(remote, local);
        resolve(this.known.get(remote) ?? local);
      };
      socket.once('error', () => done(undefined));
      // The port is irrelevant: connect() on UDP only selects the route and source address.
      socket.connect(9, remote, () => {
        try {
          done(socket.address().address);
        } catch {
          done(undefined);
        }
      });
    });
    this.pending.set(remote, p);
    return p;
  }

  /** Best guess without the kernel: loopback for loopback, else the first LAN address. */
  guess(remote: string): string {
    const v6 = this.family === 'udp6' && isIPv6(remote) && !remote.startsWith('::ffff:');
    if (remote.startsWith('127.') || remote === '::1' || remote.startsWith('::ffff:127.')) return v6 ? '::1' : '127.0.0.1';
    this.guessed ??= firstExternalAddress(v6) ?? (v6 ? '::1' : '127.0.0.1');
    return this.guessed;
  }
}

function firstExternalAddress(v6: boolean): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || (a.family === 'IPv6') !== v6) continue;
      if (v6 && a.address.startsWith('fe80:')) continue; // link-local needs a zone id
      return a.address;
    }
  }
  return undefined;
}
