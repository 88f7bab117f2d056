// Keyset paging on an integer sequence column (follows, likes, bookmarks, notifications …), with
// Mastodon's semantics: newest first; max_id an exclusive upper bound, since_id an exclusive lower
// bound; min_id the page immediately newer than it (read ascending, returned newest first).
// Posts page on their time ids instead (see statuses.ts).
import type { SelectQueryBuilder } from "kysely";
import { serialBound } from "../../domain/ids.ts";
import type { Page } from "../../domain/status.ts";

export async function runSerialPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  column: string,
  page: Page,
  limit: number,
): Promise<O[]> {
  // The column is one of the query's own; Kysely cannot type a column chosen at run time.
  let q = query as SelectQueryBuilder<any, any, O>;
  const maxId = serialBound(page.maxId);
  const sinceId = serialBound(page.sinceId);
  const minId = serialBound(page.minId);
  if (maxId !== undefined) q = q.where(column, "<", maxId);
  if (sinceId !== undefined) q = q.where(column, ">", sinceId);
  if (minId !== undefined) q = q.where(column, ">", minId);
  const ascending = minId !== undefined && sinceId === undefined;
  const rows = await q
    .orderBy(column, ascending ? "asc" : "desc")
    .limit(limit)
    .execute();
  return ascending ? rows.reverse() : rows;
}
