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
