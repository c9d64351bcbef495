import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take longest, with their seconds in a full run on the 2-core machine (2026-12-02).
// Vitest orders files by its cache of earlier runs, which a fresh clone does not have (there it
// keeps the glob's order), so a long file could start last and run alone at the end of its group.
// Longest first instead, in every checkout; files not named here follow by path.
const LONGEST: Record<string, number> = {
  // The parallel group.
  'test/api/fuzz.test.ts': 233,
  'test/web/craft.test.ts': 176,
  'test/api/roles.test.ts': 165,
  'test/case-call/case-call.test.ts': 154,
  'test/web/case-call-journey.test.ts': 128,
  'test/store/transfer.test.ts': 92,
  'test/web/gaps.test.ts': 65,
  'test/training-cycle/fanout.test.ts': 57,
  'test/cli/cli.test.ts': 46,
  'test/web/plan-journey.test.ts': 44,
  'test/web/admin.test.ts': 44,
  'test/resource-request/workflow.test.ts': 38,
  'test/web/training-journey.test.ts': 34,
  // The serial group.
  'test/cluster/worker-kill.test.ts': 117,
  'test/cluster/server-restart.test.ts': 106,
  'test/start/process-split.test.ts': 90,
  'test/station-plan/station-plan.test.ts': 70,
  'test/training-cycle/restart.test.ts': 63,
  'test/start/restart.test.ts': 62,
  'test/training-cycle/cycle.test.ts': 57,
  'test/cluster/store-outage.test.ts': 45,
  'test/resource-request/api.test.ts': 36,
  'test/notifications/worker-crash.test.ts': 23,
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const path = (spec: TestSpecification) => relative(this.ctx.config.root, spec.moduleId);
    const seconds = (spec: TestSpecification) => LONGEST[path(spec)] ?? 0;
    // Not vitest's cache of earlier runs: the same order in every checkout, so a run here is the run CI makes.
    return [...files].sort((a, b) => (a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder)
      || seconds(b) - seconds(a) || path(a).localeCompare(path(b)));
  }
}
