import type { Account } from "./account.ts";

export type Visibility = "public" | "unlisted" | "private";
export const VISIBILITIES: readonly Visibility[] = ["public", "unlisted", "private"];

export interface Status {
  id: string;
  account: Account;
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  /** The post this one reposts; its own text fields are then empty. */
  reblog: Status | null;
  text: string;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  createdAt: string;
  editedAt: string | null;
  repliesCount: number;
  reblogsCount: number;
  favouritesCount: number;
  mentions: { id: string; handle: string }[];
  tags: string[];
  media: MediaAttachment[];
  /** Viewer-relative; false for anonymous viewers. */
  favourited: boolean;
  reblogged: boolean;
  bookmarked: boolean;
  pinned: boolean;
}

/** An image attached to a post: re-encoded, metadata stripped, stored under a random name. */
export interface MediaAttachment {
  id: string;
  type: "image" | "gifv";
  fileName: string;
  previewFileName: string;
  contentType: string;
  width: number;
  height: number;
  size: number;
  description: string | null;
  focusX: number;
  focusY: number;
  /** The post it belongs to; null while it waits to be attached. */
  statusId: string | null;
}

export interface StatusEdit {
  text: string;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  createdAt: string;
  account: Account;
  /** That version's images with their descriptions then; undefined for versions kept before 018. */
  media?: MediaAttachment[] | undefined;
}

/** Keyset paging, as Mastodon's max_id / since_id / min_id. */
export interface Page {
  maxId?: string | undefined;
  sinceId?: string | undefined;
  minId?: string | undefined;
  limit?: number | undefined;
}

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 40;

export function pageLimit(page: Page, fallback = DEFAULT_PAGE, max = MAX_PAGE): number {
  const n = page.limit ?? fallback;
  if (!Number.isFinite(n) || n < 1) return fallback;
  return Math.min(Math.floor(n), max);
}
