import { z } from 'zod';
import { createToken } from '../auth.js';
import { inScope } from '../../store/repositories/org-unit.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { ALL_ROLES, route } from '../route.js';
import { shanghaiDate } from '../../domain/time.js';
import { idSchema, isoDate, isoDateTime, nameSchema, pageQuery } from '../../schemas/common.js';
import { loadDefaultData, SEED_KEY } from '../../seed/load.js';
import { ORG } from '../../seed/zhanlanlu.js';
import { listAudit, recordAudit } from '../../store/repositories/audit.js';

const roleSchema = z.enum(['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer']);

const tokenView = z.object({
  id: z.string(), name: z.string(), role: roleSchema, scopeId: z.string(), workerId: z.string().nullable(),
  createdAt: z.string(), expiresAt: z.string().nullable(), revokedAt: z.string().nullable(), lastUsedAt: z.string().nullable(),
});

const meView = z.object({
  tokenId: z.string(),
  name: z.string(),
  role: roleSchema,
  scope: z.object({ id: z.string(), kind: z.string(), name: z.object({ zh: z.string(), en: z.string() }) }),
  worker: z.object({ id: z.string(), name: z.string(), position: z.string(), communityId: z.string().nullable() }).nullable(),
});

// The default data is Zhanlanlu Street's tree; an admin may load it only if that street is theirs.
const DEFAULT_DATA_SCOPES = new Set<string>([ORG.city.id, ORG.district.id, ORG.street.id]);

