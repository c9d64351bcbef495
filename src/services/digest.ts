import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import type { Logger } from 'pino';
import { DIGEST_WORKFLOW, type DigestInput } from '../../workflows/digest.messages.js';
import { officialCalendar } from '../calendar/official.js';
import type { Config } from '../config.js';
import type { WorkCalendar } from '../domain/calendar.js';
import { forbidden, invalid } from '../domain/errors.js';
import type { NotificationData } from '../domain/notifications.js';
import type { Principal } from '../domain/principal.js';
import { addDays, shanghaiDate } from '../domain/time.js';
import { workflowIds } from '../domain/workflow-ids.js';
import type { Store } from '../store/connect.js';
import { recordAudit } from '../store/repositories/audit.js';
import { putMeta } from '../store/repositories/meta.js';
import { inScope, scopedCommunityIds, subtreeIds } from '../store/repositories/org-unit.js';
import {
  communityIdsInStreet, countStagesAwaitingSignOff, digestRecipients, findStreet, operatingAsOf, overdueTasks, plansByStage, residentsServed,
  stationCounts, streetIdsOf, streetsWithCommunities, trainingCompletion, type PlansByStage, type TrainingCompletion,
} from '../store/repositories/report.js';
import { coverageReport } from './station-rollout.js';

// The weekly digest: a Temporal Schedule per street starts the `digest` workflow, which reads these
// figures through an activity and sends them to street leadership and center supervisors.

export const DIGEST_TIMEZONE = 'Asia/Shanghai';

export function digestScheduleId(streetId: string): string {
  return `digest:${streetId}`;
}

export interface DigestScheduleOptions {
  streetId: string;
  taskQueue: string;
  /** A cron expression in DIGEST_TIMEZONE; default config.DIGEST_CRON (Monday 09:00). */
  cron?: string;
  /** Instead of the cron: every N seconds (tests). */
  intervalSeconds?: number;
  /** Defaults to digest:<streetId>. */
  scheduleId?: string;
}

function scheduleDefinition(options: DigestScheduleOptions) {
  const spec: ScheduleSpec = options.intervalSeconds
    ? { intervals: [{ every: `${options.intervalSeconds} seconds` }] }
    : { cronExpressions: [options.cron ?? '0 9 * * 1'], timezone: DIGEST_TIMEZONE };
  const args: [DigestInput] = [{ streetId: options.streetId }];
  return {
    spec,
    action: {
      type: 'startWorkflow' as const,
      workflowType: DIGEST_WORKFLOW,
      // The schedule appends each action's scheduled time to this id: one workflow per period.
      workflowId: workflowIds.digest(options.streetId),
      taskQueue: options.taskQueue,
      args,
      // A digest that cannot run for a day (no worker) gives way to the next period's.
      workflowExecutionTimeout: '1 day',
    },
    policies: {
      // One digest per period: a period whose digest is still pending is not doubled up.
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: '1 day',
    },
  };
}

/**
 * Creates a street's digest schedule, or brings an existing one to the configured spec and task
 * queue (keeping it paused if someone paused it). Safe to run on every start.
 */
export async function ensureDigestSchedule(temporal: Client, options: DigestScheduleOptions): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = options.scheduleId ?? digestScheduleId(options.streetId);
  const definition = scheduleDefinition(options);
  try {
    await temporal.schedule.create({ scheduleId, ...definition, memo: { streetId: options.streetId } });
    return { scheduleId, created: true };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await temporal.schedule.getHandle(scheduleId).update((previous) => ({
    ...definition,
    state: { paused: previous.state.paused, note: previous.state.note },
  }));
  return { scheduleId, created: false };
}

export interface DigestDeps {
  store: Store;
  temporal: Client;
  config: Config;
  logger: Logger;
}

/** Every street's digest schedule, at start-up (a startup step). */
export async function ensureDigestSchedules(deps: DigestDeps): Promise<void> {
  for (const streetId of await streetsWithCommunities(deps.store.db)) {
    const result = await ensureDigestSchedule(deps.temporal, { streetId, taskQueue: deps.config.TEMPORAL_TASK_QUEUE, cron: deps.config.DIGEST_CRON });
    deps.logger.info({ streetId, scheduleId: result.scheduleId, created: result.created, cron: deps.config.DIGEST_CRON, timezone: DIGEST_TIMEZONE }, 'digest schedule ready');
  }
}

