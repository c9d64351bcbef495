import ExcelJS from 'exceljs';

// Tables handed upward: the same sections written as an .xlsx workbook (one sheet per section,
// Chinese headers, frozen header row, column widths, number and date formats, a totals row where
// it adds up) or as CSV (sections one after another, each under its name, UTF-8 with a BOM so
// Excel opens the Chinese text as such).

export type ColumnFormat = 'text' | 'int' | 'decimal' | 'percent' | 'date';

export interface Column {
  key: string;
  /** The header, in Chinese (the reports go to Chinese offices); English follows in brackets where it helps. */
  header: string;
  format?: ColumnFormat;
  width?: number;
}

export type Cell = string | number | null;

export interface Section {
  /** The sheet's name (≤ 31 characters, none of : \ / ? * [ ]). */
  name: string;
  columns: Column[];
  rows: Array<Record<string, Cell>>;
  /** Columns summed into a 合计 (total) row at the bottom. */
  totals?: string[];
}

export interface ExportFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv; charset=utf-8';

const NUMBER_FORMATS: Record<ColumnFormat, string | undefined> = {
  text: undefined,
  int: '#,##0',
  decimal: '#,##0.00',
  percent: '0.0%',
  date: 'yyyy-mm-dd',
};

const DEFAULT_WIDTHS: Record<ColumnFormat, number> = { text: 24, int: 12, decimal: 14, percent: 12, date: 14 };

/** The totals of a section's summed columns (what the 合计 row shows). */
export function sectionTotals(section: Section): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const key of section.totals ?? []) {
    totals[key] = section.rows.reduce((sum, row) => sum + (typeof row[key] === 'number' ? row[key] : 0), 0);
  }
  return totals;
}

function cellValue(value: Cell, format: ColumnFormat | undefined): ExcelJS.CellValue {
  if (value === null) return null;
  // Dates are days (YYYY-MM-DD) or instants (ISO): written as real dates so Excel sorts and filters them.
  if (format === 'date' && typeof value === 'string') {
    const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  return value;
}

export async function toXlsx(sections: Section[], meta: { title: string; generatedAt: Date }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Shegong';
  workbook.title = meta.title;
  workbook.created = meta.generatedAt;
  for (const section of sections) {
    const sheet = workbook.addWorksheet(section.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = section.columns.map((column) => ({
      header: column.header,
      key: column.key,
      width: column.width ?? DEFAULT_WIDTHS[column.format ?? 'text'],
      style: NUMBER_FORMATS[column.format ?? 'text'] ? { numFmt: NUMBER_FORMATS[column.format ?? 'text'] } : {},
    }));
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    for (const row of section.rows) {
      sheet.addRow(Object.fromEntries(section.columns.map((column) => [column.key, cellValue(row[column.key] ?? null, column.format)])));
    }
    if (section.totals && section.totals.length > 0) {
      const totals = sectionTotals(section);
      const first = section.columns[0]!.key;
      const totalRow = sheet.addRow({ [first]: '合计', ...totals });
      totalRow.font = { bold: true };
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(sections: Section[]): Buffer {
  const lines: string[] = [];
  sections.forEach((section, index) => {
    if (sections.length > 1) {
      if (index > 0) lines.push('');
      lines.push(csvField(`# ${section.name}`));
    }
    lines.push(section.columns.map((column) => csvField(column.header)).join(','));
    for (const row of section.rows) lines.push(section.columns.map((column) => csvField(row[column.key] ?? null)).join(','));
    if (section.totals && section.totals.length > 0) {
      const totals = sectionTotals(section);
      lines.push(section.columns.map((column, i) => csvField(i === 0 ? '合计' : (totals[column.key] ?? null))).join(','));
    }
  });
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

export async function exportFile(sections: Section[], format: 'xlsx' | 'csv', meta: { title: string; basename: string; generatedAt: Date }): Promise<ExportFile> {
  if (format === 'csv') return { filename: `${meta.basename}.csv`, contentType: CSV_TYPE, body: toCsv(sections) };
  return { filename: `${meta.basename}.xlsx`, contentType: XLSX_TYPE, body: await toXlsx(sections, meta) };
}
