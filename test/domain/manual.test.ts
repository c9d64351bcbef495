import { describe, expect, it } from 'vitest';
import { diffTemplates } from '../../src/domain/manual.js';
import { DEFAULT_PLAN_TEMPLATE, type PlanTemplate } from '../../src/domain/plan-template.js';

// The diff between two manual versions, without a store: names, tasks added and removed, and
// changed tasks field by field (a task moved to another stage says so).

const copy = (): PlanTemplate => structuredClone(DEFAULT_PLAN_TEMPLATE);

describe('diffTemplates', () => {
  it('finds nothing between a version and itself', () => {
    expect(diffTemplates(DEFAULT_PLAN_TEMPLATE, copy())).toEqual({ names: [], tasks: [] });
  });

  it('names the manual and stage names that changed', () => {
    const next = copy();
    next.name.en = 'Station work manual';
    next.stages[1]!.name.zh = '支持阶段';
    expect(diffTemplates(DEFAULT_PLAN_TEMPLATE, next).names).toEqual([
      { field: 'name.en', from: DEFAULT_PLAN_TEMPLATE.name.en, to: 'Station work manual' },
      { field: 'stages.support.name.zh', from: '支持', to: '支持阶段' },
    ]);
  });

  it('lists a task moved to another stage, made optional and with new evidence as one change with each field', () => {
    const next = copy();
    const [task] = next.stages[0]!.tasks.splice(2, 1);
    task!.required = false;
    task!.guidance.evidence.en = 'The plan, signed by the center';
    next.stages[1]!.tasks.unshift(task!);
    expect(diffTemplates(DEFAULT_PLAN_TEMPLATE, next).tasks).toEqual([{
      taskId: 'guide-annual-plan', change: 'changed', stage: 'support', fields: [
        { field: 'stage', from: 'guide', to: 'support' },
        { field: 'required', from: true, to: false },
        { field: 'guidance.evidence.en', from: 'The annual service plan as reviewed by the center.', to: 'The plan, signed by the center' },
      ],
    }]);
  });

  it('lists added tasks in the new order and removed ones after them', () => {
    const next = copy();
    const removed = next.stages[2]!.tasks.shift()!;
    const added = { ...structuredClone(removed), id: 'supervise-peer-review' };
    next.stages[2]!.tasks.push(added);
    expect(diffTemplates(DEFAULT_PLAN_TEMPLATE, next).tasks).toEqual([
      { taskId: 'supervise-peer-review', change: 'added', stage: 'supervise', task: added },
      { taskId: 'supervise-midterm-evaluation', change: 'removed', stage: 'supervise', task: removed },
    ]);
  });
});
