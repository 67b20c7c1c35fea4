import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { MediaWorkerPool } from '../../src/media/worker/pool.js';
import { bridge } from '../../src/media/relay.js';
import { ALAW_TO_MULAW } from '../../src/media/g711.js';
import { RtpSession } from '../../src/media/rtp/session.js';
import { FakeClock } from '../../common/clock.js';

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function phone(): Promise<{ sock: Socket; port: number; got: Buffer[] }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(Buffer.from(m)));
  return { sock, port: sock.address().port, got };
}

function rtp(pt: number, seq: number, payload: Uint8Array): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = pt;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(seq * 160, 4);
  b.writeUInt32BE(0xabcdef01, 8);
  Buffer.from(payload).copy(b, 12);
  return b;
}

const voice = (i: number) => Uint8Array.from({ length: 160 }, (_, k) => (i * 7 + k) & 0xff);

async function call(pool: MediaWorkerPool, codecA: 'PCMU' | 'PCMA', codecB: 'PCMU' | 'PCMA') {
  const pa = await phone();
  const pb = await phone();
  const a = await pool.open({ host: '127.0.0.1', port: 0, codec: codecA });
  const b = await pool.open({ host: '127.0.0.1', port: 0, codec: codecB }, a);
  a.setRemote({ address: '127.0.0.1', port: pa.port });
  b.setRemote({ address: '127.0.0.1', port: pb.port });
  const send = (seq: number, pt: number) => pa.sock.send(rtp(pt, seq, voice(seq)), a.localPort, '127.0.0.1');
  const done = async () => {
    pa.sock.close();
    pb.sock.close();
    await Promise.all([a.close(), b.close()]);
  };
  return { a, b, pa, pb, send, done };
}

test('relay through a worker: payloads byte-exact, the main thread never sees the packets', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const c = await call(pool, 'PCMU', 'PCMU');
    const br = bridge(c.a, c.b);
    assert.is(br.mode, 'relay');
    for (let i = 0; i < 20; i++) c.send(i, 0);
    await until(() => c.pb.got.length === 20, '20 relayed packets');
    c.pb.got.forEach((m, i) => {
      assert.is(m[1]! & 0x7f, 0);
      assert.equal(Uint8Array.from(m.subarray(12)), voice(i), `payload ${i}`);
    });
    const st = await c.a.fetchStats();
    assert.is(st?.packetsReceived, 20);
    br.close();
    br.close();
    await c.done();
  } finally {
    await pool.close();
  }
});

test('A-law to µ-law through a worker: every byte through the G.711 table', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const c = await call(pool, 'PCMA', 'PCMU');
    assert.is(bridge(c.a, c.b).mode, 'transcode');
    for (let i = 0; i < 5; i++) c.send(i, 8);
    await until(() => c.pb.got.length === 5, '5 transcoded packets');
    c.pb.got.forEach((m, i) => {
      assert.is(m[1]! & 0x7f, 0);
      assert.equal(Uint8Array.from(m.subarray(12)), Uint8Array.from(voice(i), (x) => ALAW_TO_MULAW[x]!));
    });
    await c.done();
  } finally {
    await pool.close();
  }
});

test('with spreadAt the pool keeps calls in one worker until it carries that many legs, then starts the next and fills the least loaded', async () => {
  const pool = new MediaWorkerPool({ size: 2, spreadAt: 4 });
  const open = (near?: Awaited<ReturnType<typeof pool.open>>) => pool.open({ host: '127.0.0.1', port: 0 }, near);
  try {
    const a = await open();
    await open(a);
    const c = await open();
    await open(c);
    assert.equal(pool.load(), [4], 'two calls, one worker thread');
    assert.is(c.worker, a.worker);
    const e = await open();
    assert.is.not(e.worker, a.worker, 'the first worker is full: a second one starts');
    assert.equal(pool.load(), [4, 1]);
    await open();
    assert.equal(pool.load(), [4, 2], 'new calls go to the least loaded');
    await a.close();
    await c.close();
    const g = await open();
    assert.is(g.worker, a.worker, 'and back to the first once it has room');
    assert.equal(pool.load().length, 2, 'never more than size');
  } finally {
    await pool.close();
  }
});

