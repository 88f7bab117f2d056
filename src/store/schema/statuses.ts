import type { Generated } from "kysely";

export interface StatusesTable {
  /** Time-sortable id (see domain/ids.ts): a post's time is public. */
  id: string;
  account_id: string;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog_of_id: string | null;
  /** What the author typed. */
  text: string;
  /** Rendered, escaped HTML. */
  content: string;
  spoiler_text: string;
  sensitive: number;
  /** "public" | "unlisted" | "private" (followers only) */
  visibility: string;
  language: string | null;
  created_at: string;
  edited_at: string | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
}

/** Every earlier version of an edited post, as Mastodon 4 keeps them. */
export interface StatusEditsTable {
  id: Generated<number>;
  status_id: string;
  text: string;
  content: string;
  spoiler_text: string;
  sensitive: number;
  created_at: string;
  /** JSON: that version's images, [{id, description, focus_x, focus_y}] in order; null before 018. */
  media_attributes: string | null;
}

export interface MentionsTable {
  status_id: string;
  account_id: string;
}

export interface TagsTable {
  /** Random (domain/ids.ts randomSerial): no order of first use. */
  id: number;
  /** Lower-cased: hashtags match without regard to case. */
  name: string;
}

export interface StatusTagsTable {
  status_id: string;
  tag_id: number;
}

/** Makes a double-submitted compose form or a retried API call create one post, not two. */
export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  status_id: string;
  expires_at: string;
}

/** bookmarks and status_pins: a person and a post. */
export interface AccountStatusEdgeTable {
  /** Random (domain/ids.ts randomSerial): no order of insertion. */
  id: number;
  account_id: string;
  status_id: string;
}

/** A post waiting to be published (delayed or scheduled). */
export interface ScheduledStatusesTable {
  id: string;
  account_id: string;
  /** JSON: text, spoiler_text, sensitive, visibility, in_reply_to_id, language, media_ids. */
  params: string;
  /** When it is due, to the minute. */
  scheduled_at: string;
}
