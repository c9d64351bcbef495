// Readable output for people: aligned tables (CJK characters take two columns) and key/value lists.

export type Cell = string | number | boolean | null | undefined;

/** Terminal columns a string takes: East Asian wide and full-width characters count two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x300 && code <= 0x36f) || code === 0x200b || code === 0x200d) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (code >= 0x1100 && code <= 0x115f)
    || (code >= 0x2e80 && code <= 0xa4cf)
    || (code >= 0xac00 && code <= 0xd7a3)
    || (code >= 0xf900 && code <= 0xfaff)
    || (code >= 0xfe30 && code <= 0xfe4f)
    || (code >= 0xff00 && code <= 0xff60)
    || (code >= 0xffe0 && code <= 0xffe6)
    || (code >= 0x1f300 && code <= 0x1faff)
    || (code >= 0x20000 && code <= 0x3fffd);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value.replace(/[\r\n\t]+/g, ' ');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A table with a header row; columns are the keys given, in order. */
export function table(rows: ReadonlyArray<Record<string, unknown>>, columns: ReadonlyArray<string>, headers?: ReadonlyArray<string>): string {
  const head = headers ?? columns;
  const body = rows.map((row) => columns.map((column) => cellText(row[column])));
  const widths = head.map((title, index) => Math.max(displayWidth(title), ...body.map((cells) => displayWidth(cells[index]!))));
  const line = (cells: ReadonlyArray<string>) => cells.map((cell, index) => (index === cells.length - 1 ? cell : pad(cell, widths[index]!))).join('  ').trimEnd();
  return [line(head.map((title) => title.toUpperCase())), ...body.map(line)].join('\n');
}

/** `key  value` lines for an object's fields; nested values as compact JSON. */
export function keyValues(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map(displayWidth));
  return keys.map((key) => `${pad(key, width)}  ${cellText(record[key])}`).join('\n');
}

/**
 * Any API answer, readably: arrays of records (or `{ items: [...] }`) as tables with the columns
 * the records share, scalar fields as key/value lines, and nested arrays of records as sub-tables.
 */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return recordsTable(value);
  if (value === null || typeof value !== 'object') return cellText(value);
  const record = value as Record<string, unknown>;
  const scalars: Record<string, unknown> = {};
  const sections: string[] = [];
  for (const [key, field] of Object.entries(record)) {
    if (Array.isArray(field) && field.length > 0 && field.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
      sections.push(`${key}:\n${recordsTable(field)}`);
    } else {
      scalars[key] = field;
    }
  }
  return [Object.keys(scalars).length > 0 ? keyValues(scalars) : '', ...sections].filter(Boolean).join('\n\n');
}

function recordsTable(items: readonly unknown[]): string {
  if (items.length === 0) return '(none)';
  if (!items.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) return items.map(cellText).join('\n');
  const rows = items as Array<Record<string, unknown>>;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return table(rows, columns);
}