test('legs opened next to each other share a worker; others spread', async () => {
  const pool = new MediaWorkerPool({ size: 2 });
  try {
    const a = await pool.open({ host: '127.0.0.1', port: 0 });
    const b = await pool.open({ host: '127.0.0.1', port: 0 }, a);
    const c = await pool.open({ host: '127.0.0.1', port: 0 });
    assert.is(a.worker, b.worker);
    assert.is.not(c.worker, a.worker);
    assert.equal(pool.load().sort(), [1, 2]);
    // Legs in different workers still hear each other, on the decoded path.
    const br = bridge(a, c);
    assert.is(br.mode, 'decoded');
    br.close();
  } finally {
    await pool.close();
  }
});

test('close() is idempotent and frees the leg\'s sockets in the worker', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const a = await pool.open({ host: '127.0.0.1', port: 0 });
    const port = a.localPort;
    await Promise.all([a.close(), a.close()]);
    await a.close();
    assert.equal(pool.load(), [0]);
    // Both ports of the pair are free again: this thread can bind them.
    const s = await RtpSession.open({ host: '127.0.0.1', port });
    assert.is(s.localPort, port);
    await s.close();
  } finally {
    await pool.close();
  }
});

test('decoded path and RFC 4733 digits cross the thread boundary', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const pa = await phone();
    const a = await pool.open({ host: '127.0.0.1', port: 0, codec: 'PCMU', telephoneEventPayloadType: 101 });
    a.setRemote({ address: '127.0.0.1', port: pa.port });
    const digits: string[] = [];
    a.onDigit((d) => digits.push(d.digit));
    const frames: Int16Array[] = [];
    const off = a.onFrame((f) => frames.push(f));
    const ev = Buffer.from([5, 10, 0, 160]); // digit 5, volume 10, duration 160
    const pkt = rtp(101, 1, ev);
    pkt[1] = 0x80 | 101; // marker: start of the event
    pa.sock.send(pkt, a.localPort, '127.0.0.1');
    await until(() => digits.length === 1 && frames.length >= 2, 'a digit and frames');
    assert.equal(digits, ['5']);
    assert.is(frames[0]!.length, 160);
    off();
    a.writeFrame(new Int16Array(160));
    await until(() => pa.got.length >= 1, 'a frame sent to the phone');
    assert.is(pa.got[0]!.length, 12 + 160);
    pa.sock.close();
    await a.close();
  } finally {
    await pool.close();
  }
});

test('a crashed worker is reported and its legs end instead of hanging', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const crashes: Array<[string, number]> = [];
    pool.onCrash((err, legs) => crashes.push([err.message, legs]));
    const c = await call(pool, 'PCMU', 'PCMU');
    const ended: string[] = [];
    c.a.onEnded(() => ended.push('a'));
    c.b.onEnded(() => ended.push('b'));
    bridge(c.a, c.b);
    pool.crashWorker(0);
    await until(() => ended.length === 2, 'both legs ended');
    assert.is(crashes.length, 1);
    assert.is(crashes[0]![1], 2);
    assert.match(crashes[0]![0], /crash requested/);
    // Nothing hangs afterwards: close, stats and digits answer at once.
    await c.done();
    assert.is(await c.a.fetchStats(), undefined);
    // A fresh worker takes its place.
    const d = await pool.open({ host: '127.0.0.1', port: 0 });
    assert.equal(pool.load(), [1]);
    await d.close();
  } finally {
    await pool.close();
  }
});

