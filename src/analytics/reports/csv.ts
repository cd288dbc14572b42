/** RFC 4180 CSV. Numbers are written as JavaScript prints them: never rounded. */
export type Cell = string | number | null | undefined;

export function toCsv(rows: Cell[][], separator: ',' | ';' = ','): string {
  return rows.map((r) => r.map((v) => cell(v, separator)).join(separator)).join('\r\n') + '\r\n';
}

function cell(value: Cell, separator: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // A text starting with = + - @ would run as a formula in a spreadsheet: make it plain text
  // (a number already written as text, '-12,5' in the French form, is no formula).
  const text = /^[=+\-@\t\r]/.test(value) && !/^-\d+(,\d+)?$/.test(value) ? `'${value}` : value;
  return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replace(/"/g, '""')}"` : text;
}
