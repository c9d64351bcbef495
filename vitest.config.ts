import { defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.js';

// Files that kill and restart workers or whole processes and count what happened in between:
// their timings are seconds long, so they run after everything else, on a quieter machine, three at a time.
const SERIAL = [
  'test/start/restart.test.ts',
  // npm start as three processes (platform, worker, API), one frozen and one killed while the other
  // answers: its start-up alone takes minutes when four other files share the two cores.
  'test/start/process-split.test.ts',
  'test/station-plan/station-plan.test.ts',
  'test/training-cycle/restart.test.ts',
  'test/training-cycle/cycle.test.ts',
  'test/notifications/worker-crash.test.ts',
  // Stops the worker while a reminder falls due and while an update waits: timing a loaded machine must not squeeze.
  'test/resource-request/api.test.ts',
];

// The cluster topology: a Temporal server on a PostgreSQL of its own, stopped and started. It shares
// nothing with the dev server the other files use.
const CLUSTER = ['test/cluster/server-restart.test.ts', 'test/cluster/store-outage.test.ts', 'test/cluster/worker-kill.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: [...SERIAL, ...CLUSTER],
          // One Temporal server for the run; each file has its own namespace, worker, task queue
          // and store. Four files at a time keep the two cores busy while some files wait on
          // timers. The four processes run file after file without a fresh module graph
          // (isolate: false): the SDK, PGlite's WebAssembly and the app are imported once per
          // process instead of once per file, which took the group from about 19 minutes to
          // about 9 on the 2-core machine. So a file must not rely on a fresh process: counters
          // are the process's (test/api/metrics.test.ts measures against an earlier scrape).
          fileParallelism: true,
          maxWorkers: 4,
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          // After the parallel group, three files at a time, each file in a process of its own:
          // they kill and restart workers, processes and servers, and wait on timers, so the
          // machine sat at about half its CPU with two of them and a third shortens the phase
          // (about 4 minutes) without squeezing their timings. (As two projects of the same group
          // order, vitest ran them one file at a time.)
          name: 'serial',
          include: [...SERIAL, ...CLUSTER],
          fileParallelism: true,
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
