import { Argument, type Command } from 'commander';
import { type CliContext, readImportFile } from '../context.js';
export function registerDirectoryCommands(program: Command, ctx: CliContext) {
  program.command('seed')
    .description('load the default data (Zhanlanlu Street; an admin token scoped to the city cn-bj); safe to repeat, never overwrites edits')
    .option('--today <date>', 'the date recorded with the seed, YYYY-MM-DD (default: today in Asia/Shanghai)')
    .action(async (options: { today?: string }) => {
      const result = await ctx.api().post<{ alreadyLoaded: boolean; today: string }>('/api/admin/seed', options.today ? { today: options.today } : {});
      ctx.print(result, (value: typeof result) => (value.alreadyLoaded
        ? 'The default data was already loaded; anything missing was added, nothing was overwritten.'
        : `Loaded the default data (Zhanlanlu Street, ${value.today}).`));
    });

  program.command('import')
    .description('import communities or workers from a .csv file (header row) or a .json array; all or nothing')
    .addArgument(new Argument('<kind>', 'what the file holds').choices(['communities', 'workers']))
    .argument('<file>', 'a .csv or .json file')
    .addHelpText('after', `
Every bad row is listed by line and field, and nothing is imported (exit 1).
CSV columns, communities: id,streetId,nameZh,nameEn[,isPlaceholder,hasStation]
CSV columns, workers:     id,orgUnitId,communityId,name,position[,email,phone,locale,channels,wecomWebhookUrl]
                          (channels separated by ";", e.g. inbox;email)`)
    .action(async (kind: 'communities' | 'workers', file: string) => {
      const body = await readImportFile(file);
      const path = kind === 'communities' ? '/api/communities' : '/api/workers';
      const result = await ctx.api().post<{ imported: number; ids: string[] }>(path, body);
      ctx.print(result, (value: typeof result) => `Imported ${value.imported} ${kind}: ${value.ids.join(', ')}`);
    });
}
