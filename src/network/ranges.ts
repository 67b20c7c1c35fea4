/**
 * A site's number ranges (issue #18): what it announces to its peers and what the
 * numbering plan sends to it. Written in the configuration as a pattern (`"2xx"`: 200–299,
 * `"21x"`, `"600"`) or as a `{from, to}` pair of numbers of the same length; kept as
 * closed intervals of same-length digit strings.
 *
 * Two ranges overlap when some number of one is, or starts with, a number of the other:
 * with `2xx` at one site, a `20xx` elsewhere could never be dialled (the exchange would
 * stop collecting at three digits), so the two conflict as surely as `2xx` and `25x` do.
 */
import * as z from 'zod';

export interface NumberRange {
  from: string;
  to: string;
}

export const rangePatternSchema = z
  .string()
  .regex(/^[0-9]{1,8}[xX]*$/, 'must be digits then x for any digit ("2xx", "600"), at most 8 characters')
  .refine((s) => s.length <= 8 && /^[1-9]/.test(s), 'must not start with 0 (the trunk prefix), at most 8 characters');

export const rangePairSchema = z
  .object({ from: z.string().regex(/^[1-9][0-9]{0,7}$/), to: z.string().regex(/^[1-9][0-9]{0,7}$/) })
  .strict()
  .refine((r) => r.from.length === r.to.length && Number(r.from) <= Number(r.to), 'from and to must have the same length and run upwards');

export const rangeSpecSchema = z.union([rangePatternSchema, rangePairSchema]);
export type RangeSpec = z.infer<typeof rangeSpecSchema>;

/** A configured range as an interval. */
export function toRange(spec: RangeSpec): NumberRange {
  if (typeof spec !== 'string') return { from: spec.from, to: spec.to };
  const fixed = spec.replace(/[xX]+$/, '');
  const wild = spec.length - fixed.length;
  return { from: fixed + '0'.repeat(wild), to: fixed + '9'.repeat(wild) };
}

/** A range as people write it: `2xx` when it is one, else `200-249`. */
export function formatRange(r: NumberRange): string {
  if (r.from === r.to) return r.from;
  let i = r.from.length;
  while (i > 0 && r.from[i - 1] === '0' && r.to[i - 1] === '9') i--;
  if (r.from.slice(0, i) === r.to.slice(0, i)) return r.from.slice(0, i) + 'x'.repeat(r.from.length - i);
  return `${r.from}-${r.to}`;
}

export function rangeContains(r: NumberRange, number: string): boolean {
  return number.length === r.from.length && /^[0-9]+$/.test(number) && number >= r.from && number <= r.to;
}

/** Whether `number` is a proper beginning of some number of the range (the dialler should wait for more digits). */
export function rangeStartsWith(r: NumberRange, prefix: string): boolean {
  if (prefix.length >= r.from.length) return false;
  return prefix >= r.from.slice(0, prefix.length) && prefix <= r.to.slice(0, prefix.length);
}

export function rangesOverlap(a: NumberRange, b: NumberRange): boolean {
  const [short, long] = a.from.length <= b.from.length ? [a, b] : [b, a];
  const n = short.from.length;
  const lf = long.from.slice(0, n);
  const lt = long.to.slice(0, n);
  return !(lt < short.from || lf > short.to);
}

/** The first pair of ranges, one from each list, that overlap; undefined when none do. */
export function firstOverlap(a: readonly NumberRange[], b: readonly NumberRange[]): [NumberRange, NumberRange] | undefined {
  for (const x of a) for (const y of b) if (rangesOverlap(x, y)) return [x, y];
  return undefined;
}

/**
 * The public number of `ext` by a site's template (`+33140000{ext}`): the fallback
 * through a city line when the site cannot be reached over the network.
 */
export function publicNumber(template: string, ext: string): string {
  return template.replace('{ext}', ext);
}
