// Hashtags that follow their posts, and rows that keep no order of insertion (issue 9, findings 2, 5).
//
// Finding 2: a tag no post carries any more is deleted with the last link to it, by a trigger, so
// every way a post goes (deletion, edit, moderation, an account's deletion and its cascades) takes
// its unused hashtags with it; with secure_delete on SQLite the bytes are overwritten too.
import { type Kysely, sql } from "kysely";
import type { DialectName, Migration } from "./migration.ts";

async function forgetUnusedTags(db: Kysely<any>, dialect: DialectName): Promise<void> {
  if (dialect === "sqlite") {
    await sql`CREATE TRIGGER status_tags_forget_unused AFTER DELETE ON status_tags BEGIN
      DELETE FROM tags WHERE id = old.tag_id AND NOT EXISTS (SELECT 1 FROM status_tags WHERE tag_id = old.tag_id);
    END`.execute(db);
  } else {
    await sql`CREATE FUNCTION publius_forget_unused_tag() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM tags WHERE id = OLD.tag_id AND NOT EXISTS (SELECT 1 FROM status_tags WHERE tag_id = OLD.tag_id);
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE TRIGGER status_tags_forget_unused AFTER DELETE ON status_tags
      FOR EACH ROW EXECUTE FUNCTION publius_forget_unused_tag()`.execute(db);
  }
  // Tags that earlier versions left behind.
  await sql`DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM status_tags WHERE status_tags.tag_id = tags.id)`.execute(
    db,
  );
}

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await forgetUnusedTags(db, dialect);
}

export const migration014: Migration = { name: "014-unordered-rows", up };
