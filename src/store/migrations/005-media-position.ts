// Images keep the order the author gave them (media ids are random, so they cannot order themselves).
import type { Kysely } from "kysely";
import type { DialectName, Migration } from "./migration.ts";

async function up(db: Kysely<any>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable("media_attachments")
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export const migration005: Migration = { name: "005-media-position", up };
