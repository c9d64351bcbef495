import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_TEMPLATE, type PlanTemplate } from '../../src/domain/plan-template.js';
import type { Role } from '../../src/domain/types.js';
import { createToken } from '../../src/services/api-token.js';
import { WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';

// The station work manual as versioned content, over HTTP with a real worker: version 1 is the
// built-in template (the project's own guidance); a supervisor of the street drafts, edits and
// publishes version 2; the diff names what changed; a plan started before keeps version 1 while
// the next plan takes version 2; each version prints as a PDF whose text pdftotext reads.

const TEMPLATE_ID = DEFAULT_PLAN_TEMPLATE.id;

/** Version 1's content as a draft body, changed: one task retitled and re-timed, one removed, one added. */
function editedContent(): Omit<PlanTemplate, 'id' | 'version'> {
  const stages = structuredClone(DEFAULT_PLAN_TEMPLATE.stages);
  const guide = stages[0]!;
  guide.tasks[1]!.title = { zh: '社区需求评估（含样本量）', en: 'Community needs assessment (with sample size)' };
  guide.tasks[1]!.dueOffsetWorkingDays = 15;
  guide.tasks.push({
    id: 'guide-party-building', mainTask: 'post_building', title: { zh: '党建引领联席机制', en: 'Party-led joint meetings' }, required: true, dueOffsetWorkingDays: 12,
    guidance: {
      why: { zh: '党建引领是服务站的方向。', en: 'Party building leads the station.' },
      how: { zh: '与社区党委建立每月联席会议。', en: 'Hold a monthly joint meeting with the community Party committee.' },
      evidence: { zh: '联席会议纪要。', en: 'Joint-meeting minutes.' },
    },
  });
  stages[2]!.tasks = stages[2]!.tasks.filter((task) => task.id !== 'supervise-excellent-case');
  return { name: DEFAULT_PLAN_TEMPLATE.name, stages };
}

function pdfText(bytes: ArrayBuffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'shegong-manual-')), 'manual.pdf');
  writeFileSync(file, Buffer.from(bytes));
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

