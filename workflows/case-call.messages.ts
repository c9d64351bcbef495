// The caseCall workflow's messages and types (`case-call:<callId>`): submissions until a deadline,
// reviews until another, selection, publication. No side effects: the API imports this module,
// never the workflow. Data types and pure rules live in src/domain/case-call.ts.

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  CancelCallRequest, CaseCallInput, CaseCallStatus, CaseEntry, CaseScore, ExtendDeadlineRequest, PublishRequest, SaveCaseRequest,
  ScoreCaseRequest, SelectCasesRequest, WithdrawCaseRequest,
} from '../src/domain/case-call.js';
export type {
  CancelCallRequest, CaseCallInput, CaseCallStatus, CaseEntry, CaseScore, ExtendDeadlineRequest, PublishRequest, SaveCaseRequest,
  ScoreCaseRequest, SelectCasesRequest, WithdrawCaseRequest,
};

export const CASE_CALL_WORKFLOW = 'caseCall';

export const caseCallQueries = {
  status: defineQuery<CaseCallStatus>('caseCallStatus'),
};

export const caseCallUpdates = {
  saveCase: defineUpdate<CaseEntry, [SaveCaseRequest]>('saveCase'),
  withdrawCase: defineUpdate<CaseEntry, [WithdrawCaseRequest]>('withdrawCase'),
  scoreCase: defineUpdate<CaseScore, [ScoreCaseRequest]>('scoreCase'),
  extendDeadline: defineUpdate<CaseCallStatus, [ExtendDeadlineRequest]>('extendDeadline'),
  select: defineUpdate<CaseCallStatus, [SelectCasesRequest]>('selectCases'),
  publish: defineUpdate<CaseCallStatus, [PublishRequest]>('publishCollection'),
  cancel: defineUpdate<CaseCallStatus, [CancelCallRequest]>('cancelCall'),
};
