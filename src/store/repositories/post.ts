import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';

// Posts (岗位建设): a station's posts by type with the number required, and workers assigned to
// them over dates. A post is filled on a day when its assignments running that day reach its
// required number; the gap is its vacancies.

export interface PostType {
  key: string;
  name: { zh: string; en: string };
}

export async function listPostTypes(db: Kysely<Database>): Promise<PostType[]> {
  const rows = await db.selectFrom('post_types').selectAll().orderBy('sort_order').orderBy('key').execute();
  return rows.map((row) => ({ key: row.key, name: { zh: row.name_zh, en: row.name_en } }));
}

/** Adds or renames a post type; answers whether it was new. */
export async function upsertPostType(db: Kysely<Database>, type: PostType & { sortOrder?: number }, audit: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('post_types').select('key').where('key', '=', type.key).executeTakeFirst();
    await trx.insertInto('post_types').values({ key: type.key, name_zh: type.name.zh, name_en: type.name.en, sort_order: type.sortOrder ?? 100 })
      .onConflict((oc) => oc.column('key').doUpdateSet({ name_zh: type.name.zh, name_en: type.name.en, ...(type.sortOrder !== undefined ? { sort_order: type.sortOrder } : {}) }))
      .execute();
    await recordAudit(trx, audit);
    return !existing;
  });
}

export interface AssignmentView {
  id: string;
  workerId: string;
  workerName: string;
  from: string;
  to: string | null;
  isExample: boolean;
}

export interface PostView {
  id: string;
  communityId: string;
  communityName: { zh: string; en: string };
  type: string;
  typeName: { zh: string; en: string };
  required: number;
  /** Assignments running on the day asked about. */
  filled: number;
  vacancies: number;
  note: string | null;
  isExample: boolean;
  assignments: AssignmentView[];
}

/** Posts of the given communities with their assignments, and how many are filled on `day`. */
export async function listPosts(db: Kysely<Database>, filter: { communityIds: string[]; ids?: string[] }, day: string): Promise<PostView[]> {
  if (filter.communityIds.length === 0 || filter.ids?.length === 0) return [];
  let query = db.selectFrom('posts as p').innerJoin('post_types as t', 't.key', 'p.post_type_key').innerJoin('communities as c', 'c.id', 'p.community_id')
    .select(['p.id', 'p.community_id', 'c.name_zh', 'c.name_en', 'p.post_type_key', 't.name_zh as type_zh', 't.name_en as type_en', 'p.required', 'p.note', 'p.is_example'])
    .where('p.community_id', 'in', filter.communityIds)
    .orderBy('p.community_id').orderBy('t.sort_order').orderBy('p.id');
  if (filter.ids) query = query.where('p.id', 'in', filter.ids);
  const posts = await query.execute();
  if (posts.length === 0) return [];
  const assignments = await db.selectFrom('post_assignments as a').innerJoin('workers as w', 'w.id', 'a.worker_id')
    .select(['a.id', 'a.post_id', 'a.worker_id', 'w.name', 'a.from_date', 'a.to_date', 'a.is_example'])
    .where('a.post_id', 'in', posts.map((p) => p.id)).orderBy('a.from_date').orderBy('a.id').execute();
  return posts.map((post) => {
    const mine = assignments.filter((a) => a.post_id === post.id);
    const filled = mine.filter((a) => a.from_date <= day && (a.to_date === null || a.to_date >= day)).length;
    return {
      id: post.id, communityId: post.community_id, communityName: { zh: post.name_zh, en: post.name_en }, type: post.post_type_key,
      typeName: { zh: post.type_zh, en: post.type_en }, required: post.required, filled, vacancies: Math.max(0, post.required - filled),
      note: post.note, isExample: post.is_example,
      assignments: mine.map((a) => ({ id: a.id, workerId: a.worker_id, workerName: a.name, from: a.from_date, to: a.to_date, isExample: a.is_example })),
    };
  });
}

