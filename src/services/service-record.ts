import { randomUUID } from 'node:crypto';
import { conflict, invalid, notFound, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { shanghaiDate } from '../domain/time.js';
import type { ServiceKind } from '../store/database.js';
import { inScope, scopedCommunityIds } from '../store/repositories/org-unit.js';
import {
  findServiceRecord, getCaseFile, insertServiceRecords, listServiceRecordsIn, projectCommunities, putCaseFile, recordLabels, themeKeys, workerCommunities,
  type CaseFileInput, type NewServiceRecord, type ServiceRecordView,
} from '../store/repositories/service-record.js';
import type { ServiceDeps } from './deps.js';

// Service records (专业服务): what a station did, with residents served as counts. Every
// "residents served" figure is computed from them (src/store/repositories/report.ts). A casework
// record's case file holds a resident's personal data: the station's lead and supervisors only,
// every read audited (the route is marked personalData), never in a list, a report or a workflow.

type RecordDeps = Pick<ServiceDeps, 'store' | 'clock'>;

export interface ServiceRecordInput {
  id?: string;
  communityId: string;
  servedOn: string;
  kind: ServiceKind;
  theme: string;
  title: { zh: string; en?: string };
  workerIds?: string[];
  residentsServed: number;
  newResidents?: number;
  volunteerHours?: number;
  projectId?: string | null;
  evidence?: { note?: string | null; links?: string[] } | null;
  note?: string | null;
}

/** What a viewer reads of a record: the counts, not who did it, its notes or its evidence. */
function forRole(record: ServiceRecordView, principal: Principal) {
  const { workerIds, evidence, note, recordedBy, ...counts } = record;
  return principal.role === 'viewer' ? counts : { ...counts, workerIds, evidence, note, recordedBy };
}

export async function listServiceRecordsFor(
  deps: RecordDeps, principal: Principal,
  query: { communityId?: string; kind?: ServiceKind; theme?: string; projectId?: string; from?: string; to?: string; limit: number; offset: number },
) {
  const ids = await scopedCommunityIds(deps.store.db, principal);
  const communityIds = query.communityId ? ids.filter((id) => id === query.communityId) : ids;
  const { total, items } = await listServiceRecordsIn(deps.store.db, {
    communityIds, kind: query.kind, theme: query.theme, projectId: query.projectId, from: query.from, to: query.to,
  }, { limit: query.limit, offset: query.offset });
  return { total, items: items.map((item) => forRole(item, principal)) };
}

export type ServiceRecordFilterQuery = { communityId?: string; kind?: ServiceKind; theme?: string; projectId?: string; from?: string; to?: string };
const EXPORT_PAGE = 5_000;

/**
 * Every record the filters select in the caller's scope, as the list shows them to the caller
 * (viewers: counts only), with the project titles and — for everyone but viewers — the workers'
 * names. Never a case file: those stay behind their own audited route.
 */
export async function serviceRecordsForExport(deps: RecordDeps, principal: Principal, query: ServiceRecordFilterQuery) {
  const ids = await scopedCommunityIds(deps.store.db, principal);
  const communityIds = query.communityId ? ids.filter((id) => id === query.communityId) : ids;
  const filter = { communityIds, kind: query.kind, theme: query.theme, projectId: query.projectId, from: query.from, to: query.to };
  const rows: ServiceRecordView[] = [];
  for (let offset = 0; ; offset += EXPORT_PAGE) {
    const { total, items } = await listServiceRecordsIn(deps.store.db, filter, { limit: EXPORT_PAGE, offset });
    rows.push(...items);
    if (items.length < EXPORT_PAGE || rows.length >= total) break;
  }
  const viewer = principal.role === 'viewer';
  const labels = await recordLabels(deps.store.db, viewer ? [] : [...new Set(rows.flatMap((row) => row.workerIds))], [...new Set(rows.flatMap((row) => (row.projectId ? [row.projectId] : [])))]);
  return {
    items: rows.map((row) => ({
      ...forRole(row, principal),
      projectTitle: row.projectId ? labels.projects.get(row.projectId) ?? row.projectId : null,
      workerNames: viewer ? undefined : row.workerIds.map((id) => labels.workers.get(id) ?? id),
    })),
  };
}

/**
 * Every problem with records as written, by field (`prefix(index)` names the row): a station outside
 * the caller's scope, an unknown theme, a project of another station, a worker of another station,
 * a date after today.
 */
async function recordProblems(deps: RecordDeps, principal: Principal, records: ServiceRecordInput[], prefix: (index: number) => string): Promise<FieldProblem[]> {
  const { db } = deps.store;
  const allowed = new Set(await scopedCommunityIds(db, principal));
  const themes = await themeKeys(db);
  const projects = await projectCommunities(db, [...new Set(records.flatMap((r) => (r.projectId ? [r.projectId] : [])))]);
  const workers = await workerCommunities(db, [...new Set(records.flatMap((r) => r.workerIds ?? []))]);
  const today = shanghaiDate(deps.clock());
  const problems: FieldProblem[] = [];
  records.forEach((record, index) => {
    const at = (field: string, message: string) => problems.push({ path: `${prefix(index)}${field}`, message });
    if (!allowed.has(record.communityId)) at('communityId', `${record.communityId} is not a community in your scope`);
    if (!themes.has(record.theme)) at('theme', `unknown theme ${record.theme}`);
    if (record.servedOn > today) at('servedOn', `must be on or before ${today}`);
    if (record.projectId) {
      const owner = projects.get(record.projectId);
      if (owner === undefined) at('projectId', `no venture project ${record.projectId}`);
      else if (owner !== record.communityId) at('projectId', `venture project ${record.projectId} belongs to another station`);
    }
    for (const workerId of record.workerIds ?? []) {
      const community = workers.get(workerId);
      if (community === undefined) at('workerIds', `no worker ${workerId}`);
      // Center staff (no community) may work at any station of their street; station staff at their own.
      else if (community !== null && community !== record.communityId) at('workerIds', `worker ${workerId} works at another station`);
    }
  });
  return problems;
}

const toNew = (record: ServiceRecordInput, id: string, recordedBy: string): NewServiceRecord => ({
  id, communityId: record.communityId, projectId: record.projectId ?? null, servedOn: record.servedOn, kind: record.kind, theme: record.theme,
  title: { zh: record.title.zh, en: record.title.en ?? record.title.zh }, workerIds: record.workerIds ?? [],
  residentsServed: record.residentsServed, newResidents: record.newResidents ?? 0, volunteerHours: record.volunteerHours ?? 0,
  evidence: record.evidence ? { note: record.evidence.note ?? null, links: record.evidence.links ?? [] } : null, note: record.note ?? null, recordedBy,
});

const otherStation = (id: string) => conflict(`service record ${id} exists at another station`, { reason: 'service_record_other_station', values: { recordId: id } });

/** Records one service once per id: a retry with the same id finds its record and writes nothing. */
export async function createServiceRecord(deps: RecordDeps, principal: Principal, input: ServiceRecordInput, requestId?: string) {
  const { db } = deps.store;
  if (!(await inScope(db, principal, input.communityId))) {
    throw notFound(`community ${input.communityId}`, { reason: 'community_not_found', values: { communityId: input.communityId } });
  }
  const problems = await recordProblems(deps, principal, [input], () => 'body.');
  if (problems.length > 0) throw invalid(problems, { reason: 'service_record_invalid' });
  const id = input.id ?? `sr-${randomUUID()}`;
  const record = toNew(input, id, principal.name);
  const { created } = await insertServiceRecords(db, [record], (r) => ({
    actor: principal.name, action: 'create', entity: 'service_record', entityId: r.id, after: { ...r, note: undefined, evidence: undefined }, requestId,
  }), (existing) => {
    if (existing.some((row) => row.communityId !== input.communityId)) throw otherStation(id);
  });
  const [view] = (await listServiceRecordsIn(db, { communityIds: [input.communityId], ids: [id] })).items;
  return { ...forRole(view!, principal), created: created.length > 0 };
}

export interface ServiceRecordImportRow {
  id: string;
  communityId: string;
  servedOn: string;
  kind: ServiceKind;
  theme: string;
  titleZh: string;
  titleEn?: string;
  workerIds?: string[];
  residentsServed: number;
  newResidents?: number;
  volunteerHours?: number;
  projectId?: string;
  note?: string;
  evidenceLinks?: string[];
}

/**
 * Imports rows already checked one by one (src/import/rows.ts): each is checked against the store
 * too, and a file with any bad row imports nothing, naming every problem by line and field. Rows
 * whose id exists already (the same file imported again) are left as they are.
 */
export async function importServiceRecords(deps: RecordDeps, principal: Principal, lines: Array<{ line: number; row: ServiceRecordImportRow }>, requestId?: string) {
  const inputs: ServiceRecordInput[] = lines.map(({ row }) => ({
    id: row.id, communityId: row.communityId, servedOn: row.servedOn, kind: row.kind, theme: row.theme,
    title: { zh: row.titleZh, en: row.titleEn }, workerIds: row.workerIds, residentsServed: row.residentsServed,
    newResidents: row.newResidents, volunteerHours: row.volunteerHours, projectId: row.projectId ?? null, note: row.note ?? null,
    evidence: row.evidenceLinks ? { note: null, links: row.evidenceLinks } : null,
  }));
  const problems = await recordProblems(deps, principal, inputs, (index) => `line ${lines[index]!.line}.`);
  if (problems.length > 0) throw invalid(problems, { reason: 'import_rows_invalid', values: { problems: problems.length } });
  const records = inputs.map((input) => toNew(input, input.id!, principal.name));
  const byId = new Map(records.map((record) => [record.id, record]));
  const result = await insertServiceRecords(deps.store.db, records, (r) => ({
    actor: principal.name, action: 'import', entity: 'service_record', entityId: r.id, after: { ...r, note: undefined, evidence: undefined }, requestId,
  }), (existing) => {
    const moved = existing.filter((row) => byId.get(row.id)?.communityId !== row.communityId);
    if (moved.length > 0) throw otherStation(moved[0]!.id);
  });
  return { imported: result.created.length, unchanged: result.existing.length, ids: records.map((record) => record.id) };
}

/** A casework record the principal may see; not found otherwise (a record of another station does not exist for them). */
async function caseworkInScope(deps: RecordDeps, principal: Principal, recordId: string) {
  const record = await findServiceRecord(deps.store.db, recordId);
  if (!record || !(await inScope(deps.store.db, principal, record.communityId))) {
    throw notFound(`service record ${recordId}`, { reason: 'service_record_not_found', values: { recordId } });
  }
  return record;
}

/** A record's case file: a resident's personal data, for the station's lead and supervisors (the route audits the read). */
export async function getCaseFileFor(deps: RecordDeps, principal: Principal, recordId: string) {
  await caseworkInScope(deps, principal, recordId);
  const file = await getCaseFile(deps.store.db, recordId);
  if (!file) throw notFound(`case file of service record ${recordId}`, { reason: 'case_file_not_found', values: { recordId } });
  return file;
}

/** Creates or replaces a casework record's case file; the audit entry names the fields written, never their values. */
export async function putCaseFileFor(deps: RecordDeps, principal: Principal, recordId: string, input: Partial<CaseFileInput> & { residentName: string }, requestId?: string) {
  const record = await caseworkInScope(deps, principal, recordId);
  if (record.kind !== 'casework') {
    throw conflict(`service record ${recordId} is ${record.kind} work; only casework has a case file`, { reason: 'case_file_not_casework', values: { recordId, kind: record.kind } });
  }
  const file: CaseFileInput = {
    residentName: input.residentName, gender: input.gender ?? null, birthYear: input.birthYear ?? null, phone: input.phone ?? null,
    address: input.address ?? null, needs: input.needs ?? null, plan: input.plan ?? null, notes: input.notes ?? null,
  };
  const { created, file: saved } = await putCaseFile(deps.store.db, {
    serviceRecordId: recordId, communityId: record.communityId, updatedBy: principal.name, at: deps.clock(), ...file,
  }, {
    actor: principal.name, action: 'write', entity: 'case_file', entityId: recordId,
    after: { fields: Object.entries(file).filter(([, value]) => value !== null).map(([field]) => field) }, requestId,
  });
  return { ...saved, created };
}
