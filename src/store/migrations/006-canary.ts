// The warrant canary (issue 6): each signed statement, kept so the history of renewals stays
// visible. The statement is stored as the exact canonical bytes that were signed.
import type { Kysely } from "kysely";
import { type DialectName, type Migration, serialId } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await serialId(db.schema.createTable("warrant_canaries"), dialect)
    .addColumn("issued_day", "text", (c) => c.notNull())
    .addColumn("next_renewal_day", "text", (c) => c.notNull())
    .addColumn("statement", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .addColumn("key_fingerprint", "text", (c) => c.notNull())
    .execute();
}

export const migration006: Migration = { name: "006-canary", up };
