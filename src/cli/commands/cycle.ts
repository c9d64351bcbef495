import { type Command } from 'commander';
import { describe, table } from '../output.js';
import { usageError } from '../client.js';
import { type CliContext, seg, readText, parseJson } from '../context.js';
export function registerCycleCommands(program: Command, ctx: CliContext) {
  const cycle = program.command('cycle').description('training cycles: launch, list, status, participants, sessions, attendance, assessments, check-in, cancel');

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

  cycle.command('participants')
    .description('add workers or whole stations to a running cycle, or withdraw workers; every problem is listed')
    .argument('<id>', 'the cycle id')
    .option('--add <workerIds...>', 'worker ids to add')
    .option('--add-station <communityIds...>', "stations (by community id) whose active social workers join")
    .option('--withdraw <workerIds...>', 'worker ids to withdraw')
    .option('--reason <text>', 'why; recorded with the change')
    .action(async (id: string, options: { add?: string[]; addStation?: string[]; withdraw?: string[]; reason?: string }) => {
      const body = { add: { workerIds: options.add ?? [], stationIds: options.addStation ?? [] }, withdraw: options.withdraw ?? [], ...(options.reason ? { reason: options.reason } : {}) };
      const result = await ctx.api().post<{ added: string[]; withdrawn: string[] }>(`/api/training-cycles/${seg(id)}/participants`, body);
      ctx.print(result, (value: typeof result) => `Added ${value.added.length} worker(s), withdrew ${value.withdrawn.length}.`);
    });

  cycle.command('move-session')
    .description("move a session that has not started; every affected worker's reminders follow and they are told")
    .argument('<id>', 'the cycle id')
    .argument('<sessionId>', 'the session id')
    .requiredOption('--starts-at <time>', 'new start, ISO 8601 with an offset (2026-12-08T09:30+08:00)')
    .requiredOption('--ends-at <time>', 'new end, ISO 8601 with an offset')
    .option('--reason <text>', 'why; the workers receive it')
    .action(async (id: string, sessionId: string, options: { startsAt: string; endsAt: string; reason?: string }) => {
      const body = { startsAt: options.startsAt, endsAt: options.endsAt, ...(options.reason ? { reason: options.reason } : {}) };
      const result = await ctx.api().post<{ sessionId: string; laddersSignalled: number }>(`/api/training-cycles/${seg(id)}/sessions/${seg(sessionId)}/move`, body);
      ctx.print(result, (value: typeof result) => `Moved session ${value.sessionId}; ${value.laddersSignalled} workers were told.`);
    });

  // Cancelling a session and taking a cancellation back: the same shape, a reason the workers receive.
  const sessionChange = (name: string, description: string, done: string, path: (id: string, sessionId: string) => string) => cycle.command(name)
    .description(description)
    .argument('<id>', 'the cycle id')
    .argument('<sessionId>', 'the session id')
    .requiredOption('--reason <text>', 'why; the workers receive it in their inbox')
    .action(async (id: string, sessionId: string, options: { reason: string }) => {
      const result = await ctx.api().post<{ sessionId: string; laddersSignalled: number }>(path(id, sessionId), { reason: options.reason });
      ctx.print(result, (value: typeof result) => `${done} session ${value.sessionId}; ${value.laddersSignalled} workers were told.`);
    });
  sessionChange('cancel-session', 'cancel a session that has not ended; its reminders stop and every worker taking it is told the reason', 'Cancelled',
    (id, sessionId) => `/api/training-cycles/${seg(id)}/sessions/${seg(sessionId)}/cancel`);
  sessionChange('restore-session', 'take back a session\'s cancellation before it was due: it takes place at its time again, reminders are planned again and every worker taking it is told', 'Restored',
    (id, sessionId) => `/api/training-cycles/${seg(id)}/sessions/${seg(sessionId)}/restore`);

  cycle.command('attendance')
    .description("record a session's attendance: WORKER=STATUS pairs (present, late, excused, absent)")
    .argument('<id>', 'the cycle id')
    .argument('<sessionId>', 'the session id')
    .argument('<marks...>', 'workerId=status, for example w-1=present w-2=late')
    .action(async (id: string, sessionId: string, marks: string[]) => {
      const records = marks.map((mark) => {
        const [workerId, status] = mark.split('=');
        if (!workerId || !status) throw usageError(`"${mark}" is not workerId=status`);
        return { workerId, status };
      });
      const result = await ctx.api().post<{ sessionId: string; recorded: unknown[] }>(`/api/training-cycles/${seg(id)}/attendance`, { sessionId, records });
      ctx.print(result, (value: typeof result) => `Recorded attendance of ${value.recorded.length} worker(s) for session ${value.sessionId}.`);
    });

  cycle.command('assess')
    .description("record a worker's assessment in a dimension-level: a pass promotes, a first fail opens one retake")
    .argument('<id>', 'the cycle id')
    .requiredOption('--worker <workerId>', 'the worker')
    .requiredOption('--dimension <key>', 'the dimension key (party_policy …)')
    .requiredOption('--level <n>', 'the level assessed')
    .requiredOption('--score <n>', 'the score, 0–100')
    .action(async (id: string, options: { worker: string; dimension: string; level: string; score: string }) => {
      const body = { workerId: options.worker, dimension: options.dimension, level: Number(options.level), score: Number(options.score) };
      const result = await ctx.api().post<{ workerId: string; passed: boolean; attempt: number; promotedTo: number | null }>(`/api/training-cycles/${seg(id)}/assessments`, body);
      ctx.print(result, (value: typeof result) => `${value.workerId}: attempt ${value.attempt} ${value.passed ? 'passed' : 'not passed'}${value.promotedTo ? `, promoted to level ${value.promotedTo}` : ''}.`);
    });

  cycle.command('check-in')
    .description('check in to your own session, from shortly before it starts until it ends')
    .argument('<id>', 'the cycle id')
    .argument('<sessionId>', 'the session id')
    .action(async (id: string, sessionId: string) => {
      const result = await ctx.api().post<{ sessionId: string; status: string }>(`/api/training-cycles/${seg(id)}/check-in`, { sessionId });
      ctx.print(result, (value: typeof result) => `Checked in to session ${value.sessionId}: ${value.status}.`);
    });
}
