import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type Command } from 'commander';
import { usageError } from '../client.js';
import { type CliContext, seg } from '../context.js';

// Exports of the reports to .xlsx or .csv files (the format follows the file's extension).

function formatOf(file: string): 'xlsx' | 'csv' {
  const extension = extname(file).toLowerCase();
  if (extension === '.xlsx') return 'xlsx';
  if (extension === '.csv') return 'csv';
  throw usageError(`${file}: the output file must end in .xlsx or .csv`);
}

async function save(ctx: CliContext, path: string, file: string): Promise<void> {
  const body = await ctx.api().download(path);
  try {
    await writeFile(file, body);
  } catch (error) {
    throw usageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  ctx.print({ file, bytes: body.length }, (value: { file: string; bytes: number }) => `Wrote ${value.file} (${value.bytes} bytes).`);
}

const query = (values: Record<string, string | undefined>) => {
  const entries = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.length === 0 ? '' : `?${entries.map(([name, value]) => `${name}=${seg(value)}`).join('&')}`;
};

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
  exportCommand.command('cycle').description("a training cycle's report: attendance, pass rate, promotions per dimension and station")
    .argument('<cycleId>')
    .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
    .action(async (cycleId: string, options: { out: string }) => save(ctx, `/api/exports/training-cycles/${seg(cycleId)}${query({ format: formatOf(options.out) })}`, options.out));
  exportCommand.command('ladder').description("a worker's ladder (personal data: the read is audited)")
    .argument('<workerId>')
    .requiredOption('--out <file>', 'the file to write (.xlsx or .csv)')
    .action(async (workerId: string, options: { out: string }) => save(ctx, `/api/exports/workers/${seg(workerId)}/ladder${query({ format: formatOf(options.out) })}`, options.out));
}
