import { ALL_ROLES, FileReply, route } from '../route.js';
import { attachmentListView } from '../../schemas/attachment.js';
import {
  callCaseParams, callCaseView, callIdParams, cancelCallBody, caseCallDetailView, caseCallListQuery, caseCallListView, caseCallView, collectionView,
  extendDeadlineBody, openCaseCallBody, publishBody, rubricView, saveCaseBody, scoreCaseBody, scoreView, selectCasesBody, withdrawCaseBody,
} from '../../schemas/case-call.js';
import { ATTACHMENT_LIMITS, attachFiles } from '../../services/attachment.js';
import {
  cancelCaseCall, caseAttachmentOwner, collectionFor, collectionPdfFor, defaultRubric, extendDeadline, getCallCaseFor, getCaseCallFor,
  listCaseCallsFor, openCaseCall, publishCollection, saveCase, scoreCase, selectCases, withdrawCase,
} from '../../services/case-call.js';

// Case calls (优秀案例征集评选): opened by the center, cases submitted by stations, scored by the
// panel, selected and published as a collection (page and PDF). Rules: src/services/case-call.ts
// (who may ask) and src/domain/case-call.ts (phases, deadlines, scores), run by the caseCall workflow.

const TAG = 'case calls';
const ORGANISERS = ['admin', 'supervisor'] as const;
const STATIONS = ['admin', 'supervisor', 'station_lead'] as const;
const STAFF = ['admin', 'supervisor', 'station_lead', 'social_worker'] as const;

