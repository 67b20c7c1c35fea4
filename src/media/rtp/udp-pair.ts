/**
 * Binding the UDP sockets of an RTP session: RTP on an even port and RTCP on the next one
 * (RFC 3550 §11), or a single socket with rtcp-mux (RFC 5761).
 */
import { createSocket, type Socket } from 'node:dgram';

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

/** Bind an RTP socket and (unless muxed) an RTCP socket on the next port. */
export async function bindPair(host: string, port: number, mux: boolean): Promise<{ rtp: Socket; rtcp?: Socket }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const rtp = createSocket(family(host));
    try {
      await bindSocket(rtp, host, port);
    } catch (err) {
      rtp.close();
      throw err;
    }
    if (mux) return { rtp };
    const p = rtp.address().port;
    if (port === 0 && p % 2 === 1) {
      rtp.close(); // RFC 3550 §11: RTP on an even port
      continue;
    }
    const rtcp = createSocket(family(host));
    try {
      await bindSocket(rtcp, host, p + 1);
      return { rtp, rtcp };
    } catch (err) {
      rtcp.close();
      rtp.close();
      if (port !== 0) throw err;
    }
  }
  throw new Error(`no free RTP/RTCP port pair on ${host}`);
}
