import { allHandlersFinished, condition, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  applyCancel, applyExtend, applySaveCase, applyScore, applySelection, applyWithdraw, callStatusView, cancelRejection, casesLeftFor, closePhase,
  escalationOutstanding, extendDeadlineRejection, initialCallState, nextCallEvent, publishRejection, saveCaseRejection, scoreCaseRejection,
  selectRejection, stationsNotSubmitted, withdrawCaseRejection, type CallEvent,
} from '../src/domain/case-call.js';
import { NOTIFY_ACTIVITY, RECORDS_ACTIVITY } from './activity-options.js';
import {
  caseCallQueries, caseCallUpdates, type CancelCallRequest, type CaseCallInput, type CaseCallStatus, type ExtendDeadlineRequest,
  type PublishRequest, type SaveCaseRequest, type ScoreCaseRequest, type SelectCasesRequest, type WithdrawCaseRequest,
} from './case-call.messages.js';
import { nowMs } from './clock.js';
import { rejectIf } from './refusal.js';

const store = proxyActivities<Activities>(RECORDS_ACTIVITY);
const { notify } = proxyActivities<Activities>(NOTIFY_ACTIVITY);

/**
 * A case call: stations save drafts and submit cases until the submission deadline, the panel
 * scores them until the review deadline, a supervisor selects (the top cases proposed) and
 * publishes the collection. Reminders go before each deadline to stations that have not submitted
 * and reviewers with cases left; each deadline escalates to the center supervisors. Extensions,
 * withdrawals and cancellation are recorded. The call's record is written by the service before
 * the start; every change after it is mirrored by an activity. Rules: src/domain/case-call.ts.
 */
