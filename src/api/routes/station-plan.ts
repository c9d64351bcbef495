import { ApplicationFailure, type UpdateDefinition, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { inScope, scopedCommunityIds } from '../../store/repositories/org-unit.js';
import type { Principal } from '../../domain/principal.js';
import { ApiError, conflict, forbidden, notFound } from '../errors.js';
import { ALL_ROLES, route, type AppDeps } from '../route.js';
import { workflowUiUrl } from '../../runtime.js';
import { idSchema } from '../../schemas/common.js';
import {
  bulkStartView, cancelBody, completeTaskBody, evaluationBody, listPlansQuery, pauseBody, planSummaryView, planTaskView, planView,
  rescheduleBody, resumeBody, sendBackBody, signOffBody, stageSchema, startedPlanView, startPlanBody, startPlansBody, visitBody,
} from '../../schemas/station-plan.js';
import { PlanAlreadyRunningError, PlanStartError, startStationPlan, startStationPlans, updateStationPlan } from '../../services/station-plan.js';
import { recordAudit } from '../../store/repositories/audit.js';
import { getLatestPlan, listPlanSummaries, type PlanRecord } from '../../store/repositories/station-plan.js';
import { ErrorType } from '../../domain/errors.js';
import { planUpdates } from '../../../workflows/station-plan.messages.js';

// The three-stage station plan: supervisors start plans (one station or every operating one in
// scope), sign off, send back, record supervision visits and the evaluation, pause, resume,
// reschedule and cancel; station leads complete their own station's tasks. Reads come from the
// records store, never from Temporal per station.

const SUPERVISORS = ['admin', 'supervisor'] as const;
const communityParams = z.object({ communityId: idSchema });

async function assertCommunity(deps: AppDeps, principal: Principal, communityId: string) {
  const row = await deps.store.db.selectFrom('communities').select('id').where('id', '=', communityId).executeTakeFirst();
  if (!row || !(await inScope(deps.store.db, principal, communityId))) throw notFound(`community ${communityId}`);
}

function startError(error: unknown): unknown {
  if (error instanceof PlanAlreadyRunningError) {
    return conflict(`a station plan is already running for ${error.communityId}`, { workflowId: error.workflowId, runId: error.runId ?? null, planId: error.planId ?? null });
  }
  if (error instanceof PlanStartError) {
    return error.code === 'not_found' ? new ApiError('not_found', error.message) : conflict(error.message, { reason: error.code });
  }
  return error;
}

/** Maps a refused or impossible update to the API's answer, with the workflow's reason. */
function updateError(error: unknown, communityId: string): unknown {
  if (error instanceof WorkflowNotFoundError) return notFound(`running station plan for ${communityId}`);
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure) {
      if (cause.type === ErrorType.InvalidInput) return new ApiError('invalid_request', cause.message, [{ path: 'body', message: cause.message }]);
      if (cause.type === ErrorType.NotFound) return new ApiError('not_found', cause.message);
      return conflict(cause.message);
    }
    return conflict((cause as Error | undefined)?.message ?? error.message);
  }
  // An update to a plan that already ended.
  if (error instanceof Error && /workflow execution already completed/i.test(error.message)) return conflict(`the station plan for ${communityId} has ended`);
  return error;
}

/** Runs an update on the station's plan and audits it. */
async function planChange<Ret, Arg>(
  ctx: { deps: AppDeps; principal: Principal; requestId: string },
  communityId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  audit: { action: string; entityId?: string; after?: unknown },
): Promise<Ret> {
  let result: Ret;
  try {
    result = await updateStationPlan(ctx.deps, communityId, update, arg);
  } catch (error) {
    throw updateError(error, communityId);
  }
  await recordAudit(ctx.deps.store.db, {
    actor: ctx.principal.name, action: audit.action, entity: 'station_plan', entityId: audit.entityId ?? communityId,
    after: audit.after ?? arg, requestId: ctx.requestId,
  });
  return result;
}

/** The plan as the API shows it; viewers see its shape and progress, never who did what or what the evidence says. */
function planOut(plan: PlanRecord, viewer: boolean) {
  const { startedBy: _by, stationLeadId: _lead, supervisorId: _supervisor, revision: _revision, ...rest } = plan;
  if (!viewer) return rest;
  return {
    ...rest,
    cancellation: rest.cancellation ? { ...rest.cancellation, by: null } : null,
    stages: rest.stages.map((stage) => ({
      ...stage, signedOffBy: null, comments: null, sendBacks: stage.sendBacks.map((s) => ({ ...s, by: null, comments: null })),
    })),
    tasks: rest.tasks.map((task) => ({ ...task, completedBy: null, evidence: null })),
    visits: rest.visits.map((visit) => ({ ...visit, recordedBy: null, notes: null })),
    evaluation: rest.evaluation ? { scores: rest.evaluation.scores, average: rest.evaluation.average, at: rest.evaluation.at } : null,
    events: rest.events.map((event) => ({ ...event, by: null, detail: {} })),
  };
}

