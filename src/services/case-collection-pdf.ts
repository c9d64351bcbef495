import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { CaseKind } from '../domain/case-call.js';

// The published case collection as a PDF, made on this machine without network: Chinese text is
// set in Noto Sans SC (SIL OFL) from @embedpdf/fonts-sc, read by file path because the package's
// exports map does not list its font files.

const require = createRequire(import.meta.url);

/** The font files: the package's entry is dist/index.*, its fonts sit beside dist/. */
export function collectionFonts(): { regular: string; bold: string } {
  const dir = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  return { regular: join(dir, 'NotoSansHans-Regular.otf'), bold: join(dir, 'NotoSansHans-Bold.otf') };
}

const KIND: Record<CaseKind, string> = { casework: '个案工作 Casework', group: '小组工作 Group work', community: '社区工作 Community work' };

export interface CollectionForPdf {
  title: { zh: string; en: string };
  publishedAt: string | null;
  items: Array<{
    order: number; title: string; kind: CaseKind; communityName: { zh: string; en: string }; mean: number | null;
    background: string; needsAssessment: string; process: string; outcomes: string; reflection: string;
  }>;
}

const SECTIONS: Array<[keyof CollectionForPdf['items'][number], string]> = [
  ['background', '背景 Background'], ['needsAssessment', '需求评估 Needs assessment'], ['process', '过程与方法 Process and methods'],
  ['outcomes', '成效 Outcomes'], ['reflection', '反思 Reflection'],
];

export function renderCollectionPdf(collection: CollectionForPdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: collection.title.zh, Subject: collection.title.en, Producer: 'Shegong' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const fonts = collectionFonts();
    doc.registerFont('regular', fonts.regular);
    doc.registerFont('bold', fonts.bold);

    doc.font('bold').fontSize(22).text(collection.title.zh, { align: 'center' });
    doc.font('regular').fontSize(13).text(collection.title.en, { align: 'center' });
    doc.moveDown(0.5).fontSize(10).fillColor('#555').text(`优秀案例集 · Excellent-case collection${collection.publishedAt ? ` · ${collection.publishedAt.slice(0, 10)}` : ''}`, { align: 'center' });
    doc.fillColor('#000').moveDown(1.5);
    doc.font('bold').fontSize(14).text('目录 Contents');
    doc.font('regular').fontSize(11);
    for (const item of collection.items) doc.text(`${item.order}. ${item.title} — ${item.communityName.zh} · ${KIND[item.kind]}`);

    for (const item of collection.items) {
      doc.addPage();
      doc.font('bold').fontSize(16).text(`${item.order}. ${item.title}`);
      doc.font('regular').fontSize(10).fillColor('#555')
        .text(`${item.communityName.zh}（${item.communityName.en}） · ${KIND[item.kind]}${item.mean !== null ? ` · 评审均分 mean score ${item.mean}` : ''}`);
      doc.fillColor('#000').moveDown(0.8);
      for (const [key, heading] of SECTIONS) {
        const value = String(item[key] ?? '').trim();
        if (!value) continue;
        doc.font('bold').fontSize(12).text(heading);
        doc.font('regular').fontSize(11).text(value, { align: 'left' }).moveDown(0.6);
      }
    }
    doc.end();
  });
}
