/** A parsed CSV record with the 1-based line it starts on, for error messages. */
export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

export class CsvError extends Error {
  /** `problem` is the message alone, `code` and `values` what a page phrases it with (FIELD_PROBLEM_CODES). */
  constructor(readonly line: number, readonly problem: string, readonly code: string, readonly values?: Record<string, unknown>) {
    super(`line ${line}: ${problem}`);
  }
}

/**
 * Parses RFC 4180 CSV with a header row: quoted fields, doubled quotes, CRLF or LF, a UTF-8 BOM.
 * Every record must have as many fields as the header.
 */
export function parseCsv(text: string): CsvRecord[] {
  const rows = tokenize(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) return [];
  const [header, ...body] = rows;
  const names = header!.fields.map((name) => name.trim());
  if (new Set(names).size !== names.length) throw new CsvError(header!.line, 'duplicate column names in the header', 'columns_duplicate');
  return body
    .filter((row) => !(row.fields.length === 1 && row.fields[0] === ''))
    .map((row) => {
      if (row.fields.length !== names.length) {
        throw new CsvError(row.line, `expected ${names.length} fields, found ${row.fields.length}`, 'fields_count', { expected: names.length, found: row.fields.length });
      }
      const values: Record<string, string> = {};
      names.forEach((name, index) => {
        values[name] = row.fields[index]!;
      });
      return { line: row.line, values };
    });
}

function tokenize(text: string): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          quoted = false;
        }
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      fields.push(field);
      rows.push({ line: rowLine, fields });
      fields = [];
      field = '';
      line += 1;
      rowLine = line;
    } else {
      field += char;
    }
  }
  if (quoted) throw new CsvError(rowLine, 'unterminated quoted field', 'quote_unterminated');
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    rows.push({ line: rowLine, fields });
  }
  return rows;
}
