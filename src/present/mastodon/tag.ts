// Hashtag -> Mastodon Tag JSON (docs: Entities > Tag). Publius keeps no per-day usage counts, so
// `history` is always empty; following tags is not available, so `following` is false.

export function tagToApi(origin: string, name: string, options: { signedIn?: boolean } = {}) {
  return {
    name,
    url: `${origin}/tags/${encodeURIComponent(name)}`,
    history: [] as { day: string; uses: string; accounts: string }[],
    // Only for a token with a user, as Mastodon sends it.
    ...(options.signedIn ? { following: false } : {}),
  };
}

export type ApiTag = ReturnType<typeof tagToApi>;
