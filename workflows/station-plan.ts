import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { NotificationData, NotifyRequest } from '../src/domain/notifications.js';
import { NOTIFY_ACTIVITY, RECORDS_ACTIVITY } from './activity-options.js';
import { escalationAt, nextAllowedTime, overdueReminderAt, reminderSchedule, type EscalationStep } from '../src/domain/reminders.js';
import {
  addEvent, buildPlanMirror, buildPlanReport, dueAfterWorkingDays, findStage, fullPlanMirror, guidanceFor, initialPlanState, openStage,
  refreshStageReadiness, scheduleCalendar, scoreProblems, shiftInstant, signOffBlockers, stageIndex,
  type PlanMirror, type PlanTaskState, type StationPlanInput, type SupervisionVisitState,
} from '../src/domain/station-plan.js';
import { MAIN_TASKS, type MainTask, type Stage } from '../src/domain/types.js';
import { nowMs } from './clock.js';
import { ErrorType } from '../src/domain/errors.js';
import { planQueries, planSignals, planUpdates, STAGE_SEARCH_ATTRIBUTE, type CancelPlanRequest, type PlanTaskView, type StationPlanResult, type StationPlanStatusView } from './station-plan.messages.js';

const { notify } = proxyActivities<Activities>(NOTIFY_ACTIVITY);
const { mirrorPlan } = proxyActivities<Activities>(RECORDS_ACTIVITY);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type Rejection = { type: ErrorType; message: string } | null;

function reject(problem: Rejection): void {
  if (problem) throw ApplicationFailure.nonRetryable(problem.message, problem.type);
}

const conflict = (message: string): Rejection => ({ type: ErrorType.Conflict, message });
const invalid = (message: string): Rejection => ({ type: ErrorType.InvalidInput, message });

/**
 * The three-stage station plan: guide → support → supervise. Tasks complete by update with
 * evidence; a stage closes when its required tasks are done and a supervisor signs it off.
 * Reminders before due dates, overdue notices and escalations run from one scheduler loop that
 * sleeps until the next thing is due or the state changes. Every change is mirrored to the
 * records store through `mirrorPlan`, in order, before an update answers.
 */
