import ExcelJS from 'exceljs';
import { CsvError, type CsvRecord } from './csv.js';

// Stations keep their records in spreadsheets: the first worksheet of an .xlsx file, read like a
// CSV file with a header row. A row's line is its row number in the sheet, as the person who
// fixes it sees it.

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** A cell as the text a CSV file would hold: dates as YYYY-MM-DD, formulas by their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
  }
  return String(value).trim();
}

/** The first worksheet's rows as records keyed by the header row's names. */
export async function parseXlsx(data: Buffer): Promise<CsvRecord[]> {
  if (data.length < 4 || ZIP_MAGIC.some((byte, index) => data[index] !== byte)) throw new CsvError(1, 'not an .xlsx file', 'xlsx_unreadable');
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types its argument as its own Buffer interface; a Node Buffer is what it reads.
    await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new CsvError(1, `not a readable .xlsx file (${(error as Error).message})`, 'xlsx_unreadable');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0) return [];
  const header = sheet.getRow(1);
  const names: string[] = [];
  for (let column = 1; column <= header.cellCount; column += 1) names.push(cellText(header.getCell(column).value));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  if (new Set(names).size !== names.length) throw new CsvError(1, 'duplicate column names in the header', 'columns_duplicate');
  const records: CsvRecord[] = [];
  for (let line = 2; line <= sheet.rowCount; line += 1) {
    const row = sheet.getRow(line);
    const values: Record<string, string> = {};
    names.forEach((name, index) => {
      values[name] = cellText(row.getCell(index + 1).value);
    });
    if (Object.values(values).every((value) => value === '')) continue;
    records.push({ line, values });
  }
  return records;
}
