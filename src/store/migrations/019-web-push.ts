// Web Push (RFC 8030/8291/8292): one subscription per OAuth token, and the queue of notifications
// waiting to be pushed. The endpoint and keys are sealed at rest (services/legal/secret-box.ts):
// a push endpoint names the person's device to the push service, so a database dump alone must not
// give it away. The queue keeps only which notification goes to which subscription; the text is
// built when it is sent, and a dismissed notification or a revoked token takes its rows with it.
import type { Kysely } from "kysely";
import { type DialectName, flag, type Migration, withoutRowid } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await withoutRowid(db.schema.createTable("push_subscriptions"), dialect)
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_id", "text", (c) => c.notNull().unique().references("oauth_tokens.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id").onDelete("cascade"))
    .addColumn("endpoint", "text", (c) => c.notNull())
    .addColumn("p256dh", "text", (c) => c.notNull())
    .addColumn("auth_secret", "text", (c) => c.notNull())
    .addColumn("standard", "integer", flag)
    /** JSON: { mention: true, ... } with Mastodon's alert names. */
    .addColumn("alerts", "text", (c) => c.notNull())
    .addColumn("policy", "text", (c) => c.notNull().defaultTo("all"))
    .execute();
  await db.schema.createIndex("push_subscriptions_account").on("push_subscriptions").column("account_id").execute();

  await withoutRowid(db.schema.createTable("push_deliveries"), dialect)
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("subscription_id", "text", (c) => c.notNull().references("push_subscriptions.id").onDelete("cascade"))
    .addColumn("notification_id", "bigint", (c) => c.notNull().references("notifications.id").onDelete("cascade"))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    /** To the minute; a claimed row is pushed two minutes ahead, so another worker leaves it alone. */
    .addColumn("due_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("push_deliveries_due").on("push_deliveries").column("due_at").execute();
  await db.schema
    .createIndex("push_deliveries_subscription_id_fk")
    .on("push_deliveries")
    .column("subscription_id")
    .execute();
  await db.schema
    .createIndex("push_deliveries_notification_id_fk")
    .on("push_deliveries")
    .column("notification_id")
    .execute();
}

export const migration019: Migration = { name: "019-web-push", up };
