import { randomUUID } from 'node:crypto';
import { conflict, invalid, notFound, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { addDays, shanghaiDate } from '../domain/time.js';
import type { CharitableResourceKind, SocialOrganisationKind } from '../store/database.js';
import {
  findOrganisation, findResource, findVolunteer, linkageByStation, listOrganisations, listResources, listVolunteers, logVolunteerHours,
  saveOrganisation, saveResource, saveVolunteer, streetNames, streetResources, unitKinds, volunteerContacts, volunteerHoursByMonth,
  type LinkageStationRow,
} from '../store/repositories/five-party.js';
import { inScope, scopedCommunityIds, subtreeIds } from '../store/repositories/org-unit.js';
import { findServiceRecord, projectCommunities, themeKeys } from '../store/repositories/service-record.js';
import type { ServiceDeps } from './deps.js';

// Five-party linkage (五社联动): the registries of social organisations, volunteers and charitable
// resources, and the linkage index. Station leads work in their station, supervisors in their
// subtree; viewers read the index only (aggregates, no names; their role may not call the lists).
// A volunteer's name and phone are personal data: the contacts route (audited) is the only read of
// them, and no audit entry, list or report carries them.

type PartyDeps = Pick<ServiceDeps, 'store' | 'clock'>;

/** The days the linkage index looks back over, today included. */
export const LINKAGE_DAYS = 90;

const thisMonth = (deps: PartyDeps) => shanghaiDate(deps.clock()).slice(0, 7);

/** The communities a caller may read, narrowed to one when asked (none when it is outside the scope). */
async function communitiesFor(deps: PartyDeps, principal: Principal, communityId?: string): Promise<string[]> {
  const ids = await scopedCommunityIds(deps.store.db, principal);
  return communityId ? ids.filter((id) => id === communityId) : ids;
}

const unitNotFound = (id: string) => notFound(`org unit ${id}`, { reason: 'org_unit_not_found', values: { orgUnitId: id } });

// ── Social organisations ─────────────────────────────────────────────────────────────────────

export async function listOrganisationsFor(deps: PartyDeps, principal: Principal, query: { communityId?: string; kind?: SocialOrganisationKind; theme?: string }) {
  if (query.communityId && !(await inScope(deps.store.db, principal, query.communityId))) return { items: [] };
  return { items: await listOrganisations(deps.store.db, { scopeId: principal.scopeId, ...query }) };
}

export interface OrganisationInput {
  orgUnitId: string;
  name: { zh: string; en?: string };
  kind: SocialOrganisationKind;
  registrationNumber?: string | null;
  contact?: string | null;
  services?: string[];
  themes?: string[];
  stationIds?: string[];
  note?: string | null;
}

/**
 * Registers an organisation (no id) or replaces one. The caller's scope must cover the unit that
 * registers it, before and after, and every station it links, each of them under that unit.
 */
export async function saveOrganisationFor(deps: PartyDeps, principal: Principal, input: OrganisationInput, id?: string, requestId?: string) {
  const { db } = deps.store;
  if (id !== undefined) {
    const existing = await findOrganisation(db, id);
    if (!existing || !(await inScope(db, principal, existing.orgUnitId))) {
      throw notFound(`social organisation ${id}`, { reason: 'organisation_not_found', values: { organisationId: id } });
    }
  }
  if (!(await inScope(db, principal, input.orgUnitId))) throw unitNotFound(input.orgUnitId);
  const problems: FieldProblem[] = [];
  const stationIds = [...new Set(input.stationIds ?? [])];
  const under = new Set(await subtreeIds(db, input.orgUnitId));
  const kinds = await unitKinds(db, stationIds);
  for (const stationId of stationIds) {
    if (kinds.get(stationId) !== 'community' || !under.has(stationId)) {
      problems.push({ path: 'body.stationIds', message: `${stationId} is not a community under ${input.orgUnitId}` });
    }
  }
  const themes = await themeKeys(db);
  for (const theme of input.themes ?? []) if (!themes.has(theme)) problems.push({ path: 'body.themes', message: `unknown theme ${theme}` });
  if (problems.length > 0) throw invalid(problems, { reason: 'organisation_invalid' });
  const organisationId = id ?? `org-${randomUUID()}`;
  const record = {
    id: organisationId, orgUnitId: input.orgUnitId, name: { zh: input.name.zh, en: input.name.en ?? input.name.zh }, kind: input.kind,
    registrationNumber: input.registrationNumber ?? null, contact: input.contact ?? null, services: input.services ?? [],
    themes: [...new Set(input.themes ?? [])], stationIds, note: input.note ?? null, by: principal.name, at: deps.clock(),
  };
  const created = await saveOrganisation(db, record, {
    actor: principal.name, action: id === undefined ? 'create' : 'update', entity: 'social_organisation', entityId: organisationId,
    after: { ...record, at: undefined, by: undefined }, requestId,
  });
  const [view] = await listOrganisations(db, { scopeId: principal.scopeId, ids: [organisationId] });
  return { ...view!, created };
}

// ── Volunteers ───────────────────────────────────────────────────────────────────────────────

export async function listVolunteersFor(deps: PartyDeps, principal: Principal, query: { communityId?: string; month?: string }) {
  const month = query.month ?? thisMonth(deps);
  return { month, items: await listVolunteers(deps.store.db, { communityIds: await communitiesFor(deps, principal, query.communityId) }, month) };
}

/** Names and phones: the route is for station leads and supervisors, and audits every read. */
export async function volunteerContactsFor(deps: PartyDeps, principal: Principal, query: { communityId?: string; volunteerId?: string }) {
  const communityIds = await communitiesFor(deps, principal, query.communityId);
  return { items: await volunteerContacts(deps.store.db, { communityIds, ids: query.volunteerId ? [query.volunteerId] : undefined }) };
}

const volunteerNotFound = (id: string) => notFound(`volunteer ${id}`, { reason: 'volunteer_not_found', values: { volunteerId: id } });

/** A volunteer in the caller's scope; not found otherwise (another station's volunteer does not exist for them). */
async function volunteerInScope(deps: PartyDeps, principal: Principal, id: string) {
  const volunteer = await findVolunteer(deps.store.db, id);
  if (!volunteer || !(await inScope(deps.store.db, principal, volunteer.communityId))) throw volunteerNotFound(id);
  return volunteer;
}

export async function saveVolunteerFor(
  deps: PartyDeps, principal: Principal, input: { communityId: string; name: string; phone?: string | null; skills?: string[]; active?: boolean }, id?: string, requestId?: string,
) {
  const { db } = deps.store;
  if (id !== undefined) await volunteerInScope(deps, principal, id);
  if (!(await inScope(db, principal, input.communityId)) || (await unitKinds(db, [input.communityId])).get(input.communityId) !== 'community') {
    throw notFound(`community ${input.communityId}`, { reason: 'community_not_found', values: { communityId: input.communityId } });
  }
  const volunteerId = id ?? `vol-${randomUUID()}`;
  const volunteer = {
    id: volunteerId, communityId: input.communityId, name: input.name, phone: input.phone ?? null, skills: input.skills ?? [], active: input.active ?? true,
    by: principal.name, at: deps.clock(),
  };
  const created = await saveVolunteer(db, volunteer, {
    // Names the personal fields written, never their values.
    actor: principal.name, action: id === undefined ? 'create' : 'update', entity: 'volunteer', entityId: volunteerId,
    after: { communityId: volunteer.communityId, skills: volunteer.skills, active: volunteer.active, personalFields: volunteer.phone === null ? ['name'] : ['name', 'phone'] },
    requestId,
  });
  const [view] = await listVolunteers(db, { communityIds: [input.communityId], ids: [volunteerId] }, thisMonth(deps));
  return { ...view!, created };
}

/** Logs a volunteer's hours to a service record of their station, or to a named activity. */
export async function logVolunteerHoursFor(
  deps: PartyDeps, principal: Principal, volunteerId: string, input: { servedOn: string; hours: number; serviceRecordId?: string | null; activity?: string | null }, requestId?: string,
) {
  const { db } = deps.store;
  const volunteer = await volunteerInScope(deps, principal, volunteerId);
  const today = shanghaiDate(deps.clock());
  if (input.servedOn > today) throw invalid([{ path: 'body.servedOn', message: `must be on or before ${today}` }], { reason: 'volunteer_hours_invalid' });
  if (input.serviceRecordId) {
    const record = await findServiceRecord(db, input.serviceRecordId);
    if (!record || record.communityId !== volunteer.communityId) {
      throw invalid([{ path: 'body.serviceRecordId', message: `no service record ${input.serviceRecordId} at the volunteer's station` }], {
        reason: 'volunteer_hours_invalid', values: { recordId: input.serviceRecordId },
      });
    }
  }
  const entry = {
    id: `vh-${randomUUID()}`, volunteerId, communityId: volunteer.communityId, servedOn: input.servedOn, hours: input.hours,
    serviceRecordId: input.serviceRecordId ?? null, activity: input.activity ?? null,
  };
  const result = await logVolunteerHours(db, { ...entry, by: principal.name }, {
    actor: principal.name, action: 'log', entity: 'volunteer_hours', entityId: entry.id, after: entry, requestId,
  });
  if ('exceeds' in result) {
    throw conflict(`service record ${input.serviceRecordId} states ${result.exceeds.recordHours} volunteer hours; ${result.exceeds.logged} are logged already`, {
      reason: 'volunteer_hours_exceed_record', values: { recordId: input.serviceRecordId, recordHours: result.exceeds.recordHours, logged: result.exceeds.logged },
    });
  }
  return result.logged;
}

export async function volunteerHoursFor(deps: PartyDeps, principal: Principal, query: { communityId?: string; volunteerId?: string; from?: string; to?: string }) {
  if (query.volunteerId) await volunteerInScope(deps, principal, query.volunteerId);
  const months = await volunteerHoursByMonth(deps.store.db, { communityIds: await communitiesFor(deps, principal, query.communityId), ...query });
  return { months, total: months.reduce((sum, row) => sum + row.hours, 0) };
}

// ── Charitable resources ─────────────────────────────────────────────────────────────────────

export async function listResourcesFor(deps: PartyDeps, principal: Principal, query: { communityId?: string; kind?: CharitableResourceKind; from?: string; to?: string }) {
  if (query.communityId && !(await inScope(deps.store.db, principal, query.communityId))) return { items: [] };
  return { items: await listResources(deps.store.db, { scopeId: principal.scopeId, ...query }) };
}

export interface ResourceInput {
  orgUnitId: string;
  projectId?: string | null;
  organisationId?: string | null;
  donor: string;
  kind: CharitableResourceKind;
  amount: number;
  unit: string;
  restrictions?: string | null;
  receivedOn: string;
  note?: string | null;
}

/** Registers a resource (no id) or replaces one; the caller's scope covers its unit before and after, and its project lies under it. */
export async function saveResourceFor(deps: PartyDeps, principal: Principal, input: ResourceInput, id?: string, requestId?: string) {
  const { db } = deps.store;
  if (id !== undefined) {
    const existing = await findResource(db, id);
    if (!existing || !(await inScope(db, principal, existing.orgUnitId))) {
      throw notFound(`charitable resource ${id}`, { reason: 'resource_not_found', values: { resourceId: id } });
    }
  }
  if (!(await inScope(db, principal, input.orgUnitId))) throw unitNotFound(input.orgUnitId);
  const problems: FieldProblem[] = [];
  if (input.projectId) {
    const owner = (await projectCommunities(db, [input.projectId])).get(input.projectId);
    if (owner === undefined) problems.push({ path: 'body.projectId', message: `no venture project ${input.projectId}` });
    else if (!(await subtreeIds(db, input.orgUnitId)).includes(owner)) problems.push({ path: 'body.projectId', message: `venture project ${input.projectId} is not under ${input.orgUnitId}` });
  }
  if (input.organisationId && (await listOrganisations(db, { scopeId: principal.scopeId, ids: [input.organisationId] })).length === 0) {
    problems.push({ path: 'body.organisationId', message: `no social organisation ${input.organisationId} in your scope` });
  }
  const today = shanghaiDate(deps.clock());
  if (input.receivedOn > today) problems.push({ path: 'body.receivedOn', message: `must be on or before ${today}` });
  if (problems.length > 0) throw invalid(problems, { reason: 'resource_invalid' });
  const resourceId = id ?? `res-${randomUUID()}`;
  const record = {
    id: resourceId, orgUnitId: input.orgUnitId, projectId: input.projectId ?? null, organisationId: input.organisationId ?? null, donor: input.donor,
    kind: input.kind, amount: input.amount, unit: input.unit, restrictions: input.restrictions ?? null, receivedOn: input.receivedOn, note: input.note ?? null,
    by: principal.name, at: deps.clock(),
  };
  const created = await saveResource(db, record, {
    actor: principal.name, action: id === undefined ? 'create' : 'update', entity: 'charitable_resource', entityId: resourceId,
    after: { ...record, at: undefined, by: undefined }, requestId,
  });
  const [view] = await listResources(db, { scopeId: principal.scopeId, ids: [resourceId] });
  return { ...view!, created };
}

// ── The linkage index ────────────────────────────────────────────────────────────────────────

type Parties = { community: boolean; socialOrganisation: boolean; socialWorker: boolean; volunteer: boolean; charitableResource: boolean };
const score = (parties: Parties) => Object.values(parties).filter(Boolean).length;

function stationParties(row: LinkageStationRow): Parties {
  return {
    community: row.communityRecords > 0,
    socialOrganisation: row.organisations > 0,
    socialWorker: row.socialWorkers > 0,
    volunteer: row.volunteers > 0 || row.volunteerHours > 0,
    charitableResource: row.resources > 0,
  };
}

/**
 * Which of the five parties took part in each station's work over the last 90 days, and per
 * street. Every figure is counted in SQL (src/store/repositories/five-party.ts); the streets are
 * summed from the stations' rows, plus resources a street received for no one station.
 */
export async function linkageIndexFor(deps: PartyDeps, principal: Principal, query: { communityId?: string } = {}) {
  return linkageIndexOf(deps, await communitiesFor(deps, principal, query.communityId), { streetResources: !query.communityId });
}

/** The linkage index of these communities (the summary's, for its scope or street); a street's own resources count unless told not to. */
export async function linkageIndexOf(deps: PartyDeps, communityIds: string[], options: { streetResources: boolean }) {
  const { db } = deps.store;
  const to = shanghaiDate(deps.clock());
  const from = addDays(to, -(LINKAGE_DAYS - 1));
  const rows = await linkageByStation(db, communityIds, from, to);
  const stations = rows.map((row) => {
    const parties = stationParties(row);
    const { communityId, communityName, streetId, ...figures } = row;
    return { communityId, communityName, streetId, parties, score: score(parties), figures };
  });
  const streetIds = [...new Set(stations.map((station) => station.streetId))].sort();
  const own = options.streetResources ? await streetResources(db, streetIds, from, to) : new Map<string, { resources: number; organisations: number }>();
  const names = await streetNames(db, streetIds);
  const streets = streetIds.map((streetId) => {
    const mine = stations.filter((station) => station.streetId === streetId);
    const count = (party: keyof Parties) => mine.filter((station) => station.parties[party]).length;
    const stationsWith = {
      community: count('community'), socialOrganisation: count('socialOrganisation'), socialWorker: count('socialWorker'),
      volunteer: count('volunteer'), charitableResource: count('charitableResource'),
    };
    const street = own.get(streetId) ?? { resources: 0, organisations: 0 };
    const parties: Parties = {
      community: stationsWith.community > 0,
      socialOrganisation: stationsWith.socialOrganisation > 0 || street.organisations > 0,
      socialWorker: stationsWith.socialWorker > 0,
      volunteer: stationsWith.volunteer > 0,
      charitableResource: stationsWith.charitableResource > 0 || street.resources > 0,
    };
    return { streetId, streetName: names.get(streetId) ?? { zh: streetId, en: streetId }, stations: mine.length, parties, stationsWith, score: score(parties) };
  });
  return { from, to, days: LINKAGE_DAYS, stations, streets };
}
