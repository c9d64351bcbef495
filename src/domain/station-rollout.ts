import { ErrorType, refuse, type Rejection } from './errors.js';
import type { WorkCalendar } from './calendar.js';
import type { ReminderPolicy } from './reminders.js';
import { shanghaiDate } from './time.js';
import { MILESTONES, type Milestone } from './types.js';
import { workflowIds } from './workflow-ids.js';

// A station rollout's rules, as pure functions over its state: milestones site → staffing →
// fit_out → opening, completed in order with evidence, replanned with a reason. The stationRollout
// workflow holds the state and calls these; its handlers only add Temporal around them.

export interface MilestonePlan {
  milestone: Milestone;
  /** YYYY-MM-DD (Asia/Shanghai): the date people plan by and see. */
  targetDate: string;
  /** The instant the milestone is due (epoch ms): the target date's end of day, or seconds away in tests. */
  dueAt: number;
  /** The worker who owns the milestone; null sends its reminders to the center supervisors. */
  owner: string | null;
}

export interface MilestoneEvidence {
  note: string;
  links: string[];
}

export interface MilestoneReplan {
  from: string;
  to: string;
  reason: string;
  by: string;
  /** Epoch ms. */
  at: number;
}

export interface MilestoneProgress extends MilestonePlan {
  status: 'pending' | 'done';
  completedAt: number | null;
  completedBy: string | null;
  evidence: MilestoneEvidence | null;
  replans: MilestoneReplan[];
}

export type CommunityName = { zh: string; en: string };

export interface StationRolloutInput {
  communityId: string;
  /** All four milestones, in order, with non-decreasing targets. */
  milestones: MilestonePlan[];
  reminderPolicy: ReminderPolicy;
  calendar: WorkCalendar;
  /** The street's full-coverage date this rollout was planned toward, if any. */
  targetFullCoverage: string | null;
  /** Carried over by continue-as-new: progress so far. */
  carried?: { milestones: MilestoneProgress[]; communityName: CommunityName | null };
}

export interface StationRolloutStatus {
  communityId: string;
  currentMilestone: Milestone | null;
  milestones: MilestoneProgress[];
  /** The Asia/Shanghai date the station opened, once it has. */
  openedOn: string | null;
  /** The station plan started on opening. */
  stationPlanWorkflowId: string | null;
  /** Set once the rollout is cancelled: it follows no milestone and opens nothing after that. */
  cancellation?: RolloutCancellation | null;
}

/** Why and by whom a rollout was cancelled; `at` is epoch ms. */
export interface RolloutCancellation {
  reason: string;
  by: string;
  at: number;
}

export interface CancelRolloutRequest {
  reason: string;
  /** Who cancels it (the principal's name). */
  by: string;
}

export interface CompleteMilestoneRequest {
  milestone: Milestone;
  /** Who completed it (the principal's name). */
  by: string;
  evidence: MilestoneEvidence;
}

export interface ReplanMilestoneRequest {
  milestone: Milestone;
  targetDate: string;
  dueAt: number;
  reason: string;
  by: string;
}

/** A milestone as a caller asks for it, before it becomes a plan with a due instant. */
export interface MilestoneRequest {
  milestone: Milestone;
  targetDate: string;
  owner: string | null;
  /** Overrides the due instant (tests: seconds from now); otherwise the target date's end of day. */
  dueAt?: number;
}

/** What the workflow holds while it runs. */
export interface RolloutState {
  communityId: string;
  milestones: MilestoneProgress[];
  communityName: CommunityName | null;
  /** Whether the records store has the rollout's rows (updates wait for it). */
  mirrored: boolean;
  openedOn: string | null;
  stationPlanWorkflowId: string | null;
  /** Bumped by every replan so the milestone being followed recomputes its timers. */
  planVersion: number;
  /** Milestones with an update in flight: a second update for the same one is refused meanwhile. */
  busy: Set<Milestone>;
  /** Set by a cancellation: the workflow stops following milestones and ends without opening. */
  cancellation: RolloutCancellation | null;
}

export type { Rejection };