/** Runs a street's digest now, through its schedule (made first if missing). */
export async function triggerDigest(deps: Pick<DigestDeps, 'temporal' | 'config'>, streetId: string): Promise<{ scheduleId: string }> {
  const handle = deps.temporal.schedule.getHandle(digestScheduleId(streetId));
  try {
    await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await ensureDigestSchedule(deps.temporal, { streetId, taskQueue: deps.config.TEMPORAL_TASK_QUEUE, cron: deps.config.DIGEST_CRON });
    await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  }
  return { scheduleId: handle.scheduleId };
}

/**
 * Runs the digest now for a principal: one street (a street in scope), or every street with
 * communities in scope. Each trigger is audited.
 */
export async function runDigestNow(
  deps: Pick<DigestDeps, 'store' | 'temporal' | 'config'>, principal: Principal, streetId: string | undefined, requestId?: string,
): Promise<{ triggered: Array<{ streetId: string; scheduleId: string }> }> {
  const { db } = deps.store;
  let streets: string[];
  if (streetId) {
    if (!(await findStreet(db, streetId))) {
      throw invalid([{ path: 'body.streetId', message: 'not a street' }], { reason: 'street_unknown', values: { streetId } });
    }
    if (!(await inScope(db, principal, streetId))) throw forbidden(`street ${streetId} is outside your scope`, { reason: 'street_out_of_scope', values: { streetId } });
    streets = [streetId];
  } else {
    streets = await streetIdsOf(db, await scopedCommunityIds(db, principal));
  }
  if (streets.length === 0) {
    throw invalid([{ path: 'body.streetId', message: 'nothing to send a digest for' }], { reason: 'no_street_in_scope' });
  }
  const triggered: Array<{ streetId: string; scheduleId: string }> = [];
  for (const street of streets) {
    const { scheduleId } = await triggerDigest(deps, street);
    await recordAudit(db, { actor: principal.name, action: 'trigger', entity: 'digest_schedule', entityId: scheduleId, after: { streetId: street }, requestId });
    triggered.push({ streetId: street, scheduleId });
  }
  return { triggered };
}

export const digestStartupStep = { name: 'digest schedules', run: ensureDigestSchedules };

// ── content ────────────────────────────────────────────────────────────────────────────────

export interface DigestContent {
  streetId: string;
  street: { zh: string; en: string };
  period: string;
  /** The Asia/Shanghai date of the period. */
  weekOf: string;
  coverage: { operating: number; total: number; remaining: number; operatingWeekAgo: number; change: number };
  slippingMilestones: Array<{ communityId: string; name: { zh: string; en: string }; milestone: string; targetDate: string; workingDaysLate: number }>;
  plansByStage: PlansByStage;
  stagesAwaitingSignOff: number;
  overdueTasks: number;
  trainingCompletion: TrainingCompletion[];
  residentsServed: { total: number; lastWeek: number };
  calendar: { source: string; coversYear: boolean; note: string | null };
}

/** The digest's figures for a street as of an instant: records store only. */
export async function digestContent(store: Store, streetId: string, asOf: Date, calendar: WorkCalendar = officialCalendar()): Promise<DigestContent> {
  const { db } = store;
  const today = shanghaiDate(asOf);
  const weekAgo = addDays(today, -7);
  const units = await subtreeIds(db, streetId);
  const communities = await communityIdsInStreet(db, streetId);
  const street = await findStreet(db, streetId);
  const coverage = await coverageReport(store, communities, today, { personal: false, calendar });
  const counts = await stationCounts(db, communities);
  const weekAgoOperating = await operatingAsOf(db, communities, weekAgo);
  const served = await residentsServed(db, communities);
  const servedLastWeek = await residentsServed(db, communities, { since: weekAgo });
  return {
    streetId,
    street: { zh: street?.name.zh ?? streetId, en: street?.name.en ?? streetId },
    period: asOf.toISOString(),
    weekOf: today,
    coverage: { operating: counts.operating, total: counts.communities, remaining: counts.communities - counts.operating, operatingWeekAgo: weekAgoOperating, change: counts.operating - weekAgoOperating },
    slippingMilestones: coverage.communities.flatMap((c) => {
      const rollout = c.rollout;
      if (!rollout || rollout.status !== 'running' || rollout.health !== 'late' || !rollout.currentMilestone) return [];
      const milestone = rollout.milestones.find((m) => m.milestone === rollout.currentMilestone)!;
      return [{ communityId: c.communityId, name: c.name, milestone: milestone.milestone, targetDate: milestone.targetDate, workingDaysLate: rollout.workingDaysLate }];
    }),
    plansByStage: await plansByStage(db, communities),
    stagesAwaitingSignOff: await countStagesAwaitingSignOff(db, communities),
    overdueTasks: (await overdueTasks(db, communities, asOf, 0)).count,
    trainingCompletion: await trainingCompletion(db, units),
    residentsServed: { total: served.total, lastWeek: servedLastWeek.total },
    calendar: coverage.calendar,
  };
}

