import { z } from 'zod';
import { getWorker } from '../../store/repositories/worker.js';
import { workerLadder } from '../../store/repositories/training-cycle.js';
import {
  assessmentSchema, attendanceSchema, cancelSchema, cancelSessionSchema, checkInSchema, cycleParams, cycleSummaryView, cycleView,
  ladderView, launchCycleSchema, launchedView, listCyclesQuery, moveSessionSchema, participantsSchema, sessionParams, workerParams,
} from '../../schemas/training-cycle.js';
import * as service from '../../services/training-cycle.js';
import { notFound } from '../errors.js';
import { ALL_ROLES, route } from '../route.js';
import { assertCanSeeWorker } from './directory.js';

const MANAGERS = ['admin', 'supervisor'] as const;
const RECORDERS = ['admin', 'supervisor', 'station_lead'] as const;

const exampleSession = (n: number, dimension: string) => ({
  dimension, level: 1, startsAt: `2027-03-0${n}T09:00:00+08:00`, endsAt: `2027-03-0${n}T11:30:00+08:00`,
  place: '展览路街道社会工作服务中心', trainer: '中心督导', capacity: 40,
});

export const trainingRoutes = [
  route({
    method: 'post',
    path: '/api/training-cycles',
    summary: 'Launch a training cycle: validates everything and answers every problem at once, starting nothing unless all is well',
    tag: 'training',
    roles: MANAGERS,
    body: launchCycleSchema,
    example: {
      name: '2027 春季六维阶梯培训',
      cohort: { stationIds: ['cn-bj-xicheng-zhanlanlu-wanmingyuan', 'cn-bj-xicheng-zhanlanlu-yushuguan'] },
      sessions: [exampleSession(2, 'party_policy'), exampleSession(4, 'professional_methods')],
      assessment: { passMark: 60, retakeWindowSeconds: 1_209_600 },
      reminderPolicy: { offsetsSeconds: [86_400, 3_600], quietHours: { start: '21:00', end: '08:00' }, workingDaysOnly: true },
    },
    response: launchedView,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => service.launchCycle(deps, principal, body, requestId),
  }),
  route({
    method: 'get',
    path: '/api/training-cycles',
    summary: 'Training cycles you can see, newest first',
    tag: 'training',
    roles: ALL_ROLES,
    query: listCyclesQuery,
    response: z.object({ items: z.array(cycleSummaryView) }),
    handler: async ({ deps, principal, query }) => ({ items: await service.listVisibleCycles(deps, principal, query) }),
  }),
  route({
    method: 'get',
    path: '/api/training-cycles/:id',
    summary: 'A cycle and its progress from the records store (participants only for roles that may see them)',
    tag: 'training',
    roles: ALL_ROLES,
    params: cycleParams,
    response: cycleView,
    handler: async ({ deps, principal, params }) => service.cycleDetail(deps, principal, params.id),
  }),
  route({
    method: 'post',
    path: '/api/training-cycles/:id/participants',
    summary: 'Add workers (or whole stations) to a running cycle, or withdraw them',
    tag: 'training',
    roles: MANAGERS,
    params: cycleParams,
    body: participantsSchema,
    example: { add: { workerIds: ['w-fuwaixi-sw1'] }, withdraw: ['w-wanmingyuan-sw2'], reason: '岗位调整' },
    response: z.object({ added: z.array(z.string()), withdrawn: z.array(z.string()) }),
    handler: async ({ deps, principal, params, body, requestId }) => service.changeParticipants(deps, principal, params.id, body, requestId),
  }),
  route({
    method: 'post',
    path: '/api/training-cycles/:id/attendance',
    summary: "Record a session's attendance (trainers, station leads for their own workers, supervisors)",
    tag: 'training',
    roles: RECORDERS,
    params: cycleParams,
    body: attendanceSchema,
    example: { sessionId: 'cyc-example-s1', records: [{ workerId: 'w-wanmingyuan-sw1', status: 'present' }, { workerId: 'w-wanmingyuan-sw2', status: 'excused' }] },
    response: z.object({ sessionId: z.string(), recorded: z.array(z.object({ sessionId: z.string(), workerId: z.string(), status: z.string(), recordedBy: z.string() })) }),
    handler: async ({ deps, principal, params, body, requestId }) => service.recordAttendance(deps, principal, params.id, body, requestId),
  }),
  route({
    method: 'post',
    path: '/api/training-cycles/:id/assessments',
    summary: "Record an assessment of a worker's dimension-level: a pass promotes, a first fail opens one retake",
    tag: 'training',
    roles: RECORDERS,
    params: cycleParams,
    body: assessmentSchema,
    example: { workerId: 'w-wanmingyuan-sw1', dimension: 'party_policy', level: 1, score: 82 },
    response: z.object({ workerId: z.string(), attempt: z.number(), passed: z.boolean(), trackStatus: z.string(), promotedTo: z.number().nullable(), coachingFlag: z.string().nullable() }),
    handler: async ({ deps, principal, params, body, requestId }) => service.recordAssessment(deps, principal, params.id, body, requestId),
  }),
  route({
    method: 'post',
    path: '/api/training-cycles/:id/check-in',
    summary: 'Check in to your own session, from shortly before it starts until it ends',
    tag: 'training',
    roles: ['social_worker', 'station_lead'],
    params: cycleParams,
    body: checkInSchema,
    example: { sessionId: 'cyc-example-s1' },
    response: z.object({ sessionId: z.string(), workerId: z.string(), status: z.string(), recordedBy: z.string() }),
    handler: async ({ deps, principal, params, body, requestId }) => service.checkIn(deps, principal, params.id, body.sessionId, requestId),
  }),
  route({
    method: 'post',
    path: '/api/training-cycles/:id/cancel',
    summary: "Cancel a running cycle: every ladder's reminders stop and the cancellation is recorded",
    tag: 'training',
    roles: MANAGERS,
    params: cycleParams,
    body: cancelSchema,
    example: { reason: '疫情防控，培训暂停' },
    response: z.object({ cycleId: z.string(), status: z.literal('cancelled'), laddersSignalled: z.number() }),
    handler: async ({ deps, principal, params, body, requestId }) => service.cancelCycle(deps, principal, params.id, body.reason, requestId),
  }),
  route({
    method: 'post',
    path: '/api/training-cycles/:id/sessions/:sessionId/move',
    summary: "Move a session that has not started; every affected worker's reminders follow",
    tag: 'training',
    roles: MANAGERS,
    params: sessionParams,
    body: moveSessionSchema,
    example: { startsAt: '2027-03-09T09:00:00+08:00', endsAt: '2027-03-09T11:30:00+08:00', reason: '讲师时间冲突' },
    response: z.object({ sessionId: z.string(), status: z.enum(['moved', 'cancelled']), laddersSignalled: z.number() }),
    handler: async ({ deps, principal, params, body, requestId }) => service.moveSession(deps, principal, params.id, params.sessionId, body, requestId),
  }),
  route({
    method: 'post',
    path: '/api/training-cycles/:id/sessions/:sessionId/cancel',
    summary: 'Cancel a session that has not ended; its reminders stop for every worker taking it',
    tag: 'training',
    roles: MANAGERS,
    params: sessionParams,
    body: cancelSessionSchema,
    example: { reason: '场地不可用' },
    response: z.object({ sessionId: z.string(), status: z.enum(['moved', 'cancelled']), laddersSignalled: z.number() }),
    handler: async ({ deps, principal, params, body, requestId }) => service.cancelSession(deps, principal, params.id, params.sessionId, body.reason, requestId),
  }),
  route({
    method: 'get',
    path: '/api/workers/:workerId/ladder',
    summary: "A worker's ladder across all six dimensions (a social worker sees only their own)",
    tag: 'training',
    roles: ['admin', 'supervisor', 'station_lead', 'social_worker'],
    personalData: true,
    params: workerParams,
    response: ladderView,
    handler: async ({ deps, principal, params }) => {
      const worker = await getWorker(deps.store.db, params.workerId);
      if (!worker) throw notFound(`worker ${params.workerId}`);
      await assertCanSeeWorker(deps, principal, worker);
      return workerLadder(deps.store.db, worker.id);
    },
  }),
];