export const caseCallRoutes = [
  route({
    method: 'get', path: '/api/rubrics/default', summary: "The project's default rubric for case calls (its own, not from the source report)", tag: TAG,
    roles: ALL_ROLES, response: rubricView, handler: async () => defaultRubric(),
  }),
  route({
    method: 'get', path: '/api/case-calls', summary: 'Case calls in your scope (viewers: published ones)', tag: TAG,
    roles: ALL_ROLES, query: caseCallListQuery, response: caseCallListView,
    handler: async ({ deps, principal, query }) => listCaseCallsFor(deps, principal, query),
  }),
  route({
    method: 'post', path: '/api/case-calls', summary: 'Open a case call: kinds, stations, deadlines, rubric, panel, cases to select per kind (starts its workflow)', tag: TAG,
    roles: ORGANISERS, body: openCaseCallBody, response: caseCallView, status: 201,
    example: {
      title: { zh: '2027 年优秀案例征集', en: '2027 excellent-case call' }, kinds: ['casework', 'group', 'community'], orgUnitId: 'cn-bj-xicheng-zhanlanlu',
      submissionDeadline: '2030-05-01T18:00:00+08:00', reviewDeadline: '2030-05-20T18:00:00+08:00', panel: ['w-zhanlanlu-supervisor-01'], selectPerKind: 3,
    },
    handler: async ({ deps, principal, body, requestId }) => openCaseCall(deps, principal, body, requestId),
  }),
  route({
    method: 'get', path: '/api/case-calls/:callId', summary: 'A case call: phase, deadlines, cases, your scores or (after review) results and the proposal', tag: TAG,
    roles: ALL_ROLES, params: callIdParams, response: caseCallDetailView,
    handler: async ({ deps, principal, params }) => getCaseCallFor(deps, principal, params.callId),
  }),
  route({
    method: 'post', path: '/api/case-calls/:callId/cases', summary: "Save a station's case (a draft, or submitted with submit: true) until the submission deadline", tag: TAG,
    roles: STATIONS, params: callIdParams, body: saveCaseBody, response: callCaseView,
    example: {
      communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', kind: 'community', title: '我的楼道我的家：楼门自治', background: '老旧小区楼道堆物多',
      needsAssessment: '入户走访 120 户', process: '楼门议事会', outcomes: '清理楼道 36 个', reflection: '居民骨干是关键', submit: false,
    },
    handler: async ({ deps, principal, params, body }) => saveCase(deps, principal, params.callId, body),
  }),
  route({
    method: 'get', path: '/api/case-calls/:callId/cases/:caseId', summary: 'One case with its text and the ids of its files', tag: TAG,
    roles: ALL_ROLES, params: callCaseParams, response: callCaseView,
    handler: async ({ deps, principal, params }) => getCallCaseFor(deps, principal, params.callId, params.caseId),
  }),
  route({
    method: 'post', path: '/api/case-calls/:callId/cases/:caseId/attachments', summary: 'Attach files to a case (multipart; photos, signed documents)', tag: TAG,
    roles: STATIONS, params: callCaseParams, response: attachmentListView, status: 201,
    upload: { fileBytes: ATTACHMENT_LIMITS.fileBytes, files: ATTACHMENT_LIMITS.filesPerRequest, requestBytes: ATTACHMENT_LIMITS.requestBytes },
    handler: async ({ deps, principal, params, files, requestId }) =>
      attachFiles(deps, principal, await caseAttachmentOwner(deps, principal, params.callId, params.caseId), files, requestId),
  }),
  route({
    method: 'post', path: '/api/case-calls/:callId/cases/:caseId/withdraw', summary: 'Withdraw a case, with the reason (recorded)', tag: TAG,
    roles: STATIONS, params: callCaseParams, body: withdrawCaseBody, response: callCaseView, example: { reason: 'Resident consent withdrawn' },
    handler: async ({ deps, principal, params, body }) => withdrawCase(deps, principal, params.callId, params.caseId, body.reason),
  }),
  route({
    method: 'post', path: '/api/case-calls/:callId/cases/:caseId/scores', summary: "Score a case on every criterion with a comment (the call's reviewers; never their own station's case)", tag: TAG,
    roles: STAFF, params: callCaseParams, body: scoreCaseBody, response: scoreView,
    example: { scores: { needs_assessment: 8, professional_method: 7, outcomes_evidence: 9, innovation: 6, replicability: 8 }, comment: 'Clear assessment; outcomes well evidenced' },
    handler: async ({ deps, principal, params, body }) => scoreCase(deps, principal, params.callId, params.caseId, body),
  }),
  route({
    method: 'post', path: '/api/case-calls/:callId/extend', summary: "Move the current phase's deadline later, with the reason (recorded)", tag: TAG,
    roles: ORGANISERS, params: callIdParams, body: extendDeadlineBody, response: caseCallDetailView,
    example: { phase: 'submission', deadline: '2030-05-08T18:00:00+08:00', reason: 'Stations asked for a week more' },
    handler: async ({ deps, principal, params, body }) => extendDeadline(deps, principal, params.callId, body),
  }),
  route({
    method: 'post', path: '/api/case-calls/:callId/selection', summary: 'Select the cases of the collection in order, with the reason (the top cases are proposed)', tag: TAG,
    roles: ORGANISERS, params: callIdParams, body: selectCasesBody, response: caseCallDetailView,
    example: { caseIds: ['case-wanmingyuan-loudao'], reason: 'Highest mean; strongest evidence' },
    handler: async ({ deps, principal, params, body }) => selectCases(deps, principal, params.callId, body),
  }),
  route({
    method: 'post', path: '/api/case-calls/:callId/publish', summary: 'Publish the collection (page and PDF) and end the call', tag: TAG,
    roles: ORGANISERS, params: callIdParams, body: publishBody, response: caseCallDetailView, example: {},
    handler: async ({ deps, principal, params }) => publishCollection(deps, principal, params.callId),
  }),
  route({
    method: 'post', path: '/api/case-calls/:callId/cancel', summary: 'Cancel a case call, with the reason (recorded)', tag: TAG,
    roles: ORGANISERS, params: callIdParams, body: cancelCallBody, response: caseCallDetailView, example: { reason: 'Merged into the district call' },
    handler: async ({ deps, principal, params, body }) => cancelCaseCall(deps, principal, params.callId, body.reason),
  }),
  route({
    method: 'get', path: '/api/case-calls/:callId/collection', summary: 'The published collection: the selected cases in order, with station, kind and mean score', tag: TAG,
    roles: ALL_ROLES, params: callIdParams, response: collectionView,
    handler: async ({ deps, principal, params }) => collectionFor(deps, principal, params.callId),
  }),
  route({
    method: 'get', path: '/api/case-calls/:callId/collection.pdf', summary: 'The published collection as a PDF (Chinese text in an embedded font)', tag: TAG,
    roles: ALL_ROLES, params: callIdParams, files: ['application/pdf'],
    handler: async ({ deps, principal, params }) => {
      const { content, fileName } = await collectionPdfFor(deps, principal, params.callId);
      return new FileReply(content, 'application/pdf', fileName, 'attachment', 'private, max-age=3600');
    },
  }),
];
