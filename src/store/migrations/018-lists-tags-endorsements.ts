// Lists, followed and featured hashtags, endorsed accounts, and the media of each post version.
//
// Lists and featured tags have random ids (nothing about when they were made); the rows that page
// (list members, followed tags, endorsements) have random keys, as follows do since migration 014,
// and every table is WITHOUT ROWID on SQLite: no order of insertion is kept. No row keeps a time.
// A hashtag that someone follows or features is kept while no post carries it: the forgetting
// service's sweep (store/forget.ts) deletes a tag only when nothing at all refers to it any more. status_edits.media_attributes keeps, per version, which images the post had with their
// descriptions and focal points, so the edit history shows an alt-text change as one.
import type { Kysely } from "kysely";
import { type DialectName, flag, type Migration, withoutRowid } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bigint = dialect === "sqlite" ? "integer" : "bigint";

  await withoutRowid(db.schema.createTable("lists"), dialect)
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("replies_policy", "text", (c) => c.notNull().defaultTo("list"))
    .addColumn("exclusive", "integer", flag)
    .execute();
  await db.schema.createIndex("lists_account_id_fk").on("lists").column("account_id").execute();

  await withoutRowid(db.schema.createTable("list_accounts"), dialect)
    .addColumn("id", bigint, (c) => c.primaryKey())
    .addColumn("list_id", "text", (c) => c.notNull().references("lists.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addUniqueConstraint("list_accounts_pair", ["list_id", "account_id"])
    .execute();
  await db.schema.createIndex("list_accounts_account_id_fk").on("list_accounts").column("account_id").execute();

  await withoutRowid(db.schema.createTable("tag_follows"), dialect)
    .addColumn("id", bigint, (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("tag_id", bigint, (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addUniqueConstraint("tag_follows_pair", ["account_id", "tag_id"])
    .execute();
  await db.schema.createIndex("tag_follows_tag_id_fk").on("tag_follows").column("tag_id").execute();

  await withoutRowid(db.schema.createTable("featured_tags"), dialect)
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("tag_id", bigint, (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addUniqueConstraint("featured_tags_pair", ["account_id", "tag_id"])
    .execute();
  await db.schema.createIndex("featured_tags_tag_id_fk").on("featured_tags").column("tag_id").execute();

  await withoutRowid(db.schema.createTable("endorsements"), dialect)
    .addColumn("id", bigint, (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addUniqueConstraint("endorsements_pair", ["account_id", "target_account_id"])
    .execute();
  await db.schema
    .createIndex("endorsements_target_account_id_fk")
    .on("endorsements")
    .column("target_account_id")
    .execute();

  await db.schema.alterTable("status_edits").addColumn("media_attributes", "text").execute();
}

export const migration018: Migration = { name: "018-lists-tags-endorsements", up };
