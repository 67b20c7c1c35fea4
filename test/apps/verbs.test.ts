import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dial, DialFailed } from '../../src/apps/dial.js';
import { hold } from '../../src/apps/hold.js';
import { play } from '../../src/apps/play.js';
import { bridge } from '../../src/apps/bridge.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint, rms } from '../helpers/fake-endpoint.js';
import { appSession } from '../helpers/app-session.js';

const settle = () => new Promise((r) => setImmediate(r));

function talking(owner: string) {
  const c = new FakeChannel('inbound', owner);
  const media = new FakeEndpoint();
  c.setMedia(media);
  c.deviceAnswers();
  return { c, media };
}

test('dial is cancelled when the call ends: every ringing leg is withdrawn with the cause, no timer is left', async () => {
  const s = appSession();
  const legs: FakeChannel[] = [];
  const target = (ext: string) => ({ extension: ext, legs: () => [legs[legs.push(new FakeChannel('outbound', ext)) - 1]!] });
  const done = dial(s.ctx, [target('201'), target('202')], { strategy: 'more_and_more', timeout_ms: 10_000 }).catch((e: unknown) => e);
  s.clock.advance(10_000);
  await settle();
  assert.equal(legs.map((l) => l.state), ['proceeding', 'proceeding']);
  s.session.end('congestion'); // the exchange shuts down
  const err = await done;
  assert.instance(err, DialFailed);
  assert.is((err as DialFailed).cause, 'congestion');
  assert.equal(legs.map((l) => l.cause), ['congestion', 'congestion']);
  assert.is(s.clock.pending(), 0, 'no ring timer left behind');
});

test('hold: the held channel hears music on hold until retrieved, then nothing more', async () => {
  const s = appSession();
  const b = talking('202');
  const retrieve = new AbortController();
  const held = hold(s.ctx, b.c, { until: retrieve.signal });
  assert.ok(s.holding.has(b.c));
  s.clock.advance(1000);
  assert.is(b.media.heard.length, 50);
  assert.ok(rms(b.media.heard) > 100, 'music, not silence');
  retrieve.abort();
  assert.is(await held, 'retrieved');
  assert.not.ok(s.holding.has(b.c));
  const n = b.media.heard.length;
  s.clock.advance(1000);
  assert.is(b.media.heard.length, n);
});

test('hold ends when the call ends, and when the held party hangs up', async () => {
  const s = appSession();
  const b = talking('202');
  const held = hold(s.ctx, b.c);
  b.c.deviceHangsUp();
  assert.is(await held, 'gone');
  assert.is(s.holding.size, 0);
  const c = talking('203');
  const again = hold(s.ctx, c.c);
  s.session.end('normal');
  assert.is(await again, 'gone');
  assert.is(s.holding.size, 0);
});

test('play to a channel: the prompt is heard frame by frame and the verb resolves at its end', async () => {
  const s = appSession();
  const b = talking('202');
  const prompt = new Int16Array(160 * 5).fill(1234);
  const done = play(s.ctx, b.c, prompt);
  s.clock.advance(100);
  s.clock.advance(20);
  assert.is(await done, 'done');
  assert.is(b.media.heard.length, 5);
  assert.ok(b.media.heard.every((f) => f[0] === 1234));
  assert.is(s.clock.pending(), 0);
});

test('play is cancellable: a looped playback stops on its signal', async () => {
  const s = appSession();
  const b = talking('202');
  const stop = new AbortController();
  const done = play(s.ctx, b.c, new Int16Array(160).fill(7), { loop: true, signal: stop.signal });
  s.clock.advance(200);
  stop.abort();
  assert.is(await done, 'cancelled');
  const n = b.media.heard.length;
  s.clock.advance(200);
  assert.is(n, 10);
  assert.is(b.media.heard.length, n);
  assert.is(s.clock.pending(), 0);
});

test('play to a bridge: both members hear the prompt together with each other', async () => {
  const s = appSession();
  const [a, b] = [talking('201'), talking('202')];
  const talk = bridge(s.ctx, [a.c, b.c]);
  const br = s.session.liveBridges()[0]!;
  assert.is(br.mode, 'decoded');
  const done = play(s.ctx, br, new Int16Array(160 * 3).fill(500));
  assert.is(br.mode, 'mix', 'the playback is one more participant');
  for (let i = 0; i < 2; i++) {
    a.media.speak(100);
    s.clock.advance(20); // the mixer takes the prompt's frame at its next tick
  }
  assert.is(b.media.heard.at(-1)![0], 600, 'b hears a and the prompt');
  assert.is(a.media.heard.at(-1)![0], 500, 'a hears the prompt, not itself');
  s.clock.advance(60);
  assert.is(await done, 'done');
  assert.is(br.mode, 'decoded', 'back to the two-party path');
  b.c.deviceHangsUp();
  assert.is(await talk, b.c, 'bridge returns the channel that left');
  assert.is(a.c.state, 'up', 'the other member is not hung up by the verb');
});

test('bridge with DTMF to the application: the owning script gets the digits, the other party does not', async () => {
  const s = appSession();
  const [a, b] = [talking('201'), talking('202')];
  const got: string[] = [];
  const talk = bridge(s.ctx, [a.c, b.c], { dtmf: 'app', onDigit: (from, d) => got.push(`${from.owner}:${d}`) });
  a.c.pressDigits('*2', 'info');
  assert.equal(got, ['201:*', '201:2']);
  assert.equal(b.c.log.filter((l) => l.startsWith('digits')), []);
  a.c.deviceHangsUp();
  assert.is(await talk, a.c);
});

test('bridge: while one member holds, the other waits in the holding bridge and hears music; retrieve brings it back', async () => {
  const s = appSession();
  const [a, b] = [talking('201'), talking('202')];
  const talk = bridge(s.ctx, [a.c, b.c]);
  const br = s.session.liveBridges()[0]!;
  a.c.emit('hold', true); // 201's phone: re-INVITE a=sendonly
  assert.ok(s.holding.has(b.c), '202 waits in the holding bridge');
  assert.not.ok(br.has(b.c));
  s.clock.advance(1000);
  assert.ok(rms(b.media.heard) > 100, '202 hears music, not silence');
  a.c.emit('hold', false); // retrieve
  assert.not.ok(s.holding.has(b.c));
  assert.ok(br.has(b.c) && br.has(a.c), 'both talk again');
  assert.is(br.mode, 'decoded');
  b.c.emit('hold', true);
  a.c.deviceHangsUp(); // the waiting party hangs up while held: the bridge verb ends
  assert.is(await talk, a.c);
  assert.is(s.holding.size, 0, 'nobody left waiting');
});

test.run();
