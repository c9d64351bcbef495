import {
  allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, setHandler, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { rejectIf } from './refusal.js';
import type { NotifyRequest } from '../src/domain/notifications.js';
import { initialPlanState, type StationPlanInput } from '../src/domain/station-plan.js';
import {
  cancel, completeTask, emptyChange, pause, recordVisit, reschedule, resume, sendBack, signOff, submitEvaluation, type PlanChange, type PlanOutcome,
} from '../src/domain/station-plan-machine.js';
import { PlanMirrorLog } from '../src/domain/station-plan-mirror-log.js';
import type { PlanContext } from '../src/domain/station-plan-notices.js';
import { collectDueNotices } from '../src/domain/station-plan-scheduler.js';
import {
  cancelRejection, completeTaskRejection, evaluationRejection, pauseRejection, recordVisitRejection, rescheduleRejection, resumeRejection,
  sendBackRejection, signOffRejection,
} from '../src/domain/station-plan-validators.js';
import { planStatusView, stageAttribute } from '../src/domain/station-plan-view.js';
import { NOTIFY_ACTIVITY, RECORDS_ACTIVITY } from './activity-options.js';
import { nowMs } from './clock.js';
import { planQueries, planSignals, planUpdates, STAGE_SEARCH_ATTRIBUTE, type StationPlanResult } from './station-plan.messages.js';

const { notify } = proxyActivities<Activities>(NOTIFY_ACTIVITY);
const { mirrorPlan } = proxyActivities<Activities>(RECORDS_ACTIVITY);

/** Escalation rounds are mirrored to the records store as they are sent (the overdue list shows them). */
const MIRROR_ESCALATIONS_PATCH = 'station-plan-mirror-escalations';
/**
 * Rounds missed by a back-dated plan or a long outage catch up with the latest one, not a burst of
 * every missed round (a plan started years back sent thousands). Runs started before keep sending
 * each round, so their histories replay.
 */
const CATCH_UP_LATEST_PATCH = 'station-plan-catch-up-latest';

/**
 * The three-stage station plan: guide → support → supervise. The rules — what each update
 * changes, when it is refused, what falls due when — live in src/domain/station-plan-*.ts; this
 * shell registers the handlers, mirrors every change to the records store through `mirrorPlan`
 * (serialised, and before an update answers), and runs the scheduler loop that sleeps until the
 * next reminder is due or the state changes.
 */
export async function stationPlan(input: StationPlanInput): Promise<StationPlanResult> {
  const workflowId = workflowInfo().workflowId;
  const catchUp = patched(CATCH_UP_LATEST_PATCH) ? 'latest' : 'each';
  const carried = input.carried !== undefined;
  const state = input.carried ?? initialPlanState(input, nowMs());
  // The service's first snapshot is revision 0; the workflow's writes all come after it.
  if (!carried) state.revision = Math.max(state.revision, 1);
  const plan: PlanContext = { input, workflowId };
  const changes = new PlanMirrorLog(state, carried);
  /** One-off notifications changes asked for; the loop sends them once the mirror is written. */
  const outbox: NotifyRequest[] = [];
  /** Bumped on every change; the scheduler wakes when it moves. */
  let version = 0;
  let pendingMirrors = 0;
  let chain: Promise<void> = Promise.resolve();

  function mirror(): Promise<void> {
    pendingMirrors += 1;
    const run = chain.then(async () => {
      await mirrorPlan(changes.take(state, input, workflowId));
    }).finally(() => {
      pendingMirrors -= 1;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function setStageAttribute(value: string) {
    upsertSearchAttributes([{ key: { name: STAGE_SEARCH_ATTRIBUTE, type: 'KEYWORD' }, value }]);
  }

  function apply(change: PlanChange) {
    changes.record(change);
    outbox.push(...change.notices);
    if (change.stageAttribute) setStageAttribute(change.stageAttribute);
    version += 1;
    state.revision += 1;
  }

  /** Applies an update's change, waits until the records store has it, and answers. */
  async function commit<T>({ change, answer }: PlanOutcome<T>): Promise<T> {
    apply(change);
    await mirror();
    return answer;
  }

  // The first write is queued before any handler can queue one, so it lands first.
  const firstMirror = mirror();

  // Handlers: registered before the first await, so nothing sent early is lost.
  setHandler(planQueries.getStatus, () => planStatusView(state, input, workflowId));
  setHandler(planUpdates.completeTask, (request) => commit(completeTask(state, plan, request, nowMs())),
    { validator: (request) => rejectIf(completeTaskRejection(state, request)) });
  setHandler(planUpdates.signOff, (request) => commit(signOff(state, plan, request, nowMs())),
    { validator: (request) => rejectIf(signOffRejection(state, request)) });
  setHandler(planUpdates.sendBack, (request) => commit(sendBack(state, plan, request, nowMs())),
    { validator: (request) => rejectIf(sendBackRejection(state, request)) });
  setHandler(planUpdates.recordVisit, (request) => commit(recordVisit(state, plan, request, nowMs())),
    { validator: (request) => rejectIf(recordVisitRejection(state, request)) });
  setHandler(planUpdates.submitEvaluation, (request) => commit(submitEvaluation(state, plan, request, nowMs())),
    { validator: (request) => rejectIf(evaluationRejection(state, request)) });
  setHandler(planUpdates.pause, (request) => commit(pause(state, plan, request, nowMs())),
    { validator: (_request) => rejectIf(pauseRejection(state)) });
  setHandler(planUpdates.resume, (request) => commit(resume(state, plan, request, nowMs())),
    { validator: (_request) => rejectIf(resumeRejection(state)) });
  setHandler(planUpdates.reschedule, (request) => commit(reschedule(state, plan, request, nowMs())),
    { validator: (request) => rejectIf(rescheduleRejection(state, request)) });
  setHandler(planUpdates.cancel, (request) => commit(cancel(state, plan, request, nowMs())),
    { validator: (request) => rejectIf(cancelRejection(state, request)) });
  setHandler(planSignals.cancel, (request) => {
    const problem = cancelRejection(state, request);
    if (problem) {
      log.warn('cancel signal ignored', { workflowId, reason: problem.message });
      return;
    }
    apply(cancel(state, plan, request, nowMs()).change);
    void mirror();
  });

  function send(request: NotifyRequest): Promise<void> {
    return notify(request).then(
      () => undefined,
      (error: unknown) => log.warn('notification failed', { workflowId, key: request.key, error: String(error) }),
    );
  }

  await firstMirror;
  setStageAttribute(stageAttribute(state));
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
    const { due, nextAt, escalated } = collectDueNotices(state, plan, now, { catchUp });
    if (escalated.length > 0 && patched(MIRROR_ESCALATIONS_PATCH)) {
      changes.record({ ...emptyChange(), tasks: escalated });
      state.revision += 1;
      void mirror();
    }
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
