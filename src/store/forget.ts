// Making deleted data leave the database files, as far as each database allows.
//
// SQLite (the embedded default): secure_delete (set when the file is opened) overwrites what a
// deletion frees; the full-text index deletes entries for real (FTS5 secure-delete, migration 010);
// what remains is the write-ahead log, which keeps old versions of pages until it is checkpointed
// and rewritten. A TRUNCATE checkpoint copies it into the database and cuts it to zero bytes.
//
// PostgreSQL: a deleted row stays in its page ("dead") until VACUUM makes the space reusable and
// later writes overwrite it; the server's WAL and any WAL archive keep it until they are recycled.
// The server can only VACUUM (a plain VACUUM takes no lock that stops reads or writes); VACUUM
// FULL, WAL and archive retention are the operator's (docs/operating.md).
import { sql } from "kysely";
import type { DialectName } from "./migrations/migration.ts";
import type { Db } from "./store.ts";

/** Tables a deleted account or post leaves dead rows in (the big ones). */
const VACUUMED_AFTER_DELETION = [
  "statuses",
  "status_edits",
  "media_attachments",
  "media_pending",
  "accounts",
  "notifications",
  "favourites",
  "status_tags",
  "tags",
] as const;

/** SQLite: writes the WAL into the database and truncates it to zero bytes. True when it was complete. */
export async function checkpointWal(db: Db, dialect: DialectName): Promise<boolean> {
  if (dialect !== "sqlite") return true;
  const r = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  return Number(r.rows[0]?.busy ?? 0) === 0;
}

/**
 * SQLite: merges the full-text index into one segment. With secure-delete on, deleted entries are
 * already gone from the segments; the merge also rewrites the page index (`statuses_fts_idx`),
 * which may still hold the first letters of a deleted word that began a page.
 */
export async function optimizeSearchIndex(db: Db, dialect: DialectName): Promise<void> {
  if (dialect !== "sqlite") return;
  await sql`INSERT INTO statuses_fts(statuses_fts) VALUES ('optimize')`.execute(db);
}

/** PostgreSQL: VACUUM of the tables a big deletion leaves dead rows in (outside any transaction). */
export async function vacuumAfterDeletion(db: Db, dialect: DialectName): Promise<void> {
  if (dialect !== "postgres") return;
  for (const table of VACUUMED_AFTER_DELETION) await sql`VACUUM (ANALYZE) ${sql.table(table)}`.execute(db);
}

/**
 * Deletes the hashtags nothing refers to any more (no post, follow or feature: issue 9, finding 2),
 * after the deletion that left them unused has committed. On PostgreSQL a tag row that a
 * transaction is linking right now (repos/tags.ts ensureTag locks it) is skipped, not waited for:
 * that tag is in use, and the sweep holds no lock anyone else waits on.
 */
export async function forgetUnusedTags(db: Db, dialect: DialectName): Promise<void> {
  const unused = sql`NOT EXISTS (SELECT 1 FROM status_tags s WHERE s.tag_id = t.id)
    AND NOT EXISTS (SELECT 1 FROM tag_follows f WHERE f.tag_id = t.id)
    AND NOT EXISTS (SELECT 1 FROM featured_tags x WHERE x.tag_id = t.id)`;
  if (dialect === "sqlite") {
    await sql`DELETE FROM tags WHERE id IN (SELECT t.id FROM tags t WHERE ${unused})`.execute(db);
  } else {
    await sql`DELETE FROM tags WHERE id IN (SELECT t.id FROM tags t WHERE ${unused} FOR UPDATE SKIP LOCKED)`.execute(
      db,
    );
  }
}
