// Hashtag -> Mastodon Tag JSON (docs: Entities > Tag). `history` is the last week's uses, newest day
// first, counted over the posts the viewer may see (empty where no history was asked for, as in
// search results); following tags is not available, so `following` is false.

export interface TagDay {
  /** YYYY-MM-DD */
  day: string;
  uses: number;
  accounts: number;
}

export function tagToApi(
  origin: string,
  name: string,
  options: { signedIn?: boolean; history?: readonly TagDay[] } = {},
) {
  return {
    name,
    url: `${origin}/tags/${encodeURIComponent(name)}`,
    // Mastodon sends the day as a UNIX time in seconds and the counts as strings.
    history: (options.history ?? []).map((d) => ({
      day: String(Date.parse(d.day) / 1000),
      uses: String(d.uses),
      accounts: String(d.accounts),
    })),
    // Only for a token with a user, as Mastodon sends it.
    ...(options.signedIn ? { following: false } : {}),
  };
}

export type ApiTag = ReturnType<typeof tagToApi>;
