/**
 * The driver's reliable channel against a scripted card on a real pty: lost ACKs are
 * retransmitted with the same seq, duplicate events are applied once, unknown ports refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openPty, type PtyPair } from '../../drivers/emu/pty.js';
import { spawnLineCardEmulator } from '../../drivers/emu/linecard/spawn.js';
import { LineCardDriver } from '../../drivers/linecard/driver.js';
import { encodeFrame, FrameDecoder } from '../../drivers/linecard/framing.js';
import { decodeMessage, encodeMessage, type Message } from '../../drivers/linecard/messages.js';

function scriptedCard(pty: PtyPair) {
  const dec = new FrameDecoder();
  const got: Message[] = [];
  const waiters: Array<() => void> = [];
  pty.onData((d) => {
    for (const b of dec.feed(d)) got.push(decodeMessage(b));
    for (const w of waiters.splice(0)) w();
  });
  const send = (m: Message): void => pty.write(encodeFrame(encodeMessage(m)));
  const waitFor = async (pred: (m: Message) => boolean, ms = 2000): Promise<Message> => {
    const end = Date.now() + ms;
    for (;;) {
      const m = got.find(pred);
      if (m) return m;
      if (Date.now() > end) throw new Error('expected message did not arrive');
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return { got, send, waitFor };
}

test('lost ACK → same seq retransmitted; duplicate event applied once; unknown port refused', async () => {
  const pty = openPty();
  const c = scriptedCard(pty);
  const heartbeat = setInterval(() => c.send({ type: 'heartbeat', uptimeMs: 1 }), 100);
  const card = new LineCardDriver({ path: pty.path });
  try {
    const opened = card.open();
    await c.waitFor((m) => m.type === 'hostHello');
    c.send({ type: 'hello', version: 1, bootId: 7, law: 'ulaw', model: 'SCRIPT', firmware: '0', ports: ['fxs', 'fxo'] });
    await opened;
    const ringing = card.fxs(1).ring({ cadence: [1000, 4000] });
    const first = (await c.waitFor((m) => m.type === 'ring')) as Extract<Message, { type: 'ring' }>;
    // Say nothing: the driver must send the same command again with the same seq.
    await c.waitFor((m) => m.type === 'ring' && m !== first);
    const copies = c.got.filter((m): m is typeof first => m.type === 'ring');
    assert.ok(copies.every((m) => m.seq === first.seq));
    c.send({ type: 'ack', ackedSeq: first.seq, status: 0 });
    await ringing;
    assert.ok(card.stats.retransmissions >= 1);

    // (A digit, not a hook event: repeated hook states are ignored by sig-analog anyway.)
    let digits = 0;
    card.fxs(1).on('digit', () => digits++);
    const digit: Message = { type: 'digit', seq: 1, port: 0, digit: '5' };
    c.send(digit);
    c.send(digit); // our ACK was "lost": the card repeats
    await c.waitFor((m) => m.type === 'ack' && m.ackedSeq === 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.is(digits, 1);
    assert.is(c.got.filter((m) => m.type === 'ack' && m.ackedSeq === 1).length, 2, 'both copies acknowledged');

    c.send({ type: 'digit', seq: 2, port: 9, digit: '1' });
    const nack = await c.waitFor((m) => m.type === 'ack' && m.ackedSeq === 2);
    assert.equal(nack, { type: 'ack', ackedSeq: 2, status: 1 });
  } finally {
    clearInterval(heartbeat);
    await card.close();
    pty.close();
  }
});

test('the 6 FXO × 16 FXS emulator configuration handshakes with 22 ports', async () => {
  const emu = await spawnLineCardEmulator({ config: '6x16', law: 'ulaw' });
  const card = new LineCardDriver({ path: emu.path });
  try {
    const info = await card.open();
    assert.is(info.ports.length, 22);
    assert.is(info.law, 'ulaw');
    assert.is(card.fxo(6).index, 5);
    assert.is(card.fxs(16).index, 21);
  } finally {
    await card.close();
    await emu.close();
  }
});

/** A scripted card on a pty that has said HELLO with `version`, with a running heartbeat. */
async function helloCard(version: number) {
  const pty = openPty();
  const c = scriptedCard(pty);
  const heartbeat = setInterval(() => c.send({ type: 'heartbeat', uptimeMs: 1 }), 100);
  const card = new LineCardDriver({ path: pty.path });
  const opened = card.open();
  await c.waitFor((m) => m.type === 'hostHello');
  c.send({ type: 'hello', version, bootId: 9, law: 'alaw', model: 'SCRIPT', firmware: '0', ports: ['fxs'] });
  const close = async (): Promise<void> => {
    clearInterval(heartbeat);
    await card.close();
    pty.close();
  };
  opened.catch(() => {}); // an unknown version never opens; close() ends the wait
  return { c, card, opened, close, raw: (body: Buffer) => pty.write(encodeFrame(body)) };
}

/** Raw body bytes of a HOOK as a card of the given layout writes it (PROTOCOL.md §2, §2.2). */
function hookBody(seq: number, off: boolean, atMs?: number): Buffer {
  const b = [0x82, seq, 0, off ? 1 : 0];
  if (atMs !== undefined) b.push(atMs >>> 24, (atMs >>> 16) & 0xff, (atMs >>> 8) & 0xff, atMs & 0xff);
  return Buffer.from(b);
}

test('v2 card: a break and make arriving back to back are timed by their stamps (a 300 ms flash)', async () => {
  const { c, card, opened, close, raw } = await helloCard(2);
  try {
    assert.is((await opened).protocolVersion, 2);
    const port = card.fxs(1);
    const flashes: number[] = [];
    port.on('flash', (ms: number) => flashes.push(ms));
    const off = new Promise<void>((r) => port.once('offHook', () => r()));
    c.got.length = 0;
    const send = async (seq: number, on: boolean, at: number): Promise<void> => {
      raw(hookBody(seq, on, at));
      await c.waitFor((m) => m.type === 'ack' && m.ackedSeq === seq);
    };
    await send(1, true, 0xfffffe00);
    await off;
    await send(2, false, 0xffffff00); // the break and make straddle the card clock's wrap
    await send(3, true, 0x0000002c);
    assert.equal(flashes, [300]);
  } finally {
    await close();
  }
});

test('v1 card: goes online, its stampless HOOK is timed on arrival; an unknown version stays offline', async () => {
  const v1 = await helloCard(1);
  try {
    assert.is((await v1.opened).protocolVersion, 1);
    const off = new Promise<void>((r) => v1.card.fxs(1).once('offHook', () => r()));
    v1.raw(hookBody(1, true));
    await off;
    const ack = await v1.c.waitFor((m) => m.type === 'ack' && m.ackedSeq === 1);
    assert.equal(ack, { type: 'ack', ackedSeq: 1, status: 0 });
  } finally {
    await v1.close();
  }
  const v3 = await helloCard(3);
  try {
    const faults: unknown[] = [];
    v3.card.on('fault', (f) => faults.push(f));
    await v3.c.waitFor((m) => m.type === 'hostHello' && v3.c.got.filter((x) => x.type === 'hostHello').length >= 3);
    assert.is.not(v3.card.status, 'online', 'still saying hello');
    assert.ok(faults.length >= 1);
  } finally {
    await v3.close();
  }
});

test.run();
