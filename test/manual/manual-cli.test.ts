import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { Role } from '../../src/domain/types.js';
import type { TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// `shegong manual` against the real API and store: versions, a draft saved from a file, publish,
// diff, show and the PDF, on PostgreSQL (the other files use PGlite). No workflow runs here, so no worker.

describe('shegong manual', () => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let dir: string;

  const cli = async (args: string[], token?: string) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: (text) => { stdout += text; },
      stderr: (text) => { stderr += text; },
      env: { SHEGONG_URL: api.url, SHEGONG_TOKEN: token ?? tokens.supervisor },
    });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shegong-manual-cli-'));
    harness = await startHarness({ name: 'manual-cli', backend: 'postgres', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    tokens = harness.tokens;
    api = harness.api!;
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the versions and shows version 1 with its guidance and where the text comes from', async () => {
    const versions = await cli(['manual', 'versions'], tokens.viewer);
    expect(versions.code).toBe(0);
    expect(versions.stdout).toContain('project_default');
    const show = await cli(['manual', 'show', '1'], tokens.station_lead);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('guide-needs-assessment');
    expect(show.stdout).toContain('not quoted from the real station work manual');
  });

  it('refuses a station lead the draft, then a supervisor drafts, saves from a file, publishes and diffs', async () => {
    const refused = await cli(['manual', 'draft', 'create'], tokens.station_lead);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('403');

    expect((await cli(['manual', 'draft', 'create'])).code).toBe(0);
    const file = join(dir, 'draft.json');
    expect((await cli(['manual', 'draft', 'show', '-o', file])).code).toBe(0);
    const draft = JSON.parse(readFileSync(file, 'utf8'));
    draft.stages[1].tasks[0].guidance.evidence = { zh: '资源地图、联席会议纪要和签到表。', en: 'The resource map, joint-meeting minutes and sign-in sheets.' };
    writeFileSync(file, JSON.stringify(draft));
    const saved = await cli(['manual', 'draft', 'save', file]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('revision 2');

    const bad = join(dir, 'bad.json');
    draft.stages[0].tasks[0].mainTask = 'gardening';
    writeFileSync(bad, JSON.stringify(draft));
    const refusedEdit = await cli(['--json', 'manual', 'draft', 'save', bad]);
    expect(refusedEdit.code).toBe(1);
    expect(refusedEdit.stdout).toContain('stages.0.tasks.0.mainTask');

    const published = await cli(['manual', 'publish', '--note', 'Evidence for the resource map names the sign-in sheets']);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain('version 2');

    const diff = await cli(['manual', 'diff', '1', '2'], tokens.viewer);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('~ support-resource-map (support)');
    expect(diff.stdout).toContain('guidance.evidence.zh: 资源地图、联席会议纪要。 → 资源地图、联席会议纪要和签到表。');
    expect((await cli(['manual', 'diff', '1', 'two'])).code).toBe(2);
  });

  it('writes a version as a PDF', async () => {
    const target = join(dir, 'manual.pdf');
    const result = await cli(['manual', 'pdf', '2', '-o', target], tokens.viewer);
    expect(result.code, result.stderr).toBe(0);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', target, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('签到表');
  });
});
