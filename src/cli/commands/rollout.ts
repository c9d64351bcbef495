import { type Command } from 'commander';
import { usageError } from '../client.js';
import { table } from '../output.js';
import { type CliContext, seg, type Coverage } from '../context.js';

const MILESTONES = ['site', 'staffing', 'fit_out', 'opening'] as const;
const collect = (value: string, previous: string[]) => [...previous, value];

interface Planned { communityId: string; workflowId: string; milestones: Array<{ milestone: string; targetDate: string; owner: string | null }> }
interface Progress { milestone: string; targetDate: string; status: string; completedAt: string | null }

export function registerRolloutCommands(program: Command, ctx: CliContext) {
  const rollout = program.command('rollout').description('station rollout to every community');

  rollout.command('start')
    .description("start a community's rollout: --opening DATE spreads the milestones up to it, or give each of --site --staffing --fit-out --opening; with --all every community in scope without a station or rollout, toward --target")
    .argument('[community]', 'the community id')
    .option('--all', 'every community in your scope with neither a station nor a running rollout')
    .option('--target <date>', 'with --all: the full-coverage date, YYYY-MM-DD')
    .option('--street <streetId>', 'with --all: only this street')
    .option('--site <date>', 'the site target, YYYY-MM-DD')
    .option('--staffing <date>', 'the staffing target')
    .option('--fit-out <date>', 'the fit-out target')
    .option('--opening <date>', 'the opening target (alone: the other milestones are spread before it)')
    .option('--owner <workerId>', 'the worker who owns the milestones (reminders go to them)')
    .action(async (community: string | undefined, options: { all?: boolean; target?: string; street?: string; site?: string; staffing?: string; fitOut?: string; opening?: string; owner?: string }) => {
      if (Boolean(community) === Boolean(options.all)) throw usageError('give a community id or --all, not both');
      const owner = options.owner ? { owner: options.owner } : {};
      if (options.all) {
        if (!options.target) throw usageError('--all needs --target YYYY-MM-DD (the full-coverage date)');
        const result = await ctx.api().post<{ targetDate: string; started: Planned[]; skipped: Array<{ communityId: string; reason: string }> }>(
          '/api/rollout', { targetDate: options.target, ...owner, ...(options.street ? { streetId: options.street } : {}) });
        ctx.print(result, (value: typeof result) => [
          `Started ${value.started.length} rollout(s) toward ${value.targetDate}; skipped ${value.skipped.length}.`,
          ...(value.skipped.length > 0 ? ['', table(value.skipped, ['communityId', 'reason'], ['community', 'skipped because'])] : []),
        ].join('\n'));
        return;
      }
      const given = { site: options.site, staffing: options.staffing, fit_out: options.fitOut, opening: options.opening };
      const each = MILESTONES.every((name) => given[name]);
      const onlyOpening = options.opening && !options.site && !options.staffing && !options.fitOut;
      if (!each && !onlyOpening) throw usageError('give --opening DATE alone, or all four of --site --staffing --fit-out --opening');
      const body = each
        ? { milestones: Object.fromEntries(MILESTONES.map((name) => [name, { targetDate: given[name] }])), ...owner }
        : { targetDate: options.opening, ...owner };
      const started = await ctx.api().post<Planned>(`/api/rollout/${seg(community!)}`, body);
      ctx.print(started, (value: Planned) => [
        `Started the rollout of ${value.communityId} (workflow ${value.workflowId}).`,
        table(value.milestones, ['milestone', 'targetDate', 'owner'], ['milestone', 'target', 'owner']),
      ].join('\n'));
    });

  rollout.command('complete')
    .description('complete the current milestone of a rollout with evidence (a note, and links)')
    .argument('<community>', 'the community id')
    .argument('<milestone>', MILESTONES.join(' | '))
    .requiredOption('--note <text>', 'what was done')
    .option('--link <url>', 'an http(s) link to evidence (repeatable)', collect, [])
    .action(async (community: string, milestone: string, options: { note: string; link: string[] }) => {
      if (!(MILESTONES as readonly string[]).includes(milestone)) throw usageError(`milestone must be one of ${MILESTONES.join(', ')}`);
      const done = await ctx.api().post<Progress>(`/api/rollout/${seg(community)}/milestones/${seg(milestone)}/complete`, { evidence: { note: options.note, links: options.link } });
      ctx.print(done, (value: Progress) => `Completed ${value.milestone} of ${community} at ${value.completedAt ?? '-'}.`);
    });

  rollout.command('replan')
    .description("move a pending milestone's target date, with the reason")
    .argument('<community>', 'the community id')
    .argument('<milestone>', MILESTONES.join(' | '))
    .requiredOption('--target <date>', 'the new target date, YYYY-MM-DD')
    .requiredOption('--reason <text>', 'why it moves (recorded)')
    .action(async (community: string, milestone: string, options: { target: string; reason: string }) => {
      if (!(MILESTONES as readonly string[]).includes(milestone)) throw usageError(`milestone must be one of ${MILESTONES.join(', ')}`);
      const moved = await ctx.api().post<Progress>(`/api/rollout/${seg(community)}/milestones/${seg(milestone)}/replan`, { targetDate: options.target, reason: options.reason });
      ctx.print(moved, (value: Progress) => `Replanned ${value.milestone} of ${community} to ${value.targetDate}.`);
    });

  rollout.command('cancel')
    .description("cancel a community's running rollout, with the reason: reminders stop and the station does not open")
    .argument('<community>', 'the community id')
    .requiredOption('--reason <text>', 'why (recorded)')
    .action(async (community: string, options: { reason: string }) => {
      const cancelled = await ctx.api().post<{ communityId: string; cancelledAt: string }>(`/api/rollout/${seg(community)}/cancel`, { reason: options.reason });
      ctx.print(cancelled, (value: typeof cancelled) => `Cancelled the rollout of ${value.communityId} at ${value.cancelledAt}.`);
    });

  rollout.command('status')
    .description("coverage (operating / all communities) and each community's station or rollout")
    .option('--street <streetId>', 'only this street')
    .action(async (options: { street?: string }) => {
      const coverage = await ctx.api().get<Coverage>(`/api/rollout${options.street ? `?streetId=${seg(options.street)}` : ''}`);
      ctx.print(coverage, (value: Coverage) => [
        `Coverage on ${value.asOf}: ${value.operating} / ${value.total} communities have an operating station; ${value.inRollout} in rollout, ${value.remaining} remaining.`,
        `Full coverage: projected ${value.projectedFullCoverage ?? '-'}, target ${value.targetFullCoverage ?? '-'}.`,
        ...(value.calendar.note ? [`Calendar: ${value.calendar.note}`] : []),
        '',
        table(value.communities.map((c) => ({
          community: c.communityId, name: c.name.zh, station: c.station, openedOn: c.openedOn,
          milestone: c.rollout?.currentMilestone, health: c.rollout?.health, projected: c.rollout?.projectedOpening,
        })), ['community', 'name', 'station', 'openedOn', 'milestone', 'health', 'projected'], ['community', 'name', 'station', 'opened', 'milestone', 'health', 'projected opening']),
      ].join('\n'));
    });

  program.command('digest')
    .description("leadership's weekly digest")
    .command('run')
    .description('send the digest now, through its schedule, instead of waiting for Monday')
    .option('--street <streetId>', 'only this street (default: every street in your scope)')
    .action(async (options: { street?: string }) => {
      const result = await ctx.api().post<{ triggered: Array<{ streetId: string; scheduleId: string }> }>('/api/digest/run', options.street ? { streetId: options.street } : {});
      ctx.print(result, (value: typeof result) => value.triggered.map((t) => `Digest triggered for ${t.streetId} (schedule ${t.scheduleId}).`).join('\n'));
    });
}
