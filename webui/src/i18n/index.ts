/**
 * The page's languages, one file each (en.ts is the reference: fr.ts and ru.ts must give
 * every key, the type checker says which is missing). Chosen by the user (remembered in this
 * browser) or else by the browser's languages.
 */
import { createStore, useStore } from '../lib/store';
import en, { type Messages } from './en';
import fr from './fr';
import ru from './ru';

export const LANGUAGES = { en, fr, ru } as const;
export type Lang = keyof typeof LANGUAGES;
export type MessageKey = keyof Messages;
export const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', fr: 'Français', ru: 'Русский' };

const STORAGE = 'autocom.lang';

function initial(): Lang {
  const saved = localStorage.getItem(STORAGE);
  if (saved && saved in LANGUAGES) return saved as Lang;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.slice(0, 2).toLowerCase();
    if (base in LANGUAGES) return base as Lang;
  }
  return 'en';
}

export const lang = createStore<Lang>(initial());
document.documentElement.lang = lang.get();

export function setLang(l: Lang): void {
  localStorage.setItem(STORAGE, l);
  document.documentElement.lang = l;
  lang.set(l);
}

/** The message in the current language, `{name}` replaced by vars.name. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = LANGUAGES[lang.get()][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** Re-render on a language change. */
export function useLang(): Lang {
  return useStore(lang);
}
