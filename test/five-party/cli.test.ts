import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { Role } from '../../src/domain/types.js';
import { shanghaiDate } from '../../src/domain/time.js';
import { STREET, WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// The five-party commands against the real API: registering and editing an organisation, a
// volunteer (names only through `volunteer contacts`, audited) and their hours, a resource, and
// the linkage index; refusals exit 1 and name the field.

describe('shegong organisation | volunteer | resource | linkage', () => {
  let harness: Harness;
  let tokens: Record<Role, string>;
  const today = shanghaiDate(new Date());

  const cli = async (args: string[], role: Role = 'station_lead') => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: (text) => { stdout += text; },
      stderr: (text) => { stderr += text; },
      env: { SHEGONG_URL: harness.api!.url, SHEGONG_TOKEN: tokens[role] },
    });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    harness = await startHarness({ name: 'five-party-cli', seed: true, today, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
  }, 120_000);
  afterAll(() => harness?.close());

  it('registers and edits an organisation, a volunteer with hours and a resource, and shows the index', async () => {
    const added = await cli(['organisation', 'add', '--unit', WANMINGYUAN, '--zh', '命令行读书会', '--kind', 'community_based', '--station', WANMINGYUAN, '--theme', 'youth', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const organisationId = JSON.parse(added.stdout).id as string;
    const edited = await cli(['organisation', 'edit', organisationId, '--contact', '010-00000001']);
    expect(edited.code, edited.stderr).toBe(0);
    const organisations = await cli(['organisation', 'list']);
    expect(organisations.stdout).toContain('命令行读书会');
    expect(organisations.stdout).toContain('为老服务社（示例）');
    const refused = await cli(['organisation', 'add', '--unit', WANMINGYUAN, '--zh', '越界', '--kind', 'community_based', '--station', YUSHUGUAN]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('body.stationIds');

    const volunteer = await cli(['volunteer', 'add', '--community', WANMINGYUAN, '--name', '命令行志愿者', '--phone', '13900000009', '--skill', '摄影', '--json']);
    expect(volunteer.code, volunteer.stderr).toBe(0);
    const volunteerId = JSON.parse(volunteer.stdout).id as string;
    const listed = await cli(['volunteer', 'list']);
    expect(listed.stdout).toContain(volunteerId);
    expect(listed.stdout).not.toContain('命令行志愿者');
    const contacts = await cli(['volunteer', 'contacts', '--volunteer', volunteerId]);
    expect(contacts.stdout).toContain('命令行志愿者');
    expect(contacts.stdout).toContain('13900000009');
    expect((await cli(['volunteer', 'contacts'], 'social_worker')).code).toBe(1);
    const reads = await harness.store.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'read').where('entity', '=', '/api/volunteers/contacts').execute();
    expect(reads.map((read) => read.entity_id)).toContain(`?volunteerId=${volunteerId}`);
    expect((await cli(['volunteer', 'edit', volunteerId, '--community', WANMINGYUAN, '--name', '命令行志愿者', '--inactive'])).code).toBe(0);
    const logged = await cli(['volunteer', 'log', volunteerId, '--on', today, '--hours', '1.5', '--activity', '楼道清扫'], 'social_worker');
    expect(logged.code, logged.stderr).toBe(0);
    const hours = await cli(['volunteer', 'hours', '--volunteer', volunteerId, '--json']);
    expect(JSON.parse(hours.stdout)).toEqual({ months: [{ month: today.slice(0, 7), communityId: WANMINGYUAN, hours: 1.5, entries: 1, volunteers: 1 }], total: 1.5 });
    expect((await cli(['volunteer', 'log', volunteerId, '--on', today, '--hours', 'two', '--activity', 'x'])).code).toBe(2);

    const resource = await cli(['resource', 'add', '--unit', WANMINGYUAN, '--donor', '命令行基金', '--kind', 'money', '--amount', '500', '--per', '元', '--received', today,
      '--organisation', organisationId, '--json']);
    expect(resource.code, resource.stderr).toBe(0);
    const resourceId = JSON.parse(resource.stdout).id as string;
    expect((await cli(['resource', 'edit', resourceId, '--amount', '600'])).code).toBe(0);
    expect((await cli(['resource', 'list'])).stdout).toMatch(/命令行基金\s+money\s+600 元/);
    expect((await cli(['resource', 'add', '--unit', STREET, '--donor', 'x', '--kind', 'money', '--amount', '1', '--per', '元', '--received', today])).code).toBe(1);

    const linkage = await cli(['linkage'], 'viewer');
    expect(linkage.code, linkage.stderr).toBe(0);
    expect(linkage.stdout).toContain(`${STREET} (11 stations)`);
    const station = await cli(['linkage', '--community', WANMINGYUAN, '--json']);
    expect(JSON.parse(station.stdout).stations[0].parties).toMatchObject({ socialOrganisation: true, volunteer: true, charitableResource: true });
  });
});