const MILESTONE_NAMES: Record<string, { zh: string; en: string }> = {
  site: { zh: '选址', en: 'site' },
  staffing: { zh: '人员配备', en: 'staffing' },
  fit_out: { zh: '装修布置', en: 'fit-out' },
  opening: { zh: '开站运营', en: 'opening' },
};

/**
 * The digest as flat template data (zh and en variants where the wording differs). Every figure the
 * digest carries is here, so a template can show any of them.
 */
export function digestData(content: DigestContent): NotificationData {
  const c = content.coverage;
  const sign = (n: number) => (n > 0 ? `+${n}` : String(n));
  const slippingZh = content.slippingMilestones.map((s) => `${s.name.zh}（${MILESTONE_NAMES[s.milestone]?.zh ?? s.milestone}，目标 ${s.targetDate}，延误 ${s.workingDaysLate} 个工作日）`).join('；');
  const slippingEn = content.slippingMilestones.map((s) => `${s.name.en} (${MILESTONE_NAMES[s.milestone]?.en ?? s.milestone}, due ${s.targetDate}, ${s.workingDaysLate} working day(s) late)`).join('; ');
  const p = content.plansByStage;
  const training = content.trainingCompletion;
  const trainingZh = training.map((t) => `${t.name.zh} ${Math.round(t.completionRate * 100)}%`).join('，');
  const trainingEn = training.map((t) => `${t.name.en} ${Math.round(t.completionRate * 100)}%`).join(', ');
  const year = content.weekOf.slice(0, 4);
  return {
    streetId: content.streetId,
    streetName: content.street.zh,
    streetNameZh: content.street.zh,
    streetNameEn: content.street.en,
    period: content.period,
    weekOf: content.weekOf,
    operating: c.operating,
    total: c.total,
    remaining: c.remaining,
    operatingWeekAgo: c.operatingWeekAgo,
    coverageChange: sign(c.change),
    coverageChangeZh: `较上周 ${sign(c.change)}`,
    coverageChangeEn: `${sign(c.change)} since last week`,
    slippingCount: content.slippingMilestones.length,
    slippingMilestones: slippingZh || null,
    slippingMilestonesZh: slippingZh || null,
    slippingMilestonesEn: slippingEn || null,
    plansByStage: `指导 ${p.guide}，支持 ${p.support}，督导 ${p.supervise}，已完成 ${p.completed}，未启动 ${p.notStarted}`,
    plansByStageZh: `指导 ${p.guide}，支持 ${p.support}，督导 ${p.supervise}，已完成 ${p.completed}，未启动 ${p.notStarted}`,
    plansByStageEn: `guide ${p.guide}, support ${p.support}, supervise ${p.supervise}, completed ${p.completed}, not started ${p.notStarted}`,
    stagesAwaiting: content.stagesAwaitingSignOff > 0 ? content.stagesAwaitingSignOff : null,
    overdueTasks: content.overdueTasks,
    trainingCompletion: trainingZh || null,
    trainingCompletionZh: trainingZh || null,
    trainingCompletionEn: trainingEn || null,
    residentsServed: content.residentsServed.total,
    residentsServedLastWeek: content.residentsServed.lastWeek,
    calendarCovered: content.calendar.coversYear,
    calendarNote: content.calendar.coversYear ? null : `官方工作日历未覆盖 ${year} 年，暂按周一至周五计算工作日。`,
    calendarNoteZh: content.calendar.coversYear ? null : `官方工作日历未覆盖 ${year} 年，暂按周一至周五计算工作日。`,
    calendarNoteEn: content.calendar.note,
  };
}

/** Who gets a street's digest: its leadership and center supervisors. */
export async function digestRecipientsOf(store: Store, streetId: string): Promise<string[]> {
  return digestRecipients(store.db, await subtreeIds(store.db, streetId));
}

/** Keeps the last digest per street for the dashboard; a retry writes the same value. */
export async function keepLastDigest(store: Store, content: DigestContent): Promise<void> {
  await putMeta(store.db, `digest:last:${content.streetId}`, content);
}
