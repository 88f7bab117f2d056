// Unused apps expire (issue 9, finding 9): each app keeps the day from which it may be deleted if it
// then holds no token and no authorisation code — a day, never a time. Registering, and each token
// or code issued, moves it to a week later. Apps already registered get a week from the upgrade.
import { type Kysely, sql } from "kysely";
import type { DialectName, Migration } from "./migration.ts";

async function up(db: Kysely<any>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable("oauth_apps")
    .addColumn("expires_day", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  await sql`UPDATE oauth_apps SET expires_day = ${inAWeek}`.execute(db);
}

export const migration013: Migration = { name: "013-app-expiry", up };
