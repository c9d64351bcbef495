import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

export const HISTORIES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'histories');

/**
 * Writes a finished workflow's history to test/histories/<name>.json when SAVE_HISTORIES=1, so a
 * test run can refresh the saved histories that test/replay.test.ts replays. Commit new files only
 * on purpose: a saved history is the contract that running workflows keep replaying.
 */
export async function saveHistoryIfRequested(client: Client, workflowId: string, name: string, runId?: string): Promise<void> {
  if (process.env.SAVE_HISTORIES !== '1') return;
  // A run id picks one run of a workflow that continued as new; without it, the latest run.
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
}
