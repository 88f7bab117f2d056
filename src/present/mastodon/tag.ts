// Hashtag -> Mastodon Tag JSON (docs: Entities > Tag). Publius keeps no per-day usage counts, so
// `history` is always empty; following tags is not available, so `following` is false.
import { createHash } from "node:crypto";

/**
 * Tag.id (Mastodon 4.3): a number derived from the lower-cased name, not the table's serial key,
 * which would tell in what order hashtags were first used. Same name, same id, on every server.
 */
export function tagId(name: string): string {
  const digest = createHash("sha256").update(`publius-tag:${name.toLowerCase()}`).digest();
  // 63 bits: a positive integer, as Mastodon's ids are.
  return (digest.readBigUInt64BE(0) >> 1n).toString();
}

export function tagToApi(origin: string, name: string, options: { signedIn?: boolean } = {}) {
  return {
    id: tagId(name),
    name,
    url: `${origin}/tags/${encodeURIComponent(name)}`,
    history: [] as { day: string; uses: string; accounts: string }[],
    // Only for a token with a user, as Mastodon sends it.
    ...(options.signedIn ? { following: false } : {}),
  };
}

export type ApiTag = ReturnType<typeof tagToApi>;