export function initialRolloutState(input: StationRolloutInput): RolloutState {
  return {
    communityId: input.communityId,
    milestones: input.carried?.milestones ?? input.milestones.map((m) => ({
      ...m, status: 'pending', completedAt: null, completedBy: null, evidence: null, replans: [],
    })),
    communityName: input.carried?.communityName ?? null,
    mirrored: input.carried !== undefined,
    openedOn: null,
    stationPlanWorkflowId: null,
    planVersion: 0,
    busy: new Set(),
    cancellation: null,
  };
}

/** The input of the next run when the workflow continues as new: the same plan, with progress so far. */
export function carriedInput(input: StationRolloutInput, state: RolloutState): StationRolloutInput {
  return { ...input, carried: { milestones: state.milestones, communityName: state.communityName } };
}

export function findMilestone(state: RolloutState, name: Milestone): MilestoneProgress | undefined {
  return state.milestones.find((m) => m.milestone === name);
}

/** The first milestone not yet done: the one reminders and escalations follow. */
export function currentMilestone(state: RolloutState): MilestoneProgress | undefined {
  return state.milestones.find((m) => m.status === 'pending');
}

export function rolloutStatusView(state: RolloutState): StationRolloutStatus {
  return {
    communityId: state.communityId,
    currentMilestone: currentMilestone(state)?.milestone ?? null,
    milestones: state.milestones,
    openedOn: state.openedOn,
    stationPlanWorkflowId: state.stationPlanWorkflowId,
    cancellation: state.cancellation,
  };
}

const rejection = (reason: string, message: string, values: Record<string, unknown> = {}, type = ErrorType.Conflict): Rejection => refuse(type, reason, message, values);

/** Unknown, done or busy milestones refuse every change the same way. */
function changeRejection(state: RolloutState, name: Milestone, doneMessage: string): Rejection | MilestoneProgress {
  if (state.cancellation) return rejection('rollout_cancelled', `the rollout of ${state.communityId} was cancelled`, { communityId: state.communityId, milestone: name });
  const milestone = findMilestone(state, name);
  if (!milestone) {
    return rejection('milestone_unknown', `unknown milestone ${String(name)}; milestones are ${MILESTONES.join(', ')}`, { milestone: name }, ErrorType.NotFound);
  }
  if (milestone.status === 'done') return rejection('milestone_already_done', doneMessage, { milestone: name });
  if (state.busy.has(name)) {
    return rejection('milestone_busy', `milestone ${name} is being changed by another request; try again`, { milestone: name });
  }
  return milestone;
}

/** Why completing a milestone is refused now, or null: it must be current and carry an evidence note. */
export function completeMilestoneRejection(state: RolloutState, request: CompleteMilestoneRequest): Rejection | null {
  const found = changeRejection(state, request.milestone, `milestone ${request.milestone} is already done`);
  if ('reason' in found) return found;
  const first = currentMilestone(state);
  if (first && first.milestone !== request.milestone) {
    return rejection('milestone_out_of_order', `milestones complete in order: ${first.milestone} comes before ${request.milestone}`, {
      milestone: request.milestone, current: first.milestone,
    });
  }
  if (!request.evidence || typeof request.evidence.note !== 'string' || request.evidence.note.trim() === '') {
    return rejection('milestone_evidence_missing', 'completing a milestone needs evidence: a note saying what was done', { milestone: request.milestone }, ErrorType.InvalidInput);
  }
  return null;
}

/**
 * Why staffing cannot complete, or null. A station with posts (岗位建设) needs every post filled
 * today; one with none defined yet needs at least one active social worker in the community.
 */
export function staffingRejection(communityId: string, socialWorkers: number, posts: ReadonlyArray<{ type: string; required: number; filled: number }> = []): Rejection | null {
  const open = posts.filter((post) => post.filled < post.required);
  if (open.length > 0) {
    const vacancies = open.reduce((sum, post) => sum + post.required - post.filled, 0);
    return rejection('staffing_posts_vacant', `staffing needs the station's posts filled; ${vacancies} vacant (${open.map((post) => post.type).join(', ')})`, {
      communityId, vacancies, postTypes: open.map((post) => post.type),
    });
  }
  if (posts.some((post) => post.required > 0)) return null;
  if (socialWorkers > 0) return null;
  return rejection('staffing_needs_social_worker', `staffing needs at least one social worker assigned to ${communityId}; none is`, { communityId });
}

/**
 * Why a replan is refused, or null: a pending milestone moves with a reason to a new date that
 * keeps the order — not before an earlier pending milestone, not after a later one.
 */
