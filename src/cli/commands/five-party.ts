import { type Command } from 'commander';
import { usageError } from '../client.js';
import { table } from '../output.js';
import { type CliContext, seg } from '../context.js';

// Five-party linkage (五社联动): `shegong organisation list|add|edit`, `shegong volunteer
// list|contacts|add|edit|log|hours`, `shegong resource list|add|edit` and `shegong linkage`.
// A volunteer's name and phone are shown by `volunteer contacts` only (station leads and
// supervisors; the API audits every read).

type Localized = { zh: string; en: string };
interface OrganisationRow {
  id: string; orgUnit: { id: string; name: Localized }; name: Localized; kind: string; registrationNumber: string | null; contact: string | null;
  services: string[]; themes: string[]; stations: Array<{ id: string; name: Localized }>; note: string | null; isExample: boolean;
}
interface VolunteerRow { id: string; communityId: string; skills: string[]; active: boolean; isExample: boolean; hours: { month: string; inMonth: number; total: number } }
interface ResourceRow {
  id: string; orgUnit: { id: string; name: Localized }; projectId: string | null; organisationId: string | null; donor: string; kind: string;
  amount: number; unit: string; restrictions: string | null; receivedOn: string; note: string | null; isExample: boolean;
}
type Parties = Record<'community' | 'socialOrganisation' | 'socialWorker' | 'volunteer' | 'charitableResource', boolean>;

const collect = (value: string, previous: string[] = []) => [...previous, value];
const number = (flag: string, value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw usageError(`${flag}: expected a number, got ${value}`);
  return parsed;
};
const queryOf = (pairs: Record<string, string | undefined>) => {
  const query = new URLSearchParams(Object.entries(pairs).filter((pair): pair is [string, string] => pair[1] !== undefined));
  return query.size > 0 ? `?${query}` : '';
};
const mark = (parties: Parties) => (['community', 'socialOrganisation', 'socialWorker', 'volunteer', 'charitableResource'] as const).map((p) => (parties[p] ? '✓' : '·'));

interface OrganisationOptions {
  unit?: string; zh?: string; en?: string; kind?: string; registration?: string; contact?: string; service?: string[]; theme?: string[]; station?: string[]; note?: string;
}
interface ResourceOptions {
  unit?: string; project?: string; organisation?: string; donor?: string; kind?: string; amount?: string; per?: string; restrictions?: string; received?: string; note?: string;
}

