import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules in eslint.config.js, proved to fire: each case lints a small module as if it
// sat in a folder and expects the import to be refused (or allowed).

const eslint = new ESLint();

async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-properties').map((m) => m.message);
}

const CASES: Array<{ file: string; code: string; refused: boolean; why: string }> = [
  { file: 'src/services/probe.ts', code: "import { sql } from 'kysely';\nexport const x = sql;\n", refused: true, why: 'SQL outside the store' },
  { file: 'src/services/probe.ts', code: "import { ApiError } from '../api/errors.js';\nexport const x = ApiError;\n", refused: true, why: 'a service reaching HTTP' },
  { file: 'src/services/probe.ts', code: "import { stationPlan } from '../../workflows/station-plan.js';\nexport const x = stationPlan;\n", refused: true, why: 'a service importing workflow code' },
  { file: 'src/services/probe.ts', code: "import { planUpdates } from '../../workflows/station-plan.messages.js';\nexport const x = planUpdates;\n", refused: false, why: 'a service using a workflow\'s messages' },
  { file: 'src/api/routes/probe.ts', code: "import { getWorker } from '../../store/repositories/worker.js';\nexport const x = getWorker;\n", refused: true, why: 'a route skipping its service' },
  { file: 'src/api/routes/probe.ts', code: "import { z } from 'zod';\nexport const body = z.object({});\n", refused: true, why: 'a route defining its schema inline' },
  { file: 'activities/probe.ts', code: "import { ApiError } from '../src/api/errors.js';\nexport const x = ApiError;\n", refused: true, why: 'an activity reaching HTTP' },
  { file: 'src/store/repositories/probe.ts', code: "import type { StationPlanInput } from '../../../workflows/station-plan.messages.js';\nexport type X = StationPlanInput;\n", refused: true, why: 'the store seeing workflows' },
  { file: 'workflows/probe.ts', code: "import { listAudit } from '../src/store/repositories/audit.js';\nexport const x = listAudit;\n", refused: true, why: 'a workflow doing I/O through the store' },
  { file: 'workflows/probe.ts', code: "export const now = () => Date.now();\n", refused: true, why: 'a workflow reading the clock' },
  { file: 'src/domain/probe.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", refused: true, why: 'the domain doing I/O' },
  { file: 'src/domain/probe.ts', code: "export const roll = () => Math.random();\n", refused: true, why: 'the domain reading randomness' },
];

describe('layer rules', () => {
  for (const c of CASES) {
    it(`${c.refused ? 'refuses' : 'allows'} ${c.why} (${c.file})`, async () => {
      const found = await refusals(c.file, c.code);
      if (c.refused) expect(found.length).toBeGreaterThan(0);
      else expect(found).toEqual([]);
    });
  }
});
