// Issue 13, item 8: what an account's next sign-in must tell or ask. An account made by
// `publius staff create` carries a one-time password and must choose its own before anything else;
// an approved applicant hears of the approval at the next sign-in. Both are cleared once done.
import type { Kysely } from "kysely";
import type { Migration } from "./migration.ts";

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .addColumn("password_change_required", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("accounts")
    .addColumn("approval_unseen", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export const migration021: Migration = { name: "021-first-sign-in", up };
