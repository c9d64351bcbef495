import { diffTemplates, MANUAL_ABOUT, type TemplateDiff } from '../domain/manual.js';
import { conflict, forbidden, notFound } from '../domain/errors.js';
import type { PlanTemplate } from '../domain/plan-template.js';
import type { Principal } from '../domain/principal.js';
import type { SaveDraftBody } from '../schemas/manual.js';
import {
  deleteManualDraft, firstManualUnder, getManualDraft, getManualRef, getManualVersion, insertManualDraft, listManualVersions, manualsOwnedBy,
  publishManualDraft, updateManualDraft, type ManualDraftRecord, type ManualRef,
} from '../store/repositories/manual.js';
import { inScope, isRootOrgUnit, orgAncestors, subtreeOf } from '../store/repositories/org-unit.js';
import type { ServiceDeps } from './deps.js';
import { renderManualPdf } from './manual-pdf.js';

// The station work manual as versioned content: everyone reads the manual over their scope (its
// versions, the diff between two); the center's supervisors and admins over the manual's org unit
// make one draft from the newest version, edit it and publish it as the next version with a note.
// New station plans take the newest version (src/services/station-plan.ts); running ones keep theirs.

type Deps = Pick<ServiceDeps, 'store' | 'clock'>;
const EDITORS = new Set(['admin', 'supervisor']);

/** The manual a caller means: the one named, else the one over their scope (nearest owner first, then the built-in, then one below). */
async function manualFor(deps: Deps, principal: Principal, templateId: string | undefined): Promise<ManualRef> {
  const db = deps.store.db;
  const ancestors = await orgAncestors(db, principal.scopeId);
  const missing = () => notFound(`manual ${templateId ?? ''}`.trim(), { reason: 'manual_not_found', values: { templateId: templateId ?? null } });
  if (templateId !== undefined) {
    const ref = await getManualRef(db, templateId);
    if (!ref) throw missing();
    if (ref.orgUnitId === null || ancestors.includes(ref.orgUnitId) || await inScope(db, principal, ref.orgUnitId)) return ref;
    throw missing();
  }
  const over = await manualsOwnedBy(db, ancestors);
  const rank = (ref: ManualRef) => (ref.orgUnitId === null ? ancestors.length : ancestors.indexOf(ref.orgUnitId));
  const chosen = [...over].sort((a, b) => rank(a) - rank(b))[0] ?? await firstManualUnder(db, subtreeOf(principal.scopeId));
  if (!chosen) throw missing();
  return chosen;
}

async function mayEdit(deps: Deps, principal: Principal, ref: ManualRef): Promise<boolean> {
  if (!EDITORS.has(principal.role)) return false;
  // The built-in manual belongs to no org unit: only admins of a whole tree change it.
  if (ref.orgUnitId === null) return principal.role === 'admin' && await isRootOrgUnit(deps.store.db, principal.scopeId);
  return inScope(deps.store.db, principal, ref.orgUnitId);
}

async function editable(deps: Deps, principal: Principal, templateId: string | undefined): Promise<ManualRef> {
  const ref = await manualFor(deps, principal, templateId);
  if (!(await mayEdit(deps, principal, ref))) {
    throw forbidden(`you may not edit manual ${ref.templateId}`, { reason: 'manual_edit_forbidden', values: { templateId: ref.templateId } });
  }
  return ref;
}

function draftSummary(draft: ManualDraftRecord) {
  const { template: _template, ...rest } = draft;
  return rest;
}

/** Viewers see the manual, not who edited it. */
function withoutNames<T extends { publishedBy: string | null }>(principal: Principal, version: T): T {
  return principal.role === 'viewer' ? { ...version, publishedBy: null } : version;
}

/** The manual over the caller's scope: its versions (newest first), its draft if any, whether the caller may edit. */
export async function getManual(deps: Deps, principal: Principal, templateId?: string) {
  const ref = await manualFor(deps, principal, templateId);
  const [versions, draft, canEdit] = await Promise.all([
    listManualVersions(deps.store.db, ref.templateId), getManualDraft(deps.store.db, ref.templateId), mayEdit(deps, principal, ref),
  ]);
  return { ...ref, versions: versions.map((version) => withoutNames(principal, version)), draft: draft && canEdit ? draftSummary(draft) : null, canEdit, about: MANUAL_ABOUT };
}

async function versionOf(deps: Deps, ref: ManualRef, version: number) {
  const record = await getManualVersion(deps.store.db, ref.templateId, version);
  if (!record) throw notFound(`manual ${ref.templateId} version ${version}`, { reason: 'manual_version_not_found', values: { templateId: ref.templateId, version } });
  return record;
}

/** A version of the manual over the caller's scope; the newest when `version` is left out. */
export async function getManualVersionFor(deps: Deps, principal: Principal, version: number | undefined, templateId?: string) {
  const ref = await manualFor(deps, principal, templateId);
  return withoutNames(principal, await versionOf(deps, ref, version ?? ref.latestVersion));
}

async function draftOf(deps: Deps, ref: ManualRef): Promise<ManualDraftRecord> {
  const draft = await getManualDraft(deps.store.db, ref.templateId);
  if (!draft) throw notFound(`draft of manual ${ref.templateId}`, { reason: 'manual_draft_not_found', values: { templateId: ref.templateId } });
  return draft;
}

