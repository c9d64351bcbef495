import type { PlanChange } from './station-plan-machine.js';
import { buildPlanMirror, fullPlanMirror, type PlanMirror, type StationPlanInput, type StationPlanState } from './station-plan.js';

/**
 * What changed since the plan's last records-store write. The workflow records every change here
 * and takes the next write from it when that write's turn comes: the first write of a run (and
 * the first after continue-as-new carries no history of writes) holds everything, later ones
 * only the tasks, visits and events that changed since. Pure.
 */
export class PlanMirrorLog {
  private readonly tasks = new Set<string>();
  private readonly newTasks = new Set<string>();
  private readonly visits = new Set<number>();
  private evaluation = false;
  private report = false;
  private full: boolean;
  private eventsMirrored: number;

  /** `carried`: the state came over by continue-as-new, and the store holds it already. */
  constructor(state: StationPlanState, carried: boolean) {
    this.full = !carried;
    this.eventsMirrored = carried ? state.nextEventSeq - 1 : 0;
  }

  record(change: Pick<PlanChange, 'tasks' | 'newTasks' | 'visits' | 'evaluation' | 'report'>): void {
    for (const id of change.tasks) this.tasks.add(id);
    for (const id of change.newTasks) this.newTasks.add(id);
    for (const no of change.visits) this.visits.add(no);
    this.evaluation ||= change.evaluation;
    this.report ||= change.report;
  }

  /** The next write: everything recorded since the last one, which is then forgotten. */
  take(state: StationPlanState, input: StationPlanInput, workflowId: string): PlanMirror {
    const mirror = this.full
      ? fullPlanMirror(state, input, workflowId)
      : buildPlanMirror(state, input, workflowId, {
        taskIds: this.tasks, newTaskIds: this.newTasks, visitNos: this.visits, eventsAfter: this.eventsMirrored,
        evaluation: this.evaluation, report: this.report,
      });
    this.full = false;
    this.tasks.clear();
    this.newTasks.clear();
    this.visits.clear();
    this.evaluation = false;
    this.report = false;
    this.eventsMirrored = state.nextEventSeq - 1;
    return mirror;
  }
}
