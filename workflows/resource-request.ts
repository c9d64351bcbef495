import { allHandlersFinished, condition, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  addMatchesRejection, applyAddMatches, applyCancel, applyClose, applyDeliver, applyRespond, cancelRejection, closeRejection, deliverRejection,
  escalationOutstanding, holder, initialRequestState, nextRequestEvent, requestStatusView, respondRejection, type RequestEvent,
} from '../src/domain/resource-request.js';
import { NOTIFY_ACTIVITY, RECORDS_ACTIVITY } from './activity-options.js';
import { nowMs } from './clock.js';
import { rejectIf } from './refusal.js';
import {
  resourceRequestQueries, resourceRequestUpdates, type AddMatchesRequest, type CancelRequest, type CloseRequest, type DeliverRequest,
  type ResourceRequestInput, type ResourceRequestStatus, type RespondMatchRequest,
} from './resource-request.messages.js';

const store = proxyActivities<Activities>(RECORDS_ACTIVITY);
const { notify } = proxyActivities<Activities>(NOTIFY_ACTIVITY);

/**
 * A resource request: the center matches parties or resources to a station's need, each confirms
 * or declines, the station records the delivery with evidence, and the request is closed.
 * Reminders go to whoever holds it (the center until a match confirms, then the station) before
 * the match date and the needed-by date; either date passing escalates to the center supervisors,
 * once. The request's record (with the need's text and the matches' names) is written by the
 * service; every change after it is mirrored by an activity. Rules: src/domain/resource-request.ts.
 */
export async function resourceRequest(input: ResourceRequestInput): Promise<ResourceRequestStatus> {
  const { requestId } = input;
  const workflowId = workflowInfo().workflowId;
  const state = initialRequestState();

  setHandler(resourceRequestQueries.status, () => requestStatusView(input, state));

  setHandler(resourceRequestUpdates.addMatches, async (request: AddMatchesRequest) => {
    const phase = applyAddMatches(state, request);
    const matchIds = request.matches.map((match) => match.matchId);
    await store.recordResourceRequestStep({ requestId, step: `match:${matchIds.join(',')}`, at: nowMs(), actor: request.by, detail: { matchIds }, phase, proposed: matchIds });
    return requestStatusView(input, state);
  }, { validator: (request: AddMatchesRequest) => rejectIf(addMatchesRejection(state, request)) });

  setHandler(resourceRequestUpdates.respond, async (request: RespondMatchRequest) => {
    const phase = applyRespond(state, request);
    await store.recordResourceRequestStep({
      requestId, step: `${request.response}:${request.matchId}`, at: nowMs(), actor: request.by, detail: { matchId: request.matchId, note: request.note }, phase,
      answer: { matchId: request.matchId, status: request.response, note: request.note },
    });
    return requestStatusView(input, state);
  }, { validator: (request: RespondMatchRequest) => rejectIf(respondRejection(state, request)) });

  setHandler(resourceRequestUpdates.deliver, async (request: DeliverRequest) => {
    const at = nowMs();
    applyDeliver(state);
    await store.recordResourceRequestStep({
      requestId, step: 'deliver', at, actor: request.by, detail: { note: request.note, link: request.link }, phase: 'delivered',
      delivery: { note: request.note, link: request.link, by: request.by, at: new Date(at).toISOString() },
    });
    return requestStatusView(input, state);
  }, { validator: (request: DeliverRequest) => rejectIf(deliverRejection(state, request)) });

  setHandler(resourceRequestUpdates.close, async (request: CloseRequest) => {
    applyClose(state);
    await store.recordResourceRequestStep({ requestId, step: 'close', at: nowMs(), actor: request.by, detail: { note: request.note }, phase: 'closed', closeNote: request.note });
    return requestStatusView(input, state);
  }, { validator: (_request: CloseRequest) => rejectIf(closeRejection(state)) });

  setHandler(resourceRequestUpdates.cancel, async (request: CancelRequest) => {
    applyCancel(state, request);
    await store.recordResourceRequestStep({ requestId, step: 'cancel', at: nowMs(), actor: request.by, detail: { reason: request.reason }, phase: 'cancelled', cancelReason: request.reason });
    return requestStatusView(input, state);
  }, { validator: (request: CancelRequest) => rejectIf(cancelRejection(state, request)) });

  for (let event = nextRequestEvent(input, state); event; event = nextRequestEvent(input, state)) {
    const version = state.version;
    const wait = event.at - nowMs();
    if (wait > 0 && (await condition(() => state.version !== version, wait))) continue;
    state.sent.push(event.step);
    await send(event);
  }
  await condition(() => state.phase === 'closed' || state.phase === 'cancelled');
  await condition(allHandlersFinished);
  log.info('resource request ended', { requestId, phase: state.phase });
  return requestStatusView(input, state);

  async function send(event: RequestEvent): Promise<void> {
    const data = { theme: input.theme, quantity: input.quantity, requestId };
    switch (event.kind) {
      case 'match_reminder':
      case 'delivery_reminder': {
        const deadlineAt = event.kind === 'match_reminder' ? input.matchBy : input.neededBy;
        const who = holder(state) === 'station' ? 'station_leads' : 'supervisors';
        for (const recipientId of await store.resourceRequestRecipients({ who, stationId: input.stationId })) {
          await notify({
            key: `${workflowId}:${event.step}`, workflowId, recipientId, kind: 'resource_request_reminder', dueAt: event.at,
            data: { ...data, deadlineAt, actionZh: who === 'station_leads' ? '登记送达情况' : '对接并确认资源', actionEn: who === 'station_leads' ? 'record the delivery' : 'match and confirm a party or resource' },
          });
        }
        return;
      }
      case 'match_escalation':
      case 'delivery_escalation': {
        const deadlineAt = event.kind === 'match_escalation' ? input.matchBy : input.neededBy;
        const outstanding = escalationOutstanding(state, event.kind);
        await store.recordResourceRequestStep({ requestId, step: event.step, at: nowMs(), actor: null, detail: { deadline: new Date(deadlineAt).toISOString(), phase: state.phase } });
        for (const recipientId of await store.resourceRequestRecipients({ who: 'supervisors', stationId: input.stationId })) {
          await notify({
            key: `${workflowId}:${event.step}`, workflowId, recipientId, kind: 'resource_request_escalation', dueAt: deadlineAt,
            data: {
              ...data, deadlineAt, outstandingZh: outstanding.zh, outstandingEn: outstanding.en,
              dateNameZh: event.kind === 'match_escalation' ? '对接期限' : '需求日期', dateNameEn: event.kind === 'match_escalation' ? 'match date' : 'needed-by date',
            },
          });
        }
        return;
      }
    }
  }
}
