/**
 * Load generator for bench/media/relay-bench.ts, run as a separate process so it does not
 * share the exchange's event loop: it plays both phones of every call (one UDP socket
 * each), sends 50 packets/s per phone with random phases (phones are not synchronised),
 * and measures, per packet, the transit time through the exchange.
 *
 * Each packet carries an RTP header extension (which the relay forwards untouched) with
 * its stream id and packet number, so the receiver can match it to its send time.
 */
import { createSocket, type Socket } from 'node:dgram';
import { monitorEventLoopDelay } from 'node:perf_hooks';

interface Setup { type: 'setup'; calls: number; pbxPorts: Array<[number, number]>; payloadTypes: [number, number] }
interface Start { type: 'start'; warmupMs: number; durationMs: number }

const PACKET = 12 + 4 + 8 + 160;
let sockets: Socket[] = [];
let setup: Setup;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function onSetup(msg: Setup): Promise<void> {
  setup = msg;
  sockets = [];
  for (let i = 0; i < msg.calls * 2; i++) {
    const s = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    sockets.push(s);
  }
  process.send!({ type: 'ready', phonePorts: Array.from({ length: msg.calls }, (_, c) => [sockets[2 * c]!.address().port, sockets[2 * c + 1]!.address().port]) });
}

function onStart(msg: Start): void {
  const streams = setup.calls * 2; // stream s is sent by socket s towards its PBX leg
  const capacity = Math.ceil(((msg.warmupMs + msg.durationMs) / 20) * 1.2) + 10;
  const sendTimes = Array.from({ length: streams }, () => new Float64Array(capacity));
  const recvTimes = Array.from({ length: streams }, () => new Float64Array(capacity));
  const packets = Array.from({ length: streams }, (_, s) => {
    const b = Buffer.alloc(PACKET, 0x55);
    b[0] = 0x90; // V=2, X=1
    b[1] = setup.payloadTypes[s % 2]!;
    b.writeUInt32BE(0x1000 + s, 8);
    b.writeUInt16BE(0x1000, 12);
    b.writeUInt16BE(2, 14);
    b.writeUInt32BE(s, 16);
    return b;
  });
  const sent = new Int32Array(streams);
  const phase = Float64Array.from({ length: streams }, () => Math.random() * 20);
  // Receiving socket for stream s is the other phone of the same call.
  sockets.forEach((sock) => {
    sock.on('message', (m) => {
      if (m.length < 24) return;
      const s = m.readUInt32BE(16);
      const n = m.readUInt32BE(20);
      const arr = recvTimes[s];
      if (arr && n < arr.length && arr[n] === 0) arr[n] = performance.now();
    });
  });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 50;
  const end = t0 + msg.warmupMs + msg.durationMs;
  const tick = () => {
    const now = performance.now();
    for (let s = 0; s < streams; s++) {
      let n = sent[s]!;
      while (n < capacity && t0 + phase[s]! + n * 20 <= now && t0 + phase[s]! + n * 20 < end) {
        const b = packets[s]!;
        b.writeUInt16BE(n & 0xffff, 2);
        b.writeUInt32BE((n * 160) >>> 0, 4);
        b.writeUInt32BE(n, 20);
        sendTimes[s]![n] = performance.now();
        const call = s >> 1;
        sockets[s]!.send(b, setup.pbxPorts[call]![s % 2]!, '127.0.0.1');
        n++;
      }
      sent[s] = n;
    }
    if (now < end) setTimeout(tick, 1);
    else setTimeout(report, 2000); // drain
  };
  const report = () => {
    const firstMeasured = Math.ceil(msg.warmupMs / 20);
    let expected = 0;
    let lost = 0;
    let late = 0;
    const transit: number[] = [];
    const jitterDev: number[] = [];
    for (let s = 0; s < streams; s++) {
      const st: number[] = [];
      for (let n = firstMeasured; n < sent[s]!; n++) {
        expected++;
        const r = recvTimes[s]![n]!;
        if (r === 0) lost++;
        else {
          st.push(r - sendTimes[s]![n]!);
          if (r - sendTimes[s]![n]! > 200) late++;
        }
      }
      if (st.length === 0) continue;
      // Added jitter: how far each packet's transit strays above the stream's best transit.
      const min = Math.min(...st);
      for (const t of st) {
        transit.push(t);
        jitterDev.push(t - min);
      }
    }
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    const tr = Float64Array.from(transit).sort();
    const jd = Float64Array.from(jitterDev).sort();
    process.send!({
      type: 'result',
      expected,
      lost,
      lossPct: (100 * lost) / Math.max(1, expected),
      late,
      sentTotal: Array.from(sent).reduce((a, b) => a + b, 0),
      transitP50: percentile(tr, 0.5),
      transitP99: percentile(tr, 0.99),
      transitMax: tr.length ? tr[tr.length - 1] : NaN,
      addedJitterP99: percentile(jd, 0.99),
      generatorCpuPct: ((cpu.user + cpu.system) / 1000 / (msg.warmupMs + msg.durationMs + 2050)) * 100,
      generatorLoopDelayP99Ms: loop.percentile(99) / 1e6,
    });
    for (const s of sockets) s.close();
  };
  setTimeout(tick, 50);
}

process.on('message', (m: Setup | Start) => {
  if (m.type === 'setup') void onSetup(m);
  else if (m.type === 'start') onStart(m);
});