export function replanMilestoneRejection(state: RolloutState, request: ReplanMilestoneRequest): Rejection | null {
  const found = changeRejection(state, request.milestone, `milestone ${request.milestone} is already done; a done milestone is not replanned`);
  if ('reason' in found) return found;
  const milestone = found;
  if (!request.reason || request.reason.trim() === '') return rejection('replan_reason_missing', 'a replan needs a reason', { milestone: request.milestone }, ErrorType.InvalidInput);
  if (request.targetDate === milestone.targetDate) {
    return rejection('replan_unchanged', `milestone ${request.milestone} already targets ${request.targetDate}`, { milestone: request.milestone, targetDate: request.targetDate });
  }
  const index = MILESTONES.indexOf(request.milestone);
  const earlier = state.milestones.filter((m) => MILESTONES.indexOf(m.milestone) < index && m.status === 'pending' && m.targetDate > request.targetDate);
  if (earlier.length > 0) {
    const first = earlier[0]!;
    return rejection('replan_before_earlier_milestone', `${request.targetDate} is before the ${first.milestone} target ${first.targetDate}; replan ${first.milestone} first`, {
      milestone: request.milestone, targetDate: request.targetDate, earlier: first.milestone, earlierTargetDate: first.targetDate,
    });
  }
  const later = state.milestones.filter((m) => MILESTONES.indexOf(m.milestone) > index && m.targetDate < request.targetDate);
  if (later.length > 0) {
    const first = later[0]!;
    const last = later[later.length - 1]!;
    return rejection('replan_after_later_milestone', `${request.targetDate} is after the ${first.milestone} target ${first.targetDate}; replan ${last.milestone} first`, {
      milestone: request.milestone, targetDate: request.targetDate, later: first.milestone, laterTargetDate: first.targetDate,
    });
  }
  return null;
}

/**
 * Why cancelling is refused now, or null: it needs a reason, and a rollout that has opened its
 * station, was cancelled already, or has a milestone change in flight is not cancelled.
 */
export function cancelRolloutRejection(state: RolloutState, request: CancelRolloutRequest): Rejection | null {
  const values = { communityId: state.communityId };
  if (!request.reason || request.reason.trim() === '') return rejection('cancel_reason_missing', 'cancelling a rollout needs a reason', values, ErrorType.InvalidInput);
  if (state.cancellation) return rejection('rollout_cancelled', `the rollout of ${state.communityId} was cancelled already`, values);
  if (!currentMilestone(state)) return rejection('rollout_already_opened', `the rollout of ${state.communityId} has completed every milestone; its station opens`, values);
  if (state.busy.size > 0) return rejection('milestone_busy', 'a milestone is being changed by another request; try again', values);
  return null;
}

/** Marks a (validated) milestone done. */
export function markMilestoneDone(state: RolloutState, request: CompleteMilestoneRequest, completedAt: number): MilestoneProgress {
  const milestone = findMilestone(state, request.milestone)!;
  Object.assign(milestone, { status: 'done', completedAt, completedBy: request.by, evidence: request.evidence });
  return milestone;
}

/** The replan a (validated) request makes, before it is applied. */
export function replanOf(state: RolloutState, request: ReplanMilestoneRequest, at: number): MilestoneReplan {
  const milestone = findMilestone(state, request.milestone)!;
  return { from: milestone.targetDate, to: request.targetDate, reason: request.reason, by: request.by, at };
}

/** Moves the milestone's target, keeps the replan, and tells the follower to recompute its timers. */
export function applyReplan(state: RolloutState, request: ReplanMilestoneRequest, replan: MilestoneReplan): MilestoneProgress {
  const milestone = findMilestone(state, request.milestone)!;
  milestone.targetDate = request.targetDate;
  milestone.dueAt = request.dueAt;
  milestone.replans.push(replan);
  state.planVersion += 1;
  return milestone;
}

/** The station's opening, once every milestone is done: its date, instant and who opened it. */
export function openingOf(state: RolloutState): { openedOn: string; openedAt: number; startedBy: string } {
  const opening = findMilestone(state, 'opening')!;
  return {
    openedOn: shanghaiDate(opening.completedAt!),
    openedAt: opening.completedAt!,
    startedBy: opening.completedBy ?? workflowIds.stationRollout(state.communityId),
  };
}
