// A case call (优秀案例征集评选): the center opens a call, stations submit cases until a deadline,
// a panel scores them on a rubric until another, a supervisor selects and the collection is
// published. This module is the caseCall workflow's state machine — pure rules, validators,
// aggregation and the reminder schedule — shared by the workflow, the services and the tests.

import { ErrorType, refuse, type Rejection } from './errors.js';

export const CASE_KINDS = ['casework', 'group', 'community'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export type CallPhase = 'submission' | 'review' | 'selection' | 'published' | 'cancelled';
export type CaseStatus = 'draft' | 'submitted' | 'withdrawn';

export interface LocalizedText {
  zh: string;
  en: string;
}

export interface RubricCriterion {
  key: string;
  name: LocalizedText;
  /** Relative weight; a case's score is the weighted mean of its criteria, scaled to 0–100. */
  weight: number;
  min: number;
  max: number;
}

export interface Rubric {
  /** `project_default` for the rubric below unchanged, `call` once a call edits it. */
  source: 'project_default' | 'call';
  criteria: RubricCriterion[];
}

/**
 * The project's own default rubric — not taken from the source report, which names the case
 * collection but not how cases were judged. Editable per call.
 */
/** A spread between reviewers' totals (out of 100) above this flags a case, unless the call sets its own. */
export const DEFAULT_SPREAD_THRESHOLD = 20;

export const DEFAULT_RUBRIC: Rubric = {
  source: 'project_default',
  criteria: [
    { key: 'needs_assessment', name: { zh: '需求评估', en: 'Needs assessment' }, weight: 20, min: 0, max: 10 },
    { key: 'professional_method', name: { zh: '专业方法', en: 'Professional method' }, weight: 25, min: 0, max: 10 },
    { key: 'outcomes_evidence', name: { zh: '成效与证据', en: 'Outcomes and evidence' }, weight: 25, min: 0, max: 10 },
    { key: 'innovation', name: { zh: '创新性', en: 'Innovation' }, weight: 15, min: 0, max: 10 },
    { key: 'replicability', name: { zh: '可复制推广', en: 'Replicability' }, weight: 15, min: 0, max: 10 },
  ],
};

export interface PanelMember {
  /** A worker id: reminders go to them and their token scores as them. */
  reviewerId: string;
  /** The community of the reviewer's own station, if any: they never score its cases. */
  stationId: string | null;
}

export interface CaseCallInput {
  callId: string;
  title: LocalizedText;
  kinds: CaseKind[];
  /** The org unit (a street) that opened the call. */
  orgUnitId: string;
  /** The communities whose stations may submit. */
  stationIds: string[];
  /** Epoch ms. */
  submissionDeadline: number;
  reviewDeadline: number;
  rubric: Rubric;
  panel: PanelMember[];
  selectPerKind: number;
  openedBy: string;
  /** Reminders this long before each deadline (ms), latest last. */
  reminderOffsetsMs: number[];
  /** A spread between reviewers' totals (0–100) above this is flagged. */
  spreadThreshold: number;
}

export interface CaseEntry {
  caseId: string;
  stationId: string;
  kind: CaseKind;
  title: string;
  status: CaseStatus;
  revision: number;
}

/** One reviewer's scores of one case: criterion key → score, and a comment. */
export interface CaseScore {
  caseId: string;
  reviewerId: string;
  scores: Record<string, number>;
  comment: string;
  total: number;
}

export interface SelectionItem {
  caseId: string;
}

export interface CallSelection {
  items: SelectionItem[];
  proposed: string[];
  reason: string;
  by: string;
  at: number;
}

export interface CaseCallState {
  phase: CallPhase;
  submissionDeadline: number;
  reviewDeadline: number;
  cases: CaseEntry[];
  /** `${caseId}|${reviewerId}` of every score given. */
  scored: string[];
  totals: Record<string, Record<string, number>>;
  selection: CallSelection | null;
  /** Reminder and escalation steps already sent (`submission:0`, `review-escalation` …). */
  sent: string[];
  cancelReason: string | null;
  /** Bumped by every change that moves the schedule (an extension, a cancellation). */
  version: number;
}

export function initialCallState(input: CaseCallInput): CaseCallState {
  return {
    phase: 'submission', submissionDeadline: input.submissionDeadline, reviewDeadline: input.reviewDeadline, cases: [], scored: [],
    totals: {}, selection: null, sent: [], cancelReason: null, version: 0,
  };
}

// ── Requests (updates) ─────────────────────────────────────────────────────────────────────────

export interface SaveCaseRequest {
  caseId: string;
  stationId: string;
  kind: CaseKind;
  title: string;
  submit: boolean;
  by: string;
  /** The case's text and linked ids: written to the store, not kept in the workflow's state. */
  content: CaseContent;
}

export interface CaseContent {
  background: string;
  needsAssessment: string;
  process: string;
  outcomes: string;
  reflection: string;
  serviceRecordIds: string[];
  attachmentIds: string[];
}

export interface WithdrawCaseRequest {
  caseId: string;
  by: string;
  reason: string;
}

export interface ScoreCaseRequest {
  caseId: string;
  reviewerId: string;
  scores: Record<string, number>;
  comment: string;
}

export interface ExtendDeadlineRequest {
  phase: 'submission' | 'review';
  deadline: number;
  reason: string;
  by: string;
}

export interface SelectCasesRequest {
  caseIds: string[];
  reason: string;
  by: string;
}

export interface PublishRequest {
  by: string;
}

export interface CancelCallRequest {
  reason: string;
  by: string;
}

// ── Validators: a Rejection, or null when the request applies ──────────────────────────────────

const invalid = (reason: string, message: string, values?: Record<string, unknown>) => refuse(ErrorType.InvalidInput, reason, message, values);
const conflict = (reason: string, message: string, values?: Record<string, unknown>) => refuse(ErrorType.Conflict, reason, message, values);
const notFound = (reason: string, message: string, values?: Record<string, unknown>) => refuse(ErrorType.NotFound, reason, message, values);

function phaseRejection(state: CaseCallState, phase: CallPhase, action: string): Rejection | null {
  if (state.phase === phase) return null;
  return conflict('case_call_wrong_phase', `the call is in ${state.phase}; cases can be ${action} only in ${phase}`, { phase: state.phase, expected: phase });
}

export function saveCaseRejection(input: CaseCallInput, state: CaseCallState, request: SaveCaseRequest, now: number): Rejection | null {
  const phase = phaseRejection(state, 'submission', 'submitted or edited');
  if (phase) return phase;
  if (now >= state.submissionDeadline) return conflict('submission_closed', 'the submission deadline has passed', { deadline: new Date(state.submissionDeadline).toISOString() });
  if (!input.stationIds.includes(request.stationId)) return invalid('station_not_eligible', `station ${request.stationId} may not submit to this call`, { stationId: request.stationId });
  if (!input.kinds.includes(request.kind)) return invalid('case_kind_not_called', `this call takes ${input.kinds.join(', ')} cases, not ${request.kind}`, { kind: request.kind });
  const existing = state.cases.find((entry) => entry.caseId === request.caseId);
  if (existing && existing.stationId !== request.stationId) return notFound('case_not_found', `case ${request.caseId} not found`, { caseId: request.caseId });
  if (existing?.status === 'withdrawn') return conflict('case_withdrawn', `case ${request.caseId} was withdrawn`, { caseId: request.caseId });
  return null;
}

export function withdrawCaseRejection(state: CaseCallState, request: WithdrawCaseRequest): Rejection | null {
  const entry = state.cases.find((candidate) => candidate.caseId === request.caseId);
  if (!entry) return notFound('case_not_found', `case ${request.caseId} not found`, { caseId: request.caseId });
  if (entry.status === 'withdrawn') return conflict('case_withdrawn', `case ${request.caseId} was withdrawn already`, { caseId: request.caseId });
  if (state.phase === 'published' || state.phase === 'cancelled') return conflict('case_call_wrong_phase', `the call is ${state.phase}`, { phase: state.phase });
  return null;
}

export function scoreCaseRejection(input: CaseCallInput, state: CaseCallState, request: ScoreCaseRequest, now: number): Rejection | null {
  const phase = phaseRejection(state, 'review', 'scored');
  if (phase) return phase;
  if (now >= state.reviewDeadline) return conflict('review_closed', 'the review deadline has passed', { deadline: new Date(state.reviewDeadline).toISOString() });
  const member = input.panel.find((candidate) => candidate.reviewerId === request.reviewerId);
  if (!member) return refuse(ErrorType.InvalidInput, 'not_on_panel', `${request.reviewerId} is not on this call's panel`, { reviewerId: request.reviewerId });
  const entry = state.cases.find((candidate) => candidate.caseId === request.caseId && candidate.status === 'submitted');
  if (!entry) return notFound('case_not_found', `case ${request.caseId} is not in review`, { caseId: request.caseId });
  if (member.stationId && member.stationId === entry.stationId) {
    return conflict('own_station_case', 'a reviewer never scores a case from their own station', { caseId: request.caseId, stationId: entry.stationId });
  }
  for (const criterion of input.rubric.criteria) {
    const score = request.scores[criterion.key];
    if (score === undefined) return invalid('score_missing', `score the criterion ${criterion.key}`, { criterion: criterion.key });
    if (!Number.isFinite(score) || score < criterion.min || score > criterion.max) {
      return invalid('score_out_of_range', `${criterion.key} takes a score from ${criterion.min} to ${criterion.max}`, { criterion: criterion.key, min: criterion.min, max: criterion.max });
    }
  }
  const unknown = Object.keys(request.scores).find((key) => !input.rubric.criteria.some((criterion) => criterion.key === key));
  if (unknown) return invalid('unknown_criterion', `the rubric has no criterion ${unknown}`, { criterion: unknown });
  return null;
}

export function extendDeadlineRejection(state: CaseCallState, request: ExtendDeadlineRequest): Rejection | null {
  if (state.phase !== request.phase) return conflict('case_call_wrong_phase', `the call is in ${state.phase}; only the current phase's deadline can move`, { phase: state.phase });
  const current = request.phase === 'submission' ? state.submissionDeadline : state.reviewDeadline;
  if (request.deadline <= current) return invalid('deadline_not_later', 'a deadline can only move later', { current: new Date(current).toISOString() });
  if (request.phase === 'submission' && request.deadline >= state.reviewDeadline) {
    return invalid('deadline_after_review', 'the submission deadline must stay before the review deadline; extend the review first', { reviewDeadline: new Date(state.reviewDeadline).toISOString() });
  }
  return null;
}

export function selectRejection(input: CaseCallInput, state: CaseCallState, request: SelectCasesRequest): Rejection | null {
  const phase = phaseRejection(state, 'selection', 'selected');
  if (phase) return phase;
  if (request.caseIds.length === 0) return invalid('selection_empty', 'select at least one case');
  if (new Set(request.caseIds).size !== request.caseIds.length) return invalid('selection_duplicate', 'a case is selected once');
  for (const caseId of request.caseIds) {
    if (!state.cases.some((entry) => entry.caseId === caseId && entry.status === 'submitted')) return notFound('case_not_found', `case ${caseId} is not in this call's review`, { caseId });
  }
  for (const kind of input.kinds) {
    const count = request.caseIds.filter((caseId) => state.cases.find((entry) => entry.caseId === caseId)?.kind === kind).length;
    if (count > input.selectPerKind) return invalid('selection_too_many', `at most ${input.selectPerKind} ${kind} cases`, { kind, count });
  }
  return null;
}

export function publishRejection(state: CaseCallState): Rejection | null {
  const phase = phaseRejection(state, 'selection', 'published');
  if (phase) return phase;
  if (!state.selection) return conflict('selection_missing', 'select the cases before publishing');
  return null;
}

export function cancelRejection(state: CaseCallState): Rejection | null {
  if (state.phase === 'published' || state.phase === 'cancelled') return conflict('case_call_wrong_phase', `the call is ${state.phase}`, { phase: state.phase });
  return null;
}

// ── Mutations ───────────────────────────────────────────────────────────────────────────────

export function applySaveCase(state: CaseCallState, request: SaveCaseRequest): CaseEntry {
  let entry = state.cases.find((candidate) => candidate.caseId === request.caseId);
  if (!entry) {
    entry = { caseId: request.caseId, stationId: request.stationId, kind: request.kind, title: request.title, status: 'draft', revision: 0 };
    state.cases.push(entry);
  }
  entry.kind = request.kind;
  entry.title = request.title;
  entry.revision += 1;
  if (request.submit) entry.status = 'submitted';
  return { ...entry };
}

export function applyWithdraw(state: CaseCallState, caseId: string): CaseEntry {
  const entry = state.cases.find((candidate) => candidate.caseId === caseId)!;
  entry.status = 'withdrawn';
  state.selection = state.selection ? { ...state.selection, items: state.selection.items.filter((item) => item.caseId !== caseId) } : null;
  return { ...entry };
}

/** A reviewer's total for a case on a 0–100 scale: each criterion's score scaled to its range, weighted. */
export function weightedTotal(rubric: Rubric, scores: Record<string, number>): number {
  const weights = rubric.criteria.reduce((sum, criterion) => sum + criterion.weight, 0);
  if (weights === 0) return 0;
  const sum = rubric.criteria.reduce((acc, criterion) => {
    const span = criterion.max - criterion.min;
    const scaled = span === 0 ? 1 : ((scores[criterion.key] ?? criterion.min) - criterion.min) / span;
    return acc + scaled * criterion.weight;
  }, 0);
  return Math.round((sum / weights) * 1000) / 10;
}

export function applyScore(input: CaseCallInput, state: CaseCallState, request: ScoreCaseRequest): CaseScore {
  const total = weightedTotal(input.rubric, request.scores);
  const key = `${request.caseId}|${request.reviewerId}`;
  if (!state.scored.includes(key)) state.scored.push(key);
  state.totals[request.caseId] = { ...state.totals[request.caseId], [request.reviewerId]: total };
  return { caseId: request.caseId, reviewerId: request.reviewerId, scores: request.scores, comment: request.comment, total };
}

export function applyExtend(state: CaseCallState, request: ExtendDeadlineRequest): void {
  if (request.phase === 'submission') state.submissionDeadline = request.deadline;
  else state.reviewDeadline = request.deadline;
  // Reminders count from the new deadline again.
  state.sent = state.sent.filter((step) => !step.startsWith(`${request.phase}:`) && step !== `${request.phase}-escalation`);
  state.version += 1;
}

export function applySelection(input: CaseCallInput, state: CaseCallState, request: SelectCasesRequest, at: number): CallSelection {
  const proposed = proposeSelection(caseResults(state, input.spreadThreshold), input.kinds, input.selectPerKind);
  state.selection = { items: request.caseIds.map((caseId) => ({ caseId })), proposed, reason: request.reason, by: request.by, at };
  return state.selection;
}

export function applyCancel(state: CaseCallState, request: CancelCallRequest): void {
  state.phase = 'cancelled';
  state.cancelReason = request.reason;
  state.version += 1;
}

/** What an escalation at a deadline says is not done, in both languages (counts only, no names). */
export function escalationOutstanding(input: CaseCallInput, state: CaseCallState, phase: 'submission' | 'review'): { zh: string; en: string; count: number } {
  if (phase === 'submission') {
    const count = stationsNotSubmitted(input, state).length;
    return { zh: `${count} 个服务站未提交案例`, en: `${count} station(s) submitted no case`, count };
  }
  const left = input.panel.reduce((sum, member) => sum + casesLeftFor(input, state, member.reviewerId).length, 0);
  return { zh: `${left} 份评分未完成`, en: `${left} score(s) not given`, count: left };
}

// ── Aggregation ─────────────────────────────────────────────────────────────────────────────

export interface CaseResult {
  caseId: string;
  stationId: string;
  kind: CaseKind;
  title: string;
  reviews: number;
  mean: number | null;
  spread: number | null;
  spreadFlagged: boolean;
}

/** Each submitted case's weighted mean over its reviewers, and the spread between them. */
export function caseResults(state: Pick<CaseCallState, 'cases' | 'totals'>, spreadThreshold: number): CaseResult[] {
  return state.cases.filter((entry) => entry.status === 'submitted').map((entry) => {
    const totals = Object.values(state.totals[entry.caseId] ?? {});
    const mean = totals.length > 0 ? Math.round((totals.reduce((a, b) => a + b, 0) / totals.length) * 10) / 10 : null;
    const spread = totals.length > 1 ? Math.round((Math.max(...totals) - Math.min(...totals)) * 10) / 10 : null;
    return { caseId: entry.caseId, stationId: entry.stationId, kind: entry.kind, title: entry.title, reviews: totals.length, mean, spread, spreadFlagged: spread !== null && spread > spreadThreshold };
  });
}

/** The proposal: the top `perKind` cases of each kind by mean, best first (ties by case id). */
export function proposeSelection(results: CaseResult[], kinds: readonly CaseKind[], perKind: number): string[] {
  return kinds.flatMap((kind) => results
    .filter((result) => result.kind === kind && result.mean !== null)
    .sort((a, b) => (b.mean! - a.mean!) || a.caseId.localeCompare(b.caseId))
    .slice(0, perKind)
    .map((result) => result.caseId));
}

/** Cases a reviewer may score and has not. */
export function casesLeftFor(input: CaseCallInput, state: CaseCallState, reviewerId: string): string[] {
  const member = input.panel.find((candidate) => candidate.reviewerId === reviewerId);
  if (!member) return [];
  return state.cases
    .filter((entry) => entry.status === 'submitted' && entry.stationId !== member.stationId && !state.scored.includes(`${entry.caseId}|${reviewerId}`))
    .map((entry) => entry.caseId);
}

/** Stations that may submit and have no submitted case. */
export function stationsNotSubmitted(input: CaseCallInput, state: CaseCallState): string[] {
  return input.stationIds.filter((stationId) => !state.cases.some((entry) => entry.stationId === stationId && entry.status === 'submitted'));
}

// ── Reminders and escalations ─────────────────────────────────────────────────────────────────

export interface CallEvent {
  /** A step key, recorded in `sent` once it went out. */
  step: string;
  at: number;
  kind: 'submission_reminder' | 'review_reminder' | 'submission_closes' | 'review_closes';
}

/**
 * The next thing the call waits for in its phase: a reminder before the deadline, then the
 * deadline itself (which closes the phase and escalates). Undefined outside submission and review.
 */
export function nextCallEvent(input: CaseCallInput, state: CaseCallState): CallEvent | undefined {
  if (state.phase !== 'submission' && state.phase !== 'review') return undefined;
  const phase = state.phase;
  const deadline = phase === 'submission' ? state.submissionDeadline : state.reviewDeadline;
  const offsets = [...input.reminderOffsetsMs].sort((a, b) => b - a);
  for (const [index, offset] of offsets.entries()) {
    const step = `${phase}:${index}`;
    if (!state.sent.includes(step)) return { step, at: deadline - offset, kind: phase === 'submission' ? 'submission_reminder' : 'review_reminder' };
  }
  return { step: `${phase}-escalation`, at: deadline, kind: phase === 'submission' ? 'submission_closes' : 'review_closes' };
}

/** Closes the current phase at its deadline: submission → review, review → selection. */
export function closePhase(state: CaseCallState): CallPhase {
  if (state.phase === 'submission') state.phase = 'review';
  else if (state.phase === 'review') state.phase = 'selection';
  return state.phase;
}

// ── Views ──────────────────────────────────────────────────────────────────────────────────────

export interface CaseCallStatus {
  callId: string;
  phase: CallPhase;
  submissionDeadline: string;
  reviewDeadline: string;
  cases: CaseEntry[];
  scoresGiven: number;
  selection: { caseIds: string[]; proposed: string[]; reason: string; by: string; at: string } | null;
  cancelReason: string | null;
}

export function callStatusView(input: CaseCallInput, state: CaseCallState): CaseCallStatus {
  return {
    callId: input.callId,
    phase: state.phase,
    submissionDeadline: new Date(state.submissionDeadline).toISOString(),
    reviewDeadline: new Date(state.reviewDeadline).toISOString(),
    cases: state.cases.map((entry) => ({ ...entry })),
    scoresGiven: state.scored.length,
    selection: state.selection
      ? { caseIds: state.selection.items.map((item) => item.caseId), proposed: state.selection.proposed, reason: state.selection.reason, by: state.selection.by, at: new Date(state.selection.at).toISOString() }
      : null,
    cancelReason: state.cancelReason,
  };
}
