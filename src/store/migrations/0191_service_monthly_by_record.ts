import { type Kysely, sql } from 'kysely';

// Service records (0130) belong to a station, with a theme and a kind, and a venture project only
// when they served one; the read side's monthly aggregate (0190) was kept per project. It is now
// kept per station, month, theme, kind and project (none for a station's own records), with new
// residents beside residents served, by the same trigger in the writing transaction: the summary,
// the digest and the monthly report read these rows, never every record. A row whose records are
// all gone is removed. The read side's version of a record follows its station, not its project,
// and posts (0131, in the summary) bump it too.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `DROP TRIGGER service_monthly_sync ON service_records`,
    `DROP FUNCTION service_monthly_changed()`,
    `DROP TABLE service_monthly`,
    `CREATE TABLE service_monthly (
          community_id text NOT NULL REFERENCES communities(id),
          month date NOT NULL,
          theme_key text NOT NULL REFERENCES themes(key),
          kind text NOT NULL,
          project_id text REFERENCES venture_projects(id),
          residents_served bigint NOT NULL DEFAULT 0,
          new_residents bigint NOT NULL DEFAULT 0,
          records integer NOT NULL DEFAULT 0
        )`,
    `CREATE UNIQUE INDEX service_monthly_key ON service_monthly (community_id, month, theme_key, kind, (coalesce(project_id, '')))`,
    `CREATE INDEX service_monthly_project_idx ON service_monthly (project_id, month) WHERE project_id IS NOT NULL`,
    `INSERT INTO service_monthly (community_id, month, theme_key, kind, project_id, residents_served, new_residents, records)
          SELECT community_id, date_trunc('month', served_on)::date, theme_key, kind, project_id, sum(residents_served), sum(new_residents), count(*)
          FROM service_records GROUP BY 1, 2, 3, 4, 5`,
    `CREATE FUNCTION service_monthly_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            UPDATE service_monthly SET residents_served = residents_served - OLD.residents_served, new_residents = new_residents - OLD.new_residents, records = records - 1
              WHERE community_id = OLD.community_id AND month = date_trunc('month', OLD.served_on)::date AND theme_key = OLD.theme_key
                AND kind = OLD.kind AND coalesce(project_id, '') = coalesce(OLD.project_id, '');
            DELETE FROM service_monthly
              WHERE community_id = OLD.community_id AND month = date_trunc('month', OLD.served_on)::date AND theme_key = OLD.theme_key
                AND kind = OLD.kind AND coalesce(project_id, '') = coalesce(OLD.project_id, '') AND records <= 0;
          END IF;
          IF TG_OP <> 'DELETE' THEN
            INSERT INTO service_monthly AS m (community_id, month, theme_key, kind, project_id, residents_served, new_residents, records)
              VALUES (NEW.community_id, date_trunc('month', NEW.served_on)::date, NEW.theme_key, NEW.kind, NEW.project_id, NEW.residents_served, NEW.new_residents, 1)
              ON CONFLICT (community_id, month, theme_key, kind, (coalesce(project_id, ''))) DO UPDATE SET
                residents_served = m.residents_served + EXCLUDED.residents_served, new_residents = m.new_residents + EXCLUDED.new_residents, records = m.records + 1;
          END IF;
          RETURN NULL;
        END$fn$`,
    `CREATE TRIGGER service_monthly_sync AFTER INSERT OR UPDATE OR DELETE ON service_records
          FOR EACH ROW EXECUTE FUNCTION service_monthly_changed()`,
    // A record without a project still belongs to a street: through its station.
    `DROP TRIGGER read_side_service_records ON service_records`,
    `CREATE CONSTRAINT TRIGGER read_side_service_records AFTER INSERT OR UPDATE OR DELETE ON service_records
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION read_side_changed('community')`,
    // Posts (0131) are in the summary: their changes bump the read side like any other figure's.
    ...([['post_types', 'root'], ['posts', 'community'], ['post_assignments', 'worker']] as const).flatMap(([table, path]) => [
      `CREATE CONSTRAINT TRIGGER read_side_${table} AFTER INSERT OR UPDATE OR DELETE ON ${table}
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION read_side_changed('${path}')`,
      `CREATE TRIGGER read_side_${table}_truncated AFTER TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION read_side_truncated()`,
    ]),
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
