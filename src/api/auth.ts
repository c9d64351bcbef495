import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Principal } from '../domain/principal.js';
import type { Role } from '../domain/types.js';
import type { Database } from '../store/database.js';


export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedToken {
  id: string;
  token: string;
}

export interface NewToken {
  name: string;
  role: Role;
  scopeId: string;
  workerId?: string | null;
  expiresAt?: Date | null;
}

/** Creates a random token; only its hash is stored, so the token is shown once. */
export async function createToken(db: Kysely<Database>, input: NewToken): Promise<CreatedToken> {
  const id = randomUUID();
  const token = `sg_${randomBytes(32).toString('base64url')}`;
  await db.insertInto('api_tokens').values({
    id,
    name: input.name,
    role: input.role,
    scope_id: input.scopeId,
    worker_id: input.workerId ?? null,
    token_hash: hashToken(token),
    expires_at: input.expiresAt ?? null,
  }).execute();
  return { id, token };
}

/** `last_used_at` is written at most this often per token, so a busy token costs no write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Finds the live token for a bearer value; expired and revoked tokens find nothing. */
export async function authenticate(db: Kysely<Database>, token: string, now: Date): Promise<Principal | undefined> {
  const row = await db.selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'scope_id', 'worker_id', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return undefined;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
    await touchToken(db, row.id, now);
  }
  return { tokenId: row.id, name: row.name, role: row.role, scopeId: row.scope_id, workerId: row.worker_id };
}

// The condition repeats the check in SQL so that concurrent first requests write once, not once each.
async function touchToken(db: Kysely<Database>, tokenId: string, now: Date): Promise<void> {
  const threshold = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  await db.updateTable('api_tokens').set({ last_used_at: now })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', threshold)]))
    .execute();
}
