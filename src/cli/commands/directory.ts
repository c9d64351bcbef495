import { Argument, type Command, Option } from 'commander';
import { keyValues, table } from '../output.js';
import { type CliContext, query, readImportFile, seg, wholeNumber } from '../context.js';

interface Community {
  id: string; streetId: string; name: { zh: string; en: string }; isPlaceholder: boolean;
  station: { id: string; status: string; openedOn: string | null } | null;
}
interface Worker {
  id: string; orgUnitId: string; communityId: string | null; name: string; position: string; email: string | null; phone: string | null;
  locale: string; channels: string[]; active: boolean;
}
interface Ladder {
  workerId: string;
  dimensions: Array<{ key: string; name: { zh: string; en: string }; level: number; passedAt: string | null; nextLevel: number | null; assessments: unknown[] }>;
  enrolments: Array<{ cycleId: string; cycleName: string; cycleStatus: string; status: string; coachingFlag: string | null; enrolledAt: string; finishedAt: string | null }>;
}
interface Dimension { key: string; name: { zh: string; en: string }; levels: Array<{ level: number; name: { zh: string; en: string } }> }

const POSITIONS = ['social_worker', 'station_lead', 'center_supervisor', 'leadership', 'trainer', 'admin'];
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

  const community = program.command('community').description('communities in your scope: list, show one');
  community.command('list')
    .description('communities in your scope with their station status')
    .option('--street <streetId>', 'only this street')
    .option('--search <text>', 'part of the name (zh or en) or id')
    .action(async (options: { street?: string; search?: string }) => {
      const list = await ctx.api().get<{ items: Community[] }>(`/api/communities${query({ streetId: options.street, q: options.search })}`);
      ctx.print(list, (value: typeof list) => (value.items.length === 0 ? 'No communities.' : table(
        value.items.map((c) => ({ ...c, name: c.name.zh, station: c.station?.status ?? 'none', openedOn: c.station?.openedOn })),
        ['id', 'name', 'station', 'openedOn'], ['community', 'name', 'station', 'opened'],
      )));
    });
  community.command('show')
    .description('one community: its street, names and station')
    .argument('<communityId>')
    .action(async (communityId: string) => {
      const shown = await ctx.api().get<Community>(`/api/communities/${seg(communityId)}`);
      ctx.print(shown, (value: Community) => keyValues({
        community: value.id, street: value.streetId, name: `${value.name.zh} (${value.name.en})`,
        placeholder: value.isPlaceholder ? 'yes (a placeholder name: import the real list)' : 'no',
        station: value.station ? `${value.station.status}${value.station.openedOn ? `, opened ${value.station.openedOn}` : ''}` : 'none',
      }));
    });

  const worker = program.command('worker').description('workers in your scope: list, show one, their ladder (personal data: reads are audited)');
  worker.command('list')
    .description('workers in your scope (station leads: their own station)')
    .option('--community <communityId>', 'only this station\'s workers')
    .addOption(new Option('--position <position>', 'only this position').choices(POSITIONS))
    .option('--search <text>', 'part of the name or id, or of the station\'s')
    .option('--limit <n>', 'at most this many (1–500)', '100')
    .option('--offset <n>', 'skip this many', '0')
    .action(async (options: { community?: string; position?: string; search?: string; limit: string; offset: string }) => {
      const filter = query({
        communityId: options.community, position: options.position, q: options.search,
        limit: wholeNumber('--limit', options.limit), offset: wholeNumber('--offset', options.offset),
      });
      const list = await ctx.api().get<{ items: Worker[] }>(`/api/workers${filter}`);
      ctx.print(list, (value: typeof list) => (value.items.length === 0 ? 'No workers.' : table(
        value.items.map((w) => ({ ...w, status: w.active ? 'active' : 'inactive' })),
        ['id', 'name', 'position', 'communityId', 'status'], ['worker', 'name', 'position', 'community', 'status'],
      )));
    });
  worker.command('show')
    .description('one worker: position, station, contact channels (social workers: only themselves)')
    .argument('<workerId>')
    .action(async (workerId: string) => {
      const shown = await ctx.api().get<Worker>(`/api/workers/${seg(workerId)}`);
      ctx.print(shown, (value: Worker) => keyValues({
        worker: value.id, name: value.name, position: value.position, community: value.communityId, 'org unit': value.orgUnitId,
        email: value.email, phone: value.phone, locale: value.locale, channels: value.channels.join(', '), status: value.active ? 'active' : 'inactive',
      }));
    });
  worker.command('ladder')
    .description("a worker's ladder: the level reached in each of the six dimensions, and the cycles taken part in (social workers: their own)")
    .argument('<workerId>')
    .action(async (workerId: string) => {
      const ladder = await ctx.api().get<Ladder>(`/api/workers/${seg(workerId)}/ladder`);
      ctx.print(ladder, (value: Ladder) => [
        `Ladder of ${value.workerId}:`,
        table(value.dimensions.map((d) => ({ ...d, name: d.name.zh, assessments: d.assessments.length })),
          ['key', 'name', 'level', 'nextLevel', 'passedAt', 'assessments'], ['dimension', 'name', 'level', 'next', 'passed at', 'assessments']),
        '',
        value.enrolments.length === 0 ? 'No training cycles.' : table(value.enrolments,
          ['cycleId', 'cycleName', 'cycleStatus', 'status', 'coachingFlag', 'enrolledAt'], ['cycle', 'name', 'cycle status', 'status', 'coaching', 'enrolled']),
      ].join('\n'));
    });

  program.command('dimensions')
    .description('the dimension catalog: the six dimensions of the ladder and their levels')
    .action(async () => {
      const catalog = await ctx.api().get<{ items: Dimension[] }>('/api/dimensions');
      ctx.print(catalog, (value: typeof catalog) => table(
        value.items.map((d) => ({ key: d.key, zh: d.name.zh, en: d.name.en, levels: d.levels.map((l) => `${l.level} ${l.name.zh}`).join(' · ') })),
        ['key', 'zh', 'en', 'levels'], ['dimension', '中文', 'English', 'levels'],
      ));
    });
}
