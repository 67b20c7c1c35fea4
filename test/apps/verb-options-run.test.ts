/**
 * Each verb, called with bad options, refuses them with a VerbOptionsError (the verb's name
 * and the path) before it does anything: no phone rings, no bridge forms, no music, no
 * slot is taken, the caller is not answered. The schemas' cases: verb-schemas.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bridge } from '../../src/apps/bridge.js';
import { conference } from '../../src/apps/conference.js';
import { dial } from '../../src/apps/dial.js';
import { hold } from '../../src/apps/hold.js';
import { park } from '../../src/apps/park.js';
import { play } from '../../src/apps/play.js';
import { VerbOptionsError } from '../../src/apps/verb-options.js';
import type { Config } from '../../src/config/schema.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint } from '../helpers/fake-endpoint.js';
import { appSession } from '../helpers/app-session.js';

const settle = () => new Promise((r) => setImmediate(r));

/** The VerbOptionsError `run` throws or rejects with: "verb: path: message". */
async function refusal(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    assert.instance(err, VerbOptionsError);
    return (err as Error).message;
  }
  throw new Error('expected a VerbOptionsError');
}

function talking(owner: string) {
  const c = new FakeChannel('inbound', owner);
  const media = new FakeEndpoint();
  c.setMedia(media);
  c.deviceAnswers();
  return { c, media };
}

test('dial with a ring time of 0: refused at its path, and no phone rings', async () => {
  const s = appSession();
  const legs: FakeChannel[] = [];
  const target = { extension: '201', legs: () => [legs[legs.push(new FakeChannel('outbound', '201')) - 1]!] };
  assert.is(await refusal(() => dial(s.ctx, [target], { timeout_ms: 0 })), 'dial: timeout_ms: Too small: expected number to be >=1000');
  assert.is(legs.length, 0);
  assert.is(s.clock.pending(), 0);
});

test('bridge with an unknown DTMF policy: refused, the two stay out of any bridge', async () => {
  const s = appSession();
  const a = talking('201');
  const b = talking('202');
  const message = await refusal(() => bridge(s.ctx, [a.c, b.c], { dtmf: 'drop' as never }));
  assert.is(message, 'bridge: dtmf: must be one of pass, app (got "drop")');
  assert.is(s.session.liveBridges().length, 0, 'no bridge formed');
  a.media.speak(3000);
  s.clock.advance(40);
  assert.is(b.media.heard.length, 0, '202 does not hear 201');
});

test('hold with a music option it cannot play: refused, and the channel is not put in the holding bridge', async () => {
  const s = appSession();
  const b = talking('202');
  assert.is(await refusal(() => hold(s.ctx, b.c, { music: 'jazz' } as never)), 'hold: unknown key "music"');
  assert.not.ok(s.holding.has(b.c));
});

test('play with loop "yes": refused, nothing is played', async () => {
  const s = appSession();
  const b = talking('202');
  assert.is(await refusal(() => play(s.ctx, b.c, new Int16Array(160).fill(500), { loop: 'yes' as never })), 'play: loop: expected boolean, received string');
  s.clock.advance(100);
  await settle();
  assert.is(b.media.heard.length, 0);
});

test('park for 5 s: refused (the site\'s own bounds), the caller is not answered and no slot is taken', async () => {
  const s = appSession();
  const config = { park: { slots: '590-599', timeout_s: 120 }, employees: [], departments: [], site: {} } as unknown as Config;
  const ctx = { ...s.ctx, config };
  assert.is(await refusal(() => park(ctx, { kind: 'park' }, { timeout_s: 5 })), 'park: timeout_s: Too small: expected number to be >=10');
  assert.is.not(s.a.state, 'up');
  assert.is(s.ctx.parking.get('590'), undefined);
});

test('conference with zero PIN tries: refused before the caller is answered', async () => {
  const s = appSession();
  assert.is(await refusal(() => conference(s.ctx, { kind: 'conference', room: { number: '800', pin: '1234' } as never }, { pin_tries: 0 })), 'conference: pin_tries: Too small: expected number to be >=1');
  assert.is.not(s.a.state, 'up');
});

test.run();
