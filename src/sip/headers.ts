/**
 * The header section of a SIP message: an ordered, multi-valued map whose names compare
 * case-insensitively and whose compact forms (RFC 3261 §7.3.3) resolve to the long names.
 * Values are kept as raw strings (with folding already collapsed by the parser); typed
 * accessors in header-values.ts decode them on demand.
 */

/** Compact form → canonical long name (RFC 3261 §7.3.3, §20; RFC 3515, 3841, 4028, 3265, 3892). */
const COMPACT: Record<string, string> = {
  i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type',
  f: 'From', s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', u: 'Allow-Events',
  r: 'Refer-To', b: 'Referred-By', x: 'Session-Expires', y: 'Identity',
};

const KNOWN = [
  'Accept', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events', 'Authentication-Info',
  'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition', 'Content-Encoding',
  'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info', 'Event', 'Expires',
  'From', 'Identity', 'In-Reply-To', 'Max-Forwards', 'MIME-Version', 'Min-Expires', 'Min-SE', 'Organization',
  'Priority', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason', 'Record-Route',
  'Refer-To', 'Referred-By', 'Reply-To', 'Require', 'Retry-After', 'Route', 'RSeq', 'Server', 'Session-Expires',
  'Subject', 'Subscription-State', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via',
  'Warning', 'WWW-Authenticate', 'P-Asserted-Identity', 'Privacy', 'Path',
];

/** lower-case name or compact letter → canonical name. Built once at load. */
const CANONICAL = new Map<string, string>();
for (const name of KNOWN) CANONICAL.set(name.toLowerCase(), name);
for (const [letter, name] of Object.entries(COMPACT)) CANONICAL.set(letter, name);

/**
 * Headers whose value is a comma-separated list (RFC 3261 §7.3.1) and which may therefore be
 * split into several values. The authentication headers, Date and others contain commas
 * inside one value and are never split.
 */
const LIST_HEADERS = new Set([
  'via', 'contact', 'route', 'record-route', 'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'content-encoding', 'content-language', 'alert-info',
  'call-info', 'error-info', 'in-reply-to', 'warning', 'allow-events', 'path', 'p-asserted-identity',
]);

/** Canonical spelling of a header name (`v` → `Via`, `cseq` → `CSeq`; unknown names kept). */
export function canonicalName(name: string): string {
  return CANONICAL.get(name.toLowerCase()) ?? name;
}

/** Any spelling seen often (canonical, lower-case, compact) → lookup key, so the hot path rarely lower-cases. */
const KEY = new Map<string, string>();
for (const [alias, name] of CANONICAL) {
  const key = name.toLowerCase();
  KEY.set(alias, key);
  KEY.set(name, key);
  KEY.set(alias.toUpperCase(), key);
}

function keyOf(name: string): string {
  const k = KEY.get(name);
  if (k !== undefined) return k;
  const lower = name.toLowerCase();
  return KEY.get(lower) ?? lower;
}

interface Field {
  name: string;
  key: string;
  value: string;
}

/**
 * Split a header value on top-level commas: commas inside quoted strings and `<...>` do not
 * split. Empty elements are kept so the parser can reject `,,` (RFC 4475 §3.1.2.1).
 */
export function splitList(value: string): string[] {
  if (!value.includes(',')) return [value.trim()];
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++; // backslash escape
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x3c) angle = true;
    else if (c === 0x3e) angle = false;
    else if (c === 0x2c && !angle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(keyOf(name));
}

export class Headers {
  private readonly fields: Field[] = [];

  /** Append a header line (the wire order is kept). */
  append(name: string, value: string): this {
    this.fields.push({ name: canonicalName(name), key: keyOf(name), value });
    return this;
  }

  /** Insert before every other header of that name (a proxy's or UAC's new top Via). */
  prepend(name: string, value: string): this {
    const key = keyOf(name);
    const at = this.fields.findIndex((f) => f.key === key);
    const field = { name: canonicalName(name), key, value };
    if (at < 0) this.fields.push(field);
    else this.fields.splice(at, 0, field);
    return this;
  }

  /** Replace every header of that name by one line (or remove them when `value` is undefined). */
  set(name: string, value: string | undefined): this {
    const key = keyOf(name);
    const at = this.fields.findIndex((f) => f.key === key);
    this.remove(name);
    if (value === undefined) return this;
    const field = { name: canonicalName(name), key, value };
    if (at < 0) this.fields.push(field);
    else this.fields.splice(at, 0, field);
    return this;
  }

  remove(name: string): this {
    const key = keyOf(name);
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i]!.key === key) this.fields.splice(i, 1);
    return this;
  }

  has(name: string): boolean {
    const key = keyOf(name);
    return this.fields.some((f) => f.key === key);
  }

  /** The raw value of the first line with that name. */
  get(name: string): string | undefined {
    const key = keyOf(name);
    for (const f of this.fields) if (f.key === key) return f.value;
    return undefined;
  }

  /** The raw value of every line with that name, unsplit. */
  lines(name: string): string[] {
    const key = keyOf(name);
    const out: string[] = [];
    for (const f of this.fields) if (f.key === key) out.push(f.value);
    return out;
  }

  /** Every value: one per line, and list headers split on top-level commas. */
  getAll(name: string): string[] {
    const key = keyOf(name);
    const list = LIST_HEADERS.has(key);
    const out: string[] = [];
    for (const f of this.fields) {
      if (f.key !== key) continue;
      if (list) for (const v of splitList(f.value)) out.push(v);
      else out.push(f.value);
    }
    return out;
  }

  /** The first value of a list header (the top Via, the first Route) without splitting the rest. */
  first(name: string): string | undefined {
    const raw = this.get(name);
    if (raw === undefined) return undefined;
    return LIST_HEADERS.has(keyOf(name)) ? splitList(raw)[0] : raw;
  }

  /** Remove the first value of a list header (a proxy popping its Via or a Route). */
  shift(name: string): string | undefined {
    const key = keyOf(name);
    const at = this.fields.findIndex((f) => f.key === key);
    if (at < 0) return undefined;
    const field = this.fields[at]!;
    const values = splitList(field.value);
    const head = values.shift();
    if (values.length === 0) this.fields.splice(at, 1);
    else field.value = values.join(', ');
    return head;
  }

  count(name: string): number {
    const key = keyOf(name);
    let n = 0;
    for (const f of this.fields) if (f.key === key) n++;
    return n;
  }

  get size(): number {
    return this.fields.length;
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const f of this.fields) yield [f.name, f.value];
  }

  clone(): Headers {
    const h = new Headers();
    for (const f of this.fields) h.fields.push({ ...f });
    return h;
  }
}
