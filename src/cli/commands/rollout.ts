import { type Command } from 'commander';
import { table } from '../output.js';
import { type CliContext, seg, type Coverage } from '../context.js';
export function registerRolloutCommands(program: Command, ctx: CliContext) {
  program.command('rollout')
    .description('station rollout to every community')
    .command('status')
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
