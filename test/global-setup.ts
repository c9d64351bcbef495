import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { temporalCliPath, temporalServerDir } from '../scripts/lib/ensure.mjs';
import { freePort, startDevServer, type DevServer } from '../src/temporal/dev-server.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes.js';
import { WORKFLOWS_PATH } from '../src/temporal/worker.js';
import { allTestNamespaces } from './helpers/namespace.js';
import { pgliteTemplate } from './helpers/store-template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    runId: string;
    /** The workflow bundle built once for the run (test/helpers/temporal.ts workflowBundle). */
    workflowBundlePath: string;
    /** Where test/helpers/store.ts keeps the run's PGlite templates (migrated, seeded). */
    storeTemplateDir: string;
    /** The cluster's server and SQL tool (scripts/install-temporal-server), for test/cluster/. */
    temporalServerDir: string;
  }
}

const QUIET_BUNDLER = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };

interface Shared {
  server: DevServer;
  dir: string;
  provided: { temporalAddress: string; workflowBundlePath: string; storeTemplateDir: string; temporalServerDir: string; runId: string };
}

// Vitest runs a global set-up once per project (the root, parallel and serial), each from
// a fresh copy of this module: what they share lives on globalThis, made by the first and torn
// down by the last, so the run has one server, one bundle and one set of templates.
const state = globalThis as typeof globalThis & { shegongTestSetup?: Promise<Shared>; shegongTestSetupUsers?: number };

/** One Temporal dev server (in memory, headless) for the whole `npm test` run, a namespace per test file. */
export async function setup(project: TestProject) {
  state.shegongTestSetupUsers = (state.shegongTestSetupUsers ?? 0) + 1;
  state.shegongTestSetup ??= startShared();
  const { provided } = await state.shegongTestSetup;
  for (const [key, value] of Object.entries(provided)) project.provide(key as keyof Shared['provided'], value);
}

async function startShared(): Promise<Shared> {
  // TEMPORAL_CLI (set by `npm test`), or found or built here, so `npx vitest` works on its own too.
  const cli = temporalCliPath();
  const dir = mkdtempSync(join(tmpdir(), 'shegong-test-'));
  // The server starts in its own process while this one bundles workflows/ once for every file's
  // workers and replays, and makes the PGlite templates (test/helpers/store-template.ts): each took
  // seconds of CPU in each of some sixty to ninety files.
  const templates = join(dir, 'stores');
  mkdirSync(templates);
  const bundlePath = join(dir, 'workflow-bundle.js');
  const [server] = await Promise.all([
    startDevServer({ cli, port: await freePort(), searchAttributes: CUSTOM_SEARCH_ATTRIBUTES, namespaces: allTestNamespaces() }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: QUIET_BUNDLER }).then((bundle) => writeFileSync(bundlePath, bundle.code)),
    pgliteTemplate(templates).then(() => pgliteTemplate(templates, { seed: true })),
  ]);
  return {
    server,
    dir,
    provided: {
      temporalAddress: server.address,
      workflowBundlePath: bundlePath,
      storeTemplateDir: templates,
      // The cluster's server (test/cluster/): TEMPORAL_SERVER_DIR (set by `npm test`), or built here
      // when missing, so the cluster tests never skip.
      temporalServerDir: temporalServerDir(),
      runId: `r${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`,
    },
  };
}

export async function teardown() {
  state.shegongTestSetupUsers = (state.shegongTestSetupUsers ?? 1) - 1;
  if (state.shegongTestSetupUsers > 0 || !state.shegongTestSetup) return;
  const shared = await state.shegongTestSetup;
  state.shegongTestSetup = undefined;
  await shared.server.stop();
  rmSync(shared.dir, { recursive: true, force: true });
}
