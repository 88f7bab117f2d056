// Removing a post, for its author and for moderators alike.
import { PostgresAdapter, sql } from "kysely";
import type { Tx } from "../../store/store.ts";

/**
 * Deletes a post and keeps every counter true: its author's post count, the parent's reply count,
 * and the post counts of those whose reposts of it go with it. Used by authors and by moderators.
 */
export async function removeStatus(tx: Tx, statusId: string): Promise<void> {
  // On PostgreSQL, hold the post's row first: a second deletion racing this one (a double click)
  // then waits, finds the post gone and changes nothing, instead of decrementing every counter
  // twice; a racing repost either finishes first (and is counted) or finds the post gone.
  let select = tx.selectFrom("statuses").select(["account_id", "in_reply_to_id", "reblog_of_id"]);
  if (tx.getExecutor().adapter instanceof PostgresAdapter) select = select.forUpdate();
  const row = await select.where("id", "=", statusId).executeTakeFirst();
  if (!row) return;
  const reposters = await tx
    .selectFrom("statuses")
    .select(["account_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("reblog_of_id", "=", statusId)
    .groupBy("account_id")
    .execute();
  await subtractStatuses(tx, reposters);
  await tx
    .updateTable("accounts")
    .set({ statuses_count: sql`statuses_count - 1` })
    .where("id", "=", row.account_id)
    .execute();
  if (row.in_reply_to_id) {
    await tx
      .updateTable("statuses")
      .set({ replies_count: sql`replies_count - 1` })
      .where("id", "=", row.in_reply_to_id)
      .execute();
  }
  if (row.reblog_of_id) {
    await tx
      .updateTable("statuses")
      .set({ reblogs_count: sql`reblogs_count - 1` })
      .where("id", "=", row.reblog_of_id)
      .execute();
  }
  await tx.deleteFrom("statuses").where("reblog_of_id", "=", statusId).execute();
  await tx.deleteFrom("statuses").where("id", "=", statusId).execute();
}

/** Lowers accounts' post counts by the number of their posts that are going (reposts swept along). */
export async function subtractStatuses(tx: Tx, counts: readonly { account_id: string; n: number }[]): Promise<void> {
  for (const r of counts) {
    await tx
      .updateTable("accounts")
      .set({ statuses_count: sql`statuses_count - ${Number(r.n)}` })
      .where("id", "=", r.account_id)
      .execute();
  }
}
