import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Command } from 'commander';
import { usageError } from '../client.js';
import { keyValues, table } from '../output.js';
import { type CliContext, parseJson, readText, seg } from '../context.js';

interface CallView {
  id: string;
  title: { zh: string; en: string };
  phase: string;
  kinds: string[];
  submissionDeadline: string;
  reviewDeadline: string;
  selectPerKind: number;
}

interface CallDetail extends CallView {
  cases: Array<{ id: string; communityId: string; kind: string; title: string; status: string; revision: number }>;
  results: Array<{ caseId: string; reviews: number; mean: number | null; spread: number | null; spreadFlagged: boolean }> | null;
  proposed: string[] | null;
  toScore: string[];
}

const callRow = (call: CallView) => ({ ...call, title: call.title.zh, kinds: call.kinds.join(',') });

async function jsonFile(file: string): Promise<unknown> {
  return parseJson(file, await readText(file));
}

export function registerCaseCallCommands(program: Command, ctx: CliContext) {
  const call = program.command('call').description('case calls (优秀案例征集评选): open, submit, score, select, publish');
  const show = (value: CallDetail) => [
    keyValues({ call: value.id, title: value.title.zh, phase: value.phase, submission: value.submissionDeadline, review: value.reviewDeadline, perKind: value.selectPerKind }),
    '',
    value.cases.length === 0 ? 'No cases yet.' : table(value.cases, ['id', 'communityId', 'kind', 'status', 'revision', 'title'], ['case', 'station', 'kind', 'status', 'rev', 'title']),
    ...(value.results ? ['', table(value.results.map((r) => ({ ...r, flagged: r.spreadFlagged ? 'yes' : '' })), ['caseId', 'reviews', 'mean', 'spread', 'flagged'], ['case', 'reviews', 'mean', 'spread', 'spread flagged'])] : []),
    ...(value.proposed ? ['', `Proposed: ${value.proposed.join(', ') || '-'}`] : []),
    ...(value.toScore.length > 0 ? ['', `For you to score: ${value.toScore.join(', ')}`] : []),
  ].join('\n');

  call.command('rubric').description("the project's default rubric (criteria, weights, score ranges)")
    .action(async () => {
      const rubric = await ctx.api().get<{ source: string; criteria: Array<{ key: string; name: { zh: string }; weight: number; min: number; max: number }> }>('/api/rubrics/default');
      ctx.print(rubric, (value: typeof rubric) => table(value.criteria.map((c) => ({ ...c, name: c.name.zh })), ['key', 'name', 'weight', 'min', 'max']));
    });

  call.command('open').description('open a case call from a JSON file (the body shown at /docs); starts its workflow')
    .argument('<file>', 'the call as JSON')
    .action(async (file: string) => {
      const opened = await ctx.api().post<CallView>('/api/case-calls', await jsonFile(file));
      ctx.print(opened, (value: CallView) => `Opened ${value.id} (${value.title.zh}); submissions until ${value.submissionDeadline}.`);
    });

  call.command('list').description('case calls you can see').option('--phase <phase>', 'submission, review, selection, published or cancelled')
    .action(async (options: { phase?: string }) => {
      const result = await ctx.api().get<{ items: CallView[] }>(`/api/case-calls${options.phase ? `?phase=${seg(options.phase)}` : ''}`);
      ctx.print(result, (value: typeof result) => (value.items.length === 0 ? 'No case calls.' : table(value.items.map(callRow), ['id', 'phase', 'kinds', 'submissionDeadline', 'reviewDeadline', 'title'], ['call', 'phase', 'kinds', 'submission', 'review', 'title'])));
    });

  call.command('status').description("a call's phase, cases, your cases to score, and after the review the results and proposal").argument('<callId>')
    .action(async (callId: string) => {
      const detail = await ctx.api().get<CallDetail>(`/api/case-calls/${seg(callId)}`);
      ctx.print(detail, show);
    });

  const cases = call.command('case').description("a call's cases");
  cases.command('save').description("save a station's case from a JSON file (add \"submit\": true to submit it)").argument('<callId>').argument('<file>')
    .action(async (callId: string, file: string) => {
      const saved = await ctx.api().post<{ id: string; status: string; revision: number }>(`/api/case-calls/${seg(callId)}/cases`, await jsonFile(file));
      ctx.print(saved, (value: typeof saved) => `Saved ${value.id}: ${value.status}, revision ${value.revision}.`);
    });
  cases.command('show').description('a case with its text').argument('<callId>').argument('<caseId>')
    .action(async (callId: string, caseId: string) => {
      const entry = await ctx.api().get<Record<string, unknown>>(`/api/case-calls/${seg(callId)}/cases/${seg(caseId)}`);
      ctx.print(entry, (value: Record<string, unknown>) => keyValues(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v)]))));
    });
  cases.command('attach').description('attach files to a case (images, PDF, Office documents)').argument('<callId>').argument('<caseId>').argument('<files...>')
    .action(async (callId: string, caseId: string, files: string[]) => {
      const contents = await Promise.all(files.map(async (file) => {
        try {
          return { name: basename(file), content: await readFile(file) };
        } catch (error) {
          throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
      }));
      const result = await ctx.api().upload<{ items: Array<{ id: string; fileName: string }> }>(`/api/case-calls/${seg(callId)}/cases/${seg(caseId)}/attachments`, contents);
      ctx.print(result, (value: typeof result) => value.items.map((item) => `Attached ${item.fileName} (${item.id}).`).join('\n'));
    });
  cases.command('withdraw').description('withdraw a case').argument('<callId>').argument('<caseId>').requiredOption('--reason <text>', 'why')
    .action(async (callId: string, caseId: string, options: { reason: string }) => {
      const result = await ctx.api().post(`/api/case-calls/${seg(callId)}/cases/${seg(caseId)}/withdraw`, { reason: options.reason });
      ctx.print(result, () => `Withdrew ${caseId}.`);
    });
  cases.command('score').description('score a case as a reviewer: --score criterion=value for every criterion, and a comment')
    .argument('<callId>').argument('<caseId>')
    .requiredOption('--score <criterion=value...>', 'one per criterion, e.g. --score needs_assessment=8 --score innovation=6')
    .requiredOption('--comment <text>', 'your comment')
    .action(async (callId: string, caseId: string, options: { score: string[]; comment: string }) => {
      const scores: Record<string, number> = {};
      for (const pair of options.score) {
        const [key, value] = pair.split('=');
        if (!key || value === undefined || Number.isNaN(Number(value))) throw usageError(`--score ${pair}: expected criterion=number`);
        scores[key] = Number(value);
      }
      const result = await ctx.api().post<{ total: number }>(`/api/case-calls/${seg(callId)}/cases/${seg(caseId)}/scores`, { scores, comment: options.comment });
      ctx.print(result, (value: typeof result) => `Scored ${caseId}: ${value.total} / 100.`);
    });

  call.command('extend').description("move the current phase's deadline later").argument('<callId>')
    .requiredOption('--phase <phase>', 'submission or review').requiredOption('--deadline <iso>', 'the new deadline, with its offset').requiredOption('--reason <text>', 'why')
    .action(async (callId: string, options: { phase: string; deadline: string; reason: string }) => {
      const detail = await ctx.api().post<CallDetail>(`/api/case-calls/${seg(callId)}/extend`, options);
      ctx.print(detail, show);
    });
  call.command('select').description("select the collection's cases in order, with the reason").argument('<callId>').argument('<caseIds...>')
    .requiredOption('--reason <text>', 'why these')
    .action(async (callId: string, caseIds: string[], options: { reason: string }) => {
      const detail = await ctx.api().post<CallDetail>(`/api/case-calls/${seg(callId)}/selection`, { caseIds, reason: options.reason });
      ctx.print(detail, show);
    });
  call.command('publish').description('publish the collection and end the call').argument('<callId>')
    .action(async (callId: string) => {
      const detail = await ctx.api().post<CallDetail>(`/api/case-calls/${seg(callId)}/publish`, {});
      ctx.print(detail, () => `Published the collection of ${callId}.`);
    });
  call.command('cancel').description('cancel a call').argument('<callId>').requiredOption('--reason <text>', 'why')
    .action(async (callId: string, options: { reason: string }) => {
      const detail = await ctx.api().post<CallDetail>(`/api/case-calls/${seg(callId)}/cancel`, { reason: options.reason });
      ctx.print(detail, () => `Cancelled ${callId}.`);
    });
  call.command('collection').description('the published collection: its cases in order').argument('<callId>')
    .action(async (callId: string) => {
      const collection = await ctx.api().get<{ items: Array<{ order: number; title: string; communityId: string; kind: string; mean: number | null }> }>(`/api/case-calls/${seg(callId)}/collection`);
      ctx.print(collection, (value: typeof collection) => table(value.items, ['order', 'title', 'communityId', 'kind', 'mean'], ['#', 'title', 'station', 'kind', 'mean']));
    });
  call.command('pdf').description('download the published collection as a PDF').argument('<callId>').option('-o, --output <file>', 'where to write it')
    .action(async (callId: string, options: { output?: string }) => {
      const { content } = await ctx.api().download(`/api/case-calls/${seg(callId)}/collection.pdf`);
      const target = options.output ?? `${callId}.pdf`;
      await writeFile(target, content);
      ctx.print({ callId, file: target, bytes: content.length }, () => `Wrote ${content.length} bytes to ${target}.`);
    });
}
