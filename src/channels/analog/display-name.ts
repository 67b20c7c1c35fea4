/**
 * A caller's name as an analog telephone's display can show it. The caller-ID name field
 * carries single bytes (fsk-callerid.ts: Latin-1), so a name typed in Cyrillic — the
 * secretary's "how shall I present you?" in a Russian office — would arrive as garbage:
 * it is transliterated to Latin letters (ICAO Doc 9303, the scheme of Russian passports:
 * Жанна Дюпон → Zhanna Diupon). Accented Latin letters stay (Latin-1 has them: Hélène);
 * other letters lose their accents, what is left outside Latin-1 becomes `?`, control
 * characters go, and the name is cut to the ETSI EN 300 659-3 field's 50 characters.
 */

/** Longest name the caller-ID message carries (ETSI EN 300 659-3 calling party name). */
export const ANALOG_NAME_MAX = 50;

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: 'ie', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia',
  // Ukrainian and Belarusian letters a Russian-speaking office may meet.
  і: 'i', ї: 'i', є: 'ie', ґ: 'g', ў: 'u',
};

const isUpper = (ch: string | undefined): boolean => ch !== undefined && ch !== ch.toLowerCase();

/** One Cyrillic letter in Latin letters, in the case of the source (ЖАННА → ZHANNA, Жанна → Zhanna). */
function cyrillic(ch: string, next: string | undefined): string | undefined {
  const latin = CYRILLIC[ch.toLowerCase()];
  if (latin === undefined || !isUpper(ch)) return latin;
  return isUpper(next) ? latin.toUpperCase() : latin.charAt(0).toUpperCase() + latin.slice(1);
}

/** `name` in printable Latin-1, for an analog phone's caller-ID display. */
export function analogDisplayName(name: string): string {
  const chars = [...name];
  let out = '';
  chars.forEach((ch, i) => {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return; // control characters: nothing to show
    if (code <= 0xff) {
      out += ch;
      return;
    }
    const latin = cyrillic(ch, chars[i + 1]);
    if (latin !== undefined) {
      out += latin;
      return;
    }
    const bare = ch.normalize('NFD').replace(/\p{M}/gu, ''); // ő → o, ł stays ł (no decomposition)
    out += [...bare].every((c) => c.codePointAt(0)! <= 0xff) && bare !== '' ? bare : '?';
  });
  return [...out.trim()].slice(0, ANALOG_NAME_MAX).join('');
}
