import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type Command } from 'commander';
import { usageError } from '../client.js';
import { keyValues, table } from '../output.js';
import { type CliContext, query, seg } from '../context.js';

// Exports of the reports to .xlsx or .csv files (the format follows the file's extension).

function formatOf(file: string): 'xlsx' | 'csv' {
  const extension = extname(file).toLowerCase();
  if (extension === '.xlsx') return 'xlsx';
  if (extension === '.csv') return 'csv';
  throw usageError(`${file}: the output file must end in .xlsx or .csv`);
}

async function save(ctx: CliContext, path: string, file: string): Promise<void> {
  const { content: body } = await ctx.api().download(path);
  try {
    await writeFile(file, body);
  } catch (error) {
    throw usageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  ctx.print({ file, bytes: body.length }, (value: { file: string; bytes: number }) => `Wrote ${value.file} (${value.bytes} bytes).`);
}

export function registerReportCommands(program: Command, ctx: CliContext) {
  const exportCommand = program.command('export').description('reports as .xlsx or .csv files (the format follows --out\'s extension)');
  const scoped: Array<[name: string, path: string, description: string]> = [
    ['summary', '/api/exports/summary', 'the summary: figures, residents served, plans by stage, training completion, venture projects'],
    ['coverage', '/api/exports/coverage', 'coverage and rollout: every community and milestone'],
    ['station-plans', '/api/exports/station-plans', "each station's latest plan, its stage and task counts"],
  ];
  for (const [name, path, description] of scoped) {
    exportCommand.command(name).description(description)
      .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
      .option('--street <streetId>', 'only this street')
      .action(async (options: { out: string; street?: string }) => save(ctx, `${path}${query({ streetId: options.street, format: formatOf(options.out) })}`, options.out));
  }
  exportCommand.command('venture-projects').description('venture projects with residents served')
    .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
    .option('--community <communityId>', 'only this community')
    .option('--theme <theme>', 'only this theme')
    .action(async (options: { out: string; community?: string; theme?: string }) =>
      save(ctx, `/api/exports/venture-projects${query({ communityId: options.community, theme: options.theme, format: formatOf(options.out) })}`, options.out));
  exportCommand.command('service-records').description('service records by station, kind, theme, project and period, with figures by station and kind (never a case file)')
    .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
    .option('--community <communityId>', 'only this station\'s community')
    .option('--kind <kind>', 'only this kind: casework, group or community')
    .option('--theme <theme>', 'only this theme')
    .option('--project <projectId>', 'only records of this venture project')
    .option('--from <YYYY-MM-DD>', 'served on or after this day')
    .option('--to <YYYY-MM-DD>', 'served on or before this day')
    .action(async (options: { out: string; community?: string; kind?: string; theme?: string; project?: string; from?: string; to?: string }) => {
      const filters = { communityId: options.community, kind: options.kind, theme: options.theme, projectId: options.project, from: options.from, to: options.to };
      await save(ctx, `/api/exports/service-records${query({ ...filters, format: formatOf(options.out) })}`, options.out);
    });
  exportCommand.command('case-scores').description("a case call's scores once its review has closed: per case the weighted mean, each criterion's mean, the reviewers' spread")
    .argument('<callId>')
    .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
    .action(async (callId: string, options: { out: string }) => save(ctx, `/api/exports/case-calls/${seg(callId)}/scores${query({ format: formatOf(options.out) })}`, options.out));
  exportCommand.command('cycle').description("a training cycle's report: attendance, pass rate, promotions per dimension and station")
    .argument('<cycleId>')
    .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
    .action(async (cycleId: string, options: { out: string }) => save(ctx, `/api/exports/training-cycles/${seg(cycleId)}${query({ format: formatOf(options.out) })}`, options.out));
  exportCommand.command('ladder').description("a worker's ladder (personal data: the read is audited)")
    .argument('<workerId>')
    .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
    .action(async (workerId: string, options: { out: string }) => save(ctx, `/api/exports/workers/${seg(workerId)}/ladder${query({ format: formatOf(options.out) })}`, options.out));

  exportCommand.command('rollup').description('the units under your scope side by side (a district\'s streets, a city\'s districts), with a totals row')
    .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
    .option('--scope <scopeId>', 'the district or city to roll up (default: your own scope)')
    .option('--sort <column>', 'the column to sort by')
    .option('--order <asc|desc>', 'the sort order')
    .action(async (options: { out: string; scope?: string; sort?: string; order?: string }) =>
      save(ctx, `/api/exports/rollup${query({ scopeId: options.scope, sort: options.sort, order: options.order, format: formatOf(options.out) })}`, options.out));

  const report = program.command('report').description('reports handed upward');
  report.command('summary')
    .description('the summary figures of your scope (or one street): coverage, residents served by theme, kind and station, plans by stage, training completion, posts')
    .option('--street <streetId>', 'only this street')
    .action(async (options: { street?: string }) => {
      const summary = await ctx.api().get<Summary>(`/api/reports/summary${query({ streetId: options.street })}`);
      ctx.print(summary, (value: Summary) => [
        keyValues({
          scope: value.scopeId,
          'as of': value.asOf,
          centers: value.centers,
          communities: value.communities,
          'stations operating': value.stationsOperating,
          'in rollout': value.stationsInRollout,
          remaining: value.communitiesRemaining,
          'residents served': `${value.residentsServed.total} (${value.residentsServed.newResidents} new, ${value.residentsServed.records} records)`,
          'venture projects': value.ventureProjects.total,
          'posts filled': `${value.posts.filled} / ${value.posts.required}`,
        }),
        '',
        'Plans by stage:',
        table([value.plansByStage], Object.keys(value.plansByStage)),
        '',
        'Residents served by theme:',
        value.residentsServed.byTheme.length === 0 ? '(none)' : table(value.residentsServed.byTheme.map((row) => ({ ...row, name: row.name.zh })), ['theme', 'name', 'residentsServed', 'projects', 'records'], ['theme', 'name', 'residents', 'projects', 'records']),
        '',
        'Training completion:',
        value.trainingCompletion.length === 0 ? '(none)' : table(value.trainingCompletion.map((row) => ({
          dimension: row.dimension, name: row.name.zh, workers: row.workers,
          passed: row.passedByLevel.map((level) => `L${level.level}:${level.workers}`).join(' '), completion: `${Math.round(row.completionRate * 100)}%`,
        })), ['dimension', 'name', 'workers', 'passed', 'completion']),
      ].join('\n'));
    });
  report.command('rollup')
    .description("the units under your scope side by side: coverage, stations operating and remaining, plans by stage, training completion, residents served")
    .option('--scope <scopeId>', 'the district or city to roll up (default: your own scope)')
    .option('--sort <column>', 'the column to sort by')
    .option('--order <asc|desc>', 'the sort order')
    .option('--limit <n>', 'at most this many rows', '100')
    .option('--offset <n>', 'skip this many rows', '0')
    .action(async (options: { scope?: string; sort?: string; order?: string; limit: string; offset: string }) => {
      const rollup = await ctx.api().get<unknown>(`/api/reports/rollup${query({ scopeId: options.scope, sort: options.sort, order: options.order, limit: options.limit, offset: options.offset })}`);
      ctx.print(rollup);
    });
  report
    .command('monthly')
    .description("a street's monthly report (月报): coverage, plans by stage, training, residents served by theme, venture projects, overdue items")
    .option('--month <YYYY-MM>', 'the month (default: this month)')
    .option('--street <streetId>', 'the street (default: your own)')
    .option('--xlsx <file>', 'write it as an Excel workbook')
    .option('--csv <file>', 'write it as CSV')
    .option('--pdf <file>', 'write it as a printable PDF')
    .action(async (options: { month?: string; street?: string; xlsx?: string; csv?: string; pdf?: string }) => {
      const files = (['xlsx', 'csv', 'pdf'] as const).filter((format) => options[format] !== undefined);
      if (files.length === 0) {
        const report = await ctx.api().get<MonthlyReport>(`/api/reports/monthly${query({ streetId: options.street, month: options.month })}`);
        ctx.print(report, (value: MonthlyReport) => [
          `${value.street.name.zh} ${value.month} (as of ${value.asOf})`,
          `Coverage: ${value.coverage.operating} / ${value.coverage.communities} operating, ${value.coverage.remaining} remaining, ${value.coverage.openedThisMonth} opened this month.`,
          `Residents served: ${value.residentsServed.month} this month, ${value.residentsServed.yearToDate} this year.`,
          `Overdue tasks: ${value.overdue.count}.`,
        ].join('\n'));
        return;
      }
      for (const format of files) {
        await save(ctx, `/api/exports/monthly${query({ streetId: options.street, month: options.month, format })}`, options[format]!);
      }
    });
}

interface Summary {
  asOf: string;
  scopeId: string;
  centers: number;
  communities: number;
  stationsOperating: number;
  communitiesRemaining: number;
  stationsInRollout: number;
  residentsServed: { total: number; newResidents: number; records: number; byTheme: Array<{ theme: string; name: { zh: string }; residentsServed: number; projects: number; records: number }> };
  ventureProjects: { total: number };
  plansByStage: Record<string, number>;
  trainingCompletion: Array<{ dimension: string; name: { zh: string }; workers: number; passedByLevel: Array<{ level: number; workers: number }>; completionRate: number }>;
  posts: { required: number; filled: number };
}

interface MonthlyReport {
  street: { id: string; name: { zh: string; en: string } };
  month: string;
  asOf: string;
  coverage: { communities: number; operating: number; remaining: number; openedThisMonth: number };
  residentsServed: { month: number; yearToDate: number };
  overdue: { count: number };
}
