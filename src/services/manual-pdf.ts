import PDFDocument from 'pdfkit';
import { MANUAL_ABOUT } from '../domain/manual.js';
import type { ManualVersionRecord } from '../store/repositories/manual.js';
import { collectionFonts } from './case-collection-pdf.js';

// A manual version as a PDF, made without network in the same embedded font as the case
// collection (Noto Sans SC): what a station is, its four main tasks, then stage by stage, task by
// task, the guidance and the evidence that counts. Both languages, Chinese first.

const REQUIRED = { true: '必做 Required', false: '选做 Optional' } as const;

export function renderManualPdf(record: ManualVersionRecord): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { template } = record;
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `${template.name.zh} v${record.version}`, Subject: template.name.en, Producer: 'Shegong' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const fonts = collectionFonts();
    doc.registerFont('regular', fonts.regular);
    doc.registerFont('bold', fonts.bold);
    const heading = (text: string, size: number) => doc.font('bold').fontSize(size).fillColor('#000').text(text);
    const body = (text: string) => doc.font('regular').fontSize(11).fillColor('#000').text(text).moveDown(0.4);
    const muted = (text: string) => doc.font('regular').fontSize(9).fillColor('#555').text(text).fillColor('#000');

    doc.font('bold').fontSize(20).text('社区社会工作服务站工作手册', { align: 'center' });
    doc.font('regular').fontSize(12).text('Station work manual', { align: 'center' }).moveDown(0.5);
    doc.fontSize(11).text(`${template.name.zh} · ${template.name.en}`, { align: 'center' });
    doc.fontSize(10).fillColor('#555')
      .text(`第 ${record.version} 版 Version ${record.version} · ${record.publishedAt.slice(0, 10)}`, { align: 'center' })
      .fillColor('#000').moveDown(0.8);
    if (record.changeNote) muted(`更新说明 Change note: ${record.changeNote}`);
    muted(record.provenance === 'project_default'
      ? '本版指导内容由 Shegong 项目依据来源报告编写，并非引自真实的工作手册。 The guidance of this version is written by the Shegong project from the source report; it is not quoted from the real station work manual.'
      : '本版由街道编辑发布。 This version was edited and published by the street.');
    doc.moveDown(1);

    heading('一、服务站是什么 What a station is', 14);
    body(MANUAL_ABOUT.station.zh);
    body(MANUAL_ABOUT.station.en);
    heading('二、服务站做什么：四大任务 What it does: the four main tasks', 14);
    for (const task of MANUAL_ABOUT.mainTasks) {
      doc.font('bold').fontSize(11).text(`${task.name.zh} ${task.name.en}`);
      body(`${task.description.zh} ${task.description.en}`);
    }
    heading('三、怎么做：三阶段行动计划 How: the three-stage plan', 14);
    body(MANUAL_ABOUT.stages.zh);
    body(MANUAL_ABOUT.stages.en);

    for (const stage of template.stages) {
      doc.addPage();
      heading(`${stage.name.zh} ${stage.name.en}`, 16);
      doc.moveDown(0.4);
      for (const task of stage.tasks) {
        heading(`${task.title.zh}`, 12);
        muted(`${task.title.en} · ${REQUIRED[task.required ? 'true' : 'false']} · 阶段开始后 ${task.dueOffsetWorkingDays} 个工作日内 due ${task.dueOffsetWorkingDays} working days after the stage starts`);
        for (const [key, label] of [['why', '为什么 Why'], ['how', '怎么做 How'], ['evidence', '证明材料 Evidence that counts']] as const) {
          doc.font('bold').fontSize(10).text(label);
          body(`${task.guidance[key].zh}\n${task.guidance[key].en}`);
        }
        doc.moveDown(0.4);
      }
    }
    doc.end();
  });
}
