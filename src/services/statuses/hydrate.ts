// Rows -> Status values, in a fixed number of queries however many posts: authors, reposted posts,
// mentions, tags, and whether the viewer liked or reposted each.

import type { Selectable } from "kysely";
import type { MediaAttachment, Status, Visibility } from "../../domain/status.ts";
import { findAccountsByIds } from "../../store/repos/accounts.ts";
import { STATUS_COLUMNS, type StatusRow, statusSource } from "../../store/repos/statuses.ts";
import type { MediaAttachmentsTable } from "../../store/schema/media.ts";
import type { Queryable } from "../../store/store.ts";

export async function hydrateStatuses(db: Queryable, rows: StatusRow[], viewerId: string | null): Promise<Status[]> {
  if (rows.length === 0) return [];
  const reblogIds = rows.map((r) => r.reblog_of_id).filter((id): id is string => id !== null);
  const originals = reblogIds.length
    ? await statusSource(db)
        .select(STATUS_COLUMNS)
        .where("s.id", "in", [...new Set(reblogIds)])
        .execute()
    : [];
  const all = [...rows, ...originals];
  const ids = [...new Set(all.map((r) => r.id))];
  const accounts = await findAccountsByIds(
    db,
    all.map((r) => r.account_id),
  );
  const [mentionRows, tagRows, favRows, reblogRows, mediaRows, bookmarkRows, pinRows] = await Promise.all([
    db
      .selectFrom("mentions")
      .innerJoin("accounts", "accounts.id", "mentions.account_id")
      .select(["mentions.status_id", "accounts.id", "accounts.handle"])
      .where("mentions.status_id", "in", ids)
      .execute(),
    db
      .selectFrom("status_tags")
      .innerJoin("tags", "tags.id", "status_tags.tag_id")
      .select(["status_tags.status_id", "tags.name"])
      .where("status_tags.status_id", "in", ids)
      .execute(),
    viewerId
      ? db
          .selectFrom("favourites")
          .select("status_id")
          .where("account_id", "=", viewerId)
          .where("status_id", "in", ids)
          .execute()
      : Promise.resolve([]),
    viewerId
      ? db
          .selectFrom("statuses")
          .select("reblog_of_id")
          .where("account_id", "=", viewerId)
          .where("reblog_of_id", "in", ids)
          .execute()
      : Promise.resolve([]),
    db
      .selectFrom("media_attachments")
      .selectAll()
      .where("status_id", "in", ids)
      .orderBy("position")
      .orderBy("id")
      .execute(),
    viewerId
      ? db
          .selectFrom("bookmarks")
          .select("status_id")
          .where("account_id", "=", viewerId)
          .where("status_id", "in", ids)
          .execute()
      : Promise.resolve([]),
    db.selectFrom("status_pins").select(["status_id", "account_id"]).where("status_id", "in", ids).execute(),
  ]);
  const mentions = groupBy(mentionRows, (m) => m.status_id);
  const tags = groupBy(tagRows, (t) => t.status_id);
  const favourited = new Set(favRows.map((f) => f.status_id));
  const reblogged = new Set(reblogRows.map((r) => r.reblog_of_id));
  const media = groupBy(mediaRows, (m) => m.status_id as string);
  const bookmarked = new Set(bookmarkRows.map((b) => b.status_id));
  // A pin is the author's own; it shows for everyone.
  const pinned = new Set(pinRows.map((p) => `${p.account_id}:${p.status_id}`));

  const build = (row: StatusRow, reblog: Status | null): Status | undefined => {
    const account = accounts.get(row.account_id);
    if (!account) return undefined;
    return {
      id: row.id,
      account,
      inReplyToId: row.in_reply_to_id,
      inReplyToAccountId: row.in_reply_to_account_id,
      reblog,
      text: row.text,
      content: row.content,
      spoilerText: row.spoiler_text,
      sensitive: row.sensitive === 1,
      visibility: row.visibility as Visibility,
      language: row.language,
      createdAt: row.created_at,
      editedAt: row.edited_at,
      repliesCount: row.replies_count,
      reblogsCount: row.reblogs_count,
      favouritesCount: row.favourites_count,
      mentions: (mentions.get(row.id) ?? []).map((m) => ({ id: m.id, handle: m.handle })),
      tags: (tags.get(row.id) ?? []).map((t) => t.name).sort(),
      media: (media.get(row.id) ?? []).map(toMediaAttachment),
      // A repost shows what the viewer did to the post it reposts, as Mastodon's wrappers do.
      favourited: reblog ? reblog.favourited : favourited.has(row.id),
      reblogged: reblog ? reblog.reblogged : reblogged.has(row.id),
      bookmarked: reblog ? reblog.bookmarked : bookmarked.has(row.id),
      pinned: pinned.has(`${row.account_id}:${row.id}`),
    };
  };
  const originalById = new Map<string, Status>();
  for (const o of originals) {
    const s = build(o, null);
    if (s) originalById.set(o.id, s);
  }
  const out: Status[] = [];
  for (const row of rows) {
    const reblog = row.reblog_of_id ? originalById.get(row.reblog_of_id) : null;
    if (reblog === undefined) continue; // the reposted post is gone
    const s = build(row, reblog);
    if (s) out.push(s);
  }
  return out;
}

export function toMediaAttachment(row: Selectable<MediaAttachmentsTable>): MediaAttachment {
  return {
    id: row.id,
    type: row.type === "gifv" ? "gifv" : "image",
    fileName: row.file_name,
    previewFileName: row.preview_file_name,
    contentType: row.content_type,
    width: row.width,
    height: row.height,
    size: row.size,
    description: row.description,
    focusX: row.focus_x,
    focusY: row.focus_y,
    statusId: row.status_id,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