export const adminRoutes = [
  route({
    method: 'get',
    path: '/api/me',
    summary: "The caller's role, scope and worker (the dashboard's and `shegong whoami`'s view of a token)",
    tag: 'admin',
    roles: ALL_ROLES,
    response: meView,
    handler: async ({ deps, principal }) => {
      const scope = await deps.store.db.selectFrom('org_units').select(['id', 'kind', 'name_zh', 'name_en'])
        .where('id', '=', principal.scopeId).executeTakeFirst();
      if (!scope) throw notFound(`org unit ${principal.scopeId}`);
      const worker = principal.workerId
        ? await deps.store.db.selectFrom('workers').select(['id', 'name', 'position', 'community_id'])
          .where('id', '=', principal.workerId).executeTakeFirst()
        : undefined;
      return {
        tokenId: principal.tokenId,
        name: principal.name,
        role: principal.role,
        scope: { id: scope.id, kind: scope.kind, name: { zh: scope.name_zh, en: scope.name_en } },
        worker: worker ? { id: worker.id, name: worker.name, position: worker.position, communityId: worker.community_id } : null,
      };
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/seed',
    summary: "Load the default data (Zhanlanlu Street); idempotent, never overwrites a street's own edits",
    tag: 'admin',
    roles: ['admin'],
    body: z.object({ today: isoDate.optional() }).strict(),
    example: { today: '2026-11-28' },
    response: z.object({ alreadyLoaded: z.boolean(), today: z.string() }),
    handler: async ({ deps, principal, body, requestId }) => {
      if (!DEFAULT_DATA_SCOPES.has(principal.scopeId)) throw forbidden(`the default data belongs to ${ORG.street.id}, outside your scope`);
      const today = body.today ?? shanghaiDate(deps.clock());
      const result = await loadDefaultData(deps.store.db, today, async (trx, loaded) => {
        await recordAudit(trx, { actor: principal.name, action: 'seed', entity: 'default_data', entityId: SEED_KEY, after: { today, alreadyLoaded: loaded.alreadyLoaded }, requestId });
      });
      return { alreadyLoaded: result.alreadyLoaded, today };
    },
  }),
  route({
    method: 'post',
    path: '/api/tokens',
    summary: 'Create an API token; the token is in this answer only',
    tag: 'admin',
    roles: ['admin'],
    body: z.object({
      name: nameSchema,
      role: roleSchema,
      scopeId: idSchema,
      workerId: idSchema.nullable().optional(),
      expiresAt: isoDateTime.nullable().optional(),
    }).strict(),
    example: { name: 'center supervisor', role: 'supervisor', scopeId: 'cn-bj-xicheng-zhanlanlu', workerId: 'w-zhanlanlu-supervisor-01' },
    response: z.object({ id: z.string(), token: z.string() }),
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => {
      const unit = await deps.store.db.selectFrom('org_units').select('id').where('id', '=', body.scopeId).executeTakeFirst();
      if (!unit) throw new ApiError('invalid_request', `unknown scope ${body.scopeId}`, [{ path: 'body.scopeId', message: 'unknown org unit' }]);
      if (!(await inScope(deps.store.db, principal, body.scopeId))) throw forbidden('that scope is outside yours');
      if (body.workerId) {
        const worker = await deps.store.db.selectFrom('workers').select('id').where('id', '=', body.workerId).executeTakeFirst();
        if (!worker) throw new ApiError('invalid_request', `unknown worker ${body.workerId}`, [{ path: 'body.workerId', message: 'unknown worker' }]);
      }
      if ((body.role === 'social_worker' || body.role === 'station_lead') && !body.workerId) {
        throw new ApiError('invalid_request', `a ${body.role} token acts for a worker`, [{ path: 'body.workerId', message: `required for role ${body.role}` }]);
      }
      if (body.expiresAt && new Date(body.expiresAt).getTime() <= deps.clock().getTime()) {
        throw new ApiError('invalid_request', 'expiresAt is in the past', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
      }
      return deps.store.db.transaction().execute(async (trx) => {
        const created = await createToken(trx, { ...body, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null });
        await recordAudit(trx, { actor: principal.name, action: 'create', entity: 'api_token', entityId: created.id, after: { ...body }, requestId });
        return created;
      });
    },
  }),
  route({
    method: 'get',
    path: '/api/tokens',
    summary: 'List API tokens (never the secrets)',
    tag: 'admin',
    roles: ['admin'],
    response: z.object({ items: z.array(tokenView) }),
    handler: async ({ deps }) => {
      const rows = await deps.store.db.selectFrom('api_tokens')
        .select(['id', 'name', 'role', 'scope_id', 'worker_id', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
        .orderBy('created_at').execute();
      return {
        items: rows.map((row) => ({
          id: row.id, name: row.name, role: row.role, scopeId: row.scope_id, workerId: row.worker_id,
          createdAt: row.created_at.toISOString(), expiresAt: row.expires_at?.toISOString() ?? null,
          revokedAt: row.revoked_at?.toISOString() ?? null, lastUsedAt: row.last_used_at?.toISOString() ?? null,
        })),
      };
    },
  }),
  route({
    method: 'post',
    path: '/api/tokens/:tokenId/revoke',
    summary: 'Revoke an API token',
    tag: 'admin',
    roles: ['admin'],
    params: z.object({ tokenId: z.uuid() }),
    response: z.object({ id: z.string(), revokedAt: z.string() }),
    handler: async ({ deps, principal, params, requestId }) => {
      return deps.store.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', '=', params.tokenId).executeTakeFirst();
        if (!row) throw notFound(`token ${params.tokenId}`);
        if (row.revoked_at) return { id: row.id, revokedAt: row.revoked_at.toISOString() };
        const revokedAt = deps.clock();
        await trx.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', row.id).execute();
        await recordAudit(trx, { actor: principal.name, action: 'revoke', entity: 'api_token', entityId: row.id, before: { revokedAt: null }, after: { revokedAt }, requestId });
        return { id: row.id, revokedAt: revokedAt.toISOString() };
      });
    },
  }),
  route({
    method: 'get',
    path: '/api/audit',
    summary: 'The audit log, newest first, filterable',
    tag: 'admin',
    roles: ['admin'],
    query: pageQuery.extend({
      actor: z.string().max(200).optional(),
      entity: z.string().max(200).optional(),
      entityId: z.string().max(500).optional(),
      action: z.string().max(50).optional(),
      since: isoDateTime.optional(),
      until: isoDateTime.optional(),
    }).strict(),
    response: z.object({ items: z.array(z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), entity: z.string(), entityId: z.string(), before: z.unknown(), after: z.unknown(), requestId: z.string().nullable() })) }),
    handler: async ({ deps, query }) => {
      const rows = await listAudit(deps.store.db, {
        ...query,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      });
      return {
        items: rows.map((row) => ({
          id: String(row.id), at: row.at.toISOString(), actor: row.actor, action: row.action, entity: row.entity,
          entityId: row.entity_id, before: row.before, after: row.after, requestId: row.request_id,
        })),
      };
    },
  }),
];
