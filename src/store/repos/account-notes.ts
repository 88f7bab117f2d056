// Private notes one account keeps about others (Mastodon's Relationship.note).
import type { Queryable, Tx } from "../store.ts";

export async function notesAbout(
  db: Queryable,
  accountId: string,
  targetIds: readonly string[],
): Promise<Map<string, string>> {
  if (targetIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("account_notes")
    .select(["target_account_id", "comment"])
    .where("account_id", "=", accountId)
    .where("target_account_id", "in", [...targetIds])
    .execute();
  return new Map(rows.map((r) => [r.target_account_id, r.comment]));
}

/** Writes the note; an empty one is deleted, not kept as an empty row. */
export async function putNote(tx: Tx, accountId: string, targetId: string, comment: string): Promise<void> {
  await tx
    .deleteFrom("account_notes")
    .where("account_id", "=", accountId)
    .where("target_account_id", "=", targetId)
    .execute();
  if (comment !== "") {
    await tx
      .insertInto("account_notes")
      .values({ account_id: accountId, target_account_id: targetId, comment })
      .execute();
  }
}
