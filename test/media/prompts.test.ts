/**
 * The one prompt loader: the site's language (`site.language`, else by country), the site's
 * own WAV in the data folder before the bundled one (re-read when it changes), English when
 * a language lacks a prompt, nothing for a prompt that does not exist.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadPrompt, siteLanguage, sitePromptFile, bundledPromptIds } from '../../src/media/prompts.js';
import { writeWav } from '../../src/media/wav.js';
import { tempDir } from '../helpers/tmp.js';

const same = (a?: Int16Array, b?: Int16Array) => !!a && !!b && a.length === b.length && a.every((v, i) => v === b[i]);

test('site.language wins; by default French in France, Russian in Russia, English elsewhere', () => {
  assert.is(siteLanguage({ country: 'fr' }), 'fr');
  assert.is(siteLanguage({ country: 'ru' }), 'ru');
  assert.is(siteLanguage({ country: 'gb' }), 'en');
  assert.is(siteLanguage({ country: 'de' }), 'en');
  assert.is(siteLanguage({ country: 'fr', language: 'ru' }), 'ru');
  assert.is(siteLanguage({ country: 'ru', language: 'en' }), 'en');
});

test('each language has its own recording of a prompt (ru is not en)', () => {
  const [en, fr, ru] = (['en', 'fr', 'ru'] as const).map((l) => loadPrompt('goodbye', l));
  assert.ok(en && fr && ru);
  assert.not.ok(same(en, ru));
  assert.not.ok(same(fr, ru));
  assert.ok(bundledPromptIds().includes('pin-changed'));
});

test('a site prompt in the data folder plays instead of the bundled one, is re-read when replaced, and goes when removed', () => {
  const data = tempDir();
  const file = sitePromptFile(data, 'ru', 'goodbye');
  mkdirSync(dirname(file), { recursive: true });
  const mine = new Int16Array(8000).fill(1234);
  writeFileSync(file, writeWav(mine));
  assert.ok(same(loadPrompt('goodbye', 'ru', { dataFolder: data }), mine));
  assert.ok(same(loadPrompt('goodbye', 'en', { dataFolder: data }), loadPrompt('goodbye', 'en')), 'other languages untouched');
  const other = new Int16Array(4000).fill(-99);
  writeFileSync(file, writeWav(other));
  assert.ok(same(loadPrompt('goodbye', 'ru', { dataFolder: data }), other), 'the new upload is heard');
  writeFileSync(file, writeWav(new Int16Array(800), { sampleRate: 16000 }));
  assert.ok(same(loadPrompt('goodbye', 'ru', { dataFolder: data }), loadPrompt('goodbye', 'ru')), 'a file that is not 8 kHz is ignored');
  rmSync(file);
  assert.ok(same(loadPrompt('goodbye', 'ru', { dataFolder: data }), loadPrompt('goodbye', 'ru')));
});

test('a prompt only the site has plays; an unknown id or a path is nothing', () => {
  const data = tempDir();
  const file = sitePromptFile(data, 'fr', 'promo-noel');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, writeWav(new Int16Array(800).fill(7)));
  assert.is(loadPrompt('promo-noel', 'fr', { dataFolder: data })!.length, 800);
  assert.is(loadPrompt('no-such-prompt', 'fr'), undefined);
  assert.is(loadPrompt('../../etc/passwd', 'fr', { dataFolder: data }), undefined);
  assert.throws(() => sitePromptFile(data, 'fr', '../x'));
});

test.run();
