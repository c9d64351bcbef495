import { type Command } from 'commander';
import { usageError } from '../client.js';
import { keyValues, table } from '../output.js';
import { type CliContext, seg } from '../context.js';

// Venture projects (公益创投): list, show, propose, approve or reject, start, record services, evaluate.

const THEMES = ['elderly', 'youth', 'community_governance', 'disabled', 'poverty_relief'];
const STATUSES = ['proposed', 'approved', 'running', 'evaluated', 'rejected'];

interface Project {
  id: string; communityId: string; theme: string; title: { zh: string; en: string }; status: string;
  startsOn: string | null; endsOn: string | null; budgetYuan: number | null; residentsServed: number; serviceRecords: number;
}
interface Detail extends Project { records: Array<{ id: string; servedOn: string; residentsServed: number; note?: string | null }> }

const moved = (verb: string) => (value: Project) => `${verb} venture project ${value.id} (${value.title.zh}): now ${value.status}.`;

export function registerVentureCommands(program: Command, ctx: CliContext) {
  const venture = program.command('venture').description('venture projects (公益创投): propose, approve or reject, start, record services, evaluate');

  venture.command('list')
    .description('venture projects in your scope with residents served')
    .option('--theme <theme>', THEMES.join(' | '))
    .option('--status <status>', STATUSES.join(' | '))
    .option('--community <communityId>', 'only this community')
    .action(async (options: { theme?: string; status?: string; community?: string }) => {
      if (options.theme && !THEMES.includes(options.theme)) throw usageError(`--theme must be one of ${THEMES.join(', ')}`);
      if (options.status && !STATUSES.includes(options.status)) throw usageError(`--status must be one of ${STATUSES.join(', ')}`);
      const query = new URLSearchParams();
      if (options.theme) query.set('theme', options.theme);
      if (options.status) query.set('status', options.status);
      if (options.community) query.set('communityId', options.community);
      const list = await ctx.api().get<{ items: Project[] }>(`/api/venture-projects${query.size > 0 ? `?${query}` : ''}`);
      ctx.print(list, (value: typeof list) => (value.items.length === 0 ? 'No venture projects.' : table(
        value.items.map((p) => ({ ...p, title: p.title.zh })),
        ['id', 'theme', 'status', 'communityId', 'residentsServed', 'title'], ['project', 'theme', 'status', 'community', 'residents', 'title'],
      )));
    });

  venture.command('show')
    .description('one venture project with its service records')
    .argument('<project>', 'the project id')
    .action(async (project: string) => {
      const detail = await ctx.api().get<Detail>(`/api/venture-projects/${seg(project)}`);
      ctx.print(detail, (value: Detail) => [
        keyValues({ project: value.id, title: value.title.zh, theme: value.theme, status: value.status, community: value.communityId,
          starts: value.startsOn, ends: value.endsOn, budget: value.budgetYuan, residents: value.residentsServed }),
        '',
        value.records.length === 0 ? 'No service records.' : table(value.records, ['id', 'servedOn', 'residentsServed', 'note'], ['record', 'served on', 'residents', 'note']),
      ].join('\n'));
    });

  venture.command('propose')
    .description("propose a venture project for a station (station leads: their own station's)")
    .requiredOption('--community <communityId>', 'the station\'s community')
    .requiredOption('--theme <theme>', THEMES.join(' | '))
    .requiredOption('--title <zh>', 'the title in Chinese')
    .option('--title-en <en>', 'the title in English')
    .option('--starts-on <date>', 'YYYY-MM-DD')
    .option('--ends-on <date>', 'YYYY-MM-DD')
    .option('--budget <yuan>', 'the budget in yuan')
    .option('--id <projectId>', 'choose the id (default: generated)')
    .action(async (options: { community: string; theme: string; title: string; titleEn?: string; startsOn?: string; endsOn?: string; budget?: string; id?: string }) => {
      if (!THEMES.includes(options.theme)) throw usageError(`--theme must be one of ${THEMES.join(', ')}`);
      const budget = options.budget === undefined ? undefined : Number(options.budget);
      if (budget !== undefined && !Number.isFinite(budget)) throw usageError('--budget must be a number of yuan');
      const created = await ctx.api().post<Project>('/api/venture-projects', {
        communityId: options.community, theme: options.theme, title: { zh: options.title, ...(options.titleEn ? { en: options.titleEn } : {}) },
        ...(options.id ? { id: options.id } : {}), ...(options.startsOn ? { startsOn: options.startsOn } : {}),
        ...(options.endsOn ? { endsOn: options.endsOn } : {}), ...(budget !== undefined ? { budgetYuan: budget } : {}),
      });
      ctx.print(created, moved('Proposed'));
    });

  venture.command('approve')
    .description('approve a proposed project (supervisors)')
    .argument('<project>', 'the project id')
    .option('--comments <text>', 'the decision\'s comments')
    .action(async (project: string, options: { comments?: string }) => {
      ctx.print(await ctx.api().post<Project>(`/api/venture-projects/${seg(project)}/approve`, options.comments ? { comments: options.comments } : {}), moved('Approved'));
    });

  venture.command('reject')
    .description('reject a proposed project, with the reason (supervisors)')
    .argument('<project>', 'the project id')
    .requiredOption('--reason <text>', 'why (the station sees it)')
    .action(async (project: string, options: { reason: string }) => {
      ctx.print(await ctx.api().post<Project>(`/api/venture-projects/${seg(project)}/reject`, { reason: options.reason }), moved('Rejected'));
    });

  venture.command('start')
    .description('start running an approved project')
    .argument('<project>', 'the project id')
    .action(async (project: string) => {
      ctx.print(await ctx.api().post<Project>(`/api/venture-projects/${seg(project)}/start`, {}), moved('Started'));
    });

  venture.command('record')
    .description('record a service of a running project: the residents it served (a count)')
    .argument('<project>', 'the project id')
    .requiredOption('--served-on <date>', 'YYYY-MM-DD')
    .requiredOption('--residents <n>', 'residents served')
    .option('--note <text>', 'what the service was')
    .option('--id <recordId>', 'an id of your choosing, so a retry counts once')
    .action(async (project: string, options: { servedOn: string; residents: string; note?: string; id?: string }) => {
      const residents = Number(options.residents);
      if (!Number.isInteger(residents) || residents < 0) throw usageError('--residents must be a whole number');
      const recorded = await ctx.api().post<{ id: string; created: boolean; residentsServed: number }>(`/api/venture-projects/${seg(project)}/service-records`, {
        servedOn: options.servedOn, residentsServed: residents, ...(options.note ? { note: options.note } : {}), ...(options.id ? { id: options.id } : {}),
      });
      ctx.print(recorded, (value: typeof recorded) => `${value.created ? 'Recorded' : 'Already recorded'} service ${value.id}: ${value.residentsServed} residents.`);
    });

  venture.command('evaluate')
    .description('evaluate a running project: a score from 1 to 5 and comments (supervisors)')
    .argument('<project>', 'the project id')
    .requiredOption('--score <n>', '1 to 5')
    .requiredOption('--comments <text>', 'the evaluation')
    .action(async (project: string, options: { score: string; comments: string }) => {
      const score = Number(options.score);
      if (!Number.isInteger(score) || score < 1 || score > 5) throw usageError('--score must be a whole number from 1 to 5');
      ctx.print(await ctx.api().post<Project>(`/api/venture-projects/${seg(project)}/evaluate`, { score, comments: options.comments }), moved('Evaluated'));
    });
}
