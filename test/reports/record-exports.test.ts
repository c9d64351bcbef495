import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { runCli } from '../../src/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUBRIC, weightedTotal } from '../../src/domain/case-call.js';
import { insertCaseCall, recordCallStep, saveCallCase, saveCaseReview } from '../../src/store/repositories/case-call.js';
import { STREET, WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// The exports people hand upward of service records and case-call scores: each file parsed back
// (exceljs for .xlsx, a CSV reader for .csv) and its figures checked against the records in the
// store; scope as the list's; viewers get no names; case files and reviewers' own scores never.

const HONGMAOGOU = 'cn-bj-xicheng-zhanlanlu-hongmaogou';

/** A CSV file's sections: `# name` lines start one (when there are several), then a header row and rows. */
function parseCsv(body: Buffer): Record<string, string[][]> {
  const text = body.toString('utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const source = text.slice(1);
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') { field += '"'; i += 1; } else if (char === '"') quoted = false; else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { row.push(field); field = ''; } else if (char === '\r') continue;
    else if (char === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += char;
  }
  const sections: Record<string, string[][]> = {};
  let current = '';
  for (const line of rows) {
    if (line.length === 1 && line[0] === '') continue;
    if (line.length === 1 && line[0]!.startsWith('# ')) { current = line[0]!.slice(2); continue; }
    (sections[current] ??= []).push(line);
  }
  return sections;
}

describe('exports of service records and case-call scores (.xlsx, .csv)', () => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  const callId = `call-export-${Date.now().toString(36)}`;
  const reviewers = ['w-zhanlanlu-supervisor-01', 'w-yushuguan-sw1', 'w-hongmaogou-sw1'];
  const comment = '评审意见：材料扎实';
  let workerName: string;

  beforeAll(async () => {
    harness = await startHarness({ name: 'record-exports', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
    workerName = (await harness.store.db.selectFrom('workers').select('name').where('id', '=', 'w-wanmingyuan-sw1').executeTakeFirstOrThrow()).name;
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
  });

  const download = async (path: string, token: string) => {
    const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
  };
  const workbook = async (path: string, token: string) => {
    const file = await download(path, token);
    expect(file.status, file.body.toString()).toBe(200);
    expect(file.type).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.body as unknown as ArrayBuffer);
    return book;
  };
  const csv = async (path: string, token: string) => {
    const file = await download(path, token);
    expect(file.status, file.body.toString()).toBe(200);
    expect(file.type).toBe('text/csv; charset=utf-8');
    return { sections: parseCsv(file.body), text: file.body.toString('utf8') };
  };
  /** A sheet's rows as objects by header, the 合计 row apart. */
  const sheetRows = (sheet: ExcelJS.Worksheet) => {
    const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const rows = sheet.getSheetValues().slice(2).filter(Boolean).map((values) => Object.fromEntries(headers.map((header, i) => [header, (values as unknown[])[i + 1] ?? null])));
    const total = rows.at(-1)?.[headers[0]!] === '合计' ? rows.pop() : undefined;
    return { headers, rows, total };
  };
  const dbRecords = (communityIds?: string[]) => {
    let query = harness.store.db.selectFrom('service_records').select(['id', 'community_id', 'kind', 'residents_served', 'new_residents', 'volunteer_hours', 'served_on']);
    if (communityIds) query = query.where('community_id', 'in', communityIds);
    return query.execute();
  };

  it('exports every service record in scope with figures matching the records, by station and kind, and names the workers', async () => {
    const recorded = await api.call('POST', '/api/service-records', {
      token: tokens.station_lead,
      body: { id: 'sr-export-1', communityId: WANMINGYUAN, servedOn: '2026-11-20', kind: 'group', theme: 'elderly', title: { zh: '读报小组' }, workerIds: ['w-wanmingyuan-sw1'], residentsServed: 14, newResidents: 4, volunteerHours: 2.5 },
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    const records = await dbRecords();
    expect(new Set(records.map((r) => r.community_id)).size).toBeGreaterThan(1);

    const book = await workbook('/api/exports/service-records', tokens.supervisor);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['服务记录', '按站点与类型', '筛选条件']);
    const list = sheetRows(book.getWorksheet('服务记录')!);
    expect(book.getWorksheet('服务记录')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(list.headers).toEqual(['服务日期', '社区', '服务类型', '主题', '服务名称', '服务人次', '新服务居民', '志愿服务时长（小时）', '公益创投项目', '社工', '记录编号']);
    expect(list.rows.map((row) => row['记录编号']).sort()).toEqual(records.map((r) => r.id).sort());
    const sum = (key: 'residents_served' | 'new_residents') => records.reduce((n, r) => n + Number(r[key]), 0);
    expect(list.total).toMatchObject({ 服务人次: sum('residents_served'), 新服务居民: sum('new_residents') });
    const mine = list.rows.find((row) => row['记录编号'] === 'sr-export-1')!;
    expect(mine).toMatchObject({ 服务类型: '小组工作', 服务人次: 14, 新服务居民: 4, '志愿服务时长（小时）': 2.5, 社工: workerName });
    expect(mine['服务日期']).toEqual(new Date('2026-11-20T00:00:00Z'));

    const byStation = sheetRows(book.getWorksheet('按站点与类型')!);
    for (const row of byStation.rows) {
      const community = (await harness.store.db.selectFrom('communities').select('id').where('name_zh', '=', row['社区'] as string).executeTakeFirstOrThrow()).id;
      const kind = { 个案工作: 'casework', 小组工作: 'group', 社区工作: 'community' }[row['服务类型'] as string];
      const group = records.filter((r) => r.community_id === community && r.kind === kind);
      expect(row, `${community} ${kind}`).toMatchObject({ 服务记录: group.length, 服务人次: group.reduce((n, r) => n + r.residents_served, 0) });
    }
    expect(byStation.total).toMatchObject({ 服务记录: records.length, 服务人次: sum('residents_served') });
  });

  it('applies the list\'s filters (station, kind, period) and writes them as CSV whose figures match the records', async () => {
    const path = `/api/exports/service-records?communityId=${WANMINGYUAN}&kind=group&from=2026-11-01&to=2026-11-30&format=csv`;
    const { sections } = await csv(path, tokens.supervisor);
    const expected = (await dbRecords([WANMINGYUAN])).filter((r) => r.kind === 'group' && r.served_on >= '2026-11-01' && r.served_on <= '2026-11-30');
    expect(expected.length).toBeGreaterThan(0);
    const [header, ...rows] = sections['服务记录']!;
    const total = rows.pop()!;
    const at = (name: string) => header!.indexOf(name);
    expect(total[0]).toBe('合计');
    expect(rows.map((row) => row[at('记录编号')]).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(rows.every((row) => row[at('社区')] === '万明园社区' && row[at('服务类型')] === '小组工作')).toBe(true);
    expect(Number(total[at('服务人次')])).toBe(expected.reduce((n, r) => n + r.residents_served, 0));
    expect(sections['筛选条件']).toContainEqual(['开始日期', '2026-11-01']);
    // The JSON list with the same filters holds the same records.
    const listed = await api.call('GET', `/api/service-records?communityId=${WANMINGYUAN}&kind=group&from=2026-11-01&to=2026-11-30&limit=500`, { token: tokens.supervisor });
    expect(listed.body.items.map((item: { id: string }) => item.id).sort()).toEqual(expected.map((r) => r.id).sort());
  });

  it("keeps a station lead to their station's records — another station's filter gives no rows — and audits the read", async () => {
    const { sections } = await csv('/api/exports/service-records?format=csv', tokens.station_lead);
    const [header, ...rows] = sections['服务记录']!;
    const total = rows.pop()!;
    const own = await dbRecords([WANMINGYUAN]);
    expect(rows.map((row) => row[header!.indexOf('记录编号')]).sort()).toEqual(own.map((r) => r.id).sort());
    expect(Number(total[header!.indexOf('服务人次')])).toBe(own.reduce((n, r) => n + r.residents_served, 0));
    expect((await dbRecords([YUSHUGUAN])).length).toBeGreaterThan(0);
    const other = await csv(`/api/exports/service-records?communityId=${YUSHUGUAN}&format=csv`, tokens.station_lead);
    const [, ...otherRows] = other.sections['服务记录']!;
    expect(otherRows).toEqual([['合计', '', '', '', '', '0', '0', '0', '', '', '']]);
    const audited = await harness.store.db.selectFrom('audit_log').select(['entity', 'action']).where('entity', '=', '/api/exports/service-records').execute();
    expect(audited.length).toBeGreaterThan(0);
  });

  it('gives viewers no names, and never exports a case file', async () => {
    const casework = await harness.store.db.selectFrom('service_records').select('id').where('community_id', '=', WANMINGYUAN).where('kind', '=', 'casework').executeTakeFirstOrThrow();
    const file = { residentName: '导出测试居民甲', gender: '女', birthYear: 1940, phone: '13912345678', needs: '独居老人导出测试' };
    expect((await api.call('PUT', `/api/service-records/${casework.id}/case-file`, { token: tokens.station_lead, body: file })).status).toBe(200);
    for (const token of [tokens.supervisor, tokens.station_lead, tokens.viewer]) {
      const { text } = await csv('/api/exports/service-records?format=csv', token);
      for (const secret of [file.residentName, file.phone, file.needs]) expect(text).not.toContain(secret);
    }
    const viewer = await workbook('/api/exports/service-records', tokens.viewer);
    const list = sheetRows(viewer.getWorksheet('服务记录')!);
    expect(list.headers).not.toContain('社工');
    expect(list.rows.length).toBe((await dbRecords()).length);
    const { text } = await csv('/api/exports/service-records?format=csv', tokens.viewer);
    const names = (await harness.store.db.selectFrom('workers').select('name').execute()).map((w) => w.name);
    for (const name of names) expect(text, name).not.toContain(name);
  });

  const cli = async (args: string[], token: string) => {
    let stderr = '';
    const code = await runCli(args, { stdout: () => {}, stderr: (err) => { stderr += err; }, env: { SHEGONG_URL: api.url, SHEGONG_TOKEN: token } });
    return { code, stderr };
  };

  it('writes the same files from the command line: shegong export service-records and case-scores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shegong-record-exports-'));
    try {
      const file = join(dir, 'records.csv');
      const written = await cli(['export', 'service-records', '--community', WANMINGYUAN, '--kind', 'group', '--from', '2026-11-01', '--to', '2026-11-30', '--out', file], tokens.supervisor);
      expect(written.code, written.stderr).toBe(0);
      const [header, ...rows] = parseCsv(readFileSync(file))['服务记录']!;
      rows.pop();
      const expected = (await dbRecords([WANMINGYUAN])).filter((r) => r.kind === 'group' && r.served_on >= '2026-11-01' && r.served_on <= '2026-11-30');
      expect(rows.map((row) => row[header!.indexOf('记录编号')]).sort()).toEqual(expected.map((r) => r.id).sort());
      const book = new ExcelJS.Workbook();
      expect((await cli(['export', 'service-records', '--out', join(dir, 'records.xlsx')], tokens.viewer)).code).toBe(0);
      await book.xlsx.readFile(join(dir, 'records.xlsx'));
      expect(book.getWorksheet('服务记录')!.rowCount).toBe(1 + (await dbRecords()).length + 1);
      const refused = await cli(['export', 'case-scores', 'call-none', '--out', join(dir, 'scores.xlsx')], tokens.supervisor);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('call-none');
      expect((await cli(['export', 'service-records', '--out', join(dir, 'records.pdf')], tokens.supervisor)).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad filter, naming the field', async () => {
    const bad = await api.call('GET', '/api/exports/service-records?kind=gardening', { token: tokens.supervisor });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('kind');
  });

  describe('case-call scores', () => {
    // Three cases of two stations and a third, three reviewers; the organisers see all.
    const cases = [
      { id: `${callId}-a`, communityId: WANMINGYUAN, kind: 'community' as const, title: '楼道议事会' },
      { id: `${callId}-b`, communityId: YUSHUGUAN, kind: 'community' as const, title: '榆树常青' },
      { id: `${callId}-c`, communityId: HONGMAOGOU, kind: 'group' as const, title: '红帽帮帮' },
    ];
    const scores: Record<string, Record<string, Record<string, number>>> = {
      [`${callId}-a`]: {
        [reviewers[0]!]: { needs_assessment: 9, professional_method: 8, outcomes_evidence: 9, innovation: 7, replicability: 8 },
        [reviewers[1]!]: { needs_assessment: 8, professional_method: 9, outcomes_evidence: 8, innovation: 8, replicability: 7 },
        [reviewers[2]!]: { needs_assessment: 7, professional_method: 7, outcomes_evidence: 8, innovation: 9, replicability: 9 },
      },
      [`${callId}-b`]: {
        [reviewers[0]!]: { needs_assessment: 9, professional_method: 9, outcomes_evidence: 9, innovation: 9, replicability: 9 },
        [reviewers[2]!]: { needs_assessment: 4, professional_method: 5, outcomes_evidence: 4, innovation: 5, replicability: 4 },
      },
      [`${callId}-c`]: {
        [reviewers[0]!]: { needs_assessment: 6, professional_method: 7, outcomes_evidence: 6, innovation: 8, replicability: 7 },
        [reviewers[1]!]: { needs_assessment: 7, professional_method: 6, outcomes_evidence: 7, innovation: 6, replicability: 6 },
      },
    };
    const path = `/api/exports/case-calls/${callId}/scores`;
    const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;

    beforeAll(async () => {
      const db = harness.store.db;
      const now = Date.now();
      await insertCaseCall(db, {
        id: callId, orgUnitId: STREET, workflowId: `case-call:${callId}`, title: { zh: '导出测试案例征集', en: 'Export test call' }, kinds: ['community', 'group'],
        stationIds: [WANMINGYUAN, YUSHUGUAN, HONGMAOGOU], submissionDeadline: new Date(now - 2 * 86_400_000), reviewDeadline: new Date(now + 86_400_000),
        rubric: DEFAULT_RUBRIC, panel: reviewers.map((reviewerId) => ({ reviewerId, stationId: null })), selectPerKind: 1, openedBy: 'test',
      }, { actor: 'test', action: 'open', entity: 'case_call', entityId: callId });
      for (const entry of cases) {
        await saveCallCase(db, {
          ...entry, callId, status: 'submitted', revision: 1, savedBy: 'test', at: new Date(now - 3 * 86_400_000),
          content: { background: '居民甲的住址与病情', needsAssessment: '走访', process: '议事', outcomes: '清理', reflection: '骨干', serviceRecordIds: [], attachmentIds: [] },
        });
      }
      for (const [caseId, byReviewer] of Object.entries(scores)) {
        for (const [reviewerId, given] of Object.entries(byReviewer)) {
          await saveCaseReview(db, { callId, caseId, reviewerId, scores: given, comment, total: weightedTotal(DEFAULT_RUBRIC, given), at: new Date(now) });
        }
      }
      await recordCallStep(db, { callId, step: 'submission_closes', at: new Date(now - 86_400_000), actor: null, detail: {}, phase: 'review' });
    });

    it('refuses the scores while the review is open, to organisers too', async () => {
      for (const token of [tokens.supervisor, tokens.admin, tokens.station_lead]) {
        const refused = await api.call('GET', path, { token });
        expect(refused.status).toBe(409);
        expect(refused.body.error).toMatchObject({ reason: 'case_scores_not_final', values: { callId, phase: 'review' } });
      }
      expect((await api.call('GET', path, { token: tokens.viewer })).status).toBe(404);
    });

    it('exports each case once the review closes: the weighted mean, each criterion\'s mean and the spread flag, checked against the reviews', async () => {
      await recordCallStep(harness.store.db, { callId, step: 'review_closes', at: new Date(), actor: null, detail: {}, phase: 'selection' });
      const book = await workbook(path, tokens.supervisor);
      expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['案例评分', '评分标准']);
      const sheet = sheetRows(book.getWorksheet('案例评分')!);
      expect(sheet.headers.slice(0, 6)).toEqual(['入选顺序', '案例名称', '社区', '案例类型', '评审人数', '加权平均分（百分制）']);
      expect(sheet.headers).toContain('需求评估（0–10，权重20）');
      // Grouped by kind (group work before community work), best first.
      expect(sheet.rows.map((row) => row['案例编号'])).toEqual([`${callId}-c`, `${callId}-a`, `${callId}-b`]);
      for (const row of sheet.rows) {
        const given = Object.values(scores[row['案例编号'] as string]!);
        const totals = given.map((s) => weightedTotal(DEFAULT_RUBRIC, s));
        const spread = Math.round((Math.max(...totals) - Math.min(...totals)) * 10) / 10;
        expect(row).toMatchObject({ 评审人数: given.length, '加权平均分（百分制）': mean(totals), 评分极差: spread });
        expect(row['分歧较大（极差>20）']).toBe(spread > 20 ? '是' : '否');
        for (const criterion of DEFAULT_RUBRIC.criteria) {
          expect(row[`${criterion.name.zh}（${criterion.min}–${criterion.max}，权重${criterion.weight}）`], criterion.key).toBe(mean(given.map((s) => s[criterion.key]!)));
        }
      }
      // The wide disagreement on case b is flagged; a and c are not.
      expect(sheet.rows.map((row) => row['分歧较大（极差>20）'])).toEqual(['否', '否', '是']);
      expect(sheetRows(book.getWorksheet('评分标准')!).total).toMatchObject({ 权重: 100 });

      const { sections, text } = await csv(`${path}?format=csv`, tokens.supervisor);
      const [header, ...rows] = sections['案例评分']!;
      expect(rows.map((row) => Number(row[header!.indexOf('加权平均分（百分制）')]))).toEqual(sheet.rows.map((row) => row['加权平均分（百分制）']));
      // Aggregates only: no reviewer, comment or case text.
      for (const secret of [...reviewers, comment, '居民甲的住址与病情']) expect(text).not.toContain(secret);
    });

    it("gives a station lead their own station's cases only, and viewers the published selection", async () => {
      const { sections } = await csv(`${path}?format=csv`, tokens.station_lead);
      const [header, ...rows] = sections['案例评分']!;
      expect(rows.map((row) => row[header!.indexOf('案例编号')])).toEqual([`${callId}-a`]);
      expect((await api.call('GET', path, { token: tokens.viewer })).status).toBe(404);

      const at = new Date();
      await recordCallStep(harness.store.db, {
        callId, step: 'select:test', at, actor: 'test', detail: {},
        selection: { caseIds: [`${callId}-a`, `${callId}-c`], proposed: [`${callId}-a`, `${callId}-c`], reason: 'test', by: 'test', at: at.toISOString() },
      });
      await recordCallStep(harness.store.db, { callId, step: 'publish', at, actor: 'test', detail: {}, phase: 'published', publishedAt: at });
      const viewer = sheetRows((await workbook(path, tokens.viewer)).getWorksheet('案例评分')!);
      expect(viewer.rows.map((row) => [row['案例编号'], row['入选顺序']])).toEqual([[`${callId}-c`, 2], [`${callId}-a`, 1]]);

      const dir = mkdtempSync(join(tmpdir(), 'shegong-case-scores-'));
      try {
        const written = await cli(['export', 'case-scores', callId, '--out', join(dir, 'scores.csv')], tokens.supervisor);
        expect(written.code, written.stderr).toBe(0);
        const [header, ...rows] = parseCsv(readFileSync(join(dir, 'scores.csv')))['案例评分']!;
        expect(rows.map((row) => [row[header!.indexOf('案例编号')], row[header!.indexOf('入选顺序')]])).toEqual([[`${callId}-c`, '2'], [`${callId}-a`, '1'], [`${callId}-b`, '']]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
