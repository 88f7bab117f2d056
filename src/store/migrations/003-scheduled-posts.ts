// Delayed and scheduled posting. A waiting post keeps only what it will say and when it is due: its
// id and public time are made when it is published, so nothing records when it was written.
import type { Kysely } from "kysely";
import type { DialectName, Migration } from "./migration.ts";

async function up(db: Kysely<any>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("scheduled_statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("params", "text", (c) => c.notNull())
    .addColumn("scheduled_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("scheduled_statuses_due").on("scheduled_statuses").column("scheduled_at").execute();
  await db.schema.createIndex("scheduled_statuses_account").on("scheduled_statuses").column("account_id").execute();
  // "off" | "15m" | "1h" | "6h": every post waits a random time within the window.
  await db.schema
    .alterTable("accounts")
    .addColumn("post_delay", "text", (c) => c.notNull().defaultTo("off"))
    .execute();
}

export const migration003: Migration = { name: "003-scheduled-posts", up };
