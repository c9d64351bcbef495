import { createUser, type NewUser } from '../../src/services/user.js';
import type { Store } from '../../src/store/connect.js';
import { STREET, WANMINGYUAN } from '../helpers/app.js';

/** The people the dashboard's tests sign in as, with the passwords they sign in with. */
export const DASHBOARD_USERS = {
  admin: { username: 'admin', displayName: '系统管理员', password: 'admin password 1', role: 'admin', scopeId: STREET, workerId: null },
  supervisor: { username: 'supervisor', displayName: '张督导', password: 'supervisor password', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' },
  lead: { username: 'lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' },
  leader: { username: 'leader', displayName: '街道领导', password: 'leader password 1', role: 'viewer', scopeId: STREET, workerId: 'w-zhanlanlu-leader-01' },
} as const satisfies Record<string, NewUser>;

export type DashboardUser = keyof typeof DASHBOARD_USERS;

/**
 * Creates the named dashboard users, in the order named; `changes` gives a user other fields where
 * a file needs them (an admin linked to a worker record, a leader with another password).
 */
export async function createDashboardUsers(
  db: Store['db'],
  names: readonly DashboardUser[],
  changes: Partial<Record<DashboardUser, Partial<NewUser>>> = {},
): Promise<void> {
  for (const name of names) await createUser(db, { ...DASHBOARD_USERS[name], ...changes[name] });
}