export async function caseCall(input: CaseCallInput): Promise<CaseCallStatus> {
  const { callId } = input;
  const workflowId = workflowInfo().workflowId;
  const state = initialCallState(input);
  let published = false;

  setHandler(caseCallQueries.status, () => callStatusView(input, state));

  setHandler(caseCallUpdates.saveCase, async (request: SaveCaseRequest) => {
    const entry = applySaveCase(state, request);
    await store.recordCaseSaved({
      callId, caseId: entry.caseId, stationId: entry.stationId, kind: entry.kind, title: entry.title, content: request.content,
      status: entry.status === 'submitted' ? 'submitted' : 'draft', revision: entry.revision, by: request.by, at: nowMs(),
    });
    return entry;
  }, { validator: (request: SaveCaseRequest) => rejectIf(saveCaseRejection(input, state, request, nowMs())) });

  setHandler(caseCallUpdates.withdrawCase, async (request: WithdrawCaseRequest) => {
    const entry = applyWithdraw(state, request.caseId);
    await store.recordCaseWithdrawn({ callId, caseId: request.caseId, by: request.by, reason: request.reason, at: nowMs() });
    return entry;
  }, { validator: (request: WithdrawCaseRequest) => rejectIf(withdrawCaseRejection(state, request)) });

  setHandler(caseCallUpdates.scoreCase, async (request: ScoreCaseRequest) => {
    const score = applyScore(input, state, request);
    await store.recordCaseScore({ callId, ...score, at: nowMs() });
    return score;
  }, { validator: (request: ScoreCaseRequest) => rejectIf(scoreCaseRejection(input, state, request, nowMs())) });

  setHandler(caseCallUpdates.extendDeadline, async (request: ExtendDeadlineRequest) => {
    const at = nowMs();
    applyExtend(state, request);
    await store.recordCaseCallStep({
      callId, step: `extend:${request.phase}:${request.deadline}`, at, actor: request.by,
      detail: { phase: request.phase, deadline: new Date(request.deadline).toISOString(), reason: request.reason },
      ...(request.phase === 'submission' ? { submissionDeadline: request.deadline } : { reviewDeadline: request.deadline }),
    });
    return callStatusView(input, state);
  }, { validator: (request: ExtendDeadlineRequest) => rejectIf(extendDeadlineRejection(state, request)) });

  setHandler(caseCallUpdates.select, async (request: SelectCasesRequest) => {
    const at = nowMs();
    const selection = applySelection(input, state, request, at);
    await store.recordCaseCallStep({
      callId, step: `select:${at}`, at, actor: request.by, detail: { caseIds: request.caseIds, proposed: selection.proposed, reason: request.reason },
      selection: { caseIds: request.caseIds, proposed: selection.proposed, reason: request.reason, by: request.by, at: new Date(at).toISOString() },
    });
    return callStatusView(input, state);
  }, { validator: (request: SelectCasesRequest) => rejectIf(selectRejection(input, state, request)) });

  setHandler(caseCallUpdates.publish, async (request: PublishRequest) => {
    const at = nowMs();
    state.phase = 'published';
    await store.recordCaseCallStep({ callId, step: 'publish', at, actor: request.by, detail: { caseIds: state.selection?.items.map((item) => item.caseId) ?? [] }, phase: 'published', publishedAt: at });
    published = true;
    return callStatusView(input, state);
  }, { validator: (_request: PublishRequest) => rejectIf(publishRejection(state)) });

  setHandler(caseCallUpdates.cancel, async (request: CancelCallRequest) => {
    const at = nowMs();
    applyCancel(state, request);
    await store.recordCaseCallStep({ callId, step: 'cancel', at, actor: request.by, detail: { reason: request.reason }, phase: 'cancelled', cancelReason: request.reason });
    return callStatusView(input, state);
  }, { validator: (_request: CancelCallRequest) => rejectIf(cancelRejection(state)) });

  for (let event = nextCallEvent(input, state); event; event = nextCallEvent(input, state)) {
    const version = state.version;
    const wait = event.at - nowMs();
    if (wait > 0 && (await condition(() => state.version !== version, wait))) continue;
    state.sent.push(event.step);
    await handle(event);
  }
  await condition(() => published || state.phase === 'cancelled');
  await condition(allHandlersFinished);
  log.info('case call ended', { callId, phase: state.phase });
  return callStatusView(input, state);

  async function handle(event: CallEvent): Promise<void> {
    const data = { callTitleZh: input.title.zh, callTitleEn: input.title.en };
    switch (event.kind) {
      case 'submission_reminder': {
        const recipients = await store.caseCallRecipients({ who: 'station_leads', stationIds: stationsNotSubmitted(input, state), orgUnitId: input.orgUnitId });
        for (const recipientId of recipients) {
          await notify({ key: `${workflowId}:${event.step}:${state.submissionDeadline}`, workflowId, recipientId, kind: 'case_call_reminder', data: { ...data, deadlineAt: state.submissionDeadline }, dueAt: event.at });
        }
        return;
      }
      case 'review_reminder':
        for (const member of input.panel) {
          const left = casesLeftFor(input, state, member.reviewerId).length;
          if (left === 0) continue;
          await notify({ key: `${workflowId}:${event.step}:${state.reviewDeadline}`, workflowId, recipientId: member.reviewerId, kind: 'case_review_reminder', data: { ...data, deadlineAt: state.reviewDeadline, casesLeft: left }, dueAt: event.at });
        }
        return;
      case 'submission_closes':
      case 'review_closes': {
        const phase = event.kind === 'submission_closes' ? 'submission' : 'review';
        const deadline = phase === 'submission' ? state.submissionDeadline : state.reviewDeadline;
        const outstanding = escalationOutstanding(input, state, phase);
        const next = closePhase(state);
        await store.recordCaseCallStep({ callId, step: `${phase}-closed:${deadline}`, at: nowMs(), actor: null, detail: { deadline: new Date(deadline).toISOString(), outstanding: outstanding.count }, phase: next });
        const supervisors = await store.caseCallRecipients({ who: 'supervisors', stationIds: [], orgUnitId: input.orgUnitId });
        for (const recipientId of supervisors) {
          await notify({
            key: `${workflowId}:${event.step}:${deadline}`, workflowId, recipientId, kind: 'case_call_escalation', dueAt: deadline,
            data: { ...data, deadlineAt: deadline, phaseNameZh: phase === 'submission' ? '案例提交' : '评审', phaseNameEn: phase, outstandingZh: outstanding.zh, outstandingEn: outstanding.en },
          });
        }
        return;
      }
    }
  }
}
