import { type Command } from 'commander';
import { describe, table } from '../output.js';
import { type CliContext, seg, readText, parseJson } from '../context.js';
export function registerCycleCommands(program: Command, ctx: CliContext) {
  const cycle = program.command('cycle').description('training cycles: launch, list, status, cancel');

  cycle.command('launch')
    .description('launch a training cycle from a JSON file (cohort, sessions, assessment, reminder policy); every problem is listed')
    .argument('<file>', 'a .json file with the POST /api/training-cycles body (see /docs for an example)')
    .action(async (file: string) => {
      const body = parseJson(file, await readText(file));
      const launched = await ctx.api().post<{ id: string; workflowId: string; sessions: number; enrolled: number }>('/api/training-cycles', body);
      ctx.print(launched, (value: typeof launched) => `Launched training cycle ${value.id} (workflow ${value.workflowId}): ${value.sessions} sessions, ${value.enrolled} workers enrolled.`);
    });

  cycle.command('list')
    .description('training cycles you can see, newest first')
    .action(async () => {
      const { items } = await ctx.api().get<{ items: Array<Record<string, unknown>> }>('/api/training-cycles');
      ctx.print({ items }, () => (items.length === 0 ? 'No training cycles.' : table(items, ['id', 'name', 'status', 'sessions', 'participants', 'createdAt', 'endedAt'])));
    });

  cycle.command('status')
    .description("a training cycle's sessions, attendance and progress")
    .argument('<id>', 'the cycle id')
    .action(async (id: string) => {
      ctx.print(await ctx.api().get(`/api/training-cycles/${seg(id)}`), describe);
    });

  cycle.command('cancel')
    .description("cancel a running training cycle; every worker's reminders stop")
    .argument('<id>', 'the cycle id')
    .requiredOption('--reason <text>', 'why; recorded with the cancellation')
    .action(async (id: string, options: { reason: string }) => {
      const result = await ctx.api().post<{ cycleId: string; laddersSignalled: number }>(`/api/training-cycles/${seg(id)}/cancel`, { reason: options.reason });
      ctx.print(result, (value: typeof result) => `Cancelled training cycle ${value.cycleId}; ${value.laddersSignalled} workers' ladders were told.`);
    });
}
