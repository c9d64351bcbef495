import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { Principal } from '../../domain/principal.js';
import type { ServiceDeps } from '../deps.js';
import { monthlyReport, type MonthlyReport } from '../monthly-report.js';
import { trainingSection } from './reports.js';
import { exportFile, type ExportFile, type Section } from './workbook.js';

// The monthly report (月报) as .xlsx/.csv sections and as a PDF with an embedded Chinese font
// (Noto Sans SC from @embedpdf/fonts-sc, read from its file: no network).

const STAGE_ZH: Record<string, string> = { guide: '指导', support: '支持', supervise: '督导', completed: '已完成', cancelled: '已取消', paused: '暂停', notStarted: '未启动' };
const STATUS_ZH: Record<string, string> = { proposed: '已申报', approved: '已立项', running: '实施中', evaluated: '已评估', rejected: '未通过' };
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const monthZh = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

export function monthlySections(report: MonthlyReport): Section[] {
  return [
    {
      name: '概况',
      columns: [{ key: 'item', header: '指标', width: 28 }, { key: 'value', header: '数值', width: 24 }],
      rows: [
        { item: '街道', value: report.street.name.zh }, { item: '月份', value: monthZh(report.month) }, { item: '统计截至', value: report.asOf },
        { item: '社区总数', value: report.coverage.communities }, { item: '已运营社工站', value: report.coverage.operating },
        { item: '待覆盖社区', value: report.coverage.remaining }, { item: '建设中', value: report.coverage.inRollout },
        { item: '本月新开站', value: report.coverage.openedThisMonth }, { item: '覆盖率', value: percent(report.coverage.ratio) },
        { item: '预计全覆盖日期', value: report.coverage.projectedFullCoverage }, { item: '本月服务居民人次', value: report.residentsServed.month },
        { item: '本年累计服务人次', value: report.residentsServed.yearToDate }, { item: '逾期任务', value: report.overdue.count },
      ],
    },
    {
      name: '计划阶段',
      columns: [{ key: 'stage', header: '阶段' }, { key: 'stations', header: '站点数', format: 'int' }],
      rows: Object.entries(report.plansByStage).map(([stage, stations]) => ({ stage: STAGE_ZH[stage] ?? stage, stations })),
    },
    trainingSection({ trainingCompletion: report.training }),
    {
      name: '按主题服务人次',
      columns: [{ key: 'theme', header: '主题' }, { key: 'records', header: '服务记录', format: 'int' }, { key: 'residents', header: '服务人次', format: 'int' }],
      rows: report.residentsServed.byTheme.map((t) => ({ theme: t.name.zh, records: t.records, residents: t.residentsServed })),
      totals: ['records', 'residents'],
    },
    {
      name: '公益创投',
      columns: [{ key: 'status', header: '状态' }, { key: 'projects', header: '项目数', format: 'int' }],
      rows: Object.entries(report.ventureProjects.byStatus).map(([status, projects]) => ({ status: STATUS_ZH[status] ?? status, projects })),
      totals: ['projects'],
    },
    {
      name: '逾期事项',
      columns: [{ key: 'community', header: '社区' }, { key: 'task', header: '任务', width: 40 }, { key: 'dueAt', header: '截止日期', format: 'date' }],
      rows: report.overdue.items.map((item) => ({ community: item.community.zh, task: item.title.zh, dueAt: item.dueAt })),
    },
  ];
}

/** The embedded font's file: Noto Sans SC (OFL) shipped in @embedpdf/fonts-sc. */
export function chineseFontPath(): string {
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  const path = join(dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
  if (!existsSync(path)) throw new Error(`the Chinese font for PDFs is missing: ${path} (npm install brings @embedpdf/fonts-sc)`);
  return path;
}

/** The report as a printable A4 PDF: a title, then each section as a small table. */
export async function monthlyPdf(report: MonthlyReport, generatedAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${report.street.name.zh}社会工作月报 ${monthZh(report.month)}`, Author: 'Shegong', CreationDate: generatedAt } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.registerFont('zh', chineseFontPath());
  doc.font('zh');
  doc.fontSize(18).text(`${report.street.name.zh}社会工作月报`, { align: 'center' });
  doc.fontSize(11).text(`${monthZh(report.month)}（统计截至 ${report.asOf}）`, { align: 'center' });
  doc.moveDown();
  for (const section of monthlySections(report)) {
    if (doc.y > 700) doc.addPage();
    doc.fontSize(13).text(section.name);
    doc.moveDown(0.3);
    const width = (doc.page.width - 100) / section.columns.length;
    const line = (cells: string[], bold = false) => {
      const y = doc.y;
      if (y > 760) doc.addPage();
      const top = doc.y;
      let bottom = top;
      cells.forEach((cell, index) => {
        doc.fontSize(bold ? 10.5 : 10).text(cell, 50 + index * width, top, { width: width - 6 });
        bottom = Math.max(bottom, doc.y);
      });
      doc.x = 50;
      doc.y = bottom + 2;
    };
    line(section.columns.map((c) => c.header), true);
    const format = (value: unknown, columnFormat: string | undefined) => {
      if (value === null || value === undefined) return '—';
      if (columnFormat === 'percent' && typeof value === 'number') return percent(value);
      if (columnFormat === 'date' && typeof value === 'string') return value.slice(0, 10);
      return String(value);
    };
    for (const row of section.rows) line(section.columns.map((c) => format(row[c.key], c.format)));
    if (section.totals) {
      line(section.columns.map((c, index) => (index === 0 ? '合计' : section.totals!.includes(c.key) ? String(section.rows.reduce((sum, row) => sum + (Number(row[c.key]) || 0), 0)) : '')), true);
    }
    if (section.rows.length === 0) line(['（无）']);
    doc.moveDown();
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

export async function exportMonthly(
  deps: Pick<ServiceDeps, 'store' | 'clock'>, principal: Principal, query: { streetId?: string; month?: string; format: 'xlsx' | 'csv' | 'pdf' },
): Promise<ExportFile> {
  const report = await monthlyReport(deps, principal, query);
  const basename = `monthly-${report.street.id}-${report.month}`;
  if (query.format === 'pdf') return { filename: `${basename}.pdf`, contentType: 'application/pdf', body: await monthlyPdf(report, deps.clock()) };
  return exportFile(monthlySections(report), query.format, { title: `${report.street.name.zh}社会工作月报 ${monthZh(report.month)}`, basename, generatedAt: deps.clock() });
}
