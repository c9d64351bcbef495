import { type Kysely, sql } from 'kysely';
import type { Database, NewRow, Row } from '../database.js';

// The notification outbox: the notify activity's writes (rows keyed by idempotency key, claimed,
// marked), and the read side — inboxes (the inbox channel's rows) and failed deliveries.

export type OutboxRow = Row<'notifications'>;

/**
 * Writes outbox rows in one statement; rows already there (a retry) are kept as they are.
 * Returns the rows this call wrote.
 */
export async function insertOutboxRows(db: Kysely<Database>, rows: NewRow<'notifications'>[]): Promise<OutboxRow[]> {
  if (rows.length === 0) return [];
  return db.insertInto('notifications').values(rows).onConflict((oc) => oc.column('idempotency_key').doNothing()).returningAll().execute();
}

export async function findOutboxRows(db: Kysely<Database>, idempotencyKeys: string[]): Promise<OutboxRow[]> {
  if (idempotencyKeys.length === 0) return [];
  return db.selectFrom('notifications').selectAll().where('idempotency_key', 'in', idempotencyKeys).execute();
}

/** Marks the rows not yet delivered or given up as skipped, with the reason. */
export async function skipOutboxRows(db: Kysely<Database>, idempotencyKeys: string[], reason: string): Promise<void> {
  if (idempotencyKeys.length === 0) return;
  await db.updateTable('notifications').set({ status: 'skipped', last_error: reason })
    .where('idempotency_key', 'in', idempotencyKeys).where('status', 'in', ['pending', 'sending']).execute();
}

/**
 * Claims a row for one delivery attempt: a pending row, or one whose sending claim is older than
 * `staleBefore` (its attempt died). Counts the attempt. Undefined when another live attempt holds it.
 */
export async function claimOutboxRow(db: Kysely<Database>, id: string, now: Date, staleBefore: Date): Promise<OutboxRow | undefined> {
  return db.updateTable('notifications')
    .set({ status: 'sending', sending_at: now, attempts: sql`attempts + 1` })
    .where('id', '=', id)
    .where((eb) => eb.or([
      eb('status', '=', 'pending'),
      eb.and([eb('status', '=', 'sending'), eb('sending_at', '<', staleBefore)]),
    ]))
    .returningAll()
    .executeTakeFirst();
}

/** Hands a claimed row back after a failure that may pass, so a retry can claim it again. */
export async function releaseOutboxRow(db: Kysely<Database>, id: string, error: string): Promise<void> {
  await db.updateTable('notifications').set({ status: 'pending', last_error: error }).where('id', '=', id).execute();
}

export async function markOutboxDelivered(db: Kysely<Database>, id: string, at: Date, providerRef: string | null): Promise<void> {
  await db.updateTable('notifications')
    .set({ status: 'delivered', delivered_at: at, provider_ref: providerRef, last_error: null })
    .where('id', '=', id).execute();
}

export async function markOutboxFailed(db: Kysely<Database>, id: string, reason: string): Promise<void> {
  await db.updateTable('notifications').set({ status: 'failed', last_error: reason }).where('id', '=', id).execute();
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function inboxItem(row: Row<'notifications'>) {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    bodyText: row.body_text,
    bodyHtml: row.body_html,
    locale: row.locale,
    workflowId: row.workflow_id,
    dueAt: iso(row.due_at),
    createdAt: row.created_at.toISOString(),
    readAt: iso(row.read_at),
  };
}

export async function listInbox(db: Kysely<Database>, filter: { recipientId: string; unread?: boolean; kind?: string; limit: number; offset: number }) {
  let query = db.selectFrom('notifications').where('recipient_id', '=', filter.recipientId).where('channel', '=', 'inbox');
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  const filtered = filter.unread ? query.where('read_at', 'is', null) : query;
  const [rows, counts] = await Promise.all([
    filtered.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute(),
    query.select([
      sql<number>`count(*)::int`.as('total'),
      sql<number>`count(*) FILTER (WHERE read_at IS NULL)::int`.as('unread'),
    ]).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(inboxItem), total: filter.unread ? counts.unread : counts.total, unread: counts.unread };
}

export async function getNotification(db: Kysely<Database>, id: string) {
  return db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks an inbox item read (once: a second call keeps the first time). */
export async function markRead(db: Kysely<Database>, id: string, at: Date) {
  return db.updateTable('notifications').set({ read_at: sql`coalesce(read_at, ${at})` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function listFailures(db: Kysely<Database>, filter: { orgUnitIds: string[]; status: 'failed' | 'retrying'; channel?: 'email' | 'wecom'; limit: number; offset: number }) {
  if (filter.orgUnitIds.length === 0) return { items: [], total: 0, byChannel: {} };
  let query = db.selectFrom('notifications as n')
    .innerJoin('workers as w', 'w.id', 'n.recipient_id')
    .where('w.org_unit_id', 'in', filter.orgUnitIds);
  query = filter.status === 'failed'
    ? query.where('n.status', '=', 'failed')
    : query.where('n.status', 'in', ['pending', 'sending']).where('n.last_error', 'is not', null);
  const all = query;
  if (filter.channel) query = query.where('n.channel', '=', filter.channel);
  const [rows, byChannel] = await Promise.all([
    query.select([
      'n.id', 'n.recipient_id', 'w.name as recipient_name', 'w.community_id', 'n.channel', 'n.kind', 'n.subject', 'n.status',
      'n.attempts', 'n.last_error', 'n.workflow_id', 'n.created_at',
    ]).orderBy('n.created_at', 'desc').orderBy('n.id').limit(filter.limit).offset(filter.offset).execute(),
    all.select(['n.channel', sql<number>`count(*)::int`.as('count')]).groupBy('n.channel').execute(),
  ]);
  const counts = Object.fromEntries(byChannel.map((row) => [row.channel, row.count]));
  return {
    items: rows.map((row) => ({
      id: row.id,
      recipientId: row.recipient_id,
      recipientName: row.recipient_name,
      communityId: row.community_id,
      channel: row.channel,
      kind: row.kind,
      subject: row.subject,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      workflowId: row.workflow_id,
      createdAt: row.created_at.toISOString(),
    })),
    total: filter.channel ? (counts[filter.channel] ?? 0) : Object.values(counts).reduce((sum, count) => sum + count, 0),
    byChannel: counts,
  };
}
