/**
 * The analog phone's in-call features (apps/analog-consult.ts) in the core on the fake
 * clock: a real FxsExtension over a fake FXS port (101), routed by the real Switch and dial
 * plan; the SIP parties 202 and 203 are fake channels with fake media endpoints. What the
 * phone hears is what the port was sent; what a party hears is what its endpoint was written.
 *
 * - brokering: flash holds 202 (music) and gives dial tone; 203 answers; each flash swaps;
 * - the consulted party hangs up: a flash brings back the held party;
 * - hang up with a held call: the phone rings again showing it (recall), lifting talks again;
 * - hang up while consulting: the held and the consulted party talk (attended transfer);
 * - flash + 3 within the window: one bridge of three; a 3 after the window is only DTMF.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { validateConfig } from '../../src/config/validate.js';
import { FxsExtension } from '../../src/channels/fxs/fxs-extension.js';
import { FLASH_DIGIT_MS } from '../../src/apps/analog-consult.js';
import { RECALL_RING_MS } from '../../src/apps/transfer.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint, rms } from '../helpers/fake-endpoint.js';
import { FakeFxsPort } from '../helpers/fake-ports.js';
import { example } from '../config/example.js';

function setup() {
  const raw = example();
  raw.employees.push({ name: 'Vera Target', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const log = silentLogger();
  const events = new EventBus(() => clock.now());
  const ended: Array<{ transfers?: Array<{ kind: string; by: string; target: string }> }> = [];
  events.subscribe((e) => {
    if (e.type === 'call.ended') ended.push((e.data as unknown as { record: (typeof ended)[number] }).record);
  });
  const sw = new Switch({ clock, log, events, config: () => config });
  const port = new FakeFxsPort(1, 2);
  const ext = new FxsExtension({
    port, clock, log, country: () => 'fr',
    router: { classify: (d, final) => resolveDialled(config, d, { final }), accept: (leg) => void sw.accept(leg) },
  });
  ext.assign({ number: '101', name: 'Reception' });
  const sip = new Map<string, FakeChannel>();
  sw.addLegFactory({
    tech: 'sip',
    legsFor: (e) => {
      const l = new FakeChannel('outbound', e.extension);
      l.setMedia(new FakeEndpoint());
      sip.set(e.extension, l);
      return [l];
    },
  });
  sw.addLegFactory({ tech: 'fxs', legsFor: () => [ext.offer()] });
  return { clock, sw, port, ext, sip, ended };
}
type S = ReturnType<typeof setup>;
const settle = async () => { for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r)); };
const ep = (c: FakeChannel): FakeEndpoint => c.media as FakeEndpoint;

/** The phone says a frame of `level`: does `party` hear it? */
function hearsPhone(s: S, party: FakeChannel, level: number): boolean {
  ep(party).heard.length = 0;
  s.port.fire('audio', new Int16Array(160).fill(level));
  return ep(party).heard.some((f) => f[0] === level);
}
/** `party` says a frame of `level`: does the phone hear it? */
function phoneHears(s: S, party: FakeChannel, level: number): boolean {
  s.port.sent.length = 0;
  ep(party).speak(level);
  return s.port.sent.some((f) => f[0] === level);
}
/** `party` hears music on hold (not silence, not the phone) over the next half second. */
function hearsMusic(s: S, party: FakeChannel): boolean {
  ep(party).heard.length = 0;
  s.clock.advance(500);
  return s.sw.holding.has(party) && rms(ep(party).heard) > 100;
}

/** 101 talks with 202 (101 dialled, or 202 called and 101 lifted); then flash, dial 203, who answers. */
async function consulting(s: S, calledBy202 = false): Promise<{ p202: FakeChannel; p203: FakeChannel }> {
  let p202: FakeChannel;
  if (calledBy202) {
    p202 = new FakeChannel('inbound', '202', { number: '202', name: 'Semyon Petrovich' });
    p202.setMedia(new FakeEndpoint());
    s.sw.accept(p202);
    p202.dial('101');
    await settle();
    assert.ok(s.port.ringing, '101 rings');
    s.port.lift();
  } else {
    s.port.lift();
    s.port.dial('202');
    await settle();
    p202 = s.sip.get('202')!;
    p202.deviceAnswers();
  }
  await settle();
  assert.ok(hearsPhone(s, p202, 1001) && phoneHears(s, p202, 2002), '101 and 202 talk');
  s.port.flash();
  await settle();
  assert.ok(hearsMusic(s, p202), '202 hears music after the flash');
  assert.equal(s.port.tone?.frequencies, [440], '101 hears dial tone');
  assert.not.ok(hearsPhone(s, p202, 1003), '202 does not hear 101 any more');
  s.port.dial('203');
  await settle();
  const p203 = s.sip.get('203')!;
  assert.equal(p203.log[0], 'call from 101', 'the consultation is 101\'s own call');
  p203.deviceAnswers();
  await settle();
  return { p202, p203 };
}

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
