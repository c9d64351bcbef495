// A resource request (资源链接): a station asks for help (need, theme, quantity, needed by), the
// center matches one or more parties or resources, each confirms or declines, the station records
// the delivery with evidence, and the request is closed. This module is the resourceRequest
// workflow's state machine — validators, mutations, the reminder schedule and the view — shared by
// the workflow, the services and the tests. The need's text and the matched parties' names stay in
// the records store: the workflow carries ids, kinds, counts and dates only.

import { ErrorType, refuse, type Rejection } from './errors.js';

/**
 * Who or what a match names. The five-party registry (social organisations, volunteers, charitable
 * resources) is not part of this area yet, so a match names its party by kind and free text, not by
 * a registry id.
 */
export const MATCH_KINDS = ['social_org', 'volunteer', 'resource', 'station', 'other'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export const REQUEST_PHASES = ['open', 'matched', 'confirmed', 'delivered', 'closed', 'cancelled'] as const;
export type RequestPhase = (typeof REQUEST_PHASES)[number];
export type MatchStatus = 'proposed' | 'confirmed' | 'declined';

/** At most this many matches over a request's life (declined ones count). */
export const MAX_MATCHES = 20;

export interface ResourceRequestInput {
  requestId: string;
  /** The community whose station asks. */
  stationId: string;
  theme: string;
  quantity: number;
  /** Epoch ms: unmatched (no confirmed match) at this time escalates to the center supervisors. */
  matchBy: number;
  /** Epoch ms: undelivered at this time escalates to the center supervisors. */
  neededBy: number;
  /** Reminders this long before each date (ms), to whoever holds the request then. */
  reminderOffsetsMs: number[];
  openedBy: string;
}

export interface RequestMatch {
  matchId: string;
  kind: MatchKind;
  status: MatchStatus;
}

export interface ResourceRequestState {
  phase: RequestPhase;
  matches: RequestMatch[];
  /** Reminder and escalation steps already sent (`match:0`, `delivery-escalation` …). */
  sent: string[];
  cancelReason: string | null;
  /** Bumped by every change, so the workflow's wait for the next reminder looks again. */
  version: number;
}

export function initialRequestState(): ResourceRequestState {
  return { phase: 'open', matches: [], sent: [], cancelReason: null, version: 0 };
}

// ── Requests (updates) ─────────────────────────────────────────────────────────────────────────

export interface AddMatchesRequest {
  /** Ids and kinds only: the names and references were written to the store before the update. */
  matches: Array<{ matchId: string; kind: MatchKind }>;
  by: string;
}

export interface RespondMatchRequest {
  matchId: string;
  response: 'confirmed' | 'declined';
  note: string;
  by: string;
}

export interface DeliverRequest {
  note: string;
  link: string | null;
  by: string;
}

export interface CloseRequest {
  note: string;
  by: string;
}

export interface CancelRequest {
  reason: string;
  by: string;
}

// ── Validators: a Rejection, or null when the request applies ──────────────────────────────────

const invalid = (reason: string, message: string, values?: Record<string, unknown>) => refuse(ErrorType.InvalidInput, reason, message, values);
const conflict = (reason: string, message: string, values?: Record<string, unknown>) => refuse(ErrorType.Conflict, reason, message, values);
const notFound = (reason: string, message: string, values?: Record<string, unknown>) => refuse(ErrorType.NotFound, reason, message, values);

const MATCHING: readonly RequestPhase[] = ['open', 'matched', 'confirmed'];

function wrongPhase(state: ResourceRequestState, expected: readonly RequestPhase[]): Rejection | null {
  if (expected.includes(state.phase)) return null;
  return conflict('request_wrong_phase', `the request is ${state.phase}; this needs ${expected.join(' or ')}`, { phase: state.phase, expected: expected.join(',') });
}

export function addMatchesRejection(state: ResourceRequestState, request: AddMatchesRequest): Rejection | null {
  const phase = wrongPhase(state, MATCHING);
  if (phase) return phase;
  if (request.matches.length === 0) return invalid('matches_empty', 'match at least one party or resource');
  const ids = request.matches.map((match) => match.matchId);
  if (new Set(ids).size !== ids.length || ids.some((id) => state.matches.some((match) => match.matchId === id))) {
    return conflict('match_exists', 'each match is added once', { matchIds: ids.join(',') });
  }
  if (state.matches.length + ids.length > MAX_MATCHES) return invalid('matches_too_many', `a request takes at most ${MAX_MATCHES} matches`, { max: MAX_MATCHES });
  const kind = request.matches.find((match) => !(MATCH_KINDS as readonly string[]).includes(match.kind));
  if (kind) return invalid('match_kind_unknown', `no match kind ${kind.kind}`, { kind: kind.kind });
  return null;
}

export function respondRejection(state: ResourceRequestState, request: RespondMatchRequest): Rejection | null {
  const phase = wrongPhase(state, MATCHING);
  if (phase) return phase;
  const match = state.matches.find((candidate) => candidate.matchId === request.matchId);
  if (!match) return notFound('match_not_found', `match ${request.matchId} not found`, { matchId: request.matchId });
  if (match.status !== 'proposed') return conflict('match_answered', `match ${request.matchId} was ${match.status} already`, { matchId: request.matchId, status: match.status });
  if (request.response === 'declined' && request.note.trim() === '') return invalid('decline_reason_missing', 'a decline says why');
  return null;
}

export function deliverRejection(state: ResourceRequestState, request: DeliverRequest): Rejection | null {
  if (state.phase !== 'confirmed') {
    return conflict('request_not_confirmed', 'a delivery is recorded once a match has confirmed', { phase: state.phase });
  }
  if (request.note.trim() === '') return invalid('evidence_missing', 'a delivery carries its evidence: what arrived, how much, when');
  return null;
}

export function closeRejection(state: ResourceRequestState): Rejection | null {
  return wrongPhase(state, ['delivered']);
}

export function cancelRejection(state: ResourceRequestState, request: CancelRequest): Rejection | null {
  const phase = wrongPhase(state, MATCHING);
  if (phase) return phase;
  if (request.reason.trim() === '') return invalid('cancel_reason_missing', 'a cancellation says why');
  return null;
}

// ── Mutations ───────────────────────────────────────────────────────────────────────────────

/** The phase while matching: confirmed once a match has confirmed, matched while one is proposed, else open. */
function matchingPhase(matches: RequestMatch[]): RequestPhase {
  if (matches.some((match) => match.status === 'confirmed')) return 'confirmed';
  if (matches.some((match) => match.status === 'proposed')) return 'matched';
  return 'open';
}

export function applyAddMatches(state: ResourceRequestState, request: AddMatchesRequest): RequestPhase {
  for (const match of request.matches) state.matches.push({ matchId: match.matchId, kind: match.kind, status: 'proposed' });
  state.phase = matchingPhase(state.matches);
  state.version += 1;
  return state.phase;
}

export function applyRespond(state: ResourceRequestState, request: RespondMatchRequest): RequestPhase {
  const match = state.matches.find((candidate) => candidate.matchId === request.matchId)!;
  match.status = request.response;
  state.phase = matchingPhase(state.matches);
  state.version += 1;
  return state.phase;
}

export function applyDeliver(state: ResourceRequestState): void {
  state.phase = 'delivered';
  state.version += 1;
}

export function applyClose(state: ResourceRequestState): void {
  state.phase = 'closed';
  state.version += 1;
}

export function applyCancel(state: ResourceRequestState, request: CancelRequest): void {
  state.phase = 'cancelled';
  state.cancelReason = request.reason;
  state.version += 1;
}

// ── Reminders and escalations ─────────────────────────────────────────────────────────────────

export type RequestEventKind = 'match_reminder' | 'match_escalation' | 'delivery_reminder' | 'delivery_escalation';

export interface RequestEvent {
  /** A step key, recorded in `sent` once it went out. */
  step: string;
  at: number;
  kind: RequestEventKind;
}

/** Who holds the request now: the center until a match confirms, then the station (to record the delivery). */
export function holder(state: ResourceRequestState): 'center' | 'station' {
  return state.phase === 'confirmed' ? 'station' : 'center';
}

/**
 * The next reminder or escalation, or undefined when nothing is left to send. Until a match
 * confirms: reminders before `matchBy`, then its escalation. Until the delivery: reminders before
 * `neededBy`, then its escalation. Each step goes out once.
 */
export function nextRequestEvent(input: ResourceRequestInput, state: ResourceRequestState): RequestEvent | undefined {
  if (!MATCHING.includes(state.phase)) return undefined;
  const offsets = [...input.reminderOffsetsMs].sort((a, b) => b - a);
  if (state.phase !== 'confirmed' && !state.sent.includes('match-escalation')) {
    for (const [index, offset] of offsets.entries()) {
      const step = `match:${index}`;
      if (!state.sent.includes(step)) return { step, at: input.matchBy - offset, kind: 'match_reminder' };
    }
    return { step: 'match-escalation', at: input.matchBy, kind: 'match_escalation' };
  }
  for (const [index, offset] of offsets.entries()) {
    const step = `delivery:${index}`;
    if (!state.sent.includes(step)) return { step, at: input.neededBy - offset, kind: 'delivery_reminder' };
  }
  if (!state.sent.includes('delivery-escalation')) return { step: 'delivery-escalation', at: input.neededBy, kind: 'delivery_escalation' };
  return undefined;
}

/** What an escalation says is outstanding, in both languages (counts only, no names). */
export function escalationOutstanding(state: ResourceRequestState, kind: 'match_escalation' | 'delivery_escalation'): { zh: string; en: string } {
  const proposed = state.matches.filter((match) => match.status === 'proposed').length;
  const declined = state.matches.filter((match) => match.status === 'declined').length;
  if (kind === 'match_escalation') {
    return {
      zh: `尚无确认的对接方（待答复 ${proposed} 个，已婉拒 ${declined} 个）`,
      en: `no party has confirmed (${proposed} awaiting an answer, ${declined} declined)`,
    };
  }
  return state.phase === 'confirmed'
    ? { zh: '对接方已确认，尚未登记送达', en: 'a party confirmed; the delivery is not recorded' }
    : { zh: `尚无确认的对接方（待答复 ${proposed} 个，已婉拒 ${declined} 个）`, en: `no party has confirmed (${proposed} awaiting an answer, ${declined} declined)` };
}

// ── View ──────────────────────────────────────────────────────────────────────────────────────

export interface ResourceRequestStatus {
  requestId: string;
  stationId: string;
  phase: RequestPhase;
  matches: RequestMatch[];
  matchBy: string;
  neededBy: string;
  remindersSent: string[];
  cancelReason: string | null;
}

export function requestStatusView(input: ResourceRequestInput, state: ResourceRequestState): ResourceRequestStatus {
  return {
    requestId: input.requestId, stationId: input.stationId, phase: state.phase, matches: state.matches.map((match) => ({ ...match })),
    matchBy: new Date(input.matchBy).toISOString(), neededBy: new Date(input.neededBy).toISOString(), remindersSent: [...state.sent], cancelReason: state.cancelReason,
  };
}
