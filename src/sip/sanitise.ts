/**
 * Text from outside the SIP stack made safe for a header: a city line's caller ID (FSK
 * name and number), names from the configuration, dialled digits. Nothing that reaches a
 * header may carry CR, LF or NUL (a header injection: a caller name `x\r\nRoute: …` would
 * otherwise add a header to the INVITE a phone receives), nor other control characters.
 * Display names become a quoted-string and user parts are %-escaped by the grammar of
 * RFC 3261 §25.1. The message builders call these; nothing else needs to.
 */

/** C0 controls, DEL and C1 controls (a latin1 FSK name can carry any byte). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const SPACES = / {2,}/g;
const QUOTE_OR_BACKSLASH = /(["\\])/g;
/** Longest display name written (a phone's screen shows far fewer; the FSK name field holds 50). */
const MAX_DISPLAY_NAME = 80;

/**
 * `text` as a display-name quoted-string (§25.1: qdtext / quoted-pair; CR and LF cannot
 * appear even as a quoted-pair): controls become a space, runs of spaces one, trimmed and
 * capped; `"` and `\` are escaped. Undefined when nothing printable is left.
 */
export function quotedDisplayName(text: string): string | undefined {
  let t = text;
  if (HAS_CONTROL.test(t)) t = t.replace(CONTROLS, ' ').replace(SPACES, ' ').trim();
  if (t.length > MAX_DISPLAY_NAME) t = t.slice(0, MAX_DISPLAY_NAME).trimEnd();
  if (t === '') return undefined;
  return `"${t.replace(QUOTE_OR_BACKSLASH, '\\$1')}"`;
}

/** Characters a user part may carry unescaped: unreserved and user-unreserved (§25.1). */
const USER_CHAR = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,;?/") USER_CHAR[c.charCodeAt(0)] = 1;

/**
 * A raw user part (a number, dialled digits) in wire form: control characters dropped,
 * everything outside the `user` grammar %-escaped as UTF-8 (`@`, `<`, `>`, `:`, `%`, space…).
 */
export function escapeUserPart(raw: string): string {
  const text = raw.replace(CONTROLS, '');
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 128 && USER_CHAR[code] === 1) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
