import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/services/api-token.js';
import type { Command } from 'commander';
import { buildProgram, runCli } from '../../src/cli.js';
import type { Role } from '../../src/domain/types.js';
import { startTestApi, STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { createTestStore, type TestStore } from '../helpers/store.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

// The CLI against the real API (real store, real Temporal and a worker). Workflows it starts use a
// community made for this file, so nothing collides with other files on the shared server.

describe('shegong CLI', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let dir: string;
  const suffix = randomBytes(3).toString('hex');
  const community = `${STREET}-cli-${suffix}`;
  const cycleId = `cyc-cli-${suffix}`;

  const cli = async (args: string[], options: { token?: string | null; url?: string } = {}) => {
    let stdout = '';
    let stderr = '';
    const token = options.token === undefined ? tokens.admin : options.token;
    const code = await runCli(args, {
      stdout: (text) => { stdout += text; },
      stderr: (text) => { stderr += text; },
      env: { SHEGONG_URL: options.url ?? api.url, ...(token ? { SHEGONG_TOKEN: token } : {}) },
    });
    return { code, stdout, stderr };
  };
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shegong-cli-'));
    harness = await startHarness({ name: 'cli', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    // Whatever this file started ends here.
    await api?.call('POST', `/api/stations/${community}/plan/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await api?.call('POST', `/api/training-cycles/${cycleId}/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await harness?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('documents the exit codes in --help and answers usage errors with 2 before calling the API', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*0 {2}done[\s\S]*1 {2}the API refused[\s\S]*2 {2}usage error[\s\S]*3 {2}the API is unreachable/);
    expect(help.stdout).toContain('SHEGONG_URL');
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['import', 'stations', 'x.csv'])).code).toBe(2);
    expect((await cli(['import', 'communities', join(dir, 'missing.csv')])).code).toBe(2);
    expect((await cli(['import', 'communities', file('list.txt', 'id\n')])).code).toBe(2);
    expect((await cli(['import', 'workers', file('broken.json', '[{"id": ')])).code).toBe(2);
    expect((await cli(['plan', 'start'])).code).toBe(2);
    expect((await cli(['plan', 'start', WANMINGYUAN, '--all'])).code).toBe(2);
    // The five qualities go together: one given asks for all five, before any call.
    const mainTasks = ['--post-building', '4', '--talent-training', '4', '--resource-linkage', '4', '--professional-services', '4'];
    const oneQuality = await cli(['plan', 'evaluate', WANMINGYUAN, ...mainTasks, '--sound-rules', '5']);
    expect(oneQuality.code).toBe(2);
    expect(oneQuality.stderr).toContain('--complete-system');
    expect((await cli(['token', 'create', '--name', 'no role'])).code).toBe(2);
    expect((await cli(['token', 'create', '--role', 'wizard', '--name', 'x'])).code).toBe(2);
    const noToken = await cli(['whoami'], { token: null });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('SHEGONG_TOKEN');
  });

  it('exits 3 when the API cannot be reached and 1 when it refuses, with the error as JSON under --json', async () => {
    const unreachable = await cli(['whoami'], { url: 'http://127.0.0.1:1' });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('cannot reach the API');
    const unknown = await cli(['--json', 'whoami'], { token: 'sg_not-a-token' });
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ status: 401, error: { code: 'unauthorized', message: expect.any(String) } });
    const forbidden = await cli(['token', 'list'], { token: tokens.viewer });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain('403 forbidden');
  });

  it("shows the token's role, scope and worker with whoami", async () => {
    const human = await cli(['whoami'], { token: tokens.station_lead });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/role\s+station_lead/);
    expect(human.stdout).toContain(WANMINGYUAN);
    const json = await cli(['whoami', '--json'], { token: tokens.station_lead });
    expect(JSON.parse(json.stdout)).toMatchObject({ role: 'station_lead', scope: { id: WANMINGYUAN, kind: 'community' }, worker: { id: 'w-wanmingyuan-lead' } });
  });

  it('imports communities and workers from CSV and JSON files', async () => {
    const communities = file('communities.csv', `id,streetId,nameZh,nameEn,hasStation\n${community},${STREET},命令行测试社区,CLI test,true\n`);
    const imported = await cli(['import', 'communities', communities]);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toContain(`Imported 1 communities: ${community}`);
    const workers = file('workers.json', JSON.stringify([
      { id: `w-cli-${suffix}-1`, orgUnitId: community, communityId: community, name: '命令行社工一', position: 'social_worker' },
      { id: `w-cli-${suffix}-2`, orgUnitId: community, communityId: community, name: '命令行社工二', position: 'social_worker', channels: ['inbox'] },
    ]));
    const json = await cli(['--json', 'import', 'workers', workers]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ imported: 2, ids: [`w-cli-${suffix}-1`, `w-cli-${suffix}-2`] });
  });

  it('lists every bad row of an import by line and field, exits 1 and imports nothing', async () => {
    const before = (await store.db.selectFrom('workers').select('id').execute()).length;
    const csv = file('bad-workers.csv', [
      'id,orgUnitId,communityId,name,position,email',
      `w-cli-bad-1,${WANMINGYUAN},${WANMINGYUAN},好行,social_worker,good@example.org`,
      `w-cli-bad-2,${WANMINGYUAN},${WANMINGYUAN},,wizard,not-an-email`,
      `w-cli-bad-1,${WANMINGYUAN},${WANMINGYUAN},重复,social_worker,`,
    ].join('\n'));
    const human = await cli(['import', 'workers', csv]);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('line 3, field name');
    expect(human.stderr).toContain('line 3, field position');
    expect(human.stderr).toContain('line 3, field email');
    expect(human.stderr).toMatch(/line 4, field id: duplicate id w-cli-bad-1/);
    const json = await cli(['--json', 'import', 'workers', csv]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error.details).toEqual(expect.arrayContaining([expect.objectContaining({ line: 3, field: 'position' })]));
    expect((await store.db.selectFrom('workers').select('id').execute()).length).toBe(before);
  });

  it('creates, lists and revokes tokens; the token is printed once and stops working when revoked', async () => {
    const created = await cli(['token', 'create', '--role', 'supervisor', '--name', 'cli supervisor', '--scope', community, '--json']);
    expect(created.code).toBe(0);
    const { id, token } = JSON.parse(created.stdout) as { id: string; token: string };
    expect(token).toMatch(/^sg_/);
    expect((await cli(['whoami'], { token })).stdout).toMatch(/role\s+supervisor/);

    const list = await cli(['token', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+cli supervisor\\s+supervisor\\s+${community}\\s+-\\s+active`));
    expect(list.stdout).not.toContain(token);

    const human = await cli(['token', 'create', '--role', 'viewer', '--name', 'cli viewer']);
    expect(human.stdout).toMatch(/shown only this once[\s\S]*\nsg_/);
    expect(human.stdout).toContain(`viewer at cn-bj`);

    const past = await cli(['token', 'create', '--role', 'viewer', '--name', 'expired', '--expires', '2020-01-01T00:00:00+08:00']);
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('body.expiresAt');

    const revoked = await cli(['token', 'revoke', id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked token ${id}`);
    expect((await cli(['whoami'], { token })).code).toBe(1);
    expect((await cli(['token', 'list'])).stdout).toMatch(new RegExp(`${id}.*revoked`));
  });

  it('creates a dashboard user with a generated password that signs in, and lists users without passwords', async () => {
    const created = await cli(['user', 'create', '--username', `cli.lead.${suffix}`, '--name', 'CLI 站长', '--role', 'station_lead',
      '--scope', WANMINGYUAN, '--worker', 'w-wanmingyuan-lead', '--json']);
    expect(created.code).toBe(0);
    const { username, password } = JSON.parse(created.stdout) as { username: string; password: string };
    expect(password.length).toBeGreaterThanOrEqual(12);
    const signIn = await api.call('POST', '/api/auth/login', { body: { username, password } });
    expect(signIn.status).toBe(200);

    const list = await cli(['user', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`cli\\.lead\\.${suffix}\\s+CLI 站长\\s+station_lead`));
    expect(list.stdout).not.toContain(password);

    const lead = await cli(['user', 'create', '--username', `cli.bad.${suffix}`, '--name', 'x', '--role', 'station_lead', '--scope', WANMINGYUAN]);
    expect(lead.code).toBe(1);
    expect(lead.stderr).toContain('body.workerId');

    // A supervisor tied to no worker is allowed, and told what that means; with --worker the link shows in the list.
    const unlinked = await cli(['user', 'create', '--username', `cli.sup.${suffix}`, '--name', 'CLI 督导', '--role', 'supervisor', '--scope', STREET]);
    expect(unlinked.code).toBe(0);
    expect(unlinked.stderr).toContain('escalations and the inbox will not reach this user');
    const linked = await cli(['user', 'create', '--username', `cli.sup2.${suffix}`, '--name', 'CLI 督导二', '--role', 'supervisor', '--scope', STREET, '--worker', 'w-zhanlanlu-supervisor-01']);
    expect(linked.stderr).toBe('');
    expect((await cli(['user', 'list'])).stdout).toMatch(new RegExp(`cli\\.sup2\\.${suffix}\\s+CLI 督导二\\s+supervisor\\s+\\S+\\s+w-zhanlanlu-supervisor-01`));
  });

  it('loads the default data with seed, idempotently, and audits it', async () => {
    const fresh = await createTestStore('pglite');
    try {
      await fresh.db.insertInto('org_units').values({ id: 'cn-bj', parent_id: null, kind: 'city', name_zh: '北京市', name_en: 'Beijing' }).execute();
      const { token } = await createToken(fresh.db, { name: 'first admin', role: 'admin', scopeId: 'cn-bj' });
      const freshApi = await startTestApi({ store: fresh, temporal: harness.client });
      try {
        const first = await cli(['seed', '--today', '2026-11-28'], { token, url: freshApi.url });
        expect(first.code).toBe(0);
        expect(first.stdout).toContain('Loaded the default data');
        expect((await fresh.db.selectFrom('communities').select('id').execute()).length).toBe(23);
        const again = await cli(['seed'], { token, url: freshApi.url });
        expect(again.code).toBe(0);
        expect(again.stdout).toContain('already loaded');
        const audit = await fresh.db.selectFrom('audit_log').select(['actor', 'action', 'after']).where('action', '=', 'seed').orderBy('id').execute();
        expect(audit).toEqual([
          expect.objectContaining({ actor: 'first admin', after: { today: '2026-11-28', alreadyLoaded: false } }),
          expect.objectContaining({ actor: 'first admin', after: expect.objectContaining({ alreadyLoaded: true }) }),
        ]);
        const viewer = await cli(['seed'], { token: (await createToken(fresh.db, { name: 'v', role: 'viewer', scopeId: 'cn-bj' })).token, url: freshApi.url });
        expect(viewer.code).toBe(1);
      } finally {
        await freshApi.close();
      }
    } finally {
      await fresh.dispose();
    }
  });

  it("starts a station's plan and shows its status; plan start --all leaves a running plan alone", async () => {
    const started = await cli(['plan', 'start', community]);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(`Started the plan of ${community}`);
    const status = await cli(['plan', 'status', community]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/status\s+running/);
    expect(status.stdout).toMatch(/guide\s+open/);
    expect(status.stdout).toContain('guide-post-setup');
    const again = await cli(['plan', 'start', community]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('409 conflict');
    // A supervisor scoped to this one community: --all covers just it, already running.
    const scoped = (await createToken(store.db, { name: 'cli scoped supervisor', role: 'supervisor', scopeId: community })).token;
    const all = await cli(['plan', 'start', '--all'], { token: scoped });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`${community}\\s+already running`));
    expect(all.stdout).toContain('0 started, 1 already running, 0 failed.');
    expect((await cli(['plan', 'status', 'cn-bj-nowhere'])).code).toBe(1);
  });

  it('launches a training cycle from a JSON file, shows it, lists it, moves and cancels a session, changes participants and cancels it', async () => {
    const at = (days: number, hour: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10) + `T${String(hour).padStart(2, '0')}:00:00+08:00`;
    const definition = file('cycle.json', JSON.stringify({
      id: cycleId,
      name: 'CLI 测试培训',
      cohort: { workerIds: [`w-cli-${suffix}-1`, `w-cli-${suffix}-2`] },
      sessions: [
        { id: 's-1', dimension: 'party_policy', level: 1, startsAt: at(30, 9), endsAt: at(30, 11), place: '中心', trainer: '督导', capacity: 10 },
        { id: 's-2', dimension: 'professional_methods', level: 1, startsAt: at(31, 9), endsAt: at(31, 11), place: '中心', trainer: '督导', capacity: 10 },
      ],
      assessment: { passMark: 60, retakeWindowSeconds: 86_400 },
    }));
    const launched = await cli(['cycle', 'launch', definition], { token: tokens.supervisor });
    expect(launched.stderr).toBe('');
    expect(launched.code).toBe(0);
    expect(launched.stdout).toContain(`Launched training cycle ${cycleId}`);
    expect(launched.stdout).toContain('2 workers enrolled');
    const status = await cli(['cycle', 'status', cycleId], { token: tokens.supervisor });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/status\s+running/);
    expect((await cli(['cycle', 'list'], { token: tokens.supervisor })).stdout).toContain(cycleId);
    const refused = await cli(['cycle', 'launch', file('bad-cycle.json', JSON.stringify({ name: '', cohort: {}, sessions: [] }))], { token: tokens.supervisor });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('body.sessions');
    // Every training route has its command: sessions move and cancel, participants change, and the
    // recording commands reach their routes (refused here, as the sessions are a month away).
    const moved = await cli(['cycle', 'move-session', cycleId, 's-2', '--starts-at', at(32, 14), '--ends-at', at(32, 16), '--reason', '讲师时间冲突'], { token: tokens.supervisor });
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toContain('Moved session s-2');
    const cancelledSession = await cli(['cycle', 'cancel-session', cycleId, 's-2', '--reason', '场地维修'], { token: tokens.supervisor });
    expect(cancelledSession.stdout).toContain('Cancelled session s-2');
    const withdrawn = await cli(['cycle', 'participants', cycleId, '--withdraw', `w-cli-${suffix}-2`, '--reason', '调岗'], { token: tokens.supervisor });
    expect(withdrawn.stdout).toContain('withdrew 1');
    expect((await cli(['cycle', 'attendance', cycleId, 's-1', 'no-status'], { token: tokens.supervisor })).code).toBe(2);
    const early = await cli(['cycle', 'attendance', cycleId, 's-1', `w-cli-${suffix}-1=present`], { token: tokens.supervisor });
    expect(early.code).toBe(1);
    const assess = await cli(['cycle', 'assess', cycleId, '--worker', `w-cli-${suffix}-1`, '--dimension', 'party_policy', '--level', '1', '--score', '80'], { token: tokens.supervisor });
    expect(assess.code).toBe(1);
    expect((await cli(['cycle', 'check-in', cycleId, 's-1'], { token: tokens.supervisor })).code).toBe(1);
    expect((await cli(['cycle', 'cancel', cycleId], { token: tokens.supervisor })).code).toBe(2);
    const cancelled = await cli(['cycle', 'cancel', cycleId, '--reason', 'CLI test over'], { token: tokens.supervisor });
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`Cancelled training cycle ${cycleId}`);
    const after = await cli(['--json', 'cycle', 'status', cycleId], { token: tokens.supervisor });
    expect(JSON.parse(after.stdout)).toMatchObject({ id: cycleId, status: 'cancelled', cancelReason: 'CLI test over' });
  });

  it('shows rollout coverage as a table, or JSON for scripts', async () => {
    const human = await cli(['rollout', 'status'], { token: tokens.viewer });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Coverage on \d{4}-\d{2}-\d{2}: \d+ \/ \d+ communities have an operating station/);
    expect(human.stdout).toContain('万明园社区');
    const json = await cli(['rollout', 'status', '--json', '--street', STREET], { token: tokens.viewer });
    expect(JSON.parse(json.stdout)).toMatchObject({ total: expect.any(Number), operating: expect.any(Number), communities: expect.any(Array) });
  });

  it('starts a rollout, replans and completes a milestone with evidence, and cancels it with the reason', async () => {
    const target = `${STREET}-cli-rollout-${suffix}`;
    const day = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
    const created = await api.call('POST', '/api/communities', { token: tokens.admin, body: { id: target, streetId: STREET, nameZh: '命令行建站社区', nameEn: 'CLI rollout' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await cli(['rollout', 'start', target, '--site', day(5)])).code).toBe(2);
    const started = await cli(['rollout', 'start', target, '--site', day(5), '--staffing', day(10), '--fit-out', day(20), '--opening', day(30)], { token: tokens.supervisor });
    expect(started.stderr).toBe('');
    expect(started.stdout).toContain(`Started the rollout of ${target}`);
    expect(started.stdout).toMatch(new RegExp(`opening\\s+${day(30)}`));
    const replanned = await cli(['rollout', 'replan', target, 'site', '--target', day(7), '--reason', 'Lease signing moved'], { token: tokens.supervisor });
    expect(replanned.stderr).toBe('');
    expect(replanned.stdout).toContain(`Replanned site of ${target} to ${day(7)}`);
    expect((await cli(['rollout', 'complete', target, 'nowhere', '--note', 'x'])).code).toBe(2);
    const completed = await cli(['rollout', 'complete', target, 'site', '--note', 'Lease signed', '--link', 'https://example.org/lease.pdf'], { token: tokens.supervisor });
    expect(completed.stderr).toBe('');
    expect(completed.stdout).toContain(`Completed site of ${target}`);
    const cancelled = await cli(['rollout', 'cancel', target, '--reason', 'CLI test over'], { token: tokens.supervisor });
    expect(cancelled.stderr).toBe('');
    expect(cancelled.stdout).toContain(`Cancelled the rollout of ${target}`);
    const coverage = JSON.parse((await cli(['--json', 'rollout', 'status'], { token: tokens.supervisor })).stdout) as { communities: Array<{ communityId: string; rollout: { status: string; cancellation: { reason: string } } | null }> };
    expect(coverage.communities.find((c) => c.communityId === target)?.rollout).toMatchObject({ status: 'cancelled', cancellation: { reason: 'CLI test over' } });
  });

  it('takes a venture project from proposal by a station lead through approval, start and a service record to its evaluation', async () => {
    const projectId = `vp-cli-${suffix}`;
    const lead = { token: tokens.station_lead };
    const supervisor = { token: tokens.supervisor };
    expect((await cli(['venture', 'propose', '--community', WANMINGYUAN, '--theme', 'pets', '--title', 'x'], lead)).code).toBe(2);
    const proposed = await cli(['venture', 'propose', '--community', WANMINGYUAN, '--theme', 'elderly', '--title', '楼门互助（命令行）', '--budget', '20000', '--id', projectId], lead);
    expect(proposed.stderr).toBe('');
    expect(proposed.stdout).toContain(`Proposed venture project ${projectId}`);
    expect((await cli(['venture', 'approve', projectId], lead)).code).toBe(1);
    expect((await cli(['venture', 'approve', projectId, '--comments', 'Fits the elderly theme'], supervisor)).stdout).toContain('now approved');
    expect((await cli(['venture', 'start', projectId], lead)).stdout).toContain('now running');
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const recorded = await cli(['venture', 'record', projectId, '--served-on', day, '--residents', '12', '--note', 'Stairwell day', '--id', `sr-${suffix}`], lead);
    expect(recorded.stderr).toBe('');
    expect(recorded.stdout).toContain('Recorded service');
    expect((await cli(['venture', 'evaluate', projectId, '--score', '9', '--comments', 'x'], supervisor)).code).toBe(2);
    expect((await cli(['venture', 'evaluate', projectId, '--score', '4', '--comments', 'Reached its residents'], supervisor)).stdout).toContain('now evaluated');
    const shown = await cli(['venture', 'show', projectId], supervisor);
    expect(shown.stdout).toMatch(/residents\s+12/);
    const listed = await cli(['venture', 'list', '--theme', 'elderly', '--status', 'evaluated'], supervisor);
    expect(listed.stdout).toContain(projectId);
  });

  it('runs the digest only for roles and streets that may (refusals exit 1)', async () => {
    const viewer = await cli(['digest', 'run'], { token: tokens.viewer });
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toContain('403');
    const notAStreet = await cli(['digest', 'run', '--street', WANMINGYUAN], { token: tokens.supervisor });
    expect(notAStreet.code).toBe(1);
    expect(notAStreet.stderr).toContain('body.streetId: not a street');
  });

  it('has every command documented in docs/api.md', async () => {
    const document = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
    const program = buildProgram({ io: { stdout: () => {}, stderr: () => {}, env: {} }, json: () => false, api: () => { throw new Error('unused'); }, print: () => {} });
    const leaves = (command: Command, prefix: string[]): string[][] => (command.commands.length === 0
      ? [prefix]
      : command.commands.flatMap((sub) => leaves(sub, [...prefix, sub.name()])));
    const paths = leaves(program, []).map((path) => `shegong ${path.join(' ')}`);
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) expect(document, path).toContain(`\`${path}`);
  });

  it('works through the bin launcher as a separate process, with exit codes a shell sees', async () => {
    const env = { ...process.env, SHEGONG_URL: api.url, SHEGONG_TOKEN: tokens.admin };
    const ok = await run(process.execPath, [join(ROOT, 'bin', 'shegong.mjs'), 'whoami', '--json'], { env, cwd: tmpdir() });
    expect(JSON.parse(ok.stdout)).toMatchObject({ role: 'admin', scope: { id: 'cn-bj' } });
    const exitCode = async (args: string[], extra: Record<string, string> = {}) => {
      try {
        await run(process.execPath, [join(ROOT, 'bin', 'shegong.mjs'), ...args], { env: { ...env, ...extra }, cwd: tmpdir() });
        return 0;
      } catch (error) {
        return (error as { code: number }).code;
      }
    };
    expect(await exitCode(['token', 'list'], { SHEGONG_TOKEN: tokens.viewer })).toBe(1);
    expect(await exitCode(['nonsense'])).toBe(2);
    expect(await exitCode(['whoami'], { SHEGONG_URL: 'http://127.0.0.1:1' })).toBe(3);
  }, 120_000);
});
