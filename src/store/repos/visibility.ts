// Who may see which post, written once as SQL and used by every query that returns posts: timelines,
// threads, search, notifications and single-post look-ups. Queries alias the post `s`, its author
// `a`, the reposted post `r` and that post's author `ra` (see statusSource()).
import { type RawBuilder, sql } from "kysely";

/** public and unlisted can be seen by anyone who can see their author. */
const OPEN = sql`s.visibility IN ('public', 'unlisted')`;

/**
 * The post is visible to the viewer: its author (and the reposted post's author) are not suspended;
 * followers-only posts only to the author, followers and those mentioned; nothing across a block.
 */
export function visibleTo(viewerId: string | null): RawBuilder<boolean> {
  const live = sql`a.suspended = 0 AND (s.reblog_of_id IS NULL OR ra.suspended = 0)`;
  if (viewerId === null) return sql<boolean>`(${live} AND ${OPEN})`;
  return sql<boolean>`(${live}
    AND (${OPEN}
      OR s.account_id = ${viewerId}
      OR EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = ${viewerId} AND vf.target_account_id = s.account_id)
      OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = s.id AND vm.account_id = ${viewerId}))
    AND ${notBlocked(viewerId)})`;
}

/** Neither the author nor the reposted author blocks the viewer or is blocked by the viewer. */
export function notBlocked(viewerId: string): RawBuilder<boolean> {
  return sql<boolean>`NOT EXISTS (SELECT 1 FROM blocks vb WHERE
      (vb.account_id = ${viewerId} AND (vb.target_account_id = s.account_id OR vb.target_account_id = r.account_id))
      OR (vb.target_account_id = ${viewerId} AND (vb.account_id = s.account_id OR vb.account_id = r.account_id)))`;
}

/** Hidden from the muter's timelines, search and notifications (the mutee sees nothing). */
export function notMuted(viewerId: string | null): RawBuilder<boolean> {
  if (viewerId === null) return sql<boolean>`1 = 1`;
  return sql<boolean>`NOT EXISTS (SELECT 1 FROM mutes vmu WHERE vmu.account_id = ${viewerId}
      AND (vmu.target_account_id = s.account_id OR vmu.target_account_id = r.account_id))`;
}
