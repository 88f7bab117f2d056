// An index on every foreign-key column. Without one, each cascaded delete (and each check that
// nothing still points at a deleted row) scans the whole referencing table: deleting an account with
// 8,000 posts took 2.3 s on SQLite, growing quadratically, with every other request waiting.
// test/faults/foreign-key-indexes.test.ts fails when a foreign key without an index appears.
import { type Kysely, sql } from "kysely";
import type { Migration } from "./migration.ts";

/** [table, column]: every foreign key that 001–007 left without an index starting with it. */
export const FOREIGN_KEY_INDEXES: readonly (readonly [string, string])[] = [
  ["idempotency_keys", "status_id"],
  ["invites", "created_by"],
  ["legal_preservations", "demand_id"],
  ["legal_productions", "demand_id"],
  ["notifications", "from_account_id"],
  ["notifications", "status_id"],
  ["oauth_codes", "account_id"],
  ["oauth_codes", "app_id"],
  ["oauth_tokens", "app_id"],
  ["reports", "account_id"],
  ["reports", "status_id"],
  ["reports", "target_account_id"],
];

async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column] of FOREIGN_KEY_INDEXES) {
    await sql`CREATE INDEX IF NOT EXISTS ${sql.id(`${table}_${column}_fk`)} ON ${sql.table(table)} (${sql.ref(column)})`.execute(
      db,
    );
  }
}

export const migration012: Migration = { name: "012-foreign-key-indexes", up };
