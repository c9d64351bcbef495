import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { HISTORIES_DIR } from './helpers/histories.js';
import { testDataConverter, workflowBundle } from './helpers/temporal.js';

// Every saved history replays against today's workflow code: a change that would break running
// workflows (a non-deterministic edit without patched()) fails here. The replay worker decrypts
// with the test keys; histories saved before payloads were encrypted pass through the codec as
// they are.
const files = (() => {
  try {
    return readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json')).sort();
  } catch {
    return [];
  }
})();

describe('saved workflow histories', () => {
  it('exist for every workflow type', () => {
    const types = new Set(files.map((file) => file.split('--')[0]));
    expect([...types].sort()).toEqual(expect.arrayContaining(EXPECTED_TYPES));
  });

  it.each(files)('replays %s', async (file) => {
    const history = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'));
    const result = await Worker.runReplayHistory({ workflowBundle: workflowBundle(), dataConverter: testDataConverter() }, history, file);
    expect(result).toBeUndefined();
  });
});

/** Files are named <workflowType>--<scenario>.json. Each workflow type adds itself here. */
const EXPECTED_TYPES: string[] = [
  'stationRollout',
  'digest',
  'stationPlan',
  'trainingCycle',
  'workerLadder',
  'caseCall',
  'resourceRequest',
];
