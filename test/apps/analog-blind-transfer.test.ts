/**
 * Hanging up an analog phone while its consultation still rings (issue 10): a blind
 * transfer that hands the ringing call to the held party, as Asterisk and Panasonic do —
 * the target's phone is never called a second time. The held party hears ringback, talks
 * with the target when it answers, and when nobody answers within the target's ring time
 * the call rings the transferor again. On the fake clock, through the core
 * (analog-harness.ts: a real FxsExtension over a fake FXS port, fake SIP parties).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyTone } from '../../src/media/tones/classify.js';
import { EMPLOYEE_RING_MS } from '../../src/apps/registry.js';
import { RECALL_RING_MS } from '../../src/apps/transfer.js';
import { consultationRings, ep, hears, hearsMusic, hearsPhone, phoneHears, settle, setup, type S } from './analog-harness.js';
import type { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint } from '../helpers/fake-endpoint.js';

/** What `party` hears over the next `ms` (fake clock), as a tone. */
function toneHeard(s: S, party: FakeChannel, ms = 7000): string {
  ep(party).heard.length = 0;
  s.clock.advance(ms);
  return classifyTone(ep(party).heard).kind;
}

for (const calledBy202 of [false, true]) {
  const who = calledBy202 ? '202 called 101' : '101 called 202';
  test(`${who}; flash, 203 rings, 101 hangs up: 203's phone goes on ringing (called once), 202 hears ringback, then talks with 203 when it answers`, async () => {
    const s = setup();
    const { p202, p203 } = await consultationRings(s, calledBy202);
    s.port.hangUp();
    await settle();
    assert.is(p202.state, 'up', '202 is not dropped');
    assert.is(p203.state, 'alerting', '203\'s phone still rings: the same call');
    assert.is(s.calls.get('203')?.length, 1, '203 was called once only');
    assert.not.ok(s.sw.holding.has(p202), '202 is off music');
    assert.is(toneHeard(s, p202), 'ringback', '202 hears ringback');
    assert.not.ok(s.port.ringing, '101 does not ring: the transfer is under way');

    p203.deviceAnswers();
    await settle();
    assert.is(s.calls.get('203')?.length, 1, 'still one call to 203');
    assert.ok(hears(p202, p203, 3001) && hears(p203, p202, 3002), '202 and 203 talk');
    ep(p202).heard.length = 0;
    s.clock.advance(2000);
    assert.ok(ep(p202).heard.every((f) => f.every((x) => x === 0)), 'no ringback any more');
    assert.is(s.sw.activeCalls().length, 1);
    const first = s.ended.find((r) => r.transfers?.length);
    assert.equal(first?.transfers?.map((t) => [t.kind, t.by, t.target]), [['blind', '101', '203']], 'the first call\'s record has the blind transfer');

    p203.deviceHangsUp();
    await settle();
    assert.is(p202.log.at(-1), 'hangup normal', '202 is released when 203 hangs up');
    assert.is(s.sw.activeCalls().length, 0);
  });
}

test('nobody answers the transfer: after 203\'s ring time 101 rings again showing 202, who waits with music; lifting talks with 202', async () => {
  const s = setup();
  const { p202, p203 } = await consultationRings(s);
  const rung = s.clock.now();
  s.port.hangUp();
  await settle();
  s.clock.advance(EMPLOYEE_RING_MS - (s.clock.now() - rung) - 1000);
  await settle();
  assert.is(p203.state, 'alerting', '203 still rings before its ring time');
  s.clock.advance(2000);
  await settle();
  assert.is(p203.state, 'released', '203 stops ringing');
  assert.is(s.calls.get('203')?.length, 1, '203 was called once only');
  assert.is(p202.state, 'up', '202 is not dropped');
  assert.ok(s.port.ringing, '101 rings again (recall)');
  assert.is(s.port.ringingWith?.callerId?.number, '202', 'showing 202');
  assert.ok(hearsMusic(s, p202), '202 waits with music');
  s.port.lift();
  await settle();
  assert.ok(hearsPhone(s, p202, 1020) && phoneHears(s, p202, 2020), '101 talks with 202 again');
});

test('nobody answers the transfer nor the recall: the call ends after the recall time', async () => {
  const s = setup();
  const { p202 } = await consultationRings(s);
  s.port.hangUp();
  await settle();
  s.clock.advance(EMPLOYEE_RING_MS);
  await settle();
  assert.ok(s.port.ringing, '101 rings again');
  s.clock.advance(RECALL_RING_MS + 1000);
  await settle();
  assert.not.ok(s.port.ringing, 'the recall gives up');
  assert.is(p202.state, 'released');
  assert.is(s.sw.activeCalls().length, 0);
});

test('202\'s media endpoint is replaced while it waits (a re-INVITE): the ringback follows it', async () => {
  const s = setup();
  const { p202 } = await consultationRings(s);
  s.port.hangUp();
  await settle();
  const old = ep(p202);
  p202.setMedia(new FakeEndpoint());
  old.heard.length = 0;
  assert.is(toneHeard(s, p202), 'ringback', 'the new endpoint hears ringback');
  assert.is(old.heard.length, 0, 'the old one hears nothing more');
});

test('202 hangs up while 203 rings for it: 203 stops ringing, no call is left', async () => {
  const s = setup();
  const { p202, p203 } = await consultationRings(s);
  s.port.hangUp();
  await settle();
  p202.deviceHangsUp();
  await settle();
  assert.is(p203.state, 'released', '203 stops ringing');
  assert.is(s.sw.activeCalls().length, 0);
  assert.not.ok(s.port.ringing);
});

test('101 consults a voice menu (it answers: nothing to hand over) and hangs up: 202 goes into the menu — its prompts, not music — and reaches 203 through it', async () => {
  const s = setup((c) => {
    c.menus = [{ extension: '700', greeting: 'menu-main', retries: 0, choices: { '1': { type: 'employee', target: '203' } }, default: { type: 'employee', target: '203' } }];
  });
  s.port.lift();
  s.port.dial('202');
  await settle();
  const p202 = s.sip.get('202')!;
  p202.deviceAnswers();
  await settle();
  s.port.flash();
  await settle();
  s.port.dial('700');
  for (let i = 0; i < 10 && !s.sw.activeCalls().some((c) => c.destination === '700'); i++) {
    s.clock.advance(1000); // the end of dialling
    await settle();
  }
  s.port.hangUp();
  await settle();
  assert.is(p202.state, 'up', '202 is not dropped');
  assert.not.ok(s.sw.holding.has(p202), '202 is off music: the menu talks to it');
  for (let i = 0; i < 60 && !s.sip.get('203'); i++) { // the greeting, then the menu's default
    s.clock.advance(1000);
    await settle();
  }
  const p203 = s.sip.get('203');
  assert.ok(p203, 'the menu rings 203 for 202');
  assert.equal(p203!.log[0], 'call from 202');
  p203!.deviceAnswers();
  await settle();
  assert.ok(hears(p202, p203!, 3001) && hears(p203!, p202, 3002), '202 and 203 talk');
  const first = s.sw.activeCalls().map((r) => r.toJSON()).find((r) => r.transfers?.length); // the call goes on: 202's with 203
  assert.equal(first?.transfers?.map((t) => [t.kind, t.by, t.target]), [['blind', '101', '700']], 'the first call\'s record has the transfer to the menu');
});

test.run();
