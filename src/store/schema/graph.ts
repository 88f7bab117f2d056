import type { Generated } from "kysely";

/** follows, follow_requests, blocks, mutes and favourites share this shape. */
export interface AccountEdgeTable {
  id: Generated<number>;
  account_id: string;
  target_account_id: string;
}

export interface FavouritesTable {
  id: Generated<number>;
  account_id: string;
  status_id: string;
}

/** A person's list of accounts they follow (Mastodon lists). */
export interface ListsTable {
  id: string;
  account_id: string;
  title: string;
  /** followed, list or none: which replies the list timeline shows. */
  replies_policy: string;
  /** 1: the members' posts are kept out of the home timeline. */
  exclusive: number;
}

export interface ListAccountsTable {
  id: Generated<number>;
  list_id: string;
  account_id: string;
}

/** Followed and featured hashtags. */
export interface TagFollowsTable {
  id: Generated<number>;
  account_id: string;
  tag_id: number;
}

export interface FeaturedTagsTable {
  id: string;
  account_id: string;
  tag_id: number;
}
