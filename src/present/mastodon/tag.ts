// Hashtag -> Mastodon Tag and FeaturedTag JSON (docs: Entities > Tag, FeaturedTag). Publius keeps no
// per-day usage counts, so `history` is always empty.
import type { FeaturedTag, Tag } from "../../domain/tag.ts";

export function tagToApi(
  origin: string,
  name: string,
  options: { signedIn?: boolean; following?: boolean; featuring?: boolean; id?: string } = {},
) {
  return {
    ...(options.id === undefined ? {} : { id: options.id }),
    name,
    url: `${origin}/tags/${encodeURIComponent(name)}`,
    history: [] as { day: string; uses: string; accounts: string }[],
    // Only for a token with a user, as Mastodon sends it.
    ...(options.signedIn || options.following !== undefined ? { following: options.following ?? false } : {}),
    ...(options.featuring === undefined ? {} : { featuring: options.featuring }),
  };
}

export function tagEntityToApi(origin: string, tag: Tag) {
  return tagToApi(origin, tag.name, {
    id: tag.id,
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
