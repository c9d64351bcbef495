import type { Kysely } from 'kysely';
import type { Database, Role, Row } from '../database.js';
import { subtreeOf } from './org-unit.js';

// API tokens: only a token's SHA-256 hash is stored, so the secret exists in one answer only.

export interface ApiTokenInsert {
  id: string;
  name: string;
  role: Role;
  scopeId: string;
  workerId: string | null;
  tokenHash: string;
  expiresAt: Date | null;
}

export async function insertApiToken(db: Kysely<Database>, token: ApiTokenInsert): Promise<void> {
  await db.insertInto('api_tokens').values({
    id: token.id,
    name: token.name,
    role: token.role,
    scope_id: token.scopeId,
    worker_id: token.workerId,
    token_hash: token.tokenHash,
    expires_at: token.expiresAt,
  }).execute();
}

export type ApiTokenRow = Omit<Row<'api_tokens'>, 'token_hash'>;

const PUBLIC_COLUMNS = ['id', 'name', 'role', 'scope_id', 'worker_id', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'] as const;

/** The token whose secret hashes to this value, live or not. */
export async function findApiTokenByHash(db: Kysely<Database>, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').select(PUBLIC_COLUMNS).where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function findApiToken(db: Kysely<Database>, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** The tokens scoped inside an org unit's subtree, oldest first, without the hashes. */
export async function listApiTokens(db: Kysely<Database>, filter: { scopeSubtreeOf: string }): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').select(PUBLIC_COLUMNS)
    .where('scope_id', 'in', subtreeOf(filter.scopeSubtreeOf))
    .orderBy('created_at').orderBy('id').execute();
}

/**
 * Records a use of the token unless one was recorded after `unlessUsedAfter`. The condition is in
 * SQL so that concurrent first requests write once, not once each.
 */
export async function touchApiToken(db: Kysely<Database>, id: string, now: Date, unlessUsedAfter: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', unlessUsedAfter)]))
    .execute();
}

export async function revokeApiToken(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
}
