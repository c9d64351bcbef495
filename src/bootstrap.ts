import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createToken } from './api/auth.js';
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