/** The structured difference between two versions (or a version and the draft, for its editors). */
export async function diffManualVersions(
  deps: Deps, principal: Principal, query: { templateId?: string; from?: number | 'draft'; to?: number | 'draft' },
): Promise<TemplateDiff & { templateId: string; from: number | 'draft'; to: number | 'draft' }> {
  const wantsDraft = query.from === 'draft' || query.to === 'draft';
  const ref = wantsDraft ? await editable(deps, principal, query.templateId) : await manualFor(deps, principal, query.templateId);
  const load = async (which: number | 'draft'): Promise<PlanTemplate> => (which === 'draft' ? (await draftOf(deps, ref)).template : (await versionOf(deps, ref, which)).template);
  const toRef = query.to ?? ref.latestVersion;
  const fromRef = query.from ?? (toRef === 'draft' ? (await draftOf(deps, ref)).baseVersion : Math.max(1, toRef - 1));
  const [from, to] = await Promise.all([load(fromRef), load(toRef)]);
  return { templateId: ref.templateId, from: fromRef, to: toRef, ...diffTemplates(from, to) };
}

export async function getManualDraftFor(deps: Deps, principal: Principal, templateId?: string) {
  return draftOf(deps, await editable(deps, principal, templateId));
}

/** Makes the manual's draft from its newest version. */
export async function createManualDraft(deps: Deps, principal: Principal, templateId: string | undefined, requestId?: string) {
  const ref = await editable(deps, principal, templateId);
  const latest = await versionOf(deps, ref, ref.latestVersion);
  const draft = await insertManualDraft(deps.store.db, {
    templateId: ref.templateId, orgUnitId: ref.orgUnitId, baseVersion: latest.version, template: latest.template, by: principal.name,
  }, { actor: principal.name, action: 'create_draft', entity: 'manual', entityId: ref.templateId, after: { baseVersion: latest.version }, requestId });
  if (!draft) throw conflict(`manual ${ref.templateId} already has a draft`, { reason: 'manual_draft_exists', values: { templateId: ref.templateId } });
  return draft;
}

/** Replaces the draft's content (name, stages, tasks, guidance, evidence, due offsets). */
export async function saveManualDraft(deps: Deps, principal: Principal, body: SaveDraftBody, requestId?: string) {
  const ref = await editable(deps, principal, body.templateId);
  const current = await draftOf(deps, ref);
  const template: PlanTemplate = { id: ref.templateId, version: current.baseVersion, name: body.name, stages: body.stages };
  const saved = await updateManualDraft(deps.store.db, ref.templateId, { template, by: principal.name, expectedRevision: body.revision }, {
    actor: principal.name, action: 'edit_draft', entity: 'manual', entityId: ref.templateId,
    after: { tasks: body.stages.reduce((sum, stage) => sum + stage.tasks.length, 0) }, requestId,
  });
  if (saved) return saved;
  const now = await draftOf(deps, ref);
  throw conflict(`the draft of ${ref.templateId} is at revision ${now.revision}`, { reason: 'manual_draft_changed', values: { templateId: ref.templateId, revision: now.revision } });
}

export async function discardManualDraft(deps: Deps, principal: Principal, templateId: string | undefined, requestId?: string) {
  const ref = await editable(deps, principal, templateId);
  const removed = await deleteManualDraft(deps.store.db, ref.templateId, { actor: principal.name, action: 'discard_draft', entity: 'manual', entityId: ref.templateId, requestId });
  if (!removed) throw notFound(`draft of manual ${ref.templateId}`, { reason: 'manual_draft_not_found', values: { templateId: ref.templateId } });
  return { templateId: ref.templateId, discarded: true };
}

/** Publishes the draft as the next version, with who, when and the change note. */
export async function publishManual(deps: Deps, principal: Principal, body: { templateId?: string; changeNote: string }, requestId?: string) {
  const ref = await editable(deps, principal, body.templateId);
  const outcome = await publishManualDraft(deps.store.db, ref.templateId, { by: principal.name, changeNote: body.changeNote, at: deps.clock() }, (version) => ({
    actor: principal.name, action: 'publish', entity: 'manual', entityId: `${ref.templateId}@${version}`, after: { version, changeNote: body.changeNote }, requestId,
  }));
  switch (outcome.outcome) {
    case 'published': return outcome.version;
    case 'no_draft': throw notFound(`draft of manual ${ref.templateId}`, { reason: 'manual_draft_not_found', values: { templateId: ref.templateId } });
    case 'stale': throw conflict(`the draft was made from version ${outcome.baseVersion}; version ${outcome.latestVersion} is newer`, {
      reason: 'manual_draft_stale', values: { templateId: ref.templateId, baseVersion: outcome.baseVersion, latestVersion: outcome.latestVersion },
    });
  }
}

/** A manual version as a PDF. */
export async function manualPdfFor(deps: Deps, principal: Principal, version: number | undefined, templateId?: string): Promise<{ content: Buffer; fileName: string }> {
  const record = await getManualVersionFor(deps, principal, version, templateId);
  return { content: await renderManualPdf(record), fileName: `${record.templateId}-v${record.version}.pdf` };
}
