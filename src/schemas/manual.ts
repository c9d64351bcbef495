import { z } from 'zod';
import { MAIN_TASKS, STAGES } from '../domain/types.js';
import { idSchema, nameSchema } from './common.js';

// The station work manual's API: versions, the draft, publication, the diff between two versions.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Guidance text: paragraphs allowed (line breaks), other control characters not. */
const guidanceText = z.string().trim().min(1).max(2000).refine((value) => !CONTROL.test(value), 'control characters are not allowed');
const localizedName = z.object({ zh: nameSchema, en: nameSchema }).strict();
const localizedText = z.object({ zh: guidanceText, en: guidanceText }).strict();
const localized = z.object({ zh: z.string(), en: z.string() });

const manualTaskSchema = z.object({
  id: z.string().trim().regex(/^[a-z][a-z0-9-]{1,59}$/, 'use 2–60 lower-case letters, digits and "-", starting with a letter'),
  mainTask: z.enum(MAIN_TASKS),
  title: localizedName,
  guidance: z.object({ why: localizedText, how: localizedText, evidence: localizedText }).strict(),
  /** Working days from the stage's start to the task's due date. */
  dueOffsetWorkingDays: z.number().int().min(0).max(250),
  required: z.boolean(),
}).strict();

const manualStageSchema = z.object({
  stage: z.enum(STAGES),
  name: localizedName,
  tasks: z.array(manualTaskSchema).min(1).max(30),
}).strict();

function checkContent(content: { stages: Array<{ stage: string; tasks: Array<{ id: string }> }> }, ctx: z.RefinementCtx) {
  content.stages.forEach((stage, index) => {
    if (stage.stage !== STAGES[index]) ctx.addIssue({ code: 'custom', path: ['stages', index, 'stage'], message: `expected "${STAGES[index]}" here (stages go ${STAGES.join(' → ')})` });
  });
  const seen = new Set<string>();
  content.stages.forEach((stage, s) => stage.tasks.forEach((task, t) => {
    if (task.id.startsWith('visit-')) ctx.addIssue({ code: 'custom', path: ['stages', s, 'tasks', t, 'id'], message: 'ids starting with "visit-" are kept for follow-up tasks' });
    if (seen.has(task.id)) ctx.addIssue({ code: 'custom', path: ['stages', s, 'tasks', t, 'id'], message: `task id "${task.id}" is used twice` });
    seen.add(task.id);
  }));
}

/** A draft's content: the manual's name and its three stages in order, each with its tasks. */
const contentShape = {
  name: localizedName,
  stages: z.array(manualStageSchema).length(STAGES.length),
};

export const manualQuery = z.object({ templateId: idSchema.optional() }).strict();
/** `version` left out: the newest. */
export const versionQuery = z.object({ templateId: idSchema.optional(), version: z.coerce.number().int().min(1).max(1_000_000).optional() }).strict();
const versionRef = z.union([z.literal('draft'), z.coerce.number().int().min(1).max(1_000_000)]);
/** `to` left out: the newest version; `from` left out: the version before `to` (the draft's base when `to` is the draft). */
export const diffQuery = z.object({ templateId: idSchema.optional(), from: versionRef.optional(), to: versionRef.optional() }).strict();

export const createDraftBody = z.object({ templateId: idSchema.optional() }).strict();
/** The draft's whole content, replaced at once. */
export const saveDraftBody = z.object({
  templateId: idSchema.optional(),
  /** The draft's revision this edit was made on; a later edit in between answers 409. */
  revision: z.number().int().min(1).optional(),
  ...contentShape,
}).strict().superRefine(checkContent);
export type SaveDraftBody = z.infer<typeof saveDraftBody>;
export const publishDraftBody = z.object({
  templateId: idSchema.optional(),
  /** What changed and why, shown with the version. */
  changeNote: z.string().trim().min(1).max(2000).refine((value) => !CONTROL.test(value), 'control characters are not allowed'),
}).strict();

const taskView = z.object({
  id: z.string(), mainTask: z.enum(MAIN_TASKS), title: localized,
  guidance: z.object({ why: localized, how: localized, evidence: localized }),
  dueOffsetWorkingDays: z.number(), required: z.boolean(),
});
export const templateView = z.object({
  id: z.string(), version: z.number(), name: localized,
  stages: z.array(z.object({ stage: z.enum(STAGES), name: localized, tasks: z.array(taskView) })),
});
export const versionSummaryView = z.object({
  templateId: z.string(), version: z.number(), name: localized, orgUnitId: z.string().nullable(),
  /** `project_default`: the built-in text, written by the project (not quoted from the real manual); `edited`: published by the street. */
  provenance: z.enum(['project_default', 'edited']),
  publishedBy: z.string().nullable().describe('null for viewers, who see no names'), publishedAt: z.string(), changeNote: z.string(),
});
export const draftView = z.object({
  templateId: z.string(), orgUnitId: z.string().nullable(), baseVersion: z.number(), template: templateView, revision: z.number(),
  createdBy: z.string(), createdAt: z.string(), updatedBy: z.string(), updatedAt: z.string(),
});
export const manualView = z.object({
  templateId: z.string(), orgUnitId: z.string().nullable(), latestVersion: z.number(),
  versions: z.array(versionSummaryView),
  draft: draftView.omit({ template: true }).nullable(),
  /** Whether the caller may edit the draft and publish. */
  canEdit: z.boolean(),
  /** The manual's opening chapters: what a station is, what it does (the four main tasks), how (the three stages). The project's own text. */
  about: z.object({
    station: localized,
    mainTasks: z.array(z.object({ key: z.enum(MAIN_TASKS), name: localized, description: localized })),
    stages: localized,
  }),
});
export const versionView = versionSummaryView.extend({ template: templateView });
const fieldChange = z.object({ field: z.string(), from: z.union([z.string(), z.number(), z.boolean()]).nullable(), to: z.union([z.string(), z.number(), z.boolean()]).nullable() });
export const diffView = z.object({
  templateId: z.string(),
  from: z.union([z.number(), z.literal('draft')]),
  to: z.union([z.number(), z.literal('draft')]),
  names: z.array(fieldChange),
  tasks: z.array(z.discriminatedUnion('change', [
    z.object({ taskId: z.string(), change: z.literal('added'), stage: z.enum(STAGES), task: taskView }),
    z.object({ taskId: z.string(), change: z.literal('removed'), stage: z.enum(STAGES), task: taskView }),
    z.object({ taskId: z.string(), change: z.literal('changed'), stage: z.enum(STAGES), fields: z.array(fieldChange) }),
  ])),
});
export const discardedView = z.object({ templateId: z.string(), discarded: z.boolean() });
