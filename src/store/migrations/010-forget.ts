// Forgetting what was deleted, and images that keep no time before their post is published.
//
// The full-text index (SQLite FTS5) kept the words of deleted and edited posts in its segments
// until a merge happened to rewrite them ("delete" only adds a marker). With FTS5's secure-delete
// option a delete removes the entry itself; the rebuild forgets what earlier deletions left.
//
// media_pending holds the re-encoded files of an upload until the post that uses it is published:
// a file in the media folder keeps its modification and change times, which would tell when the
// author really wrote a delayed post. The files are written, under fresh names, at publication.
// WITHOUT ROWID on SQLite: the random media id orders the rows, not the order of uploads.
import { type Kysely, sql } from "kysely";
import type { DialectName, Migration } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  if (dialect === "sqlite") {
    await sql`INSERT INTO statuses_fts(statuses_fts, rank) VALUES ('secure-delete', 1)`.execute(db);
    await sql`INSERT INTO statuses_fts(statuses_fts) VALUES ('rebuild')`.execute(db);
  }
  const blob = dialect === "sqlite" ? "blob" : "bytea";
  let table = db.schema
    .createTable("media_pending")
    .addColumn("media_id", "text", (c) =>
      c.primaryKey().notNull().references("media_attachments.id").onDelete("cascade"),
    )
    .addColumn("original", blob, (c) => c.notNull())
    .addColumn("preview", blob, (c) => c.notNull());
  if (dialect === "sqlite") table = table.modifyEnd(sql`WITHOUT ROWID`);
  await table.execute();
}

export const migration010: Migration = { name: "010-forget", up };
