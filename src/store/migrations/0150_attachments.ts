import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Evidence files. The bytes are stored once per content (file_blobs, keyed by their SHA-256), in
// the records store itself, so PGlite and PostgreSQL keep them alike and a backup of the store is a
// backup of the files. An attachment ties a blob to what it is evidence of (its owner: a plan task,
// a rollout milestone, a venture project, a case, a service record or a case file) and to the org
// unit whose scope decides who may read it. Removing an attachment keeps the row (removed_at) for
// the record; the blob stays while any attachment names it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE file_blobs (
      sha256 text PRIMARY KEY,
      media_type text NOT NULL,
      size_bytes integer NOT NULL,
      content bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE attachments (
      id text PRIMARY KEY,
      owner_kind text NOT NULL,
      owner_id text NOT NULL,
      org_unit_id text NOT NULL REFERENCES org_units(id),
      sha256 text NOT NULL REFERENCES file_blobs(sha256),
      file_name text NOT NULL,
      media_type text NOT NULL,
      size_bytes integer NOT NULL,
      uploaded_by text NOT NULL,
      uploaded_at timestamptz NOT NULL DEFAULT now(),
      removed_at timestamptz,
      removed_by text
    );
    CREATE INDEX attachments_owner_idx ON attachments(owner_kind, owner_id, uploaded_at);
    CREATE INDEX attachments_org_unit_idx ON attachments(org_unit_id, uploaded_at);
  `);
}
