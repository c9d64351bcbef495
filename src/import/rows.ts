import type { ZodType } from 'zod';
import { invalid } from '../domain/errors.js';
import { issueCode } from '../schemas/issue-code.js';
import { parseCsv, CsvError, type CsvRecord } from './csv.js';
import { parseXlsx } from './xlsx.js';

export interface RowProblem {
  /** 1-based line in a CSV file, or 1-based position in a JSON array. */
  line: number;
  field: string;
  message: string;
  /** The stable code (FIELD_PROBLEM_CODES) and values a page phrases the problem with. */
  code?: string;
  values?: Record<string, unknown>;
}

export class ImportError extends Error {
  constructor(readonly problems: RowProblem[]) {
    super(`${problems.length} problem(s) in the import; nothing was imported`);
  }
}

/** A file that cannot be read as rows, as the problem of its line. */
const fileProblem = (error: CsvError): RowProblem => ({ line: error.line, field: '(file)', message: error.message, code: error.code, ...(error.values ? { values: error.values } : {}) });

/**
 * Validates every row of an import (CSV text or a JSON array) and returns them all, or throws an
 * ImportError listing every bad row by line and field — never a partial list.
 */
export function validateRows<T>(schema: ZodType<T>, input: { csv: string } | { json: unknown[] } | { records: CsvRecord[] }, idField = 'id'): T[] {
  return validateLines(schema, input, idField).map((entry) => entry.row);
}

/** validateRows, keeping each row's line (in a CSV or XLSX file) or position (in a JSON array). */
export function validateLines<T>(schema: ZodType<T>, input: { csv: string } | { json: unknown[] } | { records: CsvRecord[] }, idField = 'id'): Array<{ line: number; row: T }> {
  let records: Array<{ line: number; value: unknown }>;
  try {
    if ('records' in input) records = input.records.map((record) => ({ line: record.line, value: record.values }));
    else if ('csv' in input) records = parseCsv(input.csv).map((record) => ({ line: record.line, value: record.values }));
    else records = input.json.map((value, index) => ({ line: index + 1, value }));
  } catch (error) {
    if (error instanceof CsvError) throw new ImportError([fileProblem(error)]);
    throw error;
  }
  if (records.length === 0) throw new ImportError([{ line: 0, field: '(file)', message: 'no rows to import', code: 'import_empty' }]);
  const problems: RowProblem[] = [];
  const rows: Array<{ line: number; row: T }> = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const result = schema.safeParse(record.value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({ line: record.line, field: issue.path.map(String).join('.') || '(row)', message: issue.message, ...issueCode(issue) });
      }
      continue;
    }
    const id = String((result.data as Record<string, unknown>)[idField]);
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({ line: record.line, field: idField, message: `duplicate id ${id} (first on line ${first})`, code: 'id_duplicate', values: { id, firstLine: first } });
      continue;
    }
    seen.set(id, record.line);
    rows.push({ line: record.line, row: result.data });
  }
  if (problems.length > 0) throw new ImportError(problems);
  return rows;
}

/** What a create-or-import route takes: one record (already validated), a JSON array, or CSV text. */
export type ImportBody<T> = T | unknown[] | { csv: string };

/** A validated import row and where it came from: its line in a CSV file, its position in a JSON array (1 for a single record). */
export interface ImportLine<T> {
  line: number;
  row: T;
}

/**
 * The rows of an import with their lines: the one record itself (line 1), or every row of the array
 * or CSV validated. A bad row refuses the whole import, naming each problem by line and field
 * (`line 3.email`); the checks a service makes later name the same lines.
 */
export function importedLines<T extends object>(schema: ZodType<T>, body: ImportBody<T>): Array<ImportLine<T>> {
  if (!Array.isArray(body) && !('csv' in body)) return [{ line: 1, row: body }];
  try {
    return validateLines(schema, Array.isArray(body) ? { json: body } : { csv: body.csv });
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    throw rowsInvalid(error.problems);
  }
}

/** An import of a spreadsheet too: a JSON array, `{ csv }` text or `{ xlsx }` (the file, base64). */
export type FileImportBody = unknown[] | { csv: string } | { xlsx: string };

/** The validated rows of a JSON array, a CSV text or an .xlsx file; a bad row refuses them all, each named by line and field. */
export async function importedFileRows<T extends object>(schema: ZodType<T>, body: FileImportBody, idField = 'id'): Promise<Array<ImportLine<T>>> {
  try {
    if (Array.isArray(body)) return validateLines(schema, { json: body }, idField);
    if ('csv' in body) return validateLines(schema, { csv: body.csv }, idField);
    let records: CsvRecord[];
    try {
      records = await parseXlsx(Buffer.from(body.xlsx, 'base64'));
    } catch (error) {
      if (error instanceof CsvError) throw new ImportError([fileProblem(error)]);
      throw error;
    }
    return validateLines(schema, { records }, idField);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    throw rowsInvalid(error.problems);
  }
}

/** Problems found in an import's rows, by line and field, as the one error the API answers with. */
export function rowsInvalid(problems: RowProblem[]) {
  return invalid(problems.map(({ line, field, ...problem }) => ({ path: `line ${line}.${field}`, line, field, ...problem })), {
    reason: 'import_rows_invalid', values: { problems: problems.length },
  });
}
