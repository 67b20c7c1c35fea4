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

test.run();
