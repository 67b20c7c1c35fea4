/**
 * Binding the UDP sockets of an RTP session: RTP on an even port and RTCP on the next one
 * (RFC 3550 §11), or a single socket with rtcp-mux (RFC 5761).
 *
 * "Any port" means a random even port of the RTP range, bound explicitly, never the
 * kernel's ephemeral choice: a firewall in front of the exchange can open one known range
 * (as Asterisk's rtp.conf rtpstart/rtpend and FreeSWITCH's rtp-start-port), and on Linux
 * only an explicitly bound port survives the disconnect of a socket that was locked to its
 * phone (source-lock.ts) — an ephemeral one is released by the disconnect.
 */
import { createSocket, type Socket } from 'node:dgram';

/** Inclusive port range for RTP and RTCP (FreeSWITCH's default; below Linux's ephemeral range). */
export interface PortRange {
  min: number;
  max: number;
}
export const DEFAULT_RTP_PORTS: Readonly<PortRange> = { min: 16384, max: 32767 };

/** Tries before giving up on a range: a busy exchange still finds a free pair quickly. */
const ATTEMPTS = 64;

function bindSocket(sock: Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    sock.once('error', onError);
    sock.bind({ address: host, port, exclusive: true }, () => {
      sock.off('error', onError);
      resolve();
    });
  });
}

function family(host: string): 'udp4' | 'udp6' {
  return host.includes(':') ? 'udp6' : 'udp4';
}

/** Bind `port` (and port+1 unless muxed); rejects if either is taken. */
async function bindAt(host: string, port: number, mux: boolean): Promise<{ rtp: Socket; rtcp?: Socket }> {
  const rtp = createSocket(family(host));
  try {
    await bindSocket(rtp, host, port);
  } catch (err) {
    rtp.close();
    throw err;
  }
  if (mux) return { rtp };
  const rtcp = createSocket(family(host));
  try {
    await bindSocket(rtcp, host, port + 1);
    return { rtp, rtcp };
  } catch (err) {
    rtcp.close();
    rtp.close();
    throw err;
  }
}

/**
 * Bind an RTP socket and (unless muxed) an RTCP socket on the next port. `port` 0 picks a
 * random free even port in `range`.
 */
export async function bindPair(host: string, port: number, mux: boolean, range: PortRange = DEFAULT_RTP_PORTS): Promise<{ rtp: Socket; rtcp?: Socket }> {
  if (port !== 0) return bindAt(host, port, mux);
  const first = range.min + (range.min % 2); // RFC 3550 §11: RTP on an even port
  const pairs = Math.floor((range.max - 1 - first) / 2) + 1;
  if (pairs < 1) throw new Error(`RTP port range ${range.min}-${range.max} holds no even/odd pair`);
  let last: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const p = first + 2 * Math.floor(Math.random() * pairs);
    try {
      return await bindAt(host, p, mux);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      last = err;
    }
  }
  throw new Error(`no free RTP/RTCP port pair on ${host} in ${range.min}-${range.max} after ${ATTEMPTS} tries (${String(last)})`);
}
