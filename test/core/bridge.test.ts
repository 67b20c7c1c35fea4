import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { Bridge } from '../../src/core/bridge.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint, rms } from '../helpers/fake-endpoint.js';

function member(owner: string, media = new FakeEndpoint()) {
  const c = new FakeChannel('inbound', owner);
  c.setMedia(media);
  c.deviceAnswers();
  return { c, media };
}

test('two RTP members relay; a third switches the bridge to the mixer; when it leaves the two relay again', async () => {
  const clock = new FakeClock();
  const eps = await Promise.all([0, 1, 2].map(() => RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, codec: 'PCMU' })));
  try {
    const [a, b, c] = eps.map((e, i) => member(`20${i}`, e as never).c);
    const br = new Bridge({ clock });
    br.add(a!);
    assert.is(br.mode, 'none');
    br.add(b!);
    assert.is(br.mode, 'relay');
    br.add(c!);
    assert.is(br.mode, 'mix');
    br.remove(c!);
    assert.is(br.mode, 'relay');
    b!.deviceHangsUp(); // a member that hangs up leaves by itself
    assert.equal(br.channels(), [a]);
    assert.is(br.mode, 'none');
    br.close();
  } finally {
    await Promise.all(eps.map((e) => e.close()));
  }
});

test('in a bridge of three each member hears the other two and never itself', () => {
  const clock = new FakeClock();
  const [a, b, c] = [member('201'), member('202'), member('203')];
  const br = new Bridge({ clock });
  for (const m of [a, b, c]) br.add(m.c);
  assert.is(br.mode, 'mix');
  a.media.speak(100);
  b.media.speak(1000);
  c.media.speak(10000);
  clock.advance(20);
  assert.is(a.media.heard.at(-1)![0], 11000);
  assert.is(b.media.heard.at(-1)![0], 10100);
  assert.is(c.media.heard.at(-1)![0], 1100);
  br.close();
  assert.is(clock.pending(), 0, 'the mixer stopped');
});

test('a member whose media endpoint is replaced mid-conference is re-wired in place: the others never miss a frame', () => {
  const clock = new FakeClock();
  const [a, b, c] = [member('201'), member('202'), member('203')];
  const br = new Bridge({ clock });
  for (const m of [a, b, c]) br.add(m.c);
  const tick = (): void => {
    a.media.speak(100);
    b.media.speak(1000);
    c.media.speak(10000);
    clock.advance(20);
  };
  tick();
  const heardBefore = b.media.heard.length;
  a.media.speak(100); // between two mixes: queued in the mixer
  clock.advance(10);
  const moved = new FakeEndpoint();
  c.c.setMedia(moved); // a re-INVITE to a new address, a DECT handover
  clock.advance(10);
  assert.is(b.media.heard.length, heardBefore + 1, 'b heard the mix due at the swap');
  assert.is(b.media.heard.at(-1)![0], 100, 'with what a said just before the swap');
  moved.speak(20000);
  a.media.speak(100);
  b.media.speak(1000);
  clock.advance(20);
  assert.is(b.media.heard.length, heardBefore + 2, 'b heard every tick');
  assert.is(b.media.heard.at(-1)![0], 20100, 'b hears the new endpoint');
  assert.is(moved.heard.at(-1)![0], 1100, 'the new endpoint hears the others');
  const old = c.media.heard.length;
  tick();
  assert.is(c.media.heard.length, old, 'the old endpoint hears nothing more');
  br.close();
});

test('a holding bridge plays music on hold to whoever waits in it: not silence, and nobody hears the held party', () => {
  const clock = new FakeClock();
  const held = member('201');
  const br = new Bridge({ clock, kind: 'holding' });
  br.add(held.c);
  assert.is(br.mode, 'music');
  held.media.speak(5000);
  clock.advance(2000);
  assert.is(held.media.heard.length, 100, 'one frame every 20 ms');
  assert.ok(rms(held.media.heard) > 100, `music, not silence (rms ${rms(held.media.heard).toFixed(0)})`);
  assert.ok(!held.media.heard.some((f) => f.every((s) => s === 5000)), 'never its own voice');
  br.remove(held.c);
  const n = held.media.heard.length;
  clock.advance(200);
  assert.is(held.media.heard.length, n, 'no more music once out');
  assert.is(clock.pending(), 0);
});

test('DTMF pass-through: a digit reaches the other member in the form it negotiated, unless the media path carries it', () => {
  const clock = new FakeClock();
  const analog = member('201'); // no telephone-event: tones in the audio
  const sip = member('202', new FakeEndpoint(101));
  const br = new Bridge({ clock });
  const seen: string[] = [];
  br.on('dtmf', (from, digit, via) => seen.push(`${from.owner}:${digit}:${via}`));
  br.add(analog.c);
  br.add(sip.c);
  assert.is(br.mode, 'decoded');
  sip.c.pressDigits('5', 'info'); // INFO is never in the media: the analog leg plays it
  sip.c.pressDigits('6', 'rfc4733'); // events are not carried by decoded frames
  analog.c.pressDigits('7'); // in-band tones ride in the audio
  assert.equal(analog.c.log.filter((l) => l.startsWith('digits')), ['digits 5', 'digits 6']);
  assert.equal(sip.c.log.filter((l) => l.startsWith('digits')), []);
  assert.equal(seen, ['202:5:info', '202:6:rfc4733', '201:7:inband']);
});

test('DTMF to the application: digits are emitted but never forwarded', () => {
  const clock = new FakeClock();
  const [a, b] = [member('201'), member('202')];
  const br = new Bridge({ clock, dtmf: 'app' });
  const seen: string[] = [];
  br.on('dtmf', (from, digit) => seen.push(`${from.owner}:${digit}`));
  br.add(a.c);
  br.add(b.c);
  a.c.pressDigits('*8', 'info');
  assert.equal(seen, ['201:*', '201:8']);
  assert.equal(b.c.log.filter((l) => l.startsWith('digits')), []);
});

test('a member whose media endpoint is replaced mid-call is reconnected with the new one', () => {
  const clock = new FakeClock();
  const [a, b, c] = [member('201'), member('202'), member('203')];
  const br = new Bridge({ clock });
  for (const m of [a, b, c]) br.add(m.c);
  const handset = new FakeEndpoint();
  c.c.setMedia(handset); // a DECT handover
  assert.is(c.media.listening, 0, 'the old endpoint is let go');
  a.media.speak(1000);
  clock.advance(20);
  assert.is(handset.heard.at(-1)![0], 1000, 'the new endpoint hears the others');
  br.close();
});

test.run();
