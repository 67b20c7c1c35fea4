/**
 * The callers of bench/menus/run.ts, in a process of their own (the load generator): one
 * UDP socket per caller, each sending a µ-law tone every 20 ms to its call's media address
 * on the exchange (a caller breathing into the phone while the greeting plays) and
 * recording what the exchange sends back — the menu's greeting. Jitter is each packet's
 * inter-arrival deviation |Δarrival − Δtimestamp/8 ms| (RFC 3550 §6.4.1's D, unsmoothed):
 * what a phone's jitter buffer must absorb; a gap the exchange announces with a timestamp
 * jump (silence between prompts) is not jitter. Arrival is when this process's event loop
 * saw the packet, so its own loop delay (reported too) inflates the figure: an upper bound.
 *
 * Protocol: argv = the number of callers; prints `ready <port…>`; on stdin `peer <i> <port>`
 * sets caller i's destination, `start <warmupMs> <durationMs>` measures and prints one JSON line.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { encode } from '../../src/media/g711.js';

const count = Number(process.argv[2] ?? 50);
const tone = encode('PCMU', Int16Array.from({ length: 160 }, (_, i) => Math.round(1500 * Math.sin((2 * Math.PI * 440 * i) / 8000))));

interface Caller {
  sock: Socket;
  peer?: number;
  seq: number;
  /** Received during the measurement: [arrival ms, rtp timestamp, sequence]. */
  got: Array<[number, number, number]>;
}

let measuring = false;
const callers: Caller[] = await Promise.all(Array.from({ length: count }, async (_, s) => {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const c: Caller = { sock, seq: s * 1000, got: [] };
  sock.on('message', (m) => {
    if (!measuring || m.length < 12 || (m[1]! & 0x7f) !== 0) return; // PCMU only (not telephone-events)
    c.got.push([performance.now(), m.readUInt32BE(4), m.readUInt16BE(2)]);
  });
  return c;
}));
console.log(`ready ${callers.map((c) => c.sock.address().port).join(' ')}`);

const sender = setInterval(() => {
  for (const [i, c] of callers.entries()) {
    if (c.peer === undefined) continue;
    const b = Buffer.alloc(12 + 160);
    b[0] = 0x80;
    b[1] = 0;
    b.writeUInt16BE(c.seq & 0xffff, 2);
    b.writeUInt32BE((c.seq * 160) >>> 0, 4);
    b.writeUInt32BE(0x6000 + i, 8);
    b.set(tone, 12);
    c.seq++;
    c.sock.send(b, c.peer, '127.0.0.1');
  }
}, 20);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, a, b] = line.split(' ');
  if (cmd === 'peer') callers[Number(a)]!.peer = Number(b);
  if (cmd !== 'start') return;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  setTimeout(() => {
    measuring = true;
    loop.enable();
    setTimeout(() => {
      measuring = false;
      loop.disable();
      const jitter: number[] = [];
      let packets = 0;
      let lost = 0;
      let silentCallers = 0;
      for (const c of callers) {
        packets += c.got.length;
        if (c.got.length === 0) silentCallers++;
        for (let k = 1; k < c.got.length; k++) {
          const [t0, ts0, q0] = c.got[k - 1]!;
          const [t1, ts1, q1] = c.got[k]!;
          const gap = (q1 - q0 + 0x10000) & 0xffff;
          if (gap > 1) lost += gap - 1;
          jitter.push(Math.abs(t1 - t0 - ((ts1 - ts0) >>> 0) / 8));
        }
      }
      clearInterval(sender);
      console.log(JSON.stringify({
        callers: count, packets, lost, silentCallers,
        jitterP50: pct(jitter, 50), jitterP99: pct(jitter, 99), jitterMax: Math.max(...jitter),
        phonesLoopP99: loop.percentile(99) / 1e6,
      }));
      process.exit(0);
    }, Number(b));
  }, Number(a));
});