export function registerFivePartyCommands(program: Command, ctx: CliContext) {
  const organisation = program.command('organisation').description('social organisations (五社联动): registered per street or station, with the stations they work with');
  const organisationOptions = (command: Command) => command
    .option('--unit <orgUnitId>', 'the street (or station) that registers it')
    .option('--zh <name>', 'the name in Chinese')
    .option('--en <name>', 'the name in English')
    .option('--kind <kind>', 'social_group, social_service_agency, foundation or community_based')
    .option('--registration <number>', 'registration number (统一社会信用代码)')
    .option('--contact <text>', "the organisation's own contact (office phone, e-mail)")
    .option('--service <text>', 'a service it offers (repeatable)', collect)
    .option('--theme <key>', 'a theme (repeatable)', collect)
    .option('--station <communityId>', 'a station it works with (repeatable)', collect)
    .option('--note <text>', 'a note');
  const organisationBody = (options: OrganisationOptions, base?: OrganisationRow) => {
    const orgUnitId = options.unit ?? base?.orgUnit.id;
    const zh = options.zh ?? base?.name.zh;
    const kind = options.kind ?? base?.kind;
    if (!orgUnitId || !zh || !kind) throw usageError('--unit, --zh and --kind are required');
    return {
      orgUnitId, name: { zh, en: options.en ?? base?.name.en ?? zh }, kind,
      registrationNumber: options.registration ?? base?.registrationNumber ?? null, contact: options.contact ?? base?.contact ?? null,
      services: options.service ?? base?.services ?? [], themes: options.theme ?? base?.themes ?? [],
      stationIds: options.station ?? base?.stations.map((s) => s.id) ?? [], note: options.note ?? base?.note ?? null,
    };
  };
  organisation.command('list')
    .description('organisations registered in scope or working with one of its stations')
    .option('--community <communityId>', 'only those of this station')
    .option('--kind <kind>', 'only this kind')
    .option('--theme <key>', 'only those with this theme')
    .action(async (options: { community?: string; kind?: string; theme?: string }) => {
      const answer = await ctx.api().get<{ items: OrganisationRow[] }>(`/api/social-organisations${queryOf({ communityId: options.community, kind: options.kind, theme: options.theme })}`);
      ctx.print(answer, (value: typeof answer) => table(value.items.map((o) => ({
        ...o, name: o.name.zh, unit: o.orgUnit.id, themes: o.themes.join(', '), stations: o.stations.map((s) => s.id).join(', '), example: o.isExample ? 'example' : '',
      })), ['id', 'name', 'kind', 'unit', 'themes', 'stations', 'example'], ['organisation', 'name', 'kind', 'registered by', 'themes', 'stations', 'data']));
    });
  organisationOptions(organisation.command('add').description('register a social organisation (--unit, --zh and --kind required)'))
    .action(async (options: OrganisationOptions) => {
      const saved = await ctx.api().post<OrganisationRow>('/api/social-organisations', organisationBody(options));
      ctx.print(saved, (value: typeof saved) => `Registered ${value.id}: ${value.name.zh}.`);
    });
  organisationOptions(organisation.command('edit').description('change a social organisation: the options given replace its fields').argument('<organisationId>'))
    .action(async (id: string, options: OrganisationOptions) => {
      const current = (await ctx.api().get<{ items: OrganisationRow[] }>('/api/social-organisations')).items.find((o) => o.id === id);
      if (!current) throw usageError(`no social organisation ${id} in your scope`);
      const saved = await ctx.api().request<OrganisationRow>('PUT', `/api/social-organisations/${seg(id)}`, organisationBody(options, current));
      ctx.print(saved, (value: typeof saved) => `Updated ${value.id}: ${value.name.zh}.`);
    });

  const volunteer = program.command('volunteer').description("volunteers of a station and their hours (names and phones: `volunteer contacts`, audited)");
  volunteer.command('list')
    .description('volunteers of the stations in scope with skills and hours (no names)')
    .option('--community <communityId>', 'only this station')
    .option('--month <month>', 'hours of this month, YYYY-MM (default this month)')
    .action(async (options: { community?: string; month?: string }) => {
      const answer = await ctx.api().get<{ month: string; items: VolunteerRow[] }>(`/api/volunteers${queryOf({ communityId: options.community, month: options.month })}`);
      ctx.print(answer, (value: typeof answer) => table(value.items.map((v) => ({
        ...v, skills: v.skills.join(', '), inMonth: v.hours.inMonth, total: v.hours.total, status: v.active ? 'active' : 'inactive', example: v.isExample ? 'example' : '',
      })), ['id', 'communityId', 'skills', 'inMonth', 'total', 'status', 'example'], ['volunteer', 'station', 'skills', `hours ${value.month}`, 'hours in all', 'status', 'data']));
    });
  volunteer.command('contacts')
    .description("volunteers' names and phones: personal data (station leads and supervisors; every read is audited)")
    .option('--community <communityId>', 'only this station')
    .option('--volunteer <volunteerId>', 'only this volunteer')
    .action(async (options: { community?: string; volunteer?: string }) => {
      const answer = await ctx.api().get<{ items: Array<{ id: string; communityId: string; name: string; phone: string | null }> }>(
        `/api/volunteers/contacts${queryOf({ communityId: options.community, volunteerId: options.volunteer })}`,
      );
      ctx.print(answer, (value: typeof answer) => table(value.items, ['id', 'communityId', 'name', 'phone'], ['volunteer', 'station', 'name', 'phone']));
    });
  const volunteerOptions = (command: Command) => command
    .requiredOption('--community <communityId>', 'the station')
    .requiredOption('--name <name>', 'the name (personal data)')
    .option('--phone <phone>', 'the phone (personal data)')
    .option('--skill <text>', 'a skill (repeatable)', collect)
    .option('--inactive', 'no longer active');
  const volunteerBody = (options: { community: string; name: string; phone?: string; skill?: string[]; inactive?: boolean }) => ({
    communityId: options.community, name: options.name, phone: options.phone ?? null, skills: options.skill ?? [], active: !options.inactive,
  });
  volunteerOptions(volunteer.command('add').description("register a volunteer of a station (station leads and supervisors)"))
    .action(async (options: { community: string; name: string; phone?: string; skill?: string[]; inactive?: boolean }) => {
      const saved = await ctx.api().post<VolunteerRow>('/api/volunteers', volunteerBody(options));
      ctx.print(saved, (value: typeof saved) => `Registered volunteer ${value.id} at ${value.communityId}.`);
    });
  volunteerOptions(volunteer.command('edit').description('change a volunteer: every field is replaced').argument('<volunteerId>'))
    .action(async (id: string, options: { community: string; name: string; phone?: string; skill?: string[]; inactive?: boolean }) => {
      const saved = await ctx.api().request<VolunteerRow>('PUT', `/api/volunteers/${seg(id)}`, volunteerBody(options));
      ctx.print(saved, (value: typeof saved) => `Updated volunteer ${value.id}.`);
    });
  volunteer.command('log')
    .description("log a volunteer's hours to a service record of their station (up to what it states) or to an activity")
    .argument('<volunteerId>')
    .requiredOption('--on <date>', 'the day, YYYY-MM-DD')
    .requiredOption('--hours <n>', 'hours, in quarters (e.g. 2.5)')
    .option('--record <serviceRecordId>', 'the service record')
    .option('--activity <text>', 'the activity, when there is no record')
    .action(async (id: string, options: { on: string; hours: string; record?: string; activity?: string }) => {
      const logged = await ctx.api().post<{ id: string; hours: number }>(`/api/volunteers/${seg(id)}/hours`, {
        servedOn: options.on, hours: number('--hours', options.hours), ...(options.record ? { serviceRecordId: options.record } : {}), ...(options.activity ? { activity: options.activity } : {}),
      });
      ctx.print(logged, (value: typeof logged) => `Logged ${value.hours} h (${value.id}).`);
    });
  volunteer.command('hours')
    .description('volunteer hours per month and station')
    .option('--community <communityId>', 'only this station')
    .option('--volunteer <volunteerId>', 'only this volunteer')
    .option('--from <month>', 'from this month, YYYY-MM')
    .option('--to <month>', 'to this month, YYYY-MM')
    .action(async (options: { community?: string; volunteer?: string; from?: string; to?: string }) => {
      const answer = await ctx.api().get<{ months: Array<{ month: string; communityId: string; hours: number; entries: number; volunteers: number }>; total: number }>(
        `/api/volunteers/hours${queryOf({ communityId: options.community, volunteerId: options.volunteer, from: options.from, to: options.to })}`,
      );
      ctx.print(answer, (value: typeof answer) => [
        table(value.months, ['month', 'communityId', 'hours', 'volunteers', 'entries'], ['month', 'station', 'hours', 'volunteers', 'entries']),
        `${value.total} hours in all.`,
      ].join('\n'));
    });

  const resource = program.command('resource').description('charitable resources: money, goods, venues and services for a station, a project or the street');
  const resourceOptions = (command: Command) => command
    .option('--unit <orgUnitId>', 'the station (community) or street it is for')
    .option('--project <projectId>', 'the venture project it is for')
    .option('--organisation <organisationId>', 'the social organisation that gave it')
    .option('--donor <name>', 'the donor or fund')
    .option('--kind <kind>', 'money, goods, venue or service')
    .option('--amount <n>', 'the amount')
    .option('--per <unit>', 'its unit: 元, 件, 次, 间 …')
    .option('--restrictions <text>', 'what it may be used for')
    .option('--received <date>', 'the day received, YYYY-MM-DD')
    .option('--note <text>', 'a note');
  const resourceBody = (options: ResourceOptions, base?: ResourceRow) => {
    const orgUnitId = options.unit ?? base?.orgUnit.id;
    const donor = options.donor ?? base?.donor;
    const kind = options.kind ?? base?.kind;
    const amount = options.amount !== undefined ? number('--amount', options.amount) : base?.amount;
    const unit = options.per ?? base?.unit;
    const receivedOn = options.received ?? base?.receivedOn;
    if (!orgUnitId || !donor || !kind || amount === undefined || !unit || !receivedOn) throw usageError('--unit, --donor, --kind, --amount, --per and --received are required');
    return {
      orgUnitId, donor, kind, amount, unit, receivedOn, projectId: options.project ?? base?.projectId ?? null, organisationId: options.organisation ?? base?.organisationId ?? null,
      restrictions: options.restrictions ?? base?.restrictions ?? null, note: options.note ?? base?.note ?? null,
    };
  };
  resource.command('list')
    .description('resources held in scope, newest first')
    .option('--community <communityId>', "only this station's (and its projects')")
    .option('--kind <kind>', 'only this kind')
    .option('--from <date>', 'received on or after, YYYY-MM-DD')
    .option('--to <date>', 'received on or before, YYYY-MM-DD')
    .action(async (options: { community?: string; kind?: string; from?: string; to?: string }) => {
      const answer = await ctx.api().get<{ items: ResourceRow[] }>(`/api/charitable-resources${queryOf({ communityId: options.community, kind: options.kind, from: options.from, to: options.to })}`);
      ctx.print(answer, (value: typeof answer) => table(value.items.map((r) => ({ ...r, unitId: r.orgUnit.id, amount: `${r.amount} ${r.unit}`, example: r.isExample ? 'example' : '' })),
        ['id', 'receivedOn', 'unitId', 'donor', 'kind', 'amount', 'projectId', 'example'], ['resource', 'received', 'for', 'donor', 'kind', 'amount', 'project', 'data']));
    });
  resourceOptions(resource.command('add').description('register a resource (--unit, --donor, --kind, --amount, --per and --received required)'))
    .action(async (options: ResourceOptions) => {
      const saved = await ctx.api().post<ResourceRow>('/api/charitable-resources', resourceBody(options));
      ctx.print(saved, (value: typeof saved) => `Registered ${value.id}: ${value.amount} ${value.unit} from ${value.donor}.`);
    });
  resourceOptions(resource.command('edit').description('change a resource: the options given replace its fields').argument('<resourceId>'))
    .action(async (id: string, options: ResourceOptions) => {
      const current = (await ctx.api().get<{ items: ResourceRow[] }>('/api/charitable-resources')).items.find((r) => r.id === id);
      if (!current) throw usageError(`no charitable resource ${id} in your scope`);
      const saved = await ctx.api().request<ResourceRow>('PUT', `/api/charitable-resources/${seg(id)}`, resourceBody(options, current));
      ctx.print(saved, (value: typeof saved) => `Updated ${value.id}.`);
    });

  program.command('linkage')
    .description('the five-party linkage index: which parties took part in each station and street over the last 90 days')
    .option('--community <communityId>', 'only this station')
    .action(async (options: { community?: string }) => {
      const answer = await ctx.api().get<{
        from: string; to: string;
        stations: Array<{ communityId: string; parties: Parties; score: number }>;
        streets: Array<{ streetId: string; stations: number; parties: Parties; score: number }>;
      }>(`/api/linkage-index${queryOf({ communityId: options.community })}`);
      const columns = ['id', 'community', 'socialOrganisation', 'socialWorker', 'volunteer', 'charitableResource', 'score'];
      const headers = ['', 'community', 'social org.', 'social worker', 'volunteer', 'charity', 'of 5'];
      const row = (id: string, parties: Parties, score: number) => {
        const [community, socialOrganisation, socialWorker, volunteerMark, charitableResource] = mark(parties);
        return { id, community, socialOrganisation, socialWorker, volunteer: volunteerMark, charitableResource, score };
      };
      ctx.print(answer, (value: typeof answer) => [
        `Five-party linkage, ${value.from} – ${value.to}:`,
        table([...value.stations.map((s) => row(s.communityId, s.parties, s.score)), ...value.streets.map((s) => row(`${s.streetId} (${s.stations} stations)`, s.parties, s.score))], columns, headers),
      ].join('\n'));
    });
}
