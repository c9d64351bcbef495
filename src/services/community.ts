import { forbidden, invalid, notFound, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { recordAudit } from '../store/repositories/audit.js';
import { getCommunity, listCommunities, upsertCommunities, type CommunityInput, type CommunityView } from '../store/repositories/community.js';
import { inScope, lockOrgUnits, scopedCommunityIds, subtreeIds } from '../store/repositories/org-unit.js';
import type { ServiceDeps } from './deps.js';

/** The communities in the caller's scope, with their station status. */
export async function listCommunitiesInScope(
  deps: ServiceDeps, principal: Principal, filter: { streetId?: string; q?: string; limit?: number; offset?: number },
): Promise<CommunityView[]> {
  const ids = await scopedCommunityIds(deps.store.db, principal);
  return listCommunities(deps.store.db, { ids, ...filter });
}

/** One community; one outside the caller's scope is as good as missing. */
export async function getCommunityInScope(deps: ServiceDeps, principal: Principal, communityId: string): Promise<CommunityView> {
  const community = await getCommunity(deps.store.db, communityId);
  if (!community || !(await inScope(deps.store.db, principal, community.id))) {
    throw notFound(`community ${communityId}`, { reason: 'community_not_found', values: { communityId } });
  }
  return community;
}

export interface ImportResult {
  imported: number;
  ids: string[];
}

/** A validated import row and its line in the file (CSV line, position in a JSON array). */
export interface CommunityImportLine {
  line: number;
  row: CommunityInput;
}

/**
 * Creates or updates communities (rows already validated), all or nothing, auditing each row's
 * before and after. Every row's street must be a street (not a district, a community or an id
 * nobody knows) inside the caller's scope, and an id that names another kind of org unit (a street,
 * a district) is refused: each such problem is named by line and field, and a file with any of them
 * imports nothing. Both the community as it is (its place in the org tree) and as written (its
 * street) must lie in the caller's scope, so an admin can neither rename another street's community
 * nor move one out of, or into, their own subtree.
 */
export async function importCommunities(deps: ServiceDeps, principal: Principal, lines: CommunityImportLine[], requestId: string): Promise<ImportResult> {
  const rows = lines.map(({ row }) => row);
  const changes = await deps.store.db.transaction().execute(async (trx) => {
    // The org units being replaced and the streets named, locked until the change commits, so a
    // concurrent move cannot slip between check and write.
    const units = new Map((await lockOrgUnits(trx, [...rows.map((row) => row.id), ...rows.map((row) => row.streetId)])).map((unit) => [unit.id, unit]));
    const scope = new Set(await subtreeIds(trx, principal.scopeId));
    const problems = lines.flatMap(({ line, row }) => rowProblems(line, row, units, scope));
    if (problems.length > 0) throw invalid(problems, { reason: 'import_rows_invalid', values: { problems: problems.length } });
    const existing = rows.map((row) => units.get(row.id)).filter((unit) => unit !== undefined);
    const foreign = existing.filter((unit) => !scope.has(unit.id)).map((unit) => unit.id);
    if (foreign.length > 0) {
      throw forbidden(`communities outside your scope: ${foreign.join(', ')}`, {
        reason: 'community_outside_scope', values: { communityIds: foreign, lines: lines.filter(({ row }) => foreign.includes(row.id)).map(({ line }) => line) },
      });
    }
    const result = await upsertCommunities(trx, rows);
    for (const change of result) {
      await recordAudit(trx, { actor: principal.name, action: change.before ? 'update' : 'create', entity: 'community', entityId: change.id, before: change.before, after: change.after, requestId });
    }
    return result;
  });
  return { imported: changes.length, ids: changes.map((change) => change.id) };
}

type OrgUnitRow = { id: string; kind: string; parentId: string | null };
/** A field problem that also names its line and field, as the import's answer lists them. */
type RowProblem = FieldProblem & { line: number; field: string };

/** What is wrong with one import row's id and street, by field. */
function rowProblems(line: number, row: CommunityInput, units: Map<string, OrgUnitRow>, scope: Set<string>): RowProblem[] {
  const problems: RowProblem[] = [];
  const self = units.get(row.id);
  if (self && self.kind !== 'community') {
    problems.push({ path: `line ${line}.id`, line, field: 'id', message: `${self.id} is a ${self.kind}, not a community`, code: 'not_a_community', values: { id: self.id, kind: self.kind } });
  }
  const street = units.get(row.streetId);
  const streetProblem = (message: string, code: string, values: Record<string, unknown>) => ({ path: `line ${line}.streetId`, line, field: 'streetId', message, code, values });
  if (!street) {
    problems.push(streetProblem(`unknown org unit ${row.streetId}`, 'org_unit_unknown', { orgUnitId: row.streetId }));
  } else if (!scope.has(street.id)) {
    problems.push(streetProblem(`org unit ${street.id} is outside your scope`, 'org_unit_outside_scope', { orgUnitId: street.id }));
  } else if (street.kind !== 'street') {
    problems.push(streetProblem(`${street.id} is a ${street.kind}, not a street`, 'not_a_street', { orgUnitId: street.id, kind: street.kind }));
  }
  return problems;
}
