// The web compose form asks for a description of every image; an account may choose to post
// images without one (Settings → Profile). Off by default: alt text is how a blind reader sees.
import type { Kysely } from "kysely";
import type { Migration } from "./migration.ts";

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .addColumn("alt_text_optional", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export const migration020: Migration = { name: "020-alt-text-setting", up };
