// The Mastodon client API: OAuth applications, codes and tokens (stored only as hashes), bookmarks,
// pins, read markers, media attachments and posting preferences.
import type { Kysely } from "kysely";
import { type DialectName, flag, type Migration, serialId } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("oauth_apps")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("website", "text")
    .addColumn("redirect_uris", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull().unique())
    .addColumn("client_secret_hash", "text", (c) => c.notNull())
    .addColumn("created_day", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("oauth_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("oauth_apps.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("redirect_uri", "text", (c) => c.notNull())
    .addColumn("code_challenge", "text")
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("oauth_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("app_id", "text", (c) => c.notNull().references("oauth_apps.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.references("accounts.id").onDelete("cascade"))
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("created_day", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("oauth_tokens_account").on("oauth_tokens").column("account_id").execute();

  for (const name of ["bookmarks", "status_pins"]) {
    await serialId(db.schema.createTable(name), dialect)
      .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
      .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
      .addUniqueConstraint(`${name}_pair`, ["account_id", "status_id"])
      .execute();
    await db.schema.createIndex(`${name}_status`).on(name).column("status_id").execute();
  }

  await db.schema
    .createTable("markers")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("timeline", "text", (c) => c.notNull())
    .addColumn("last_read_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("markers_pk", ["account_id", "timeline"])
    .execute();

  await db.schema
    .createTable("media_attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) => c.references("statuses.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("preview_file_name", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("width", "integer", (c) => c.notNull())
    .addColumn("height", "integer", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("focus_x", "real", (c) => c.notNull().defaultTo(0))
    .addColumn("focus_y", "real", (c) => c.notNull().defaultTo(0))
    .addColumn("created_day", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("media_status").on("media_attachments").column("status_id").execute();
  await db.schema.createIndex("media_account").on("media_attachments").column("account_id").execute();

  // Profile images and posting defaults.
  await db.schema.alterTable("accounts").addColumn("avatar_file", "text").execute();
  await db.schema.alterTable("accounts").addColumn("header_file", "text").execute();
  await db.schema
    .alterTable("accounts")
    .addColumn("default_visibility", "text", (c) => c.notNull().defaultTo("public"))
    .execute();
  await db.schema.alterTable("accounts").addColumn("default_sensitive", "integer", flag).execute();
  await db.schema.alterTable("accounts").addColumn("default_language", "text").execute();
}

export const migration002: Migration = { name: "002-mastodon-api", up };
