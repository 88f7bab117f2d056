// Hashtags. A tag is only ever read through the posts that carry it, with the one visibility rule
// (visibility.ts): a followers-only or deleted post must not make its hashtag, its count or its
// history appear to anyone who may not see the post. A tag no post carries any more is deleted by
// the database itself (trigger of migration 014), whatever removed the last post: a deletion, an
// edit, a moderator, an account's deletion.
import { sql } from "kysely";
import { randomSerial } from "../../domain/ids.ts";
import type { Queryable } from "../store.ts";
import { statusSource } from "./statuses.ts";
import { visibleTo } from "./visibility.ts";

export interface TagUse {
  name: string;
  /** Posts the viewer may see that carry it. */
  uses: number;
}

/** LIKE pattern for a prefix, with the wildcards in the user's text escaped. */
function prefixPattern(q: string): string {
  return `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Posts (not reposts) carrying a tag that the viewer may see. */
function visibleTagged(db: Queryable, viewerId: string | null) {
  return statusSource(db)
    .innerJoin("status_tags as st", "st.status_id", "s.id")
    .innerJoin("tags as t", "t.id", "st.tag_id")
    .where("s.reblog_of_id", "is", null)
    .where(visibleTo(viewerId));
}

/** Tags starting with `term` that the viewer can see on at least one post, with their counts. */
export async function searchVisibleTags(
  db: Queryable,
  viewerId: string | null,
  term: string,
  limit: number,
  offset: number,
): Promise<TagUse[]> {
  const rows = await visibleTagged(db, viewerId)
    .select(["t.name", (eb) => eb.fn.count<number>("s.id").as("uses")])
    .where(sql<boolean>`t.name LIKE ${prefixPattern(term)} ESCAPE '\\'`)
    .groupBy("t.name")
    .orderBy(sql`CASE WHEN t.name = ${term} THEN 0 ELSE 1 END`)
    .orderBy("uses", "desc")
    .orderBy("t.name")
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => ({ name: r.name, uses: Number(r.uses) }));
}

/**
 * Per-day uses and distinct authors of one tag since `fromDay` (YYYY-MM-DD), counting only posts the
 * viewer may see, by the day each was published (a post's time is public).
 */
export async function visibleTagHistory(
  db: Queryable,
  viewerId: string | null,
  name: string,
  fromDay: string,
): Promise<{ day: string; uses: number; accounts: number }[]> {
  const day = sql<string>`substr(s.created_at, 1, 10)`;
  const rows = await visibleTagged(db, viewerId)
    .select([
      day.as("day"),
      (eb) => eb.fn.count<number>("s.id").as("uses"),
      (eb) => eb.fn.count<number>("s.account_id").distinct().as("accounts"),
    ])
    .where("t.name", "=", name)
    .where("s.created_at", ">=", fromDay)
    .groupBy(day)
    .execute();
  return rows.map((r) => ({ day: r.day, uses: Number(r.uses), accounts: Number(r.accounts) }));
}

/**
 * Links a post to its hashtags, making the tags that do not exist yet. Tag ids are random (no order
 * of first use, see domain/ids.ts); a clash with another tag's id is retried with a new one.
 */
/**
 * The tag's row, made (with a random key) when no row has the name yet. The upsert also locks an
 * existing row until the caller's transaction ends, so a concurrent "forget the unused tag" trigger
 * (migrations 014/018) waits, then sees the new link and keeps the tag; a tag it deleted first is
 * made anew here.
 */
export async function ensureTag(tx: Queryable, name: string): Promise<{ id: number; name: string }> {
  const tag = await tx
    .insertInto("tags")
    .values({ id: randomSerial(), name })
    .onConflict((oc) => oc.column("name").doUpdateSet({ name }))
    .returning(["id", "name"])
    .executeTakeFirstOrThrow();
  return { id: Number(tag.id), name: tag.name };
}

export async function linkTags(tx: Queryable, statusId: string, names: readonly string[]): Promise<void> {
  for (const name of new Set(names)) {
    const tag = await ensureTag(tx, name);
    await tx.insertInto("status_tags").values({ status_id: statusId, tag_id: tag.id }).execute();
  }
}

export async function unlinkTags(tx: Queryable, statusId: string): Promise<void> {
  await tx.deleteFrom("status_tags").where("status_id", "=", statusId).execute();
}
