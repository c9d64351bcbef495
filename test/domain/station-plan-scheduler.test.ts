import { describe, expect, it } from 'vitest';
import { completeTask, signOff } from '../../src/domain/station-plan-machine.js';
import type { PlanContext } from '../../src/domain/station-plan-notices.js';
import { latestRoundDue } from '../../src/domain/reminders.js';
import { collectDueNotices, type CollectOptions } from '../../src/domain/station-plan-scheduler.js';
import { initialPlanState, type StationPlanInput, type StationPlanState } from '../../src/domain/station-plan.js';
import { compressedInput, testPolicy } from '../station-plan/template.js';

// The reminder scheduler without Temporal. A "working day" lasts 1 s from instant 0: g-posts is
// due at 2 s, g-needs and g-extra at 3 s. The test policy reminds half a day before, sends one
// overdue notice at the due time, and escalates half a day after it (to the station lead), then
// every day (to the center supervisor).

const evidence = { note: 'done', links: [] };

function started(overrides: Partial<StationPlanInput> = {}): { state: StationPlanState; plan: PlanContext } {
  const input = compressedInput(1_000, overrides);
  return { state: initialPlanState(input, 0), plan: { input, workflowId: 'station-plan:cn-test' } };
}

/** Collects at `now` and names what is due as `<key without the plan id>@<recipient>`. */
function collect(state: StationPlanState, plan: PlanContext, now: number) {
  const { due, nextAt, escalated } = collectDueNotices(state, plan, now);
  return { sent: due.map((n) => `${n.key.replace(`${plan.input.planId}:`, '')}@${n.recipientId}`), nextAt, escalated, due };
}

