import { randomUUID } from 'node:crypto';
import { conflict, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { shanghaiDate } from '../domain/time.js';
import { inScope, scopedCommunityIds } from '../store/repositories/org-unit.js';
import { communityStations } from '../store/repositories/station-rollout.js';
import {
  getVentureProject, insertVentureProject, listServiceRecords, listVentureProjects, moveVentureProject, recordServiceRecord,
  type VentureProjectView, type VentureStatus,
} from '../store/repositories/venture-project.js';
import type { ServiceDeps } from './deps.js';

// Venture projects (公益创投): proposed by a station, approved by a supervisor, run, evaluated.
// Residents served are counted per service record; a record carries a count, never a resident.

type VentureDeps = Pick<ServiceDeps, 'store' | 'clock'>;

export type VentureTransition = Exclude<VentureStatus, 'proposed'>;

/** The lifecycle: each status and the one it is reached from. */
export const VENTURE_TRANSITIONS: Record<VentureTransition, VentureStatus> = {
  approved: 'proposed',
  rejected: 'proposed',
  running: 'approved',
  evaluated: 'running',
};

/** What a viewer reads of a project: aggregates only, not who proposed, approved or evaluated it. */
export type VentureProjectForRole = VentureProjectView | Omit<VentureProjectView, 'proposedBy' | 'approvedBy' | 'evaluation'>;

function forRole(project: VentureProjectView, principal: Principal): VentureProjectForRole {
  if (principal.role !== 'viewer') return project;
  const { proposedBy: _proposedBy, approvedBy: _approvedBy, evaluation: _evaluation, ...rest } = project;
  return rest;
}

/** A project the principal may see; not found otherwise. */
async function projectInScope(deps: VentureDeps, principal: Principal, projectId: string): Promise<VentureProjectView> {
  const project = await getVentureProject(deps.store.db, projectId);
  if (!project || !(await inScope(deps.store.db, principal, project.communityId))) {
    throw notFound(`venture project ${projectId}`, { reason: 'venture_project_not_found', values: { projectId } });
  }
  return project;
}

export async function listVentureProjectsFor(
  deps: VentureDeps, principal: Principal, filter: { communityId?: string; theme?: string; status?: VentureStatus },
): Promise<{ items: VentureProjectForRole[] }> {
  const ids = await scopedCommunityIds(deps.store.db, principal);
  const communityIds = filter.communityId ? ids.filter((id) => id === filter.communityId) : ids;
  const items = await listVentureProjects(deps.store.db, { communityIds, theme: filter.theme, status: filter.status });
  return { items: items.map((item) => forRole(item, principal)) };
}

/** One project with its service records (their notes left out for viewers). */
export async function getVentureProjectFor(deps: VentureDeps, principal: Principal, projectId: string) {
  const project = await projectInScope(deps, principal, projectId);
  const records = await listServiceRecords(deps.store.db, project.id);
  return {
    ...forRole(project, principal),
    records: records.map((r) => ({
      id: r.id, servedOn: r.servedOn, residentsServed: r.residentsServed,
      ...(principal.role === 'viewer' ? {} : { note: r.note }),
    })),
  };
}

export interface VentureProjectProposal {
  id?: string;
  communityId: string;
  theme: string;
  title: { zh: string; en?: string };
  startsOn?: string | null;
  endsOn?: string | null;
  budgetYuan?: number | null;
}

/** Proposes a project for a community in the principal's scope; a client-chosen id already taken is a conflict. */
export async function proposeVentureProject(deps: VentureDeps, principal: Principal, proposal: VentureProjectProposal, requestId?: string): Promise<VentureProjectForRole> {
  const [community] = await communityStations(deps.store.db, [proposal.communityId]);
  if (!community || !(await inScope(deps.store.db, principal, proposal.communityId))) {
    throw notFound(`community ${proposal.communityId}`, { reason: 'community_not_found', values: { communityId: proposal.communityId } });
  }
  const id = proposal.id ?? `vp-${randomUUID()}`;
  const created = await insertVentureProject(deps.store.db, {
    id, communityId: proposal.communityId, theme: proposal.theme, title: { zh: proposal.title.zh, en: proposal.title.en ?? proposal.title.zh },
    startsOn: proposal.startsOn ?? null, endsOn: proposal.endsOn ?? null, budgetYuan: proposal.budgetYuan ?? null, proposedBy: principal.name,
  }, { actor: principal.name, action: 'create', entity: 'venture_project', entityId: id, after: proposal, requestId });
  if (!created) throw conflict(`venture project ${id} already exists`, { reason: 'venture_project_exists', values: { projectId: id } });
  return forRole(created, principal);
}

/** Moves a project one step through its lifecycle; a project not in the step's starting status is a conflict. */
export async function moveVentureProjectFor(
  deps: VentureDeps, principal: Principal, projectId: string, to: VentureTransition,
  extra: { evaluation?: unknown; reason?: string; comments?: string | null },
  requestId?: string,
): Promise<VentureProjectForRole> {
  const project = await projectInScope(deps, principal, projectId);
  const from = VENTURE_TRANSITIONS[to];
  const moved = await moveVentureProject(deps.store.db, {
    id: projectId, from, to, at: deps.clock(),
    ...(to === 'approved' || to === 'rejected' ? { approvedBy: principal.name } : {}),
    ...(to === 'evaluated' ? { evaluation: extra.evaluation } : {}),
  }, {
    actor: principal.name, action: to, entity: 'venture_project', entityId: projectId,
    before: { status: project.status }, after: { status: to, ...extra }, requestId,
  });
  if (!moved) {
    throw conflict(`venture project ${projectId} is ${project.status}; only a ${from} project can become ${to}`, {
      reason: 'venture_project_wrong_status', values: { projectId, status: project.status, from, to }, details: { status: project.status },
    });
  }
  return forRole(moved, principal);
}

/** Evaluates a running project: a score and comments, by the principal, now. */
export async function evaluateVentureProject(
  deps: VentureDeps, principal: Principal, projectId: string, evaluation: { score: number; comments: string }, requestId?: string,
): Promise<VentureProjectForRole> {
  return moveVentureProjectFor(deps, principal, projectId, 'evaluated', {
    evaluation: { score: evaluation.score, comments: evaluation.comments, by: principal.name, at: deps.clock().toISOString() },
  }, requestId);
}

export interface ServiceRecordInput {
  id?: string;
  servedOn: string;
  residentsServed: number;
  note?: string | null;
}

/** Records residents served by a running project, once per record id (a retry finds its record). */
export async function recordVentureService(deps: VentureDeps, principal: Principal, projectId: string, input: ServiceRecordInput, requestId?: string) {
  const project = await projectInScope(deps, principal, projectId);
  if (project.status !== 'running') {
    throw conflict(`venture project ${project.id} is ${project.status}; services are recorded while it is running`, {
      reason: 'venture_project_not_running', values: { projectId: project.id, status: project.status },
    });
  }
  const today = shanghaiDate(deps.clock());
  if (input.servedOn > today) {
    throw invalid([{ path: 'body.servedOn', message: `must be on or before ${today}` }], { reason: 'served_on_in_future', values: { servedOn: input.servedOn, today } });
  }
  const id = input.id ?? `sr-${randomUUID()}`;
  const { created, record } = await recordServiceRecord(deps.store.db, {
    id, projectId: project.id, servedOn: input.servedOn, residentsServed: input.residentsServed, note: input.note ?? null,
    communityId: project.communityId, theme: project.theme, title: project.title, recordedBy: principal.name,
  }, { actor: principal.name, action: 'create', entity: 'service_record', entityId: id, after: { projectId: project.id, ...input }, requestId });
  if (record.projectId !== project.id) {
    throw conflict(`service record ${id} belongs to another project`, { reason: 'service_record_other_project', values: { recordId: id, projectId: project.id } });
  }
  return { id, projectId: project.id, servedOn: record.servedOn, residentsServed: record.residentsServed, note: record.note, created };
}
