// Hashtag names as a person types them to follow or feature one: the characters a hashtag in a post
// may have (text.ts), without the leading #, compared lower-cased.
import { normalizeTag } from "./text.ts";

export const MAX_TAG_NAME = 100;
/** As Mastodon: at most this many hashtags featured on a profile. */
export const MAX_FEATURED_TAGS = 10;

const NAME = /^[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*$/u;

/** The stored form of a typed hashtag name, or undefined when it cannot be a hashtag. */
export function hashtagName(typed: string): string | undefined {
  const name = normalizeTag(typed.trim().replace(/^#/, ""));
  if (!name || name.length > MAX_TAG_NAME || !NAME.test(name)) return undefined;
  return name;
}

export interface Tag {
  id: string;
  name: string;
  /** Only known for a signed-in viewer. */
  following?: boolean | undefined;
  /** Whether the viewer features it on their profile (Mastodon 4.4); signed-in viewers only. */
  featuring?: boolean | undefined;
}

export interface FeaturedTag {
  id: string;
  name: string;
  /** The account's public and unlisted posts carrying the tag. */
  statusesCount: number;
  /** The day of the latest of them (a post's time is public), or null. */
  lastStatusDay: string | null;
}
