import type { Kysely } from 'kysely';
import type { Channel, Database, Locale, Position } from '../database.js';
import { containing } from './community.js';

export interface WorkerView {
  id: string;
  orgUnitId: string;
  communityId: string | null;
  name: string;
  position: Position;
  email: string | null;
  phone: string | null;
  locale: Locale;
  channels: Channel[];
  active: boolean;
}

export async function listWorkers(
  db: Kysely<Database>,
  filter: { communityId?: string; orgUnitIds?: string[]; position?: Position; ids?: string[]; q?: string; limit?: number; offset?: number } = {},
): Promise<WorkerView[]> {
  let query = db.selectFrom('workers').selectAll().orderBy('id');
  if (filter.q) {
    // A name, an id, or the station (community) a worker belongs to, by its name or id.
    const like = containing(filter.q);
    query = query.where((eb) => eb.or([
      eb('name', 'ilike', like),
      eb('id', 'ilike', like),
      eb('community_id', 'in', eb.selectFrom('communities').select('id').where((inner) => inner.or([
        inner('id', 'ilike', like), inner('name_zh', 'ilike', like), inner('name_en', 'ilike', like),
      ]))),
    ]));
  }
  if (filter.communityId) query = query.where('community_id', '=', filter.communityId);
  if (filter.orgUnitIds) {
    if (filter.orgUnitIds.length === 0) return [];
    query = query.where('org_unit_id', 'in', filter.orgUnitIds);
  }
  if (filter.position) query = query.where('position', '=', filter.position);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    query = query.where('id', 'in', filter.ids);
  }
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  if (filter.offset !== undefined) query = query.offset(filter.offset);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    orgUnitId: row.org_unit_id,
    communityId: row.community_id,
    name: row.name,
    position: row.position,
    email: row.email,
    phone: row.phone,
    locale: row.locale,
    channels: row.channels,
    active: row.active,
  }));
}

export async function getWorker(db: Kysely<Database>, id: string): Promise<WorkerView | undefined> {
  return (await listWorkers(db, { ids: [id] }))[0];
}

/** The existing workers among these ids, locked (FOR UPDATE) until the caller's transaction ends. */
export async function lockWorkers(db: Kysely<Database>, ids: string[]): Promise<Array<{ id: string; orgUnitId: string; communityId: string | null }>> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('workers').select(['id', 'org_unit_id', 'community_id']).where('id', 'in', [...new Set(ids)]).orderBy('id').forUpdate().execute();
  return rows.map((row) => ({ id: row.id, orgUnitId: row.org_unit_id, communityId: row.community_id }));
}

export interface WorkerInput {
  id: string;
  orgUnitId: string;
  communityId: string | null;
  name: string;
  position: Position;
  email?: string | null;
  phone?: string | null;
  locale?: Locale;
  channels?: Channel[];
  wecomWebhookUrl?: string | null;
}

export async function upsertWorkers(db: Kysely<Database>, rows: WorkerInput[]) {
  const changes: Array<{ id: string; before: unknown; after: unknown }> = [];
  for (const row of rows) {
    const before = await db.selectFrom('workers').selectAll().where('id', '=', row.id).executeTakeFirst();
    const values = {
      org_unit_id: row.orgUnitId,
      community_id: row.communityId,
      name: row.name,
      position: row.position,
      email: row.email ?? null,
      phone: row.phone ?? null,
      locale: row.locale ?? 'zh-CN',
      channels: row.channels ?? ['inbox'],
      wecom_webhook_url: row.wecomWebhookUrl ?? null,
    };
    await db.insertInto('workers').values({ id: row.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: new Date() }))
      .execute();
    changes.push({ id: row.id, before: before ?? null, after: { id: row.id, ...values } });
  }
  return changes;
}

/** What the notify activity needs to address a worker. */
export interface RecipientRow {
  id: string;
  name: string;
  locale: Locale;
  channels: Channel[];
  email: string | null;
  wecomWebhookUrl: string | null;
  active: boolean;
}

export async function findRecipient(db: Kysely<Database>, id: string): Promise<RecipientRow | undefined> {
  const row = await db.selectFrom('workers')
    .select(['id', 'name', 'locale', 'channels', 'email', 'wecom_webhook_url', 'active'])
    .where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, name: row.name, locale: row.locale, channels: row.channels, email: row.email, wecomWebhookUrl: row.wecom_webhook_url, active: row.active } : undefined;
}
