// What the server says about itself: counts of active, unsuspended accounts and their posts.
import { sql } from "kysely";
import type { Queryable } from "../store.ts";

export interface ServerCounts {
  users: number;
  statuses: number;
  /** Accounts whose last post is on or after each given day (YYYY-MM-DD), in order. */
  activeSince: number[];
}

export async function serverCounts(db: Queryable, days: string[]): Promise<ServerCounts> {
  const row = await db
    .selectFrom("accounts")
    .select((eb) => [
      eb.fn.countAll<number>().as("users"),
      eb.fn.sum<number>("statuses_count").as("statuses"),
      ...days.map((day, i) =>
        eb.fn.sum<number>(eb.case().when("last_status_day", ">=", day).then(1).else(0).end()).as(`active${i}`),
      ),
    ])
    .where("state", "=", "active")
    .where("suspended", "=", 0)
    .executeTakeFirst();
  const r = (row ?? {}) as Record<string, unknown>;
  return {
    users: Number(r.users ?? 0),
    statuses: Number(r.statuses ?? 0),
    activeSince: days.map((_, i) => Number(r[`active${i}`] ?? 0)),
  };
}

/** True when the database answers a trivial query (for /health). */
export async function databaseAnswers(db: Queryable): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
