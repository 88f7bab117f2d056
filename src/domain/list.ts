// Lists (Mastodon's List entity): a person's private selection of accounts they follow, with its own
// timeline. `exclusive` keeps the members' posts out of home; `repliesPolicy` chooses which replies
// the list timeline shows (followed: replies to anyone the owner follows; list: to members; none).
export const REPLIES_POLICIES = ["followed", "list", "none"] as const;
export type RepliesPolicy = (typeof REPLIES_POLICIES)[number];

export interface List {
  id: string;
  title: string;
  repliesPolicy: RepliesPolicy;
  exclusive: boolean;
}

/** As Mastodon: at most this many lists per account. */
export const MAX_LISTS = 50;
export const MAX_LIST_TITLE = 200;

export function isRepliesPolicy(value: string): value is RepliesPolicy {
  return (REPLIES_POLICIES as readonly string[]).includes(value);
}
