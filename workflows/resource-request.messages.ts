// The resourceRequest workflow's messages and types (`resource-request:<requestId>`): a station's
// need matched by the center, confirmed, delivered with evidence, closed. No side effects: the API
// imports this module, never the workflow. Data types and pure rules: src/domain/resource-request.ts.

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  AddMatchesRequest, CancelRequest, CloseRequest, DeliverRequest, RequestPhase, ResourceRequestInput, ResourceRequestStatus, RespondMatchRequest,
} from '../src/domain/resource-request.js';
export type {
  AddMatchesRequest, CancelRequest, CloseRequest, DeliverRequest, RequestPhase, ResourceRequestInput, ResourceRequestStatus, RespondMatchRequest,
};

export const RESOURCE_REQUEST_WORKFLOW = 'resourceRequest';

export const resourceRequestQueries = {
  status: defineQuery<ResourceRequestStatus>('resourceRequestStatus'),
};

export const resourceRequestUpdates = {
  addMatches: defineUpdate<ResourceRequestStatus, [AddMatchesRequest]>('addMatches'),
  respond: defineUpdate<ResourceRequestStatus, [RespondMatchRequest]>('respondMatch'),
  deliver: defineUpdate<ResourceRequestStatus, [DeliverRequest]>('recordDelivery'),
  close: defineUpdate<ResourceRequestStatus, [CloseRequest]>('closeRequest'),
  cancel: defineUpdate<ResourceRequestStatus, [CancelRequest]>('cancelRequest'),
};
