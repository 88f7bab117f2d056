// Mastodon API reports, private account notes and the profile directory (issue 12).
//
// reports.category: spam, legal, violation or other, as the Mastodon API's Report has it.
// report_statuses: every post a report names (the API takes several; reports.status_id keeps the
// first, which the moderation queue shows). Rows go with the report or the post.
// account_notes: a private note one account keeps about another (Relationship.note); it goes with
// either account.
// accounts.discoverable: whether the account is listed in the profile directory (off by default).
import type { Kysely } from "kysely";
import { type DialectName, flag, type Migration, withoutRowid } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable("reports")
    .addColumn("category", "text", (c) => c.notNull().defaultTo("other"))
    .execute();
  await db.schema.alterTable("accounts").addColumn("discoverable", "integer", flag).execute();

  await withoutRowid(db.schema.createTable("report_statuses"), dialect)
    .addColumn("report_id", "bigint", (c) => c.notNull().references("reports.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) => c.notNull().references("statuses.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("report_statuses_pk", ["report_id", "status_id"])
    .execute();
  await db.schema.createIndex("report_statuses_status_id_fk").on("report_statuses").column("status_id").execute();

  await withoutRowid(db.schema.createTable("account_notes"), dialect)
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("comment", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("account_notes_pk", ["account_id", "target_account_id"])
    .execute();
  await db.schema
    .createIndex("account_notes_target_account_id_fk")
    .on("account_notes")
    .column("target_account_id")
    .execute();
  await db.schema.createIndex("accounts_directory").on("accounts").columns(["discoverable", "handle_lower"]).execute();
}

export const migration017: Migration = { name: "017-reports-notes-directory", up };
