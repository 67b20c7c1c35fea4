/** A word of the API (a handset's state, a handover's reason) in the page's language, or as the API says it when the page has no translation for it yet. */
import { LANGUAGES, t, type MessageKey } from '../../i18n';

export function apiWord(prefix: 'dect.state' | 'dect.reason', word: string): string {
  const key = `${prefix}.${word}`;
  return key in LANGUAGES.en ? t(key as MessageKey) : word;
}
