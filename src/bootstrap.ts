import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createToken } from './api/auth.js';
import { createUser } from './api/session.js';
import type { Store } from './store/connect.js';
import { recordAudit } from './store/repositories/audit.js';

const ADMIN_KEY = 'bootstrap:admin-token';

/**
 * Creates the first admin token on the first run and keeps it in DATA_DIR/admin-token (mode 600),
 * so `npm start` can print it on every run of a single-machine install. The store keeps only its
 * hash. Returns the token, or undefined when the file was removed (revoke and create another).
 */
export async function ensureAdminToken(store: Store, dataDir: string): Promise<string | undefined> {
  const file = join(dataDir, 'admin-token');
  const made = await store.db.selectFrom('meta').select('value').where('key', '=', ADMIN_KEY).executeTakeFirst();
  if (made) return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  const root = await store.db.selectFrom('org_units').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
  if (!root) throw new Error('no org unit to scope the admin token to: load the default data or import an org tree first');
  const created = await store.db.transaction().execute(async (trx) => {
    const token = await createToken(trx, { name: 'first admin', role: 'admin', scopeId: root.id });
    await trx.insertInto('meta').values({ key: ADMIN_KEY, value: JSON.stringify({ tokenId: token.id }) }).execute();
    await recordAudit(trx, { actor: 'system', action: 'create', entity: 'api_token', entityId: token.id, after: { role: 'admin', scopeId: root.id } });
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
  const made = await store.db.selectFrom('meta').select('value').where('key', '=', ADMIN_USER_KEY).executeTakeFirst();
  if (made) return existsSync(file) ? { username: 'admin', password: readFileSync(file, 'utf8').trim() } : undefined;
  const root = await store.db.selectFrom('org_units').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
  if (!root) throw new Error('no org unit to scope the admin user to: load the default data or import an org tree first');
  const password = randomBytes(12).toString('base64url');
  const created = await store.db.transaction().execute(async (trx) => {
    // An `admin` made another way (an import, the API) keeps its own password.
    const taken = await trx.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirst();
    const user = taken ?? await createUser(trx, { username: 'admin', displayName: 'Administrator', password, role: 'admin', scopeId: root.id });
    await trx.insertInto('meta').values({ key: ADMIN_USER_KEY, value: JSON.stringify({ userId: user.id }) }).execute();
    if (!taken) await recordAudit(trx, { actor: 'system', action: 'create', entity: 'user', entityId: user.id, after: { username: 'admin', role: 'admin', scopeId: root.id } });
    return !taken;
  });
  if (!created) return undefined;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { username: 'admin', password };
}
