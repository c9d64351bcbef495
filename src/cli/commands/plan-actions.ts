import { type Command } from 'commander';
import { usageError } from '../client.js';
import { keyValues, table } from '../output.js';
import { type CliContext, seg, type PlanView } from '../context.js';
import { MAIN_TASKS, STAGES as STAGE_NAMES, STATION_QUALITIES } from '../../domain/types.js';

// The station plan's work after it starts: complete tasks with evidence, sign off or send back a
// stage, record supervision visits and the evaluation, pause, resume, reschedule and cancel; and
// the reads beside them (the live status, every plan in scope, overdue tasks).

const STAGES: readonly string[] = STAGE_NAMES;
const collect = (value: string, previous: string[]) => [...previous, value];

function stageOf(stage: string): string {
  if (!STAGES.includes(stage)) throw usageError(`stage must be one of ${STAGES.join(', ')}`);
  return stage;
}

function whole(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw usageError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function registerPlanActionCommands(plan: Command, ctx: CliContext) {
  plan.command('list')
    .description('the latest plan of every station in your scope, summarised')
    .option('--status <status>', 'running | paused | completed | cancelled')
    .option('--stage <stage>', STAGES.join(' | '))
    .action(async (options: { status?: string; stage?: string }) => {
      const query = new URLSearchParams();
      if (options.status) query.set('status', options.status);
      if (options.stage) query.set('stage', stageOf(options.stage));
      const list = await ctx.api().get<{ items: Array<{ communityId: string; status: string; currentStage: string | null; startedOn: string; tasks: { total: number; done: number; overdue: number }; awaitingSignOff: boolean }> }>(
        `/api/stations/plans${query.size > 0 ? `?${query}` : ''}`);
      ctx.print(list, (value: typeof list) => (value.items.length === 0 ? 'No plans.' : table(
        value.items.map((item) => ({ ...item, done: `${item.tasks.done}/${item.tasks.total}`, overdue: item.tasks.overdue, signOff: item.awaitingSignOff ? 'awaiting' : '' })),
        ['communityId', 'status', 'currentStage', 'startedOn', 'done', 'overdue', 'signOff'], ['community', 'status', 'stage', 'started', 'done', 'overdue', 'sign-off'],
      )));
    });

  plan.command('live')
    .description("a station's plan as its workflow answers now (the records store when it cannot)")
    .argument('<community>', 'the community id')
    .action(async (community: string) => {
      const view = await ctx.api().get<PlanView & { source: string }>(`/api/stations/${seg(community)}/plan/live`);
      ctx.print(view, (value: typeof view) => [
        keyValues({ community: value.communityId, plan: value.planId, status: value.status, stage: value.currentStage, source: value.source }),
        '',
        table(value.tasks.map((task) => ({ ...task, title: task.title.zh })), ['id', 'stage', 'status', 'dueAt', 'title'], ['task', 'stage', 'status', 'due', 'title']),
      ].join('\n'));
    });

  plan.command('overdue')
    .description('overdue tasks of the running plans in your scope, oldest due first')
    .option('--limit <n>', 'how many', '50')
    .action(async (options: { limit: string }) => {
      const page = await ctx.api().get<{ items: Array<{ communityId: string; taskId: string; stage: string; dueAt: string; daysOverdue: number; escalationRounds: number }> }>(
        `/api/stations/overdue?limit=${whole(options.limit, '--limit', 1, 200)}`);
      ctx.print(page, (value: typeof page) => (value.items.length === 0 ? 'No overdue tasks.' : table(value.items,
        ['communityId', 'taskId', 'stage', 'dueAt', 'daysOverdue', 'escalationRounds'], ['community', 'task', 'stage', 'due', 'days overdue', 'escalations'])));
    });

  plan.command('complete')
    .description('complete a plan task with evidence: a note and http(s) links')
    .argument('<community>', 'the community id')
    .argument('<task>', 'the task id (see plan status)')
    .requiredOption('--note <text>', 'what was done')
    .option('--link <url>', 'a link to evidence (repeatable)', collect, [])
    .action(async (community: string, task: string, options: { note: string; link: string[] }) => {
      const done = await ctx.api().post<{ id: string; status: string }>(`/api/stations/${seg(community)}/plan/tasks/${seg(task)}/complete`, { evidence: { note: options.note, links: options.link } });
      ctx.print(done, (value: typeof done) => `Task ${value.id} of ${community}: ${value.status}.`);
    });

  plan.command('sign-off')
    .description('sign off a stage (refused while required tasks are open; open optional tasks are cancelled)')
    .argument('<community>', 'the community id')
    .argument('<stage>', STAGES.join(' | '))
    .option('--comments <text>', 'the sign-off comments')
    .action(async (community: string, stage: string, options: { comments?: string }) => {
      const signed = await ctx.api().post<{ stage: string; nextStage: string | null; status: string }>(`/api/stations/${seg(community)}/plan/stages/${seg(stageOf(stage))}/sign-off`,
        options.comments ? { comments: options.comments } : {});
      ctx.print(signed, (value: typeof signed) => `Signed off ${value.stage} of ${community}; ${value.nextStage ? `${value.nextStage} is open` : `the plan is ${value.status}`}.`);
    });

  plan.command('send-back')
    .description('send the current stage back with comments, reopening the named done tasks')
    .argument('<community>', 'the community id')
    .argument('<stage>', STAGES.join(' | '))
    .requiredOption('--comments <text>', 'what to do again, and why')
    .option('--reopen <taskId>', 'a done task to reopen (repeatable)', collect, [])
    .option('--due-in <workingDays>', 'working days the reopened tasks get')
    .action(async (community: string, stage: string, options: { comments: string; reopen: string[]; dueIn?: string }) => {
      const sent = await ctx.api().post<{ stage: string; reopened: string[] }>(`/api/stations/${seg(community)}/plan/stages/${seg(stageOf(stage))}/send-back`, {
        comments: options.comments, reopenTaskIds: options.reopen, ...(options.dueIn ? { dueInWorkingDays: whole(options.dueIn, '--due-in', 0, 260) } : {}),
      });
      ctx.print(sent, (value: typeof sent) => `Sent ${value.stage} of ${community} back; reopened: ${value.reopened.join(', ') || 'none'}.`);
    });

  plan.command('visit')
    .description('record a supervision visit (supervise stage): findings, and follow-ups that become tasks')
    .argument('<community>', 'the community id')
    .requiredOption('--notes <text>', 'the findings')
    .option('--visit <n>', 'which visit (default: the earliest scheduled)')
    .option('--follow-up <title>', 'a follow-up action, a required task due in the default working days (repeatable)', collect, [])
    .action(async (community: string, options: { notes: string; visit?: string; followUp: string[] }) => {
      const recorded = await ctx.api().post<{ visitNo: number; followUpTaskIds: string[] }>(`/api/stations/${seg(community)}/plan/visits`, {
        notes: options.notes, followUps: options.followUp.map((title) => ({ title, required: true })),
        ...(options.visit ? { visitNo: whole(options.visit, '--visit', 1, 100) } : {}),
      });
      ctx.print(recorded, (value: typeof recorded) => `Recorded visit ${value.visitNo} of ${community}; follow-up tasks: ${value.followUpTaskIds.join(', ') || 'none'}.`);
    });

  plan.command('evaluate')
    .description('record the plan\'s evaluation: a score from 1 to 5 for each main task, optionally for each of the five qualities of the operating pattern, and comments')
    .argument('<community>', 'the community id')
    .requiredOption('--post-building <1-5>', 'post building (岗位建设)')
    .requiredOption('--talent-training <1-5>', 'talent training (人才培养)')
    .requiredOption('--resource-linkage <1-5>', 'resource linkage (资源链接)')
    .requiredOption('--professional-services <1-5>', 'professional services (专业服务)')
    .option('--complete-system <1-5>', 'quality: a complete system (完善体系); the five qualities go together')
    .option('--sound-rules <1-5>', 'quality: sound rules (健全制度)')
    .option('--clear-duties <1-5>', 'quality: clear duties (明确职责)')
    .option('--standard-operation <1-5>', 'quality: standard operation (规范运行)')
    .option('--professional-efficient <1-5>', 'quality: professional and efficient (专业高效)')
    .option('--comments <text>', 'the evaluation\'s comments', '')
    .action(async (community: string, options: Record<string, string>) => {
      const camel = (key: string) => key.replace(/_(\w)/g, (_all, c: string) => c.toUpperCase());
      const rubric = (keys: readonly string[]) => Object.fromEntries(keys.map((key) => [key, whole(options[camel(key)] ?? '', `--${key.replace(/_/g, '-')}`, 1, 5)]));
      const scores = rubric(MAIN_TASKS);
      // The five qualities are scored all together or not at all: any one given asks for all five.
      const qualities = STATION_QUALITIES.some((key) => options[camel(key)] !== undefined) ? rubric(STATION_QUALITIES) : undefined;
      const evaluation = await ctx.api().post<{ average: number; qualities?: { average: number } | null }>(
        `/api/stations/${seg(community)}/plan/evaluation`, { scores, ...(qualities ? { qualities } : {}), comments: options.comments ?? '' });
      ctx.print(evaluation, (value: typeof evaluation) => `Evaluated the plan of ${community}: average ${value.average}`
        + (value.qualities ? `, the five qualities ${value.qualities.average}.` : '.'));
    });

  plan.command('pause')
    .description('pause the plan: no reminders, due dates stop counting')
    .argument('<community>', 'the community id')
    .option('--reason <text>', 'why (recorded)')
    .action(async (community: string, options: { reason?: string }) => {
      const paused = await ctx.api().post<{ status: string }>(`/api/stations/${seg(community)}/plan/pause`, options.reason ? { reason: options.reason } : {});
      ctx.print(paused, () => `Paused the plan of ${community}.`);
    });

  plan.command('resume')
    .description('resume a paused plan; open due dates move by the time it was paused')
    .argument('<community>', 'the community id')
    .action(async (community: string) => {
      const resumed = await ctx.api().post<{ status: string }>(`/api/stations/${seg(community)}/plan/resume`, {});
      ctx.print(resumed, () => `Resumed the plan of ${community}.`);
    });

  plan.command('reschedule')
    .description('move every open due date by a number of working days')
    .argument('<community>', 'the community id')
    .requiredOption('--days <n>', 'working days (negative: earlier)')
    .option('--reason <text>', 'why (recorded)')
    .action(async (community: string, options: { days: string; reason?: string }) => {
      const days = whole(options.days, '--days', -260, 260);
      if (days === 0) throw usageError('--days must not be 0');
      const moved = await ctx.api().post<{ shiftedTasks: string[] }>(`/api/stations/${seg(community)}/plan/reschedule`, { deltaWorkingDays: days, ...(options.reason ? { reason: options.reason } : {}) });
      ctx.print(moved, (value: typeof moved) => `Moved ${value.shiftedTasks.length} open task(s) of ${community} by ${days} working day(s).`);
    });

  plan.command('cancel')
    .description('cancel the plan, with the reason: open tasks and visits close, reminders stop')
    .argument('<community>', 'the community id')
    .requiredOption('--reason <text>', 'why (recorded)')
    .action(async (community: string, options: { reason: string }) => {
      const cancelled = await ctx.api().post<{ status: string }>(`/api/stations/${seg(community)}/plan/cancel`, { reason: options.reason });
      ctx.print(cancelled, () => `Cancelled the plan of ${community}.`);
    });
}
