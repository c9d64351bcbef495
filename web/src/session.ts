// Who is signed in, and what their role may see and do. The API enforces every rule; the page
// only hides what the role cannot use, so nothing is offered that would be refused.
import type { Answer } from './api/client.js';

/** Who is signed in, as `GET /api/auth/session` answers. */
export type SessionInfo = Answer<'/api/auth/session'>;
export type Role = SessionInfo['principal']['role'];

export type Capability =
  | 'station.view' | 'brand.edit' | 'task.complete' | 'stage.sign_off' | 'plan.start'
  | 'training.view' | 'training.launch' | 'training.manage' | 'training.record'
  | 'worker.view' | 'worker.list'
  | 'rollout.view' | 'rollout.manage'
  | 'inbox' | 'users.manage' | 'personal_data'
  | 'venture.view' | 'venture.propose' | 'venture.decide' | 'venture.record'
  | 'attachments.view' | 'attachments.add'
  | 'services.view' | 'services.record' | 'services.import' | 'case_file'
  | 'posts.manage' | 'post_types.manage'
  | 'partners.view' | 'partners.manage' | 'volunteers.manage' | 'volunteer_hours.log'
  | 'notifications.failures' | 'audit.view' | 'tokens.manage' | 'digest.run' | 'cases.withdraw' | 'communities.manage' | 'workers.manage'
  | 'requests.view' | 'requests.match';

const GRANTS: Record<Role, Capability[]> = {
  admin: ['station.view', 'brand.edit', 'task.complete', 'stage.sign_off', 'plan.start', 'training.view', 'training.launch', 'training.manage', 'training.record', 'worker.view', 'worker.list', 'rollout.view', 'rollout.manage', 'inbox', 'users.manage', 'personal_data', 'venture.view', 'venture.propose', 'venture.decide', 'venture.record', 'attachments.view', 'attachments.add', 'services.view', 'services.record', 'services.import', 'posts.manage', 'post_types.manage', 'partners.view', 'partners.manage', 'notifications.failures', 'audit.view', 'tokens.manage', 'requests.view', 'requests.match', 'digest.run', 'cases.withdraw', 'communities.manage', 'workers.manage'],
  supervisor: ['station.view', 'brand.edit', 'task.complete', 'stage.sign_off', 'plan.start', 'training.view', 'training.launch', 'training.manage', 'training.record', 'worker.view', 'worker.list', 'rollout.view', 'rollout.manage', 'inbox', 'personal_data', 'venture.view', 'venture.propose', 'venture.decide', 'venture.record', 'attachments.view', 'attachments.add', 'services.view', 'services.record', 'services.import', 'case_file', 'posts.manage', 'partners.view', 'partners.manage', 'volunteers.manage', 'volunteer_hours.log', 'notifications.failures', 'requests.view', 'requests.match', 'digest.run', 'cases.withdraw'],
  station_lead: ['station.view', 'brand.edit', 'task.complete', 'training.view', 'training.record', 'worker.view', 'worker.list', 'inbox', 'personal_data', 'venture.view', 'venture.propose', 'venture.record', 'attachments.view', 'attachments.add', 'services.view', 'services.record', 'services.import', 'case_file', 'posts.manage', 'partners.view', 'partners.manage', 'volunteers.manage', 'volunteer_hours.log', 'requests.view', 'cases.withdraw'],
  social_worker: ['training.view', 'worker.view', 'inbox', 'venture.view', 'venture.record', 'attachments.view', 'services.view', 'services.record', 'partners.view', 'volunteer_hours.log'],
  viewer: ['rollout.view', 'inbox', 'venture.view', 'services.view'],
};

export function can(session: SessionInfo, capability: Capability): boolean {
  // An inbox belongs to a worker: a sign-in that acts for none has no inbox.
  if (capability === 'inbox' && !session.principal.workerId) return false;
  return GRANTS[session.principal.role].includes(capability);
}

/**
 * The engine console's (Temporal UI's) page of a workflow, for admins only: it can reset and
 * terminate workflows and shows UTC, so it is an operator's tool, not a user's.
 */
export function workflowLink(session: SessionInfo, workflowId: string): string | undefined {
  const ui = session.temporalUi;
  if (!ui || session.principal.role !== 'admin') return undefined;
  return `${ui.baseUrl}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
