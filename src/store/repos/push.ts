// Web Push subscriptions and the delivery queue. Values are stored as the service gives them
// (sealed where the service seals); nothing here opens a sealed value.
import type { PushDeliveriesTable, PushSubscriptionsTable } from "../schema/push.ts";
import type { Queryable } from "../store.ts";

export type PushSubscriptionRow = PushSubscriptionsTable;

export async function subscriptionOfToken(db: Queryable, tokenId: string): Promise<PushSubscriptionRow | undefined> {
  return db.selectFrom("push_subscriptions").selectAll().where("token_id", "=", tokenId).executeTakeFirst();
}

export async function subscriptionById(db: Queryable, id: string): Promise<PushSubscriptionRow | undefined> {
  return db.selectFrom("push_subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Replaces the token's subscription (Mastodon: creating one deletes the old). */
export async function replaceSubscription(db: Queryable, row: PushSubscriptionRow): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom("push_subscriptions").where("token_id", "=", row.token_id).execute();
    await tx.insertInto("push_subscriptions").values(row).execute();
  });
}

export async function updateSubscriptionData(
  db: Queryable,
  tokenId: string,
  data: { alerts: string; policy: string },
): Promise<void> {
  await db.updateTable("push_subscriptions").set(data).where("token_id", "=", tokenId).execute();
}

export async function deleteSubscriptionOfToken(db: Queryable, tokenId: string): Promise<void> {
  await db.deleteFrom("push_subscriptions").where("token_id", "=", tokenId).execute();
}

export async function deleteSubscription(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom("push_subscriptions").where("id", "=", id).execute();
}

/** The account's subscriptions: id, alerts (for choosing whom a new notification is queued for). */
export async function subscriptionsOfAccount(
  db: Queryable,
  accountId: string,
): Promise<Pick<PushSubscriptionRow, "id" | "alerts">[]> {
  return db.selectFrom("push_subscriptions").select(["id", "alerts"]).where("account_id", "=", accountId).execute();
}

export async function enqueueDeliveries(db: Queryable, rows: PushDeliveriesTable[]): Promise<void> {
  if (rows.length) await db.insertInto("push_deliveries").values(rows).execute();
}

export async function dueDeliveries(db: Queryable, now: string, limit: number): Promise<PushDeliveriesTable[]> {
  return db
    .selectFrom("push_deliveries")
    .selectAll()
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * Takes a due row for this worker by moving its due time on, if nobody moved it first. True when
 * this worker has it.
 */
export async function claimDelivery(
  db: Queryable,
  id: string,
  seenDueAt: string,
  claimUntil: string,
): Promise<boolean> {
  const r = await db
    .updateTable("push_deliveries")
    .set({ due_at: claimUntil })
    .where("id", "=", id)
    .where("due_at", "=", seenDueAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function rescheduleDelivery(db: Queryable, id: string, attempts: number, dueAt: string): Promise<void> {
  await db.updateTable("push_deliveries").set({ attempts, due_at: dueAt }).where("id", "=", id).execute();
}

export async function deleteDelivery(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom("push_deliveries").where("id", "=", id).execute();
}

export async function countDeliveries(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom("push_deliveries")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether `accountId` follows `targetId`. */
export async function follows(db: Queryable, accountId: string, targetId: string): Promise<boolean> {
  const row = await db
    .selectFrom("follows")
    .select("id")
    .where("account_id", "=", accountId)
    .where("target_account_id", "=", targetId)
    .executeTakeFirst();
  return row !== undefined;
}
