// Hashtag -> Mastodon Tag JSON (docs: Entities > Tag). `history` is the last week's uses, newest day
// first, counted over the posts the viewer may see (empty where no history was asked for, as in
// search results); `id` is derived from the name (tagId).
import { createHash } from "node:crypto";
import type { FeaturedTag, Tag } from "../../domain/tag.ts";

/**
 * Tag.id (Mastodon 4.3): a number derived from the lower-cased name, not the table's serial key,
 * which would tell in what order hashtags were first used. Same name, same id, on every server.
 */
export function tagId(name: string): string {
  const digest = createHash("sha256").update(`publius-tag:${name.toLowerCase()}`).digest();
  // 63 bits: a positive integer, as Mastodon's ids are.
  return (digest.readBigUInt64BE(0) >> 1n).toString();
}

export interface TagDay {
  /** YYYY-MM-DD */
  day: string;
  uses: number;
  accounts: number;
}

export function tagToApi(
  origin: string,
  name: string,
  options: { signedIn?: boolean; following?: boolean; featuring?: boolean; history?: readonly TagDay[] } = {},
) {
  return {
    id: tagId(name),
    name,
    url: `${origin}/tags/${encodeURIComponent(name)}`,
    // Mastodon sends the day as a UNIX time in seconds and the counts as strings.
    history: (options.history ?? []).map((d) => ({
      day: String(Date.parse(d.day) / 1000),
      uses: String(d.uses),
      accounts: String(d.accounts),
    })),
    // Only for a token with a user, as Mastodon sends it.
    ...(options.signedIn || options.following !== undefined ? { following: options.following ?? false } : {}),
    ...(options.featuring === undefined ? {} : { featuring: options.featuring }),
  };
}

/** A Tag with what the viewer does with it; `id` is always tagId(name), whatever the table's key. */
export function tagEntityToApi(origin: string, tag: Tag, history?: readonly TagDay[]) {
  return tagToApi(origin, tag.name, {
    ...(history ? { history } : {}),
    ...(tag.following === undefined ? {} : { following: tag.following }),
    ...(tag.featuring === undefined ? {} : { featuring: tag.featuring }),
  });
}

export function featuredTagToApi(origin: string, f: FeaturedTag) {
  return {
    id: f.id,
    name: f.name,
    url: `${origin}/tags/${encodeURIComponent(f.name)}`,
    statuses_count: f.statusesCount,
    last_status_at: f.lastStatusDay,
  };
}

export type ApiTag = ReturnType<typeof tagToApi>;
