/**
 * CSV as RFC 4180 says (CRLF line ends; a field with a comma, a quote or a line break is
 * quoted, its quotes doubled), safe to open in a spreadsheet: a cell that starts with
 * = + - @ (or a tab / carriage return) would be run as a formula (CSV injection, OWASP),
 * so it gets a leading apostrophe and is shown as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A header row and one row per record, each cell from `columns` in order. */
export function toCsv<T>(columns: ReadonlyArray<readonly [header: string, cell: (row: T) => unknown]>, rows: readonly T[]): string {
  const lines = [columns.map(([h]) => csvCell(h)).join(',')];
  for (const r of rows) lines.push(columns.map(([, cell]) => csvCell(cell(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}
