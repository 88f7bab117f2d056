// Reading posts. Every query starts from statusSource() so the visibility rule applies the same way.
import type { Selectable } from "kysely";
import type { Page } from "../../domain/status.ts";
import type { StatusesTable } from "../schema/statuses.ts";
import type { Queryable } from "../store.ts";

export type StatusRow = Selectable<StatusesTable>;

export const STATUS_COLUMNS = [
  "s.id",
  "s.account_id",
  "s.in_reply_to_id",
  "s.in_reply_to_account_id",
  "s.reblog_of_id",
  "s.text",
  "s.content",
  "s.spoiler_text",
  "s.sensitive",
  "s.visibility",
  "s.language",
  "s.created_at",
  "s.edited_at",
  "s.replies_count",
  "s.reblogs_count",
  "s.favourites_count",
] as const;

/** statuses s, its author a, the reposted post r and its author ra. */
export function statusSource(db: Queryable) {
  return db
    .selectFrom("statuses as s")
    .innerJoin("accounts as a", "a.id", "s.account_id")
    .leftJoin("statuses as r", "r.id", "s.reblog_of_id")
    .leftJoin("accounts as ra", "ra.id", "r.account_id");
}

export type StatusQuery = ReturnType<typeof statusSource>;

/**
 * Applies keyset paging on s.id: newest first; max_id is an exclusive upper bound, since_id an
 * exclusive lower bound; min_id returns the page immediately newer than it (ascending, then reversed
 * by the caller, see finishPage()).
 */
export function pageStatuses<Q extends StatusQuery>(query: Q, page: Page, limit: number): Q {
  let q = query;
  if (page.maxId) q = q.where("s.id", "<", page.maxId) as Q;
  if (page.sinceId) q = q.where("s.id", ">", page.sinceId) as Q;
  if (page.minId) q = q.where("s.id", ">", page.minId) as Q;
  const dir = page.minId && !page.sinceId ? "asc" : "desc";
  return q.orderBy("s.id", dir).limit(limit) as Q;
}

/** Puts a min_id page back into newest-first order. */
export function finishPage<T>(rows: T[], page: Page): T[] {
  return page.minId && !page.sinceId ? rows.reverse() : rows;
}
