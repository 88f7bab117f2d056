export interface NotificationsTable {
  /** Random (graph, likes) or hour + random (notifications): see domain/ids.ts. */
  id: number;
  account_id: string;
  from_account_id: string;
  /** "mention" | "follow" | "follow_request" | "reblog" | "favourite" */
  type: string;
  status_id: string | null;
  read: number;
  /** Kept to the hour: when somebody liked or followed is not the public's business. */
  created_at: string;
}

/** Where the user stopped reading a timeline (Mastodon markers). */
export interface MarkersTable {
  account_id: string;
  /** "home" | "notifications" */
  timeline: string;
  last_read_id: string;
  version: number;
  /** Kept to the hour. */
  updated_at: string;
}