test('a fault in one leg (a destination Node refuses) ends that leg only; the worker and the other call go on', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const crashes: Error[] = [];
    pool.onCrash((err) => crashes.push(err));
    const good = await call(pool, 'PCMU', 'PCMU');
    const bad = await call(pool, 'PCMU', 'PCMU');
    assert.is(good.a.worker, bad.a.worker, 'one worker hosts both calls');
    bridge(good.a, good.b);
    bridge(bad.a, bad.b);
    const ended: Array<[string, string]> = [];
    for (const [name, ep] of [['good.a', good.a], ['good.b', good.b], ['bad.a', bad.a], ['bad.b', bad.b]] as const) ep.onEnded((err) => ended.push([name, err.message]));
    // SDP gave an empty port (sdp-transform hands it over as ''): dgram throws on the first send.
    bad.b.setRemote({ address: '127.0.0.1', port: '' as unknown as number });
    bad.send(1, 0); // relayed from bad.a out of bad.b
    await until(() => ended.length === 1, 'the faulty leg ended');
    assert.is(ended[0]![0], 'bad.b');
    assert.match(ended[0]![1], /media leg \d+: cannot send RTP to 127\.0\.0\.1:/);
    assert.equal(pool.load(), [3], 'the worker closed the faulty leg, the rest stay');
    for (let i = 0; i < 5; i++) good.send(i, 0);
    await until(() => good.pb.got.length === 5, 'the other call still relays');
    bad.send(2, 0); // the faulty leg's partner is untouched: its packets just go nowhere now
    assert.equal(crashes, []);
    assert.is(ended.length, 1);
    await Promise.all([good.done(), bad.done()]);
  } finally {
    await pool.close();
  }
});

test('the RTP timeout ends a silent leg in its worker, not a leg that hears its phone', async () => {
  const pool = new MediaWorkerPool({ size: 1 });
  try {
    const pa = await phone();
    const pb = await phone();
    const a = await pool.open({ host: '127.0.0.1', port: 0, rtpTimeoutMs: 300 });
    const b = await pool.open({ host: '127.0.0.1', port: 0, rtpTimeoutMs: 300 }, a);
    a.setRemote({ address: '127.0.0.1', port: pa.port });
    b.setRemote({ address: '127.0.0.1', port: pb.port });
    const ended: string[] = [];
    a.onEnded((err) => ended.push(`a: ${err.name} ${err.message}`));
    b.onEnded((err) => ended.push(`b: ${err.name}`));
    const talking = setInterval(() => pa.sock.send(rtp(0, 1, voice(1)), a.localPort, '127.0.0.1'), 20);
    try {
      await until(() => ended.length === 1, 'the silent leg ended');
      assert.equal(ended, ['b: RtpTimeoutError']);
    } finally {
      clearInterval(talking);
    }
    pa.sock.close();
    pb.sock.close();
    await Promise.all([a.close(), b.close()]);
  } finally {
    await pool.close();
  }
});

test('a worker idle for idleStopMs is stopped, never while a leg lives, and the next call starts a fresh one that relays', async () => {
  const clock = new FakeClock();
  const pool = new MediaWorkerPool({ size: 1, idleStopMs: 600_000, clock });
  let crashes = 0;
  pool.onCrash(() => crashes++);
  try {
    const first = await call(pool, 'PCMU', 'PCMU');
    const thread = first.a.worker.thread;
    clock.advance(3_600_000); // an hour-long call: its worker hosts two legs the whole time
    assert.equal(pool.load(), [2], 'a worker with a call is never stopped');
    await first.done();
    assert.equal(pool.load(), [0]);
    clock.advance(450_000);
    assert.equal(pool.load(), [0], 'idle for less than idleStopMs: kept');
    let exited = false;
    thread.once('exit', () => (exited = true));
    clock.advance(300_000);
    assert.equal(pool.load(), [], 'idle for idleStopMs: out of the pool');
    await until(() => exited, 'the worker thread to exit');
    assert.is(pool.stoppedIdle, 1);
    assert.is(crashes, 0, 'an idle stop is not a crash');

    const next = await call(pool, 'PCMU', 'PCMA');
    assert.ok(next.a.worker.thread !== thread, 'a fresh worker');
    const br = bridge(next.a, next.b);
    for (let i = 0; i < 10; i++) next.send(i, 0);
    await until(() => next.pb.got.length === 10, 'the fresh worker to relay');
    br.close();
    await next.done();
  } finally {
    await pool.close();
  }
});

test.run();
