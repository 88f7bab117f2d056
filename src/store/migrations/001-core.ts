// The microblog core. No table has a place for an e-mail, phone number, postal address, IP address
// or user agent; account and session times are days.
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { type DialectName, flag, type Migration, serialId } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bigint = dialect === "sqlite" ? "integer" : "bigint";

  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("handle", "text", (c) => c.notNull())
    .addColumn("handle_lower", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("locked", "integer", flag)
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("registration_reason", "text")
    .addColumn("suspended", "integer", flag)
    .addColumn("created_day", "text", (c) => c.notNull())
    .addColumn("followers_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("following_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("statuses_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_status_day", "text")
    .execute();
  await db.schema.createIndex("accounts_display_name").on("accounts").column("display_name").execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("created_day", "text", (c) => c.notNull())
    .addColumn("expires_day", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_account").on("sessions").column("account_id").execute();

  await db.schema
    .createTable("staff_roles")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("staff_roles_pk", ["account_id", "role"])
    .execute();

  await db.schema
    .createTable("invites")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("created_by", "text", (c) => c.references("accounts.id").onDelete("cascade"))
    .addColumn("max_uses", "integer")
    .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_day", "text")
    .addColumn("created_day", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    // No foreign key: a reply outlives the post it answered (Mastodon keeps the id, the parent 404s).
    .addColumn("in_reply_to_id", "text")
    .addColumn("in_reply_to_account_id", "text")
    .addColumn("reblog_of_id", "text", (c) => c.references("statuses.id").onDelete("cascade"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("spoiler_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sensitive", "integer", flag)
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("language", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("edited_at", "text")
    .addColumn("replies_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reblogs_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("favourites_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("statuses_account_id").on("statuses").columns(["account_id", "id"]).execute();
  await db.schema.createIndex("statuses_in_reply_to").on("statuses").column("in_reply_to_id").execute();
  await db.schema.createIndex("statuses_reblog_of").on("statuses").columns(["reblog_of_id", "account_id"]).execute();
  await db.schema.createIndex("statuses_visibility_id").on("statuses").columns(["visibility", "id"]).execute();

  await serialId(db.schema.createTable("status_edits"), dialect)
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("spoiler_text", "text", (c) => c.notNull())
    .addColumn("sensitive", "integer", flag)
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("status_edits_status").on("status_edits").column("status_id").execute();

  await db.schema
    .createTable("mentions")
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("mentions_pk", ["status_id", "account_id"])
    .execute();
  await db.schema.createIndex("mentions_account").on("mentions").columns(["account_id", "status_id"]).execute();

  await serialId(db.schema.createTable("tags"), dialect)
    .addColumn("name", "text", (c) => c.notNull().unique())
    .execute();
  await db.schema
    .createTable("status_tags")
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("tag_id", bigint, (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("status_tags_pk", ["status_id", "tag_id"])
    .execute();
  await db.schema.createIndex("status_tags_tag").on("status_tags").columns(["tag_id", "status_id"]).execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["account_id", "key"])
    .execute();

  for (const name of ["follows", "follow_requests", "blocks", "mutes"]) {
    await serialId(db.schema.createTable(name), dialect)
      .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
      .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
      .addUniqueConstraint(`${name}_pair`, ["account_id", "target_account_id"])
      .execute();
    await db.schema.createIndex(`${name}_target`).on(name).columns(["target_account_id", "account_id"]).execute();
  }

  await serialId(db.schema.createTable("favourites"), dialect)
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addUniqueConstraint("favourites_pair", ["account_id", "status_id"])
    .execute();
  await db.schema.createIndex("favourites_status").on("favourites").column("status_id").execute();

  await serialId(db.schema.createTable("notifications"), dialect)
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("from_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("status_id", "text", (c) => c.references("statuses.id").onDelete("cascade"))
    .addColumn("read", "integer", flag)
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("notifications_account").on("notifications").columns(["account_id", "id"]).execute();

  await serialId(db.schema.createTable("reports"), dialect)
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) => c.references("statuses.id").onDelete("set null"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("created_day", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("reports_state").on("reports").columns(["state", "id"]).execute();

  // Decisions outlive what they were about: no foreign keys, so the record stays when a post goes.
  await serialId(db.schema.createTable("moderation_actions"), dialect)
    .addColumn("actor_account_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_account_id", "text")
    .addColumn("target_status_id", "text")
    .addColumn("report_id", bigint)
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  // Full-text search over posts: FTS5 on SQLite (kept in step by triggers), tsvector on PostgreSQL.
  if (dialect === "sqlite") {
    await sql`CREATE VIRTUAL TABLE statuses_fts USING fts5(text, spoiler_text, content='statuses', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(
      db,
    );
    await sql`CREATE TRIGGER statuses_fts_insert AFTER INSERT ON statuses BEGIN
      INSERT INTO statuses_fts(rowid, text, spoiler_text) VALUES (new.rowid, new.text, new.spoiler_text);
    END`.execute(db);
    await sql`CREATE TRIGGER statuses_fts_delete AFTER DELETE ON statuses BEGIN
      INSERT INTO statuses_fts(statuses_fts, rowid, text, spoiler_text) VALUES ('delete', old.rowid, old.text, old.spoiler_text);
    END`.execute(db);
    await sql`CREATE TRIGGER statuses_fts_update AFTER UPDATE OF text, spoiler_text ON statuses BEGIN
      INSERT INTO statuses_fts(statuses_fts, rowid, text, spoiler_text) VALUES ('delete', old.rowid, old.text, old.spoiler_text);
      INSERT INTO statuses_fts(rowid, text, spoiler_text) VALUES (new.rowid, new.text, new.spoiler_text);
    END`.execute(db);
  } else {
    await sql`ALTER TABLE statuses ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', spoiler_text || ' ' || text)) STORED`.execute(
      db,
    );
    await sql`CREATE INDEX statuses_search ON statuses USING gin (search_vector)`.execute(db);
    await sql`CREATE INDEX accounts_handle_prefix ON accounts (handle_lower text_pattern_ops)`.execute(db);
    await sql`CREATE INDEX accounts_display_name_prefix ON accounts (lower(display_name) text_pattern_ops)`.execute(db);
  }
}

export const migration001: Migration = { name: "001-core", up };