describe('the station work manual', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let otherStreetSupervisor: string;

  beforeAll(async () => {
    harness = await startHarness({ name: 'manual', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
    await store.db.insertInto('org_units').values({ id: 'cn-bj-xicheng-manual-other', parent_id: 'cn-bj-xicheng', kind: 'street', name_zh: '他街道', name_en: 'Other street' }).execute();
    otherStreetSupervisor = (await createToken(store.db, { name: 'other supervisor', role: 'supervisor', scopeId: 'cn-bj-xicheng-manual-other', workerId: null })).token;
  }, 120_000);
  afterAll(async () => {
    const rows = await store.db.selectFrom('plans').select(['community_id']).where('status', 'in', ['running', 'paused']).execute();
    for (const row of rows) await api.call('POST', `/api/stations/${row.community_id}/plan/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await harness?.close();
  });

  it('holds the built-in template as version 1, labelled as the project\'s own guidance, readable by every role', async () => {
    for (const role of ['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer'] as const) {
      const { status, body } = await api.call('GET', '/api/manual', { token: tokens[role] });
      expect(status, role).toBe(200);
      expect(body).toMatchObject({ templateId: TEMPLATE_ID, orgUnitId: 'cn-bj-xicheng-zhanlanlu', latestVersion: 1, draft: null, canEdit: role === 'admin' || role === 'supervisor' });
      expect(body.versions).toEqual([expect.objectContaining({ version: 1, provenance: 'project_default', changeNote: expect.stringContaining('not quoted from the real station work manual') })]);
      expect(body.about.mainTasks.map((task: { key: string }) => task.key)).toEqual(['post_building', 'talent_training', 'resource_linkage', 'professional_services']);
    }
    const v1 = await api.call('GET', '/api/manual/version?version=1', { token: tokens.viewer });
    expect(v1.body.template).toEqual(DEFAULT_PLAN_TEMPLATE);
    expect((await api.call('GET', '/api/manual/version?version=9', { token: tokens.viewer })).body.error).toMatchObject({ reason: 'manual_version_not_found', values: { version: 9 } });
    // Another street's supervisor has no manual over their scope and cannot reach this one.
    expect((await api.call('GET', '/api/manual', { token: otherStreetSupervisor })).status).toBe(404);
    expect((await api.call('GET', `/api/manual?templateId=${TEMPLATE_ID}`, { token: otherStreetSupervisor })).body.error).toMatchObject({ reason: 'manual_not_found' });
  });

  it('lets neither a station lead nor a viewer nor another street draft, edit or publish', async () => {
    for (const role of ['station_lead', 'social_worker', 'viewer'] as const) {
      expect((await api.call('POST', '/api/manual/draft', { token: tokens[role], body: {} })).status, role).toBe(403);
      expect((await api.call('PUT', '/api/manual/draft', { token: tokens[role], body: editedContent() })).status, role).toBe(403);
      expect((await api.call('POST', '/api/manual/draft/publish', { token: tokens[role], body: { changeNote: 'x' } })).status, role).toBe(403);
    }
    expect((await api.call('POST', '/api/manual/draft', { token: otherStreetSupervisor, body: { templateId: TEMPLATE_ID } })).status).toBe(404);
    expect(await store.db.selectFrom('plan_template_drafts').selectAll().execute()).toEqual([]);
  });

  it('starts a plan with version 1 before anything is published', async () => {
    const started = await api.call('POST', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor, body: {} });
    expect(started.status).toBe(201);
    const plan = await api.call('GET', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor });
    expect(plan.body.template).toEqual({ id: TEMPLATE_ID, version: 1 });
  });

  it('makes one draft from the newest version, refuses bad edits naming the field, and keeps edits by revision', async () => {
    const draft = await api.call('POST', '/api/manual/draft', { token: tokens.supervisor, body: {} });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ templateId: TEMPLATE_ID, baseVersion: 1, revision: 1, createdBy: 'test supervisor' });
    expect(draft.body.template.stages).toEqual(DEFAULT_PLAN_TEMPLATE.stages);
    const again = await api.call('POST', '/api/manual/draft', { token: tokens.admin, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.reason).toBe('manual_draft_exists');

    const empty = editedContent();
    empty.stages[0]!.tasks[0]!.title.zh = ' ';
    const emptyTitle = await api.call('PUT', '/api/manual/draft', { token: tokens.supervisor, body: empty });
    expect(emptyTitle.status).toBe(400);
    expect(JSON.stringify(emptyTitle.body.error.details)).toContain('stages.0.tasks.0.title.zh');

    const twice = editedContent();
    twice.stages[1]!.tasks[0]!.id = 'guide-post-setup';
    const duplicate = await api.call('PUT', '/api/manual/draft', { token: tokens.supervisor, body: twice });
    expect(duplicate.status).toBe(400);
    expect(JSON.stringify(duplicate.body.error.details)).toContain('stages.1.tasks.0.id');

    const swapped = editedContent();
    swapped.stages.reverse();
    expect(JSON.stringify((await api.call('PUT', '/api/manual/draft', { token: tokens.supervisor, body: swapped })).body.error.details)).toContain('stages.0.stage');
    const tooLong = editedContent();
    tooLong.stages[0]!.tasks[0]!.dueOffsetWorkingDays = 9999;
    expect(JSON.stringify((await api.call('PUT', '/api/manual/draft', { token: tokens.supervisor, body: tooLong })).body.error.details)).toContain('stages.0.tasks.0.dueOffsetWorkingDays');

    const saved = await api.call('PUT', '/api/manual/draft', { token: tokens.supervisor, body: { ...editedContent(), revision: 1 } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ revision: 2, updatedBy: 'test supervisor' });
    const late = await api.call('PUT', '/api/manual/draft', { token: tokens.admin, body: { ...editedContent(), revision: 1 } });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ reason: 'manual_draft_changed', values: { revision: 2 } });

    // The editors see the draft against version 1 before publishing it.
    const preview = await api.call('GET', '/api/manual/diff?from=1&to=draft', { token: tokens.supervisor });
    expect(preview.status).toBe(200);
    expect(preview.body.tasks.map((t: { taskId: string; change: string }) => `${t.change}:${t.taskId}`))
      .toEqual(['changed:guide-needs-assessment', 'added:guide-party-building', 'removed:supervise-excellent-case']);
    expect((await api.call('GET', '/api/manual/diff?from=1&to=draft', { token: tokens.viewer })).status).toBe(403);
    expect((await api.call('GET', '/api/manual', { token: tokens.viewer })).body.draft).toBeNull();
  });

  it('publishes the draft as version 2 with who, when and the change note, and the diff names each change', async () => {
    expect((await api.call('POST', '/api/manual/draft/publish', { token: tokens.supervisor, body: { changeNote: ' ' } })).body.error.details)
      .toEqual([expect.objectContaining({ path: 'body.changeNote' })]);
    const published = await api.call('POST', '/api/manual/draft/publish', { token: tokens.supervisor, body: { changeNote: '需求评估须写明样本量；新增党建联席' } });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ templateId: TEMPLATE_ID, version: 2, provenance: 'edited', publishedBy: 'test supervisor', changeNote: '需求评估须写明样本量；新增党建联席' });
    const manual = await api.call('GET', '/api/manual', { token: tokens.viewer });
    expect(manual.body).toMatchObject({ latestVersion: 2, draft: null });
    // Viewers see the manual, not who edited it.
    expect(manual.body.versions[0].publishedBy).toBeNull();
    expect((await api.call('GET', '/api/manual', { token: tokens.station_lead })).body.versions[0].publishedBy).toBe('test supervisor');
    expect(manual.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await api.call('POST', '/api/manual/draft/publish', { token: tokens.supervisor, body: { changeNote: 'again' } })).body.error.reason).toBe('manual_draft_not_found');
    const audit = await store.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity', '=', 'manual').orderBy('id').execute();
    expect(audit.map((row) => row.action)).toEqual(['create_draft', 'edit_draft', 'publish']);

    const diff = await api.call('GET', '/api/manual/diff?from=1&to=2', { token: tokens.viewer });
    expect(diff.status).toBe(200);
    expect(diff.body.names).toEqual([]);
    const changed = diff.body.tasks.find((t: { taskId: string }) => t.taskId === 'guide-needs-assessment');
    expect(changed).toEqual({
      taskId: 'guide-needs-assessment', change: 'changed', stage: 'guide', fields: [
        { field: 'dueOffsetWorkingDays', from: 20, to: 15 },
        { field: 'title.zh', from: '社区需求评估', to: '社区需求评估（含样本量）' },
        { field: 'title.en', from: 'Community needs assessment', to: 'Community needs assessment (with sample size)' },
      ],
    });
    expect(diff.body.tasks.find((t: { change: string }) => t.change === 'added')).toMatchObject({ taskId: 'guide-party-building', stage: 'guide', task: { title: { zh: '党建引领联席机制' } } });
    expect(diff.body.tasks.find((t: { change: string }) => t.change === 'removed')).toMatchObject({ taskId: 'supervise-excellent-case', stage: 'supervise' });
    // Without versions named: the newest against the one before.
    expect((await api.call('GET', '/api/manual/diff', { token: tokens.viewer })).body).toMatchObject({ from: 1, to: 2, tasks: diff.body.tasks });
    expect((await api.call('GET', '/api/manual/version', { token: tokens.viewer })).body).toMatchObject({ version: 2 });
    // And back: what 2 added, 1 lacks.
    const back = await api.call('GET', '/api/manual/diff?from=2&to=1', { token: tokens.viewer });
    expect(back.body.tasks.find((t: { taskId: string }) => t.taskId === 'guide-party-building').change).toBe('removed');
  });

  it('uses the published version for the next plan started and not for the running one', async () => {
    // The plan started before publication keeps version 1, in the records store and in its workflow.
    const running = await api.call('GET', `/api/stations/${WANMINGYUAN}/plan/live`, { token: tokens.supervisor });
    expect(running.body).toMatchObject({ source: 'workflow', template: { id: TEMPLATE_ID, version: 1 } });
    const runningTasks = running.body.tasks.map((t: { id: string }) => t.id);
    expect(runningTasks).toContain('supervise-excellent-case');
    expect(runningTasks).not.toContain('guide-party-building');
    expect(running.body.tasks.find((t: { id: string }) => t.id === 'guide-needs-assessment').title.zh).toBe('社区需求评估');
    // It still runs: its lead completes a task of version 1.
    const done = await api.call('POST', `/api/stations/${WANMINGYUAN}/plan/tasks/guide-post-setup/complete`, {
      token: tokens.station_lead, body: { evidence: { note: 'Post table posted', links: [] } },
    });
    expect(done.status).toBe(200);

    const next = await api.call('POST', `/api/stations/${YUSHUGUAN}/plan`, { token: tokens.supervisor, body: {} });
    expect(next.status).toBe(201);
    const fresh = await eventually('the new plan answers its status query', async () => {
      const live = await api.call('GET', `/api/stations/${YUSHUGUAN}/plan/live`, { token: tokens.supervisor });
      return live.body?.source === 'workflow' ? live.body : undefined;
    });
    expect(fresh.template).toEqual({ id: TEMPLATE_ID, version: 2 });
    const freshTasks = fresh.tasks.map((t: { id: string }) => t.id);
    expect(freshTasks).toContain('guide-party-building');
    expect(freshTasks).not.toContain('supervise-excellent-case');
    expect(fresh.tasks.find((t: { id: string }) => t.id === 'guide-party-building').guidance.evidence.zh).toBe('联席会议纪要。');

    const stored = await api.call('GET', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor });
    expect(stored.body.template).toEqual({ id: TEMPLATE_ID, version: 1 });
    const list = await api.call('GET', '/api/stations/plans', { token: tokens.supervisor });
    const versions = Object.fromEntries(list.body.items.map((item: { communityId: string; templateVersion: number }) => [item.communityId, item.templateVersion]));
    expect(versions).toMatchObject({ [WANMINGYUAN]: 1, [YUSHUGUAN]: 2 });
  });

  it('refuses to publish a draft made from a version that is no longer the newest', async () => {
    expect((await api.call('POST', '/api/manual/draft', { token: tokens.admin, body: {} })).status).toBe(201);
    // A version published behind the draft's back (as a second editor racing would).
    await store.db.insertInto('plan_templates').values({
      id: TEMPLATE_ID, version: 3, name_zh: 'x', name_en: 'x', body: JSON.stringify({ ...DEFAULT_PLAN_TEMPLATE, version: 3 }), org_unit_id: 'cn-bj-xicheng-zhanlanlu',
    }).execute();
    const stale = await api.call('POST', '/api/manual/draft/publish', { token: tokens.admin, body: { changeNote: 'late' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ reason: 'manual_draft_stale', values: { baseVersion: 2, latestVersion: 3 } });
    expect((await api.call('POST', '/api/manual/draft/discard', { token: tokens.admin, body: {} })).body).toEqual({ templateId: TEMPLATE_ID, discarded: true });
    await store.db.deleteFrom('plan_templates').where('id', '=', TEMPLATE_ID).where('version', '=', 3).execute();
  });

  it('prints a version as a PDF: the chapters, each task with its guidance, and the provenance of the text', async () => {
    const fetchPdf = async (version: number) => {
      const response = await fetch(`${api.url}/api/manual/version.pdf?version=${version}`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      return pdfText(await response.arrayBuffer());
    };
    const v1 = (await fetchPdf(1)).replace(/\s+/g, '');
    expect(v1).toContain('服务站是什么');
    expect(v1).toContain('岗位建设');
    expect(v1).toContain('优秀案例提交');
    expect(v1).toContain('并非引自真实的工作手册');
    const v2 = (await fetchPdf(2)).replace(/\s+/g, '');
    expect(v2).toContain('第2版');
    expect(v2).toContain('党建引领联席机制');
    expect(v2).toContain('与社区党委建立每月联席会议');
    expect(v2).toContain('需求评估须写明样本量');
    expect(v2).not.toContain('优秀案例提交');
  });
});
