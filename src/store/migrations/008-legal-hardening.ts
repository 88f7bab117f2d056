// Hardening the legal office (issue 9): wrong second-factor codes are counted and lock the factor
// (findings 1), used codes are remembered in the database so every process refuses a replay
// (finding 21), and signed heads of the audit log are kept so a rewritten log is found (finding 12).
// TOTP secrets are sealed at rest by the service at start (the key is a file, not in the database).
import type { Kysely } from "kysely";
import { type DialectName, flag, type Migration, serialId } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bigint = dialect === "sqlite" ? "integer" : "bigint";

  await db.schema
    .alterTable("staff_second_factors")
    .addColumn("failed_codes", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("staff_second_factors").addColumn("locked", "integer", flag).execute();

  // Only the 30-second step number of each accepted code, for about a minute and a half.
  await db.schema
    .createTable("staff_used_codes")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("step", bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint("staff_used_codes_pk", ["account_id", "step"])
    .execute();

  await serialId(db.schema.createTable("legal_audit_heads"), dialect)
    .addColumn("seq", bigint, (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("day", "text")
    .addColumn("occasion", "text", (c) => c.notNull())
    .addColumn("statement", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .addColumn("key_fingerprint", "text", (c) => c.notNull())
    .execute();
}

export const migration008: Migration = { name: "008-legal-hardening", up };
