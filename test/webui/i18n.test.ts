/**
 * The page's languages (webui/src/i18n): French and Russian give every English message, none
 * empty, none left in English by mistake beyond the few that are the same word, and each
 * keeps exactly the placeholders ({name}, {port}…) the page fills in.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';

type Messages = Record<string, string>;
const load = async (lang: string): Promise<Messages> => ((await import(new URL(`../../webui/src/i18n/${lang}.ts`, import.meta.url).href)) as { default: Messages }).default;
const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

test('fr and ru: every key, not empty, the same placeholders', async () => {
  const en = await load('en');
  for (const lang of ['fr', 'ru']) {
    const m = await load(lang);
    assert.equal(Object.keys(m).sort(), Object.keys(en).sort(), `${lang} has exactly the English keys`);
    for (const [k, v] of Object.entries(m)) {
      assert.ok(v.trim() !== '', `${lang} ${k} is not empty`);
      assert.equal(placeholders(v), placeholders(en[k]!), `${lang} ${k} keeps the placeholders`);
    }
    const same = Object.keys(en).filter((k) => m[k] === en[k] && !/^\{.*\}$|^[A-Z]+|Flash|Actions|Port$|Menu$/.test(en[k]!));
    assert.ok(same.length <= 8, `${lang}: left in English: ${same.join(', ')}`);
  }
});

test.run();
