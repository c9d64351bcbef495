import type { PlanTemplate, TaskTemplate } from './plan-template.js';
import type { Localized, MainTask, Stage } from './types.js';

// The station work manual as versioned content: plan templates are published as numbered versions,
// edited between publications as one draft. This module holds the pure part: the structured
// difference between two versions (what the manual page, the API and the CLI show).

/** A task field a diff names; localized fields by language (`title.zh`, `guidance.how.en`). */
export type TaskField =
  | 'stage' | 'mainTask' | 'required' | 'dueOffsetWorkingDays'
  | 'title.zh' | 'title.en'
  | 'guidance.why.zh' | 'guidance.why.en' | 'guidance.how.zh' | 'guidance.how.en' | 'guidance.evidence.zh' | 'guidance.evidence.en';

export interface FieldChange {
  field: string;
  from: string | number | boolean | null;
  to: string | number | boolean | null;
}

export type TaskChange =
  | { taskId: string; change: 'added'; stage: Stage; task: TaskTemplate }
  | { taskId: string; change: 'removed'; stage: Stage; task: TaskTemplate }
  | { taskId: string; change: 'changed'; stage: Stage; fields: FieldChange[] };

export interface TemplateDiff {
  /** Changes of the manual's own name and of stage names. */
  names: FieldChange[];
  tasks: TaskChange[];
}

const TASK_FIELDS: Array<[TaskField, (task: TaskTemplate) => string | number | boolean]> = [
  ['mainTask', (t) => t.mainTask],
  ['required', (t) => t.required],
  ['dueOffsetWorkingDays', (t) => t.dueOffsetWorkingDays],
  ['title.zh', (t) => t.title.zh],
  ['title.en', (t) => t.title.en],
  ['guidance.why.zh', (t) => t.guidance.why.zh],
  ['guidance.why.en', (t) => t.guidance.why.en],
  ['guidance.how.zh', (t) => t.guidance.how.zh],
  ['guidance.how.en', (t) => t.guidance.how.en],
  ['guidance.evidence.zh', (t) => t.guidance.evidence.zh],
  ['guidance.evidence.en', (t) => t.guidance.evidence.en],
];

function tasksById(template: PlanTemplate): Map<string, { stage: Stage; task: TaskTemplate }> {
  const result = new Map<string, { stage: Stage; task: TaskTemplate }>();
  for (const stage of template.stages) for (const task of stage.tasks) result.set(task.id, { stage: stage.stage, task });
  return result;
}

/** What changed from `from` to `to`: names, then tasks in `to`'s order, removed tasks last. */
export function diffTemplates(from: PlanTemplate, to: PlanTemplate): TemplateDiff {
  const names: FieldChange[] = [];
  if (from.name.zh !== to.name.zh) names.push({ field: 'name.zh', from: from.name.zh, to: to.name.zh });
  if (from.name.en !== to.name.en) names.push({ field: 'name.en', from: from.name.en, to: to.name.en });
  for (const stage of to.stages) {
    const before = from.stages.find((s) => s.stage === stage.stage);
    for (const lang of ['zh', 'en'] as const) {
      const previous = before?.name[lang] ?? null;
      if (previous !== stage.name[lang]) names.push({ field: `stages.${stage.stage}.name.${lang}`, from: previous, to: stage.name[lang] });
    }
  }

  const old = tasksById(from);
  const now = tasksById(to);
  const tasks: TaskChange[] = [];
  for (const [taskId, { stage, task }] of now) {
    const previous = old.get(taskId);
    if (!previous) {
      tasks.push({ taskId, change: 'added', stage, task });
      continue;
    }
    const fields: FieldChange[] = [];
    if (previous.stage !== stage) fields.push({ field: 'stage', from: previous.stage, to: stage });
    for (const [field, read] of TASK_FIELDS) {
      const a = read(previous.task);
      const b = read(task);
      if (a !== b) fields.push({ field, from: a, to: b });
    }
    if (fields.length > 0) tasks.push({ taskId, change: 'changed', stage, fields });
  }
  for (const [taskId, { stage, task }] of old) {
    if (!now.has(taskId)) tasks.push({ taskId, change: 'removed', stage, task });
  }
  return { names, tasks };
}

export interface ManualAbout {
  /** What a community social-work station is. */
  station: Localized;
  /** What it does: the four main tasks. */
  mainTasks: Array<{ key: MainTask; name: Localized; description: Localized }>;
  /** How: the three stages of the action plan. */
  stages: Localized;
}

const l = (zh: string, en: string): Localized => ({ zh, en });

/**
 * The manual's opening chapters, written by the project from the source report's outline (the
 * "12345" model); like the built-in guidance, not quoted from the real station work manual.
 */
export const MANUAL_ABOUT: ManualAbout = {
  station: l(
    '社区社会工作服务站是街道社会工作服务中心之下、设在社区的专业服务平台：在党建引领下，由站长和社工在岗提供服务，链接五社资源（社区、社会组织、社会工作者、社区志愿者、社会慈善资源），回应居民需求。',
    "A community social-work station is the professional service platform in a community, under the street's social-work service center: led by Party building, staffed by a station lead and social workers on their posts, linking the five parties (communities, social organisations, social workers, community volunteers, charitable resources) to meet residents' needs.",
  ),
  mainTasks: [
    { key: 'post_building', name: l('岗位建设', 'Post building'), description: l('设置岗位、明确职责、人员在岗，制度上墙。', 'Set up posts with clear duties, staff them, and post the rules.') },
    { key: 'talent_training', name: l('人才培养', 'Talent training'), description: l('社工参加六维度阶梯式培训，接受专业督导。', "Social workers take the six-dimension tiered training and receive professional supervision.") },
    { key: 'resource_linkage', name: l('资源链接', 'Resource linkage'), description: l('梳理资源、推动五社联动，孵化公益创投项目。', 'Map resources, drive five-party linkage, and incubate venture projects.') },
    { key: 'professional_services', name: l('专业服务', 'Professional services'), description: l('从需求评估出发，开展个案、小组和社区工作。', 'Starting from a needs assessment, deliver casework, group work and community work.') },
  ],
  stages: l(
    '每个服务站按三阶段行动计划推进：指导 → 支持 → 督导。每个阶段有若干任务，任务完成并提交证明材料，中心督导签收后进入下一阶段。',
    'Every station follows the three-stage action plan: guide → support → supervise. Each stage has tasks; when they are done with their evidence and the center supervisor signs the stage off, the next one begins.',
  ),
};