export const stationRoutes = [
  route({
    method: 'get',
    path: '/api/stations/plans',
    summary: 'The latest plan of every station in your scope, summarised (from the records store)',
    tag: 'stations',
    roles: ALL_ROLES,
    query: listPlansQuery,
    response: z.object({ items: z.array(planSummaryView) }),
    handler: async ({ deps, principal, query }) => {
      let ids = await scopedCommunityIds(deps.store.db, principal);
      if (query.streetId) {
        const inStreet = new Set((await deps.store.db.selectFrom('communities').select('id').where('street_id', '=', query.streetId).execute()).map((r) => r.id));
        ids = ids.filter((id) => inStreet.has(id));
      }
      return { items: await listPlanSummaries(deps.store.db, { communityIds: ids, status: query.status, stage: query.stage, now: deps.clock() }) };
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/plans',
    summary: 'Start plans for every operating station in your scope; one answer per station',
    tag: 'stations',
    roles: SUPERVISORS,
    body: startPlansBody,
    example: { startedOn: '2026-12-01' },
    response: bulkStartView,
    handler: async ({ deps, principal, body, requestId }) => {
      let ids = await scopedCommunityIds(deps.store.db, principal);
      if (body.streetId) {
        if (!(await inScope(deps.store.db, principal, body.streetId))) throw forbidden(`street ${body.streetId} is outside your scope`);
        const inStreet = new Set((await deps.store.db.selectFrom('communities').select('id').where('street_id', '=', body.streetId).execute()).map((r) => r.id));
        ids = ids.filter((id) => inStreet.has(id));
      }
      const items = await startStationPlans(deps, { communityIds: ids, startedOn: body.startedOn, actor: principal.name, requestId });
      return {
        items,
        started: items.filter((item) => item.outcome === 'started').length,
        alreadyRunning: items.filter((item) => item.outcome === 'already_running').length,
        failed: items.filter((item) => item.outcome === 'failed').length,
      };
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan',
    summary: 'Start the station\'s three-stage plan with the latest template (409 with the running plan\'s id if one runs)',
    tag: 'stations',
    roles: SUPERVISORS,
    params: communityParams,
    body: startPlanBody,
    example: { startedOn: '2026-12-01' },
    response: startedPlanView,
    status: 201,
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      try {
        const started = await startStationPlan(deps, { communityId: params.communityId, startedOn: body.startedOn, actor: principal.name, requestId });
        return { communityId: params.communityId, ...started, temporalUi: workflowUiUrl(deps.config, started.workflowId, deps.temporal) ?? null };
      } catch (error) {
        throw startError(error);
      }
    },
  }),
  route({
    method: 'get',
    path: '/api/stations/:communityId/plan',
    summary: 'The station\'s latest plan from the records store: stages, tasks with the work manual\'s guidance, visits, evaluation',
    tag: 'stations',
    roles: ALL_ROLES,
    // Evidence notes and who did what: reads are audited (viewers get neither).
    personalData: true,
    params: communityParams,
    response: planView,
    handler: async ({ deps, principal, params }) => {
      await assertCommunity(deps, principal, params.communityId);
      const plan = await getLatestPlan(deps.store.db, params.communityId);
      if (!plan) throw notFound(`station plan for ${params.communityId}`);
      return planOut(plan, principal.role === 'viewer');
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/tasks/:taskId/complete',
    summary: 'Complete a plan task with evidence (station leads: their own station)',
    tag: 'stations',
    roles: ['admin', 'supervisor', 'station_lead'],
    params: z.object({ communityId: idSchema, taskId: idSchema }),
    body: completeTaskBody,
    example: { evidence: { note: 'Post table and duty hours posted at the entrance', links: ['https://example.org/photos/posts.jpg'] } },
    response: planTaskView,
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.completeTask,
        { by: principal.name, workerId: principal.workerId, taskId: params.taskId, evidence: { note: body.evidence.note, links: body.evidence.links } },
        { action: 'complete_task', entityId: `${params.communityId}:${params.taskId}` });
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/stages/:stage/sign-off',
    summary: 'Sign off a stage (refused, with the open required tasks, while any is open)',
    tag: 'stations',
    roles: SUPERVISORS,
    params: z.object({ communityId: idSchema, stage: stageSchema }),
    body: signOffBody,
    example: { comments: 'Posts and needs assessment in order' },
    response: z.object({ stage: stageSchema, nextStage: stageSchema.nullable(), status: z.string() }),
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.signOff,
        { by: principal.name, workerId: principal.workerId, stage: params.stage, comments: body.comments ?? null },
        { action: 'sign_off', entityId: `${params.communityId}:${params.stage}` });
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/stages/:stage/send-back',
    summary: 'Send the current stage back with comments, reopening named tasks',
    tag: 'stations',
    roles: SUPERVISORS,
    params: z.object({ communityId: idSchema, stage: stageSchema }),
    body: sendBackBody,
    example: { comments: 'The post table lacks the duty hours', reopenTaskIds: ['guide-post-setup'] },
    response: z.object({ stage: stageSchema, reopened: z.array(z.string()) }),
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.sendBack,
        { by: principal.name, workerId: principal.workerId, stage: params.stage, comments: body.comments, reopenTaskIds: body.reopenTaskIds, dueInWorkingDays: body.dueInWorkingDays },
        { action: 'send_back', entityId: `${params.communityId}:${params.stage}` });
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/visits',
    summary: 'Record a supervision visit (supervise stage): notes, and follow-up actions that become tasks',
    tag: 'stations',
    roles: SUPERVISORS,
    params: communityParams,
    body: visitBody,
    example: { notes: 'Reviewed the case files with the station lead', followUps: [{ title: 'Update the resident register', required: true, dueInWorkingDays: 10 }] },
    response: z.object({ visitNo: z.number(), followUpTaskIds: z.array(z.string()) }),
    status: 201,
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.recordVisit,
        { by: principal.name, workerId: principal.workerId, visitNo: body.visitNo, notes: body.notes, followUps: body.followUps },
        { action: 'record_visit' });
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/evaluation',
    summary: 'Record the plan\'s evaluation: a score from 1 to 5 for each of the four main tasks, with comments',
    tag: 'stations',
    roles: SUPERVISORS,
    params: communityParams,
    body: evaluationBody,
    example: { scores: { post_building: 4, talent_training: 3, resource_linkage: 5, professional_services: 4 }, comments: 'Strong resource linkage; training to deepen' },
    response: z.object({ scores: z.record(z.string(), z.number()), average: z.number(), comments: z.string(), by: z.string(), at: z.number() }),
    status: 201,
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.submitEvaluation,
        { by: principal.name, workerId: principal.workerId, scores: body.scores, comments: body.comments },
        { action: 'evaluate' });
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/pause',
    summary: 'Pause the plan: no reminders, and due dates stop counting until it resumes',
    tag: 'stations',
    roles: SUPERVISORS,
    params: communityParams,
    body: pauseBody,
    example: { reason: 'Station closed for renovation' },
    response: z.object({ status: z.string(), pausedAt: z.string() }),
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.pause,
        { by: principal.name, workerId: principal.workerId, reason: body.reason ?? null }, { action: 'pause' });
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/resume',
    summary: 'Resume a paused plan; open due dates move by the time it was paused',
    tag: 'stations',
    roles: SUPERVISORS,
    params: communityParams,
    body: resumeBody,
    example: {},
    response: z.object({ status: z.string(), shiftedMs: z.number() }),
    handler: async ({ deps, principal, params, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.resume,
        { by: principal.name, workerId: principal.workerId }, { action: 'resume' });
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/reschedule',
    summary: 'Move every open due date by a number of working days',
    tag: 'stations',
    roles: SUPERVISORS,
    params: communityParams,
    body: rescheduleBody,
    example: { deltaWorkingDays: 5, reason: 'Spring Festival' },
    response: z.object({ shiftedTasks: z.array(z.string()), shiftedVisits: z.array(z.number()) }),
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.reschedule,
        { by: principal.name, workerId: principal.workerId, deltaWorkingDays: body.deltaWorkingDays, reason: body.reason ?? null }, { action: 'reschedule' });
    },
  }),
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/cancel',
    summary: 'Cancel the plan (recorded; reminders stop)',
    tag: 'stations',
    roles: SUPERVISORS,
    params: communityParams,
    body: cancelBody,
    example: { reason: 'Station merged with its neighbour' },
    response: z.object({ status: z.string() }),
    handler: async ({ deps, principal, params, body, requestId }) => {
      await assertCommunity(deps, principal, params.communityId);
      return planChange({ deps, principal, requestId }, params.communityId, planUpdates.cancel,
        { by: principal.name, workerId: principal.workerId, reason: body.reason }, { action: 'cancel' });
    },
  }),
];
