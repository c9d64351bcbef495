import { ALL_ROLES, FileReply, route } from '../route.js';
import {
  createDraftBody, diffQuery, discardedView, diffView, draftView, manualQuery, manualView, publishDraftBody, saveDraftBody, versionQuery, versionSummaryView, versionView,
} from '../../schemas/manual.js';
import {
  createManualDraft, diffManualVersions, discardManualDraft, getManual, getManualDraftFor, getManualVersionFor, manualPdfFor, publishManual, saveManualDraft,
} from '../../services/manual.js';

// The station work manual (工作手册) as versioned content: read by everyone over its scope, edited
// as one draft and published as numbered versions by the center's supervisors and admins.
// Rules: src/services/manual.ts; the diff: src/domain/manual.ts.

const TAG = 'manual';
const EDITORS = ['admin', 'supervisor'] as const;

export const manualRoutes = [
  route({
    method: 'get', path: '/api/manual', summary: 'The station work manual over your scope: its versions (newest first), its draft (for editors), what a station is and does', tag: TAG,
    roles: ALL_ROLES, query: manualQuery, response: manualView,
    handler: async ({ deps, principal, query }) => getManual(deps, principal, query.templateId),
  }),
  route({
    method: 'get', path: '/api/manual/version', summary: 'One published manual version (?version=N; the newest without it): stages, tasks, guidance and the evidence that counts', tag: TAG,
    roles: ALL_ROLES, query: versionQuery, response: versionView,
    handler: async ({ deps, principal, query }) => getManualVersionFor(deps, principal, query.version, query.templateId),
  }),
  route({
    method: 'get', path: '/api/manual/version.pdf', summary: 'One manual version (?version=N; the newest without it) as a PDF (Chinese text in an embedded font)', tag: TAG,
    roles: ALL_ROLES, query: versionQuery, files: ['application/pdf'],
    handler: async ({ deps, principal, query }) => {
      const { content, fileName } = await manualPdfFor(deps, principal, query.version, query.templateId);
      return new FileReply(content, 'application/pdf', fileName, 'attachment', 'private, max-age=3600');
    },
  }),
  route({
    method: 'get', path: '/api/manual/diff', summary: 'What changed between two versions (?from=&to=, or a version and the draft; default: the newest against the one before): names, tasks added, removed and changed field by field', tag: TAG,
    roles: ALL_ROLES, query: diffQuery, response: diffView,
    handler: async ({ deps, principal, query }) => diffManualVersions(deps, principal, query),
  }),
  route({
    method: 'get', path: '/api/manual/draft', summary: "The manual's draft, whole", tag: TAG,
    roles: EDITORS, query: manualQuery, response: draftView,
    handler: async ({ deps, principal, query }) => getManualDraftFor(deps, principal, query.templateId),
  }),
  route({
    method: 'post', path: '/api/manual/draft', summary: "Make the manual's draft from its newest version (one draft at a time)", tag: TAG,
    roles: EDITORS, body: createDraftBody, response: draftView, status: 201, example: {},
    handler: async ({ deps, principal, body, requestId }) => createManualDraft(deps, principal, body.templateId, requestId),
  }),
  route({
    method: 'put', path: '/api/manual/draft', summary: "Replace the draft's content: name, the three stages with their tasks, guidance, evidence and due offsets", tag: TAG,
    roles: EDITORS, body: saveDraftBody, response: draftView,
    example: {
      name: { zh: '展览路街道社区社会工作服务站三阶段行动计划', en: 'Zhanlanlu three-stage station action plan' },
      stages: ['guide', 'support', 'supervise'].map((stage) => ({
        stage, name: { zh: stage, en: stage },
        tasks: [{
          id: `${stage}-task`, mainTask: 'post_building', title: { zh: '任务', en: 'Task' }, dueOffsetWorkingDays: 10, required: true,
          guidance: { why: { zh: '为什么', en: 'Why' }, how: { zh: '怎么做', en: 'How' }, evidence: { zh: '证明', en: 'Evidence' } },
        }],
      })),
    },
    handler: async ({ deps, principal, body, requestId }) => saveManualDraft(deps, principal, body, requestId),
  }),
  route({
    method: 'post', path: '/api/manual/draft/discard', summary: "Discard the manual's draft", tag: TAG,
    roles: EDITORS, body: createDraftBody, response: discardedView, example: {},
    handler: async ({ deps, principal, body, requestId }) => discardManualDraft(deps, principal, body.templateId, requestId),
  }),
  route({
    method: 'post', path: '/api/manual/draft/publish', summary: 'Publish the draft as the next version, with a change note (who and when are recorded); new plans take it', tag: TAG,
    roles: EDITORS, body: publishDraftBody, response: versionSummaryView, status: 201,
    example: { changeNote: 'Needs assessment now asks for the sample size' },
    handler: async ({ deps, principal, body, requestId }) => publishManual(deps, principal, body, requestId),
  }),
];
