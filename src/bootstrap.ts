import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createToken } from './services/api-token.js';
import { createUser } from './services/user.js';
import type { Store } from './store/connect.js';
import { recordAudit } from './store/repositories/audit.js';
import { hasMeta, insertMeta } from './store/repositories/meta.js';
import { firstRootOrgUnitId } from './store/repositories/org-unit.js';
import { findUserByUsername } from './store/repositories/user.js';

const ADMIN_KEY = 'bootstrap:admin-token';

/**
 * Creates the first admin token on the first run and keeps it in DATA_DIR/admin-token (mode 600),
 * so `npm start` can print it on every run of a single-machine install. The store keeps only its
 * hash. Returns the token, or undefined when the file was removed (revoke and create another).
 */
export async function ensureAdminToken(store: Store, dataDir: string): Promise<string | undefined> {
  const file = join(dataDir, 'admin-token');
  if (await hasMeta(store.db, ADMIN_KEY)) return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  const root = await firstRootOrgUnitId(store.db);
  if (!root) throw new Error('no org unit to scope the admin token to: load the default data or import an org tree first');
  const created = await store.db.transaction().execute(async (trx) => {
    const token = await createToken(trx, { name: 'first admin', role: 'admin', scopeId: root });
    await insertMeta(trx, ADMIN_KEY, { tokenId: token.id });
    await recordAudit(trx, { actor: 'system', action: 'create', entity: 'api_token', entityId: token.id, after: { role: 'admin', scopeId: root } });
    return token;
  });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${created.token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return created.token;
}

const ADMIN_USER_KEY = 'bootstrap:admin-user';

/**
 * Creates the dashboard's first sign-in, user `admin` with a random password, on the first run and
 * keeps the password in DATA_DIR/admin-password (mode 600) beside the admin token, so `npm start`
 * can print it. Change it by creating your own admin user and deleting the file. Returns the
 * password, or undefined when the file was removed.
 */
export async function ensureAdminUser(store: Store, dataDir: string): Promise<{ username: string; password: string } | undefined> {
  const file = join(dataDir, 'admin-password');
  if (await hasMeta(store.db, ADMIN_USER_KEY)) return existsSync(file) ? { username: 'admin', password: readFileSync(file, 'utf8').trim() } : undefined;
  const root = await firstRootOrgUnitId(store.db);
  if (!root) throw new Error('no org unit to scope the admin user to: load the default data or import an org tree first');
  const password = randomBytes(12).toString('base64url');
  const created = await store.db.transaction().execute(async (trx) => {
    // An `admin` made another way (an import, the API) keeps its own password.
    const taken = await findUserByUsername(trx, 'admin');
    const user = taken ?? await createUser(trx, { username: 'admin', displayName: 'Administrator', password, role: 'admin', scopeId: root });
    await insertMeta(trx, ADMIN_USER_KEY, { userId: user.id });
    if (!taken) await recordAudit(trx, { actor: 'system', action: 'create', entity: 'user', entityId: user.id, after: { username: 'admin', role: 'admin', scopeId: root } });
    return !taken;
  });
  if (!created) return undefined;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { username: 'admin', password };
}
