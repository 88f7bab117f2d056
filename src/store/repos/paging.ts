// Keyset paging on an integer key (follows, likes, bookmarks, notifications …), with Mastodon's
// semantics: max_id an exclusive upper bound, since_id an exclusive lower bound; min_id the page
// immediately above it (read ascending, returned in descending order). Posts page on their time ids
// instead (see statuses.ts).
//
// The keys say nothing about time or global order (issue 9, finding 5, domain/ids.ts): rows of the
// graph, likes, bookmarks and pins have random keys, so their lists are in a stable random order and
// a Link header's cursor is a random number; notifications have hour + random keys, so they read
// newest hour first and in random order within an hour. Paging down (max_id) is exact either way.
import type { SelectQueryBuilder } from "kysely";
import { serialBound } from "../../domain/ids.ts";
import type { Page } from "../../domain/status.ts";

export interface SerialPageOptions {
  /**
   * Widens since_id to the lowest key of the same coarse bucket (the hour, for
   * notifications): a row made later in the same hour may have a lower random part than the one a
   * client saw last, and would otherwise never reach a client that polls with since_id. Such a
   * client gets the rest of that hour again (clients merge by id), never misses one.
   */
  bucketFloor?: (key: number) => number;
}

export async function runSerialPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  column: string,
  page: Page,
  limit: number,
  options: SerialPageOptions = {},
): Promise<O[]> {
  // The column is one of the query's own; Kysely cannot type a column chosen at run time.
  let q = query as SelectQueryBuilder<any, any, O>;
  const maxId = serialBound(page.maxId);
  const sinceId = serialBound(page.sinceId);
  const minId = serialBound(page.minId);
  const above = (bound: number) => {
    if (!options.bucketFloor) {
      q = q.where(column, ">", bound);
      return;
    }
    q = q.where(column, ">=", options.bucketFloor(bound)).where(column, "!=", bound);
  };
  if (maxId !== undefined) q = q.where(column, "<", maxId);
  if (sinceId !== undefined) above(sinceId);
  // min_id is "the page right above this one" (a Link prev): exact, or it would skip back to the
  // start of the hour. Polling for what is new is since_id's job.
  if (minId !== undefined) q = q.where(column, ">", minId);
  const ascending = minId !== undefined && sinceId === undefined;
  const rows = await q
    .orderBy(column, ascending ? "asc" : "desc")
    .limit(limit)
    .execute();
  return ascending ? rows.reverse() : rows;
}
