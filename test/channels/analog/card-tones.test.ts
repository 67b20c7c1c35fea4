import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cardTone, cardTonePlan } from '../../../src/channels/analog/card-tones.js';
import { TONE_PLANS } from '../../../src/media/tones/plans.js';

test('the card plays the media tone plans: continuous dial tone, cadenced ringback, dual frequencies', () => {
  assert.equal(cardTonePlan('fr').dial, { frequencies: [440], levelDbm0: -10 });
  assert.equal(cardTonePlan('fr').ringback, { frequencies: [440], levelDbm0: -10, cadence: [1500, 3500] });
  assert.equal(cardTonePlan('us').busy, { frequencies: [480, 620], levelDbm0: -24, cadence: [500, 500] });
  assert.equal(cardTonePlan('gb').congestion.cadence, [400, 350, 225, 525]);
  assert.equal(cardTonePlan('ru').busy.cadence, [350, 350], 'the values are the media plan\'s, not a copy');
});

test('a tone ending on a burst gets a zero gap; tones the card cannot make are refused', () => {
  assert.equal(cardTone(TONE_PLANS.FR.confirmation).cadence, [100, 100, 100, 100, 100, 0]);
  assert.throws(() => cardTone({ levelDbm0: -10, repeat: true, segments: [{ durationMs: 100, freqs: [] }, { durationMs: 100, freqs: [440] }] }), /starts with a burst/);
  assert.throws(() => cardTone({ levelDbm0: -10, repeat: false, segments: [{ durationMs: Infinity, freqs: [350, 440, 480] }] }), /one or two/);
});

test.run();