export async function stationPlan(input: StationPlanInput): Promise<StationPlanResult> {
  const workflowId = workflowInfo().workflowId;
  const state = input.carried ?? initialPlanState(input, nowMs());
  const calendar = scheduleCalendar(input.schedule);
  const policy = input.reminderPolicy;
  const carried = input.carried !== undefined;
  // The service's first snapshot is revision 0; the workflow's writes all come after it.
  if (!carried) state.revision = Math.max(state.revision, 1);

  // ── Mirroring: serialised, each write carrying what changed since the last ──────────────────
  const dirtyTasks = new Set<string>();
  const newTasks = new Set<string>();
  const dirtyVisits = new Set<number>();
  let eventsMirrored = carried ? state.nextEventSeq - 1 : 0;
  let evaluationDirty = false;
  let reportDirty = false;
  let fullNext = !carried;
  let pendingMirrors = 0;
  let chain: Promise<void> = Promise.resolve();
  /** Bumped on every change; the scheduler wakes when it moves. */
  let version = 0;
  /** One-off notifications handlers ask for; the scheduler sends them once the mirror is written. */
  const outbox: NotifyRequest[] = [];

  function changed() {
    version += 1;
    state.revision += 1;
  }
  const touchTask = (task: PlanTaskState) => dirtyTasks.add(task.id);
  const touchVisit = (visit: SupervisionVisitState) => dirtyVisits.add(visit.no);

  function mirror(): Promise<void> {
    pendingMirrors += 1;
    const run = chain.then(async () => {
      let payload: PlanMirror;
      if (fullNext) {
        payload = fullPlanMirror(state, input, workflowId);
        fullNext = false;
      } else {
        payload = buildPlanMirror(state, input, workflowId, {
          taskIds: dirtyTasks, newTaskIds: newTasks, visitNos: dirtyVisits, eventsAfter: eventsMirrored,
          evaluation: evaluationDirty, report: reportDirty,
        });
      }
      dirtyTasks.clear();
      newTasks.clear();
      dirtyVisits.clear();
      evaluationDirty = false;
      reportDirty = false;
      eventsMirrored = state.nextEventSeq - 1;
      await mirrorPlan(payload);
    }).finally(() => {
      pendingMirrors -= 1;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function setStageAttribute(value: string) {
    upsertSearchAttributes([{ key: { name: STAGE_SEARCH_ATTRIBUTE, type: 'KEYWORD' }, value }]);
  }

  // The first write is queued before any handler can queue one, so it lands first.
  const firstMirror = mirror();

  // ── Reads ────────────────────────────────────────────────────────────────────────────────────
  const findTask = (taskId: string) => state.tasks.find((task) => task.id === taskId);
  const current = () => (state.currentStage ? findStage(state, state.currentStage) : undefined);

  function taskView(task: PlanTaskState): PlanTaskView {
    return {
      id: task.id, stage: task.stage, mainTask: task.mainTask, title: task.title,
      guidance: task.source === 'template' ? guidanceFor(input.template, task.id) : null,
      required: task.required, source: task.source, status: task.status, dueAt: iso(task.dueAt),
      completedAt: iso(task.completedAt), completedBy: task.completedBy, evidence: task.evidence, reopened: task.reopened,
    };
  }

  function statusView(): StationPlanStatusView {
    return {
      planId: input.planId,
      workflowId,
      communityId: input.communityId,
      template: { id: input.template.id, version: input.template.version, name: input.template.name },
      status: state.status,
      currentStage: state.currentStage,
      startedOn: input.startedOn,
      pausedAt: iso(state.pausedAt),
      pausedTotalMs: state.pausedTotalMs,
      cancellation: state.cancellation ? { ...state.cancellation, at: new Date(state.cancellation.at).toISOString() } : null,
      completedAt: iso(state.completedAt),
      stages: state.stages.map((stage) => ({
        stage: stage.stage,
        name: input.template.stages.find((s) => s.stage === stage.stage)?.name ?? { zh: stage.stage, en: stage.stage },
        status: stage.status,
        startedAt: iso(stage.startedAt),
        signOffRequestedAt: iso(stage.signOffRequestedAt),
        signedOffAt: iso(stage.signedOffAt),
        signedOffBy: stage.signedOffBy,
        comments: stage.comments,
        sendBacks: stage.sendBacks.map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
        blockers: stage.status === 'open' || stage.status === 'awaiting_sign_off' ? signOffBlockers(state, stage.stage) : [],
      })),
      tasks: state.tasks.map(taskView),
      visits: state.visits.map(({ remindersSent: _sent, dueVersion: _version, ...visit }) => ({
        ...visit, dueAt: iso(visit.dueAt), recordedAt: iso(visit.recordedAt),
      })),
      evaluation: state.evaluation,
      report: state.report,
      recentEvents: state.events.slice(-20),
    };
  }

  // ── Validation: every update is refused, with the reason, when it does not apply ─────────────
  function activeProblem(): Rejection {
    if (state.status === 'cancelled') return conflict('the plan is cancelled');
    if (state.status === 'completed') return conflict('the plan is completed');
    if (state.status === 'paused') return conflict('the plan is paused; resume it first');
    return null;
  }

  function stageProblem(stage: Stage): Rejection {
    const active = activeProblem();
    if (active) return active;
    const stageState = state.stages.find((s) => s.stage === stage);
    if (!stageState) return invalid(`the plan has no stage ${stage}`);
    if (stage === state.currentStage) return null;
    if (stageState.status === 'signed_off') return conflict(`stage ${stage} is already signed off`);
    return conflict(`stage ${stage} has not started; the plan is in stage ${state.currentStage}`);
  }

  function completeProblem(taskId: string, note: unknown, links: unknown): Rejection {
    const active = activeProblem();
    if (active) return active;
    const task = findTask(taskId);
    if (!task) return { type: ErrorType.NotFound, message: `the plan has no task ${taskId}` };
    if (task.status === 'done') return conflict(`task ${taskId} is already done`);
    if (state.currentStage && stageIndex(state, task.stage) > stageIndex(state, state.currentStage)) {
      return conflict(`task ${taskId} belongs to the later stage ${task.stage}; the plan is in stage ${state.currentStage}`);
    }
    if (task.status === 'cancelled') return conflict(`task ${taskId} was closed with stage ${task.stage}`);
    if (typeof note !== 'string' || note.trim() === '') return invalid('evidence.note is required');
    if (!Array.isArray(links) || links.some((link) => typeof link !== 'string')) return invalid('evidence.links must be a list of links');
    return null;
  }

  // ── Changes ──────────────────────────────────────────────────────────────────────────────────
  function recipientFor(step: EscalationStep): string | null {
    switch (step) {
      case 'worker':
      case 'station_lead':
        return input.recipients.stationLeadId;
      case 'center_supervisor':
        return input.recipients.supervisorId;
    }
  }

  function baseData(stage: Stage | null): NotificationData {
    return {
      planId: input.planId,
      communityId: input.communityId,
      communityNameZh: input.communityName?.zh ?? input.communityId,
      communityNameEn: input.communityName?.en ?? input.communityId,
      stage,
    };
  }

  function taskData(task: PlanTaskState): NotificationData {
    const guidance = task.source === 'template' ? guidanceFor(input.template, task.id) : null;
    return {
      ...baseData(task.stage),
      taskId: task.id,
      taskTitleZh: task.title.zh,
      taskTitleEn: task.title.en,
      itemTitleZh: task.title.zh,
      itemTitleEn: task.title.en,
      dueAt: task.dueAt,
      guidanceZh: guidance?.how.zh ?? null,
      guidanceEn: guidance?.how.en ?? null,
    };
  }

  function signOff(stage: Stage, by: string, comments: string | null, now: number) {
    const stageState = findStage(state, stage);
    stageState.status = 'signed_off';
    stageState.signedOffAt = now;
    stageState.signedOffBy = by;
    if (comments) stageState.comments = comments;
    for (const task of state.tasks) {
      // Optional work left open closes with its stage.
      if (task.stage === stage && (task.status === 'open' || task.status === 'pending')) {
        task.status = 'cancelled';
        touchTask(task);
      }
    }
    addEvent(state, now, 'signed_off', by, { stage, comments });
    if (input.recipients.stationLeadId) {
      outbox.push({
        key: `${input.planId}:stage:${stage}:signed-off`, workflowId, recipientId: input.recipients.stationLeadId, kind: 'stage_signed_off',
        data: { ...baseData(stage), signedOffBy: by, signedOffAt: now, comments },
      });
    }
    const next = state.stages[stageIndex(state, stage) + 1];
    if (next) {
      openStage(state, input, next.stage, now);
      for (const task of state.tasks) if (task.stage === next.stage) touchTask(task);
      for (const visit of state.visits) touchVisit(visit);
      setStageAttribute(next.stage);
      return next.stage;
    }
    for (const visit of state.visits) {
      if (visit.status === 'scheduled' || visit.status === 'pending') {
        visit.status = 'missed';
        touchVisit(visit);
      }
    }
    state.status = 'completed';
    state.completedAt = now;
    addEvent(state, now, 'completed', by, {});
    state.report = buildPlanReport(state, input, now);
    reportDirty = true;
    evaluationDirty = true;
    setStageAttribute('completed');
    return null;
  }

  function cancel(request: CancelPlanRequest) {
    const now = nowMs();
    state.status = 'cancelled';
    state.cancellation = { at: now, by: request.by, reason: request.reason };
    if (state.pausedAt !== null) {
      state.pausedTotalMs += now - state.pausedAt;
      state.pausedAt = null;
    }
    for (const stage of state.stages) {
      if (stage.status !== 'signed_off') stage.status = 'cancelled';
    }
    for (const task of state.tasks) {
      if (task.status === 'open' || task.status === 'pending') {
        task.status = 'cancelled';
        touchTask(task);
      }
    }
    for (const visit of state.visits) {
      if (visit.status === 'scheduled' || visit.status === 'pending') {
        visit.status = 'cancelled';
        touchVisit(visit);
      }
    }
    addEvent(state, now, 'cancelled', request.by, { reason: request.reason });
    setStageAttribute('cancelled');
    changed();
  }

  function cancelProblem(request: CancelPlanRequest): Rejection {
    if (state.status === 'cancelled') return conflict('the plan is already cancelled');
    if (state.status === 'completed') return conflict('the plan is completed');
    if (typeof request.reason !== 'string' || request.reason.trim() === '') return invalid('a reason is required to cancel a plan');
    return null;
  }

  // ── Handlers: registered before the first await, so nothing sent early is lost ─────────────
  setHandler(planQueries.getStatus, statusView);

  setHandler(planUpdates.completeTask, async (request) => {
    const now = nowMs();
    const task = findTask(request.taskId)!;
    task.status = 'done';
    task.completedAt = now;
    task.completedBy = request.by;
    task.evidence = { note: request.evidence.note, links: [...request.evidence.links] };
    touchTask(task);
    addEvent(state, now, 'task_completed', request.by, { taskId: task.id, stage: task.stage });
    refreshStageReadiness(state, task.stage, now);
    changed();
    await mirror();
    return taskView(task);
  }, { validator: (request) => reject(completeProblem(request.taskId, request.evidence?.note, request.evidence?.links)) });

  setHandler(planUpdates.signOff, async (request) => {
    const next = signOff(request.stage, request.by, request.comments ?? null, nowMs());
    changed();
    await mirror();
    return { stage: request.stage, nextStage: next, status: state.status };
  }, {
    validator: (request) => {
      reject(stageProblem(request.stage));
      const blockers = signOffBlockers(state, request.stage);
      if (blockers.length > 0) reject(conflict(`stage ${request.stage} cannot be signed off: ${blockers.join('; ')}`));
    },
  });

  setHandler(planUpdates.sendBack, async (request) => {
    const now = nowMs();
    const stage = findStage(state, request.stage);
    const dueAt = dueAfterWorkingDays(input.schedule, now, request.dueInWorkingDays ?? input.reopenDueWorkingDays);
    for (const taskId of request.reopenTaskIds) {
      const task = findTask(taskId)!;
      task.status = 'open';
      task.reopened += 1;
      task.completedAt = null;
      task.completedBy = null;
      task.dueAt = dueAt;
      task.dueVersion += 1;
      task.remindersSent = [];
      task.overdueRounds = 0;
      task.escalationRounds = 0;
      touchTask(task);
      if (input.recipients.stationLeadId) {
        outbox.push({
          key: `${input.planId}:task:${task.id}:v${task.dueVersion}:sent-back`, workflowId, recipientId: input.recipients.stationLeadId,
          kind: 'task_due', data: taskData(task), dueAt, check: { type: 'plan_task_open', planId: input.planId, taskId: task.id },
        });
      }
    }
    stage.sendBacks.push({ at: now, by: request.by, comments: request.comments, reopened: [...request.reopenTaskIds] });
    stage.comments = request.comments;
    addEvent(state, now, 'sent_back', request.by, { stage: request.stage, comments: request.comments, reopened: [...request.reopenTaskIds] });
    refreshStageReadiness(state, request.stage, now);
    changed();
    await mirror();
    return { stage: request.stage, reopened: [...request.reopenTaskIds] };
  }, {
    validator: (request) => {
      reject(stageProblem(request.stage));
      if (typeof request.comments !== 'string' || request.comments.trim() === '') reject(invalid('comments are required to send a stage back'));
      if (!Array.isArray(request.reopenTaskIds)) reject(invalid('reopenTaskIds must be a list'));
      if (request.dueInWorkingDays !== undefined && (!Number.isInteger(request.dueInWorkingDays) || request.dueInWorkingDays < 0)) {
        reject(invalid('dueInWorkingDays must be a whole number of days'));
      }
      for (const taskId of request.reopenTaskIds) {
        const task = findTask(taskId);
        if (!task || task.stage !== request.stage) reject({ type: ErrorType.NotFound, message: `stage ${request.stage} has no task ${taskId}` });
        else if (task.status !== 'done') reject(conflict(`task ${taskId} is not done, so it cannot be reopened`));
      }
    },
  });

  setHandler(planUpdates.recordVisit, async (request) => {
    const now = nowMs();
    const visit = request.visitNo !== undefined
      ? state.visits.find((v) => v.no === request.visitNo)!
      : state.visits.find((v) => v.status === 'scheduled')!;
    visit.status = 'recorded';
    visit.recordedAt = now;
    visit.recordedBy = request.by;
    visit.notes = request.notes;
    request.followUps.forEach((action, index) => {
      const task: PlanTaskState = {
        id: `visit-${visit.no}-follow-up-${index + 1}`, stage: 'supervise', mainTask: action.mainTask ?? null,
        title: { zh: action.title, en: action.title }, required: action.required ?? false, source: 'follow_up', dueOffsetWorkingDays: 0,
        dueAt: dueAfterWorkingDays(input.schedule, now, action.dueInWorkingDays ?? input.reopenDueWorkingDays),
        status: 'open', completedAt: null, completedBy: null, evidence: null, reopened: 0, dueVersion: 0, remindersSent: [],
        overdueRounds: 0, escalationRounds: 0,
      };
      state.tasks.push(task);
      newTasks.add(task.id);
      visit.followUpTaskIds.push(task.id);
    });
    touchVisit(visit);
    addEvent(state, now, 'visit_recorded', request.by, { visitNo: visit.no, followUps: [...visit.followUpTaskIds] });
    refreshStageReadiness(state, 'supervise', now);
    changed();
    await mirror();
    return { visitNo: visit.no, followUpTaskIds: [...visit.followUpTaskIds] };
  }, {
    validator: (request) => {
      reject(stageProblem('supervise'));
      if (typeof request.notes !== 'string' || request.notes.trim() === '') reject(invalid('notes are required for a supervision visit'));
      if (!Array.isArray(request.followUps)) reject(invalid('followUps must be a list'));
      for (const action of request.followUps) {
        if (typeof action?.title !== 'string' || action.title.trim() === '') reject(invalid('every follow-up action needs a title'));
        if (action.mainTask != null && !(MAIN_TASKS as readonly string[]).includes(action.mainTask)) reject(invalid(`${action.mainTask} is not a main task`));
        if (action.dueInWorkingDays !== undefined && (!Number.isInteger(action.dueInWorkingDays) || action.dueInWorkingDays < 0)) {
          reject(invalid('dueInWorkingDays must be a whole number of days'));
        }
      }
      if (request.visitNo !== undefined) {
        const visit = state.visits.find((v) => v.no === request.visitNo);
        if (!visit) reject({ type: ErrorType.NotFound, message: `the plan has no supervision visit ${request.visitNo}` });
        else if (visit.status !== 'scheduled') reject(conflict(`supervision visit ${request.visitNo} is ${visit.status}`));
      } else if (!state.visits.some((v) => v.status === 'scheduled')) {
        reject(conflict(`all ${state.visits.length} supervision visits are recorded`));
      }
    },
  });

  setHandler(planUpdates.submitEvaluation, async (request) => {
    const now = nowMs();
    const scores = Object.fromEntries(MAIN_TASKS.map((key) => [key, request.scores[key]])) as Record<MainTask, number>;
    const average = Math.round((MAIN_TASKS.reduce((sum, key) => sum + scores[key], 0) / MAIN_TASKS.length) * 100) / 100;
    state.evaluation = { scores, average, comments: request.comments, by: request.by, at: now };
    evaluationDirty = true;
    addEvent(state, now, 'evaluated', request.by, { average });
    refreshStageReadiness(state, 'supervise', now);
    changed();
    await mirror();
    return state.evaluation;
  }, {
    validator: (request) => {
      reject(stageProblem('supervise'));
      if (state.evaluation) reject(conflict('the evaluation is already recorded'));
      const problems = scoreProblems((request.scores ?? {}) as Record<string, unknown>);
      if (problems.length > 0) reject(invalid(`invalid scores: ${problems.join('; ')}`));
      if (typeof request.comments !== 'string') reject(invalid('comments are required'));
    },
  });

  setHandler(planUpdates.pause, async (request) => {
    const now = nowMs();
    state.status = 'paused';
    state.pausedAt = now;
    addEvent(state, now, 'paused', request.by, { reason: request.reason ?? null });
    changed();
    await mirror();
    return { status: state.status, pausedAt: new Date(now).toISOString() };
  }, {
    validator: (_request) => {
      if (state.status === 'paused') reject(conflict('the plan is already paused'));
      reject(activeProblem());
    },
  });

  setHandler(planUpdates.resume, async (request) => {
    const now = nowMs();
    // Timers stopped counting while paused: everything still ahead moves by the pause's length.
    const shift = now - (state.pausedAt ?? now);
    state.pausedTotalMs += shift;
    state.pausedAt = null;
    state.status = 'running';
    for (const task of state.tasks) {
      if (task.status === 'open' && task.dueAt !== null) {
        task.dueAt += shift;
        touchTask(task);
      }
    }
    for (const visit of state.visits) {
      if (visit.status === 'scheduled' && visit.dueAt !== null) {
        visit.dueAt += shift;
        touchVisit(visit);
      }
    }
    const stage = current();
    if (stage?.signOffRequestedAt != null) stage.signOffRequestedAt += shift;
    addEvent(state, now, 'resumed', request.by, { shiftedMs: shift });
    changed();
    await mirror();
    return { status: state.status, shiftedMs: shift };
  }, {
    validator: (_request) => {
      if (state.status !== 'paused') reject(conflict(`the plan is ${state.status}, not paused`));
    },
  });

  setHandler(planUpdates.reschedule, async (request) => {
    const now = nowMs();
    const shiftedTasks: string[] = [];
    const shiftedVisits: number[] = [];
    for (const task of state.tasks) {
      if (task.status !== 'open' || task.dueAt === null) continue;
      task.dueAt = shiftInstant(input.schedule, task.dueAt, request.deltaWorkingDays);
      task.dueVersion += 1;
      task.remindersSent = [];
      task.overdueRounds = 0;
      task.escalationRounds = 0;
      touchTask(task);
      shiftedTasks.push(task.id);
    }
    for (const visit of state.visits) {
      if (visit.status !== 'scheduled' || visit.dueAt === null) continue;
      visit.dueAt = shiftInstant(input.schedule, visit.dueAt, request.deltaWorkingDays);
      visit.dueVersion += 1;
      visit.remindersSent = [];
      touchVisit(visit);
      shiftedVisits.push(visit.no);
    }
    addEvent(state, now, 'rescheduled', request.by, { deltaWorkingDays: request.deltaWorkingDays, reason: request.reason ?? null, tasks: shiftedTasks });
    changed();
    await mirror();
    return { shiftedTasks, shiftedVisits };
  }, {
    validator: (request) => {
      reject(activeProblem());
      const delta = request.deltaWorkingDays;
      if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > 260) reject(invalid('deltaWorkingDays must be a whole number of working days, not 0, at most 260 either way'));
    },
  });

  setHandler(planUpdates.cancel, async (request) => {
    cancel(request);
    await mirror();
    return { status: state.status };
  }, { validator: (request) => reject(cancelProblem(request)) });

  setHandler(planSignals.cancel, (request) => {
    const problem = cancelProblem(request);
    if (problem) {
      log.warn('cancel signal ignored', { workflowId, reason: problem.message });
      return;
    }
    cancel(request);
    void mirror();
  });

  // ── The scheduler ────────────────────────────────────────────────────────────────────────────
  function send(request: NotifyRequest): Promise<void> {
    return notify(request).then(
      () => undefined,
      (error: unknown) => log.warn('notification failed', { workflowId, key: request.key, error: String(error) }),
    );
  }

  /** Marks what is due at `now` as handled, returns it, and the next instant something falls due. */
  function collect(now: number): { due: NotifyRequest[]; nextAt: number | undefined } {
    const due: NotifyRequest[] = [];
    let nextAt: number | undefined;
    const later = (at: number) => {
      nextAt = nextAt === undefined ? at : Math.min(nextAt, at);
    };
    const stage = current();
    if (!stage) return { due: [], nextAt };

    for (const task of state.tasks) {
      if (task.stage !== stage.stage || task.status !== 'open' || task.dueAt === null) continue;
      const dueAt = task.dueAt;
      const check = { type: 'plan_task_open' as const, planId: input.planId, taskId: task.id };
      const key = `${input.planId}:task:${task.id}:v${task.dueVersion}`;
      for (const reminder of reminderSchedule(dueAt, policy, calendar, Number.NEGATIVE_INFINITY)) {
        if (task.remindersSent.includes(reminder.offsetMs)) continue;
        if (reminder.at > now) {
          later(reminder.at);
          continue;
        }
        task.remindersSent.push(reminder.offsetMs);
        // A reminder whose moment passed after the due time has nothing left to remind of.
        if (now < dueAt && input.recipients.stationLeadId) {
          due.push({ key: `${key}:due:${reminder.offsetMs}`, workflowId, recipientId: input.recipients.stationLeadId, kind: 'task_due', data: taskData(task), dueAt: reminder.at, check });
        }
      }
      const overdueAt = overdueReminderAt(dueAt, task.overdueRounds, policy, calendar);
      if (overdueAt !== undefined) {
        if (overdueAt <= now) {
          const round = task.overdueRounds;
          task.overdueRounds += 1;
          if (input.recipients.stationLeadId) {
            const daysOverdue = Math.floor((now - dueAt) / (input.schedule.mode === 'compressed' ? input.schedule.dayMs : 86_400_000));
            due.push({ key: `${key}:overdue:${round}`, workflowId, recipientId: input.recipients.stationLeadId, kind: 'task_overdue', data: { ...taskData(task), daysOverdue, round: round + 1 }, dueAt: overdueAt, check });
          }
        } else {
          later(overdueAt);
        }
      }
      const escalation = escalationAt(dueAt, task.escalationRounds, policy, calendar);
      if (escalation) {
        if (escalation.at <= now) {
          task.escalationRounds += 1;
          const recipientId = recipientFor(escalation.step);
          if (recipientId) {
            due.push({ key: `${key}:escalation:${escalation.round}`, workflowId, recipientId, kind: 'escalation', data: { ...taskData(task), round: escalation.round + 1, step: escalation.step }, dueAt: escalation.at, check });
          }
        } else {
          later(escalation.at);
        }
      }
    }

    if (stage.status === 'awaiting_sign_off' && stage.signOffRequestedAt !== null) {
      const round = stage.signOffRounds;
      const at = nextAllowedTime(stage.signOffRequestedAt + round * input.signOffReminderMs, policy, calendar);
      if (at <= now) {
        stage.signOffRounds += 1;
        due.push({
            key: `${input.planId}:stage:${stage.stage}:v${stage.signOffVersion}:sign-off:${round}`, workflowId, recipientId: input.recipients.supervisorId,
            kind: 'sign_off_requested', data: { ...baseData(stage.stage), round, waitingSinceAt: stage.signOffRequestedAt }, dueAt: at,
            check: { type: 'plan_stage_awaiting_sign_off', planId: input.planId, stage: stage.stage },
        });
      } else {
        later(at);
      }
    }

    if (stage.stage === 'supervise') {
      for (const visit of state.visits) {
        if (visit.status !== 'scheduled' || visit.dueAt === null) continue;
        const dueAt = visit.dueAt;
        for (const reminder of reminderSchedule(dueAt, policy, calendar, Number.NEGATIVE_INFINITY)) {
          if (visit.remindersSent.includes(reminder.offsetMs)) continue;
          if (reminder.at > now) {
            later(reminder.at);
            continue;
          }
          visit.remindersSent.push(reminder.offsetMs);
          if (now < dueAt) {
            due.push({
                key: `${input.planId}:visit:${visit.no}:v${visit.dueVersion}:due:${reminder.offsetMs}`, workflowId, recipientId: input.recipients.supervisorId,
                kind: 'task_due', data: { ...baseData('supervise'), visitNo: visit.no, taskTitleZh: `第${visit.no}次督导走访`, taskTitleEn: `Supervision visit ${visit.no}`, dueAt }, dueAt: reminder.at,
            });
          }
        }
      }
    }
    return { due, nextAt };
  }

  await firstMirror;
  setStageAttribute(state.status === 'running' || state.status === 'paused' ? state.currentStage ?? 'guide' : state.status);
  log.info('station plan running', { workflowId, planId: input.planId, stage: state.currentStage });

  while (state.status === 'running' || state.status === 'paused') {
    if (state.status === 'paused') {
      await condition(() => state.status !== 'paused');
      continue;
    }
    // A reminder goes out only after the change that caused it is in the records store, whose
    // state check the notify activity reads.
    await condition(() => pendingMirrors === 0);
    const now = nowMs();
    const { due, nextAt } = collect(now);
    const sends = [...outbox.splice(0), ...due];
    if (sends.length > 0) {
      await Promise.all(sends.map(send));
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => pendingMirrors === 0 && allHandlersFinished());
      if (outbox.length === 0) await continueAsNew<typeof stationPlan>({ ...input, carried: state });
      continue;
    }
    const seen = version;
    if (nextAt === undefined) await condition(() => version !== seen);
    else await condition(() => version !== seen, Math.max(1, nextAt - now));
  }

  await condition(() => pendingMirrors === 0 && allHandlersFinished());
  await Promise.all(outbox.splice(0).map(send));
  log.info('station plan ended', { workflowId, planId: input.planId, status: state.status });
  return { planId: input.planId, status: state.status === 'completed' ? 'completed' : 'cancelled', report: state.report };
}
