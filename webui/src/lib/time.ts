/** Dates and times in the site's time zone (not the browser's): a call at 9:00 in the office reads 9:00 anywhere. */
import { createStore } from './store';
import { lang } from '../i18n';

export const siteZone = createStore<string>(Intl.DateTimeFormat().resolvedOptions().timeZone);

function fmt(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(lang.get(), { ...opts, timeZone: siteZone.get() });
  } catch {
    return new Intl.DateTimeFormat(lang.get(), opts); // an unknown zone: the browser's
  }
}

export function dateTime(at: string | number | null | undefined): string {
  if (at === null || at === undefined) return '';
  return fmt({ dateStyle: 'short', timeStyle: 'medium' }).format(new Date(at));
}

export function timeOnly(at: string | number): string {
  return fmt({ timeStyle: 'medium' }).format(new Date(at));
}

/** "1:05" or "1:02:03" for a duration in seconds. */
export function duration(s: number): string {
  const v = Math.max(0, Math.floor(s));
  const h = Math.floor(v / 3600);
  const m = Math.floor((v % 3600) / 60);
  const sec = String(v % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