describe('station plan scheduler', () => {
  it('sends each reminder, overdue notice and escalation once, with stable keys, and says when the next falls due', () => {
    const { state, plan } = started();
    expect(collect(state, plan, 0)).toMatchObject({ sent: [], nextAt: 1_500, escalated: [] });

    const reminder = collect(state, plan, 1_500);
    expect(reminder.sent).toEqual(['task:g-posts:v0:due:500@w-lead']);
    expect(reminder.due[0]).toMatchObject({
      kind: 'task_due', workflowId: 'station-plan:cn-test', dueAt: 1_500,
      check: { type: 'plan_task_open', planId: plan.input.planId, taskId: 'g-posts' },
      data: { taskId: 'g-posts', taskTitleEn: 'Posts', guidanceEn: 'How to posts', communityNameEn: 'Test community', dueAt: 2_000 },
    });
    expect(reminder.nextAt).toBe(2_000);
    expect(collect(state, plan, 1_500)).toMatchObject({ sent: [], nextAt: 2_000 });

    const overdue = collect(state, plan, 2_000);
    expect(overdue.sent).toEqual(['task:g-posts:v0:overdue:0@w-lead']);
    expect(overdue.due[0]!.data).toMatchObject({ daysOverdue: 0, round: 1 });
    expect(overdue.nextAt).toBe(2_500);

    expect(collect(state, plan, 2_500)).toMatchObject({
      sent: ['task:g-posts:v0:escalation:0@w-lead', 'task:g-needs:v0:due:500@w-lead', 'task:g-extra:v0:due:500@w-lead'],
      escalated: ['g-posts'],
    });
    const second = collect(state, plan, 3_500);
    expect(second.sent.filter((name) => name.includes('g-posts'))).toEqual(['task:g-posts:v0:escalation:1@w-supervisor']);
    expect(second.due.find((n) => n.key.endsWith('g-posts:v0:escalation:1'))!.data).toMatchObject({ round: 2, step: 'center_supervisor' });
    expect(second.escalated).toEqual(['g-posts', 'g-needs', 'g-extra']);
    expect(collect(state, plan, 3_500).sent).toEqual([]);
    expect(state.tasks.find((t) => t.id === 'g-posts')).toMatchObject({ remindersSent: [500], overdueRounds: 1, escalationRounds: 2 });
  });

  it('stops reminding of a task once it is done', () => {
    const { state, plan } = started();
    collect(state, plan, 1_500);
    completeTask(state, plan, { by: 'lead', taskId: 'g-posts', evidence }, 1_600);
    expect(collect(state, plan, 10_000).sent.filter((name) => name.includes('g-posts'))).toEqual([]);
  });

  it('marks a reminder whose moment passed after the due time handled without sending it; the overdue notice stands in', () => {
    const { state, plan } = started();
    expect(collect(state, plan, 2_100).sent).toEqual(['task:g-posts:v0:overdue:0@w-lead']);
    expect(state.tasks.find((t) => t.id === 'g-posts')!.remindersSent).toEqual([500]);
  });

  it('counts the escalation rounds of a station without a lead, and sends them to nobody', () => {
    const { state, plan } = started({ recipients: { stationLeadId: null, supervisorId: 'w-supervisor' } });
    expect(collect(state, plan, 2_500)).toMatchObject({ sent: [], escalated: ['g-posts'] });
    expect(collect(state, plan, 3_500).sent).toEqual(['task:g-posts:v0:escalation:1@w-supervisor']);
  });

  it('reminds the supervisor of a waiting sign-off every signOffReminderMs, keyed by the sign-off version', () => {
    const { state, plan } = started();
    for (const taskId of ['g-posts', 'g-needs']) completeTask(state, plan, { by: 'lead', taskId, evidence }, 100);
    const first = collect(state, plan, 100);
    expect(first.sent).toEqual(['stage:guide:v1:sign-off:0@w-supervisor']);
    expect(first.due[0]).toMatchObject({ kind: 'sign_off_requested', check: { type: 'plan_stage_awaiting_sign_off', planId: plan.input.planId, stage: 'guide' } });
    expect(first.nextAt).toBe(2_500);
    expect(collect(state, plan, 10_100).sent.filter((name) => name.startsWith('stage:'))).toEqual(['stage:guide:v1:sign-off:1@w-supervisor']);
    signOff(state, plan, { by: 'supervisor', stage: 'guide' }, 10_200);
    expect(collect(state, plan, 30_000).sent.filter((name) => name.startsWith('stage:guide'))).toEqual([]);
  });

  it('reminds the supervisor of each supervision visit in the supervise stage', () => {
    const { state, plan } = started();
    for (const [stage, tasks] of [['guide', ['g-posts', 'g-needs']], ['support', ['s-resources']]] as const) {
      for (const taskId of tasks) completeTask(state, plan, { by: 'lead', taskId, evidence }, 10);
      signOff(state, plan, { by: 'supervisor', stage }, 20);
    }
    const visits = (now: number) => collect(state, plan, now).sent.filter((name) => name.startsWith('visit:'));
    expect(visits(1_519)).toEqual([]);
    expect(visits(1_520)).toEqual(['visit:1:v0:due:500@w-supervisor']);
    expect(visits(3_520)).toEqual(['visit:2:v0:due:500@w-supervisor']);
  });

  /** Collects at `now` again and again, as the workflow's loop does while something is due, and returns all it sent. */
  function drain(state: StationPlanState, plan: PlanContext, now: number, options: CollectOptions) {
    const sent: string[] = [];
    for (let wake = 0; wake < 10_000; wake += 1) {
      const { due } = collectDueNotices(state, plan, now, options);
      if (due.length === 0) break;
      sent.push(...due.map((n) => `${n.key.replace(`${plan.input.planId}:`, '')}@${n.recipientId}`));
    }
    return sent;
  }

  it('catches up a plan back-dated a hundred days with the latest overdue notice and escalation of each task, not every missed round', () => {
    const overrides = { reminderPolicy: { ...testPolicy(1_000), overdueRepeatMs: 1_000 } };
    const latest = started(overrides);
    const sent = drain(latest.state, latest.plan, 100_000, { catchUp: 'latest' });
    // g-posts is due at 2 s: overdue rounds at 2, 3 … 100 s (the 99th is round 98); escalations at 2.5, 3.5 … 99.5 s (round 97).
    expect(sent.filter((name) => name.includes('g-posts'))).toEqual(['task:g-posts:v0:overdue:98@w-lead', 'task:g-posts:v0:escalation:97@w-supervisor']);
    expect(sent.filter((name) => name.includes(':overdue:'))).toHaveLength(3);
    expect(sent.filter((name) => name.includes(':escalation:'))).toHaveLength(3);
    expect(latest.state.tasks.find((t) => t.id === 'g-posts')).toMatchObject({ overdueRounds: 99, escalationRounds: 98 });
    // The rounds go on from there, one at a time.
    expect(collectDueNotices(latest.state, latest.plan, 100_000, { catchUp: 'latest' }).nextAt).toBe(100_500);
    expect(drain(latest.state, latest.plan, 101_000, { catchUp: 'latest' }).filter((name) => name.includes('g-posts')))
      .toEqual(['task:g-posts:v0:overdue:99@w-lead', 'task:g-posts:v0:escalation:98@w-supervisor']);

    // Plans started before the catch-up patch send every missed round, as their histories did.
    const each = started(overrides);
    const burst = drain(each.state, each.plan, 100_000, { catchUp: 'each' });
    expect(burst.filter((name) => name.startsWith('task:g-posts:v0:overdue:'))).toHaveLength(99);
    expect(burst.filter((name) => name.startsWith('task:g-posts:v0:escalation:'))).toHaveLength(98);
  });

  it('catches up a sign-off waiting for days with its latest reminder', () => {
    const { state, plan } = started();
    for (const taskId of ['g-posts', 'g-needs']) completeTask(state, plan, { by: 'lead', taskId, evidence }, 100);
    const sent = drain(state, plan, 100 + 20 * plan.input.signOffReminderMs, { catchUp: 'latest' }).filter((name) => name.startsWith('stage:'));
    expect(sent).toEqual(['stage:guide:v1:sign-off:20@w-supervisor']);
  });

  it('finds the latest round due when rounds are moved forward to allowed times', () => {
    // Rounds every 10 from 0, each moved 15 later (a quiet spell): round r falls at 10r + 15.
    const at = (round: number) => round * 10 + 15;
    expect(latestRoundDue(0, 14, 0, 10, at)).toBeUndefined();
    expect(latestRoundDue(0, 15, 0, 10, at)).toBe(0);
    expect(latestRoundDue(0, 104, 0, 10, at)).toBe(8);
    expect(latestRoundDue(0, 105, 0, 10, at)).toBe(9);
    expect(latestRoundDue(9, 105, 0, 10, at)).toBe(9);
    expect(latestRoundDue(10, 105, 0, 10, at)).toBeUndefined();
  });
});
