// Legal demands: intake records, the append-only event list, targets and categories, non-disclosure
// orders, notices, responses, preservations, productions, the hash-chained audit log and the staff
// second factor. No column holds an address of any kind; documents and snapshots live as files
// under <dataDir>/legal with random names.
import type { Kysely } from "kysely";
import { type DialectName, flag, type Migration, serialId } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const bigint = dialect === "sqlite" ? "integer" : "bigint";

  await db.schema
    .createTable("legal_demands")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("process_type", "text", (c) => c.notNull())
    .addColumn("agency", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("requester", "text", (c) => c.notNull())
    .addColumn("requester_contact", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("authority", "text", (c) => c.notNull())
    .addColumn("reference", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("received_day", "text", (c) => c.notNull())
    .addColumn("due_day", "text")
    .addColumn("requested_verbatim", "text", (c) => c.notNull())
    .addColumn("secrecy_requested", "integer", flag)
    .addColumn("good_faith_statement", "text")
    .addColumn("document_file", "text")
    .addColumn("document_sha256", "text")
    .addColumn("document_type", "text")
    .addColumn("document_size", bigint)
    .addColumn("recorded_day", "text", (c) => c.notNull())
    .execute();

  // Demands outlive the accounts they name: no foreign keys to accounts, so the record stays.
  await serialId(db.schema.createTable("legal_demand_targets"), dialect)
    .addColumn("demand_id", "text", (c) => c.notNull().references("legal_demands.id"))
    .addColumn("handle_given", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .execute();
  await db.schema.createIndex("legal_demand_targets_demand").on("legal_demand_targets").column("demand_id").execute();
  await db.schema.createIndex("legal_demand_targets_account").on("legal_demand_targets").column("account_id").execute();

  await db.schema
    .createTable("legal_demand_categories")
    .addColumn("demand_id", "text", (c) => c.notNull().references("legal_demands.id"))
    .addColumn("category", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("legal_demand_categories_pk", ["demand_id", "category"])
    .execute();

  await serialId(db.schema.createTable("legal_events"), dialect)
    .addColumn("demand_id", "text", (c) => c.notNull().references("legal_demands.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("actor_account_id", "text")
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("legal_events_demand").on("legal_events").columns(["demand_id", "id"]).execute();

  await serialId(db.schema.createTable("legal_nondisclosure_orders"), dialect)
    .addColumn("demand_id", "text", (c) => c.notNull().references("legal_demands.id"))
    .addColumn("court", "text", (c) => c.notNull())
    .addColumn("docket", "text", (c) => c.notNull())
    .addColumn("end_day", "text")
    .addColumn("lifted_day", "text")
    .addColumn("recorded_day", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("legal_nondisclosure_orders_demand")
    .on("legal_nondisclosure_orders")
    .column("demand_id")
    .execute();

  await serialId(db.schema.createTable("legal_notices"), dialect)
    .addColumn("demand_id", "text", (c) => c.notNull().references("legal_demands.id"))
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("send_after", "text")
    .addColumn("sent_at", "text")
    .addColumn("read", "integer", flag)
    .addUniqueConstraint("legal_notices_pair", ["demand_id", "account_id"])
    .execute();
  await db.schema.createIndex("legal_notices_account").on("legal_notices").columns(["account_id", "state"]).execute();
  await db.schema.createIndex("legal_notices_due").on("legal_notices").columns(["state", "send_after"]).execute();

  await serialId(db.schema.createTable("legal_responses"), dialect)
    .addColumn("demand_id", "text", (c) => c.notNull().references("legal_demands.id"))
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_day", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("legal_responses_demand").on("legal_responses").column("demand_id").execute();

  await db.schema
    .createTable("legal_preservations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("demand_id", "text", (c) => c.notNull().references("legal_demands.id"))
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("snapshot_file", "text")
    .addColumn("snapshot_sha256", "text", (c) => c.notNull())
    .addColumn("created_day", "text", (c) => c.notNull())
    .addColumn("expires_day", "text", (c) => c.notNull())
    .addColumn("extended", "integer", flag)
    .addColumn("destroyed_day", "text")
    .execute();
  await db.schema
    .createIndex("legal_preservations_expiry")
    .on("legal_preservations")
    .columns(["destroyed_day", "expires_day"])
    .execute();

  await db.schema
    .createTable("legal_productions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("demand_id", "text", (c) => c.notNull().references("legal_demands.id"))
    .addColumn("folder", "text", (c) => c.notNull().unique())
    .addColumn("manifest_sha256", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("released_at", "text")
    .execute();

  // seq is assigned by the writer and is part of what each hash commits to; prev_hash is unique,
  // so two writers racing for the same place cannot fork the chain.
  await db.schema
    .createTable("legal_audit_log")
    .addColumn("seq", bigint, (c) => c.primaryKey())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_account_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("demand_id", "text")
    .addColumn("subject", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("prev_hash", "text", (c) => c.notNull().unique())
    .addColumn("hash", "text", (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable("staff_second_factors")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id").onDelete("cascade"))
    .addColumn("totp_secret", "text", (c) => c.notNull())
    .addColumn("confirmed", "integer", flag)
    .addColumn("created_day", "text", (c) => c.notNull())
    .execute();
}

export const migration004: Migration = { name: "004-legal", up };
