/** follows, follow_requests, blocks, mutes and favourites share this shape. */
export interface AccountEdgeTable {
  /** Random (graph, likes) or hour + random (notifications): see domain/ids.ts. */
  id: number;
  account_id: string;
  target_account_id: string;
}

export interface FavouritesTable {
  /** Random (graph, likes) or hour + random (notifications): see domain/ids.ts. */
  id: number;
  account_id: string;
  status_id: string;
}

/** A private note one account keeps about another (Mastodon's Relationship.note). */
export interface AccountNotesTable {
  account_id: string;
  target_account_id: string;
  comment: string;
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
  /** Random (domain/ids.ts randomSerial): the order of adding is not kept. */
  id: number;
  list_id: string;
  account_id: string;
}

/** Followed and featured hashtags. */
export interface TagFollowsTable {
  /** Random (domain/ids.ts randomSerial): the order of following is not kept. */
  id: number;
  account_id: string;
  tag_id: number;
}

export interface FeaturedTagsTable {
  id: string;
  account_id: string;
  tag_id: number;
}
