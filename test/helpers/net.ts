/** Small networking helpers for integration tests on loopback. */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/**
 * A port free for both TCP and UDP a moment ago, for a peer that binds it itself (sipp,
 * baresip, Kamailio, a test server). It is drawn at random below the kernel's ephemeral range
 * (32768–60999 here): the OS hands ports from that range to every socket bound to port 0 — the
 * RTP sockets of the test file running alongside, for one — so a port the OS picked for a
 * moment may be taken again before the peer binds it. The draw also keeps two test files
 * running in parallel from picking the same one.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = FREE_PORT_LOW + Math.floor(Math.random() * (FREE_PORT_HIGH - FREE_PORT_LOW));
    if (handedOut.has(port)) continue;
    if ((await tcpPortIsFree(port)) && (await udpPortIsFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${FREE_PORT_LOW} and ${FREE_PORT_HIGH} after 200 draws`);
}
const FREE_PORT_LOW = 20_000;
const FREE_PORT_HIGH = 32_000;
/** Ports this process already handed out: never twice, even once their first user let go. */
const handedOut = new Set<number>();

/** Whether a TCP port can be bound right now (a stopped server must have released it). */
export function tcpPortIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** Whether a UDP port can be bound right now. */
export function udpPortIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

/** Poll `check` until it returns a truthy value or `timeoutMs` passes (real time: for processes and sockets only). */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Poll `get` until `pred` holds on what it returns (real time: for processes and sockets
 * only); the timeout's error shows the last value seen, which is usually the diagnosis.
 */
export async function waitUntil<T>(get: () => Promise<T>, pred: (v: T) => boolean, what: string, timeoutMs = 8000): Promise<T> {
  let last: T | undefined;
  try {
    return await waitFor(async () => {
      last = await get();
      return pred(last) ? last : undefined;
    }, timeoutMs, what);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last: ${JSON.stringify(last)}`);
  }
}
