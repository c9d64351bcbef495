import { type Command } from 'commander';
import { CliError, EXIT, usageError } from '../client.js';
import { registerPlanActionCommands } from './plan-actions.js';
import { keyValues, table } from '../output.js';
import { type CliContext, seg, type PlanView, type BulkStart } from '../context.js';
export function registerPlanCommands(program: Command, ctx: CliContext) {
  const plan = program.command('plan').description("stations' three-stage plans (guide → support → supervise)");

  plan.command('start')
    .description("start a station's plan, or with --all every operating station's in your scope (running plans are left alone)")
    .argument('[community]', 'the community id')
    .option('--all', 'every community in your scope with an operating station')
    .option('--street <streetId>', 'with --all: only this street')
    .option('--started-on <date>', 'the start date, YYYY-MM-DD (default: today in Asia/Shanghai)')
    .action(async (community: string | undefined, options: { all?: boolean; street?: string; startedOn?: string }) => {
      if (Boolean(community) === Boolean(options.all)) throw usageError('give a community id or --all, not both');
      if (options.street && !options.all) throw usageError('--street goes with --all');
      const startedOn = options.startedOn ? { startedOn: options.startedOn } : {};
      if (community) {
        const started = await ctx.api().post<Record<string, unknown>>(`/api/stations/${seg(community)}/plan`, startedOn);
        ctx.print(started, (value: typeof started) => `Started the plan of ${community}: ${String(value.planId)} (workflow ${String(value.workflowId)}).`);
        return;
      }
      const result = await ctx.api().post<BulkStart>('/api/stations/plans', { ...startedOn, ...(options.street ? { streetId: options.street } : {}) });
      ctx.print(result, (value: BulkStart) => [
        value.items.length === 0 ? 'No operating stations in your scope.' : table(value.items.map((item) => ({ ...item, outcome: item.outcome.replace('_', ' ') })), ['communityId', 'outcome', 'workflowId', 'error'], ['community', 'outcome', 'workflow', 'error']),
        `${value.started} started, ${value.alreadyRunning} already running, ${value.failed} failed.`,
      ].join('\n'));
      // Plans already running are what --all wants to end up with; only failures fail the command.
      if (result.failed > 0) throw new CliError(EXIT.refused, `${result.failed} plan(s) could not be started`);
    });

  plan.command('status')
    .description("a station's plan: stages, tasks, sign-offs")
    .argument('<community>', 'the community id')
    .action(async (community: string) => {
      const view = await ctx.api().get<PlanView>(`/api/stations/${seg(community)}/plan`);
      ctx.print(view, (value: PlanView) => [
        keyValues({ community: value.communityId, plan: value.planId, status: value.status, stage: value.currentStage, startedOn: value.startedOn }),
        '',
        table(value.stages, ['stage', 'status', 'startedAt', 'signedOffAt'], ['stage', 'status', 'started', 'signed off']),
        '',
        table(value.tasks.map((task) => ({ ...task, title: task.title.zh, required: task.required ? 'yes' : 'no' })),
          ['id', 'stage', 'status', 'required', 'dueAt', 'title'], ['task', 'stage', 'status', 'required', 'due', 'title']),
      ].join('\n'));
    });

  registerPlanActionCommands(plan, ctx);
}
