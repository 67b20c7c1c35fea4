/**
 * The analog phone's in-call features (apps/analog-consult.ts) in the core on the fake
 * clock (analog-harness.ts: a real FxsExtension over a fake FXS port, the real Switch; the
 * SIP parties 202 and 203 fake channels with fake media endpoints):
 *
 * - brokering: flash holds 202 (music) and gives dial tone; 203 answers; each flash swaps;
 * - the consulted party hangs up: a flash brings back the held party;
 * - hang up with a held call: the phone rings again showing it (recall), lifting talks again;
 * - hang up while consulting: the held and the consulted party talk (attended transfer);
 * - flash + 3 within the window: one bridge of three; a 3 after the window is only DTMF.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FLASH_DIGIT_MS } from '../../src/apps/analog-consult.js';
import { RECALL_RING_MS } from '../../src/apps/transfer.js';
import { consulting, ep, hearsMusic, hearsPhone, phoneHears, settle, setup } from './analog-harness.js';

test('brokering: after each flash 101 talks with the other party, and the one left hears music', async () => {
  const s = setup();
  const { p202, p203 } = await consulting(s);
  assert.ok(hearsPhone(s, p203, 1004) && phoneHears(s, p203, 2004), '101 talks with 203');
  assert.ok(hearsMusic(s, p202), '202 still on music');
  assert.is(s.sw.activeCalls().length, 2, 'two calls: the held one and the consultation');

  s.port.flash();
  await settle();
  assert.ok(hearsPhone(s, p202, 1005) && phoneHears(s, p202, 2005), 'flash: 101 is back with 202');
  assert.not.ok(phoneHears(s, p203, 2006), '101 no longer hears 203');
  assert.ok(hearsMusic(s, p203), '203 hears music now');
  assert.not.ok(s.sw.holding.has(p202));

  s.port.flash();
  await settle();
  assert.ok(hearsPhone(s, p203, 1007) && phoneHears(s, p203, 2007), 'flash again: 101 with 203');
  assert.ok(hearsMusic(s, p202), '202 on music again');
  assert.not.ok(hearsPhone(s, p202, 1008));
});

test('the consulted party hangs up: busy tone, and a flash brings back the held party', async () => {
  const s = setup();
  const { p202, p203 } = await consulting(s);
  p203.deviceHangsUp();
  await settle();
  assert.equal(s.port.tone?.cadence, [500, 500], '101 hears busy tone');
  assert.ok(hearsMusic(s, p202), '202 is still held, not dropped');
  s.port.flash();
  await settle();
  assert.ok(hearsPhone(s, p202, 1009) && phoneHears(s, p202, 2009), '101 talks with 202 again');
  assert.is(s.sw.activeCalls().length, 1);
});

test('hang up with a held call: the phone rings again showing it, and lifting talks with it again; unanswered, the recall gives up after its time', async () => {
  const s = setup();
  const { p202, p203 } = await consulting(s);
  p203.deviceHangsUp();
  await settle();
  s.port.hangUp();
  await settle();
  assert.is(p202.state, 'up', 'the held party is not dropped with the handset');
  assert.ok(s.port.ringing, '101 rings again (recall)');
  assert.is(s.port.ringingWith?.callerId?.number, '202', 'showing the held party');
  assert.ok(hearsMusic(s, p202), '202 hears music while 101 rings');
  s.port.lift();
  await settle();
  assert.ok(hearsPhone(s, p202, 1010) && phoneHears(s, p202, 2010), '101 talks with 202 again');

  // Once more, and this time nobody lifts: the recall rings for RECALL_RING_MS.
  s.port.flash();
  await settle();
  s.port.hangUp();
  await settle();
  assert.ok(s.port.ringing);
  s.clock.advance(RECALL_RING_MS - 1000);
  await settle();
  assert.ok(s.port.ringing, 'still ringing before the recall time');
  assert.is(p202.state, 'up');
  s.clock.advance(2000);
  await settle();
  assert.not.ok(s.port.ringing, 'the recall gives up');
  assert.is(s.sw.activeCalls().length, 0);
});

test('hang up while talking with the consulted party: the held party and the consulted party talk (attended transfer)', async () => {
  const s = setup();
  const { p202, p203 } = await consulting(s);
  s.port.hangUp();
  await settle();
  assert.is(p202.state, 'up');
  assert.is(p203.state, 'up');
  assert.not.ok(s.sw.holding.has(p202), '202 is off hold');
  ep(p203).heard.length = 0;
  ep(p202).speak(3003);
  assert.ok(ep(p203).heard.some((f) => f[0] === 3003), '203 hears 202');
  ep(p202).heard.length = 0;
  ep(p203).speak(3004);
  assert.ok(ep(p202).heard.some((f) => f[0] === 3004), '202 hears 203');
  assert.is(s.sw.activeCalls().length, 1);
  const first = s.ended.find((r) => r.transfers?.length);
  assert.equal(first?.transfers?.map((t) => [t.kind, t.by, t.target]), [['attended', '101', '203']], 'the first call\'s record has the transfer');
});

test('flash + 3: one bridge of the phone, the held and the consulted party, mixed; when the phone hangs up the other two talk on', async () => {
  const s = setup();
  const { p202, p203 } = await consulting(s);
  s.port.flash(); // back with 202…
  await settle();
  s.port.dial('3'); // …and 3 right after: conference
  await settle();
  const conf = s.sw.bridges().find((b) => b.size === 3);
  assert.ok(conf, 'a bridge of three');
  assert.is(conf!.mode, 'mix');
  assert.not.ok(s.sw.holding.has(p202) || s.sw.holding.has(p203), 'nobody on music');
  assert.is(s.sw.activeCalls().length, 1, 'the consultation call joined the first');
  s.port.hangUp();
  await settle();
  assert.is(p202.state, 'up');
  assert.is(p203.state, 'up');
  ep(p203).heard.length = 0;
  ep(p202).speak(3005);
  assert.ok(ep(p203).heard.some((f) => f[0] === 3005), '203 still hears 202 after 101 left');
});

test('202 called 101: 202 hangs up while 203 waits on music: 101 is back with 203 at once', async () => {
  const s = setup();
  const { p202, p203 } = await consulting(s, true);
  s.port.flash(); // back with 202, 203 on music
  await settle();
  assert.ok(hearsMusic(s, p203));
  p202.deviceHangsUp();
  await settle();
  assert.is(p203.state, 'up');
  assert.not.ok(s.sw.holding.has(p203), '203 is off music');
  assert.ok(hearsPhone(s, p203, 1012) && phoneHears(s, p203, 2012), '101 talks with 203');
  assert.is(s.sw.activeCalls().length, 1);
});

test('202 called 101, flash + 3, then 202 leaves: 101 and 203 talk on', async () => {
  const s = setup();
  const { p202, p203 } = await consulting(s, true);
  s.port.flash();
  await settle();
  s.port.dial('3');
  await settle();
  assert.ok(s.sw.bridges().some((b) => b.size === 3), 'a bridge of three');
  p202.deviceHangsUp();
  await settle();
  assert.is(p203.state, 'up', 'the conference outlives the caller who left');
  assert.ok(hearsPhone(s, p203, 1013) && phoneHears(s, p203, 2013), '101 and 203 talk on');
});

test('a 3 after the flash window is not a conference (only a digit to the party)', async () => {
  const s = setup();
  const { p202, p203 } = await consulting(s);
  s.port.flash();
  await settle();
  s.clock.advance(FLASH_DIGIT_MS + 10);
  s.port.dial('3');
  await settle();
  assert.not.ok(s.sw.bridges().some((b) => b.size === 3), 'no conference');
  assert.ok(hearsPhone(s, p202, 1011), '101 still with 202');
  assert.ok(hearsMusic(s, p203), '203 still held');
});

test.run();
