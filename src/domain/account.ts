// Accounts as the services hand them out: never the password hash.
export type StaffRole = "admin" | "legal" | "moderator";
export const STAFF_ROLES: readonly StaffRole[] = ["admin", "legal", "moderator"];

export interface Account {
  id: string;
  handle: string;
  displayName: string;
  note: string;
  locked: boolean;
  state: "active" | "pending";
  suspended: boolean;
  createdDay: string;
  followersCount: number;
  followingCount: number;
  statusesCount: number;
  lastStatusDay: string | null;
  /** Re-encoded profile images in the media folder, if set. */
  avatarFile: string | null;
  headerFile: string | null;
  /** Listed in the profile directory (the person's choice; off by default). */
  discoverable: boolean;
}

/** Who is asking. Services decide what they may do from this, never from the route they came by. */
export interface Viewer {
  accountId: string;
  roles: readonly StaffRole[];
}

export const HANDLE_PATTERN = /^[A-Za-z0-9_]{1,30}$/;
export const MAX_DISPLAY_NAME = 30;
export const MAX_NOTE = 500;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

export interface Relationship {
  id: string;
  following: boolean;
  followedBy: boolean;
  requested: boolean;
  requestedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
  /** The viewer's private note about the account ("" when none). */
  note: string;
  /** The viewer features the account on their profile. */
  endorsed: boolean;
}
