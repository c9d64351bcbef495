import type { ZodType } from 'zod';
import { invalid } from '../domain/errors.js';
import { parseCsv, CsvError } from './csv.js';

export interface RowProblem {
  /** 1-based line in a CSV file, or 1-based position in a JSON array. */
  line: number;
  field: string;
  message: string;
}

export class ImportError extends Error {
  constructor(readonly problems: RowProblem[]) {
    super(`${problems.length} problem(s) in the import; nothing was imported`);
  }
}

/**
 * Validates every row of an import (CSV text or a JSON array) and returns them all, or throws an
 * ImportError listing every bad row by line and field — never a partial list.
 */
export function validateRows<T>(schema: ZodType<T>, input: { csv: string } | { json: unknown[] }, idField = 'id'): T[] {
  let records: Array<{ line: number; value: unknown }>;
  try {
    records = 'csv' in input
      ? parseCsv(input.csv).map((record) => ({ line: record.line, value: record.values }))
      : input.json.map((value, index) => ({ line: index + 1, value }));
  } catch (error) {
    if (error instanceof CsvError) throw new ImportError([{ line: error.line, field: '(file)', message: error.message }]);
    throw error;
  }
  if (records.length === 0) throw new ImportError([{ line: 0, field: '(file)', message: 'no rows to import' }]);
  const problems: RowProblem[] = [];
  const rows: T[] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const result = schema.safeParse(record.value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({ line: record.line, field: issue.path.map(String).join('.') || '(row)', message: issue.message });
      }
      continue;
    }
    const id = String((result.data as Record<string, unknown>)[idField]);
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({ line: record.line, field: idField, message: `duplicate id ${id} (first on line ${first})` });
      continue;
    }
    seen.set(id, record.line);
    rows.push(result.data);
  }
  if (problems.length > 0) throw new ImportError(problems);
  return rows;
}

/** What a create-or-import route takes: one record (already validated), a JSON array, or CSV text. */
export type ImportBody<T> = T | unknown[] | { csv: string };

/**
 * The rows of an import: the one record itself, or every row of the array or CSV validated. A bad
 * row refuses the whole import, naming each problem by line and field (`line 3.email`).
 */
export function importedRows<T extends object>(schema: ZodType<T>, body: ImportBody<T>): T[] {
  if (!Array.isArray(body) && !('csv' in body)) return [body];
  try {
    return validateRows(schema, Array.isArray(body) ? { json: body } : { csv: body.csv });
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    throw invalid(error.problems.map((p) => ({ path: `line ${p.line}.${p.field}`, line: p.line, field: p.field, message: p.message })), {
      reason: 'import_rows_invalid', values: { problems: error.problems.length },
    });
  }
}