/** Creates a station's post of a type, or changes its required number (one post per type and station). */
export async function upsertPost(
  db: Kysely<Database>, post: { id: string; communityId: string; type: string; required: number; note: string | null; at: Date }, audit: AuditEntry,
): Promise<{ id: string; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('posts').select('id').where('community_id', '=', post.communityId).where('post_type_key', '=', post.type).forUpdate().executeTakeFirst();
    if (existing) {
      await trx.updateTable('posts').set({ required: post.required, note: post.note, updated_at: post.at }).where('id', '=', existing.id).execute();
    } else {
      await trx.insertInto('posts').values({ id: post.id, community_id: post.communityId, post_type_key: post.type, required: post.required, note: post.note }).execute();
    }
    await recordAudit(trx, { ...audit, entityId: existing?.id ?? post.id });
    return { id: existing?.id ?? post.id, created: !existing };
  });
}

export async function findPost(db: Kysely<Database>, id: string): Promise<{ id: string; communityId: string } | undefined> {
  const row = await db.selectFrom('posts').select(['id', 'community_id']).where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, communityId: row.community_id } : undefined;
}

/**
 * Assigns a worker to a post from a date, or ends the worker's running assignment there: an
 * assignment with the same post, worker and start is the same one (a retry changes nothing new).
 * Answers undefined when the dates overlap another assignment of the worker to this post.
 */
export async function assignToPost(
  db: Kysely<Database>, assignment: { id: string; postId: string; workerId: string; from: string; to: string | null; by: string }, audit: AuditEntry,
): Promise<{ id: string; created: boolean } | { overlaps: string }> {
  return db.transaction().execute(async (trx) => {
    const same = await trx.selectFrom('post_assignments').select(['id'])
      .where('post_id', '=', assignment.postId).where('worker_id', '=', assignment.workerId).where('from_date', '=', assignment.from).forUpdate().executeTakeFirst();
    if (same) {
      await trx.updateTable('post_assignments').set({ to_date: assignment.to }).where('id', '=', same.id).execute();
      await recordAudit(trx, { ...audit, entityId: same.id });
      return { id: same.id, created: false };
    }
    const overlap = await trx.selectFrom('post_assignments').select('id')
      .where('post_id', '=', assignment.postId).where('worker_id', '=', assignment.workerId)
      .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', assignment.from)]))
      .$if(assignment.to !== null, (qb) => qb.where('from_date', '<=', assignment.to!))
      .executeTakeFirst();
    if (overlap) return { overlaps: overlap.id };
    await trx.insertInto('post_assignments').values({
      id: assignment.id, post_id: assignment.postId, worker_id: assignment.workerId, from_date: assignment.from, to_date: assignment.to, created_by: assignment.by,
    }).execute();
    await recordAudit(trx, { ...audit, entityId: assignment.id });
    return { id: assignment.id, created: true };
  });
}

export interface PostsFilled {
  required: number;
  filled: number;
  byStation: Array<{ communityId: string; name: { zh: string; en: string }; required: number; filled: number }>;
}

/** Posts required and filled on a day, per station and in all (a post counts at most its required number as filled). */
export async function postsFilled(db: Kysely<Database>, communityIds: string[], day: string): Promise<PostsFilled> {
  if (communityIds.length === 0) return { required: 0, filled: 0, byStation: [] };
  const result = await sql<{ community_id: string; name_zh: string; name_en: string; required: string; filled: string }>`
    SELECT p.community_id, c.name_zh, c.name_en, sum(p.required) AS required, sum(least(p.required, coalesce(a.n, 0))) AS filled
    FROM posts p
    JOIN communities c ON c.id = p.community_id
    LEFT JOIN (
      SELECT post_id, count(*) AS n FROM post_assignments
      WHERE from_date <= ${day}::date AND (to_date IS NULL OR to_date >= ${day}::date) GROUP BY post_id
    ) a ON a.post_id = p.id
    WHERE p.community_id IN (${sql.join(communityIds)})
    GROUP BY p.community_id, c.name_zh, c.name_en
    ORDER BY p.community_id`.execute(db);
  const byStation = result.rows.map((row) => ({ communityId: row.community_id, name: { zh: row.name_zh, en: row.name_en }, required: Number(row.required), filled: Number(row.filled) }));
  return { required: byStation.reduce((sum, s) => sum + s.required, 0), filled: byStation.reduce((sum, s) => sum + s.filled, 0), byStation };
}
