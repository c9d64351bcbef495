import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { freePort, startDevServer, type DevServer } from '../src/temporal/dev-server.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes.js';
import { WORKFLOWS_PATH } from '../src/temporal/worker.js';
import { allTestNamespaces } from './helpers/namespace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    runId: string;
    /** The workflow bundle built once for the run (test/helpers/temporal.ts workflowBundle). */
    workflowBundlePath: string;
    /** The cluster's server and SQL tool (scripts/install-temporal-server), for test/cluster/. */
    temporalServerDir: string;
  }
}

const QUIET_BUNDLER = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };

let server: DevServer | undefined;
let dir: string | undefined;

/** One Temporal dev server (in memory, headless) for the whole `npm test` run, a namespace per test file. */
export async function setup(project: TestProject) {
  const cli = process.env.TEMPORAL_CLI;
  if (!cli) throw new Error('TEMPORAL_CLI is not set: run the suite with `npm test`, which finds or builds the Temporal CLI');
  dir = mkdtempSync(join(tmpdir(), 'shegong-test-'));
  server = await startDevServer({
    cli,
    port: await freePort(),
    searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
    namespaces: allTestNamespaces(),
  });
  project.provide('temporalAddress', server.address);
  // One webpack bundle of workflows/ for every file's workers and replays (it took seconds of CPU
  // in each of some sixty files).
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: QUIET_BUNDLER });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('temporalServerDir', ensureTemporalServer());
  project.provide('runId', `r${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`);
}

export async function teardown() {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * The directory with temporal-server and temporal-sql-tool: TEMPORAL_SERVER_DIR (set by `npm test`)
 * or the cached build, built here when missing, so the cluster tests never skip.
 */
function ensureTemporalServer(): string {
  if (process.env.TEMPORAL_SERVER_DIR) return process.env.TEMPORAL_SERVER_DIR;
  const result = spawnSync(join(process.cwd(), 'scripts', 'install-temporal-server'), [], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error('scripts/install-temporal-server failed: the cluster tests need the Temporal server (see its output above)');
  return result.stdout.trim().split('\n').at(-1)!;
}
