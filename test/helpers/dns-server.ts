/**
 * A small DNS server on loopback UDP for RFC 3263 tests: it answers NAPTR, SRV, A and
 * AAAA questions from a table (RFC 1035 §4 wire format, RFC 2915 NAPTR, RFC 2782 SRV),
 * NXDOMAIN for names it does not know, and an empty answer for a known name without
 * records of the type asked. A fixture the exchange's real resolver (node:dns) talks to.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface NaptrRecord { order: number; preference: number; flags: string; service: string; regexp?: string; replacement: string }
export interface SrvRecord { priority: number; weight: number; port: number; target: string }
export interface ZoneEntry { naptr?: NaptrRecord[]; srv?: SrvRecord[]; a?: string[]; aaaa?: string[] }
export type Zone = Record<string, ZoneEntry>;

const TYPE = { A: 1, AAAA: 28, SRV: 33, NAPTR: 35 } as const;

function name(n: string): Buffer {
  const parts = n.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

function str(s: string): Buffer {
  return Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'ascii')]);
}

function u16(...v: number[]): Buffer {
  const b = Buffer.alloc(v.length * 2);
  v.forEach((x, i) => b.writeUInt16BE(x, i * 2));
  return b;
}

function rdata(type: number, e: ZoneEntry): Buffer[] {
  switch (type) {
    case TYPE.A: return (e.a ?? []).map((ip) => Buffer.from(ip.split('.').map(Number)));
    case TYPE.AAAA: return (e.aaaa ?? []).map((ip) => ipv6(ip));
    case TYPE.SRV: return (e.srv ?? []).map((r) => Buffer.concat([u16(r.priority, r.weight, r.port), name(r.target)]));
    case TYPE.NAPTR: return (e.naptr ?? []).map((r) => Buffer.concat([u16(r.order, r.preference), str(r.flags), str(r.service), str(r.regexp ?? ''), name(r.replacement)]));
    default: return [];
  }
}

function ipv6(ip: string): Buffer {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return u16(...groups.map((g) => parseInt(g, 16)));
}

/** Read the question: its name (lower case), type, and where it ends. */
function question(msg: Buffer): { qname: string; qtype: number; end: number } {
  let i = 12;
  const labels: string[] = [];
  while (msg[i]! > 0) {
    labels.push(msg.subarray(i + 1, i + 1 + msg[i]!).toString('ascii'));
    i += msg[i]! + 1;
  }
  return { qname: labels.join('.').toLowerCase(), qtype: msg.readUInt16BE(i + 1), end: i + 5 };
}

export interface DnsServer {
  /** `127.0.0.1:port`, for Resolver.setServers. */
  address: string;
  /** Questions asked, `TYPE name` (what a test asserts about the lookups made). */
  asked: string[];
  zone: Zone;
  close(): Promise<void>;
}

export async function startDnsServer(zone: Zone): Promise<DnsServer> {
  const sock: Socket = createSocket('udp4');
  const asked: string[] = [];
  const server: DnsServer = { address: '', asked, zone, close: () => new Promise((r) => sock.close(() => r())) };
  sock.on('message', (msg, from) => {
    if (msg.length < 17) return;
    const q = question(msg);
    const typeName = Object.entries(TYPE).find(([, v]) => v === q.qtype)?.[0] ?? String(q.qtype);
    asked.push(`${typeName} ${q.qname}`);
    const entry = server.zone[q.qname];
    const answers = entry ? rdata(q.qtype, entry) : [];
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // the query's id
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | (entry ? 0 : 3), 2); // response, authoritative, RD copied; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const rrs = answers.map((rd) => Buffer.concat([Buffer.from([0xc0, 12]), u16(q.qtype, 1), Buffer.from([0, 0, 0, 60]), u16(rd.length), rd]));
    sock.send(Buffer.concat([header, msg.subarray(12, q.end), ...rrs]), from.port, from.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  server.address = `127.0.0.1:${sock.address().port}`;
  return server;
}
