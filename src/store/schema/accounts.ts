import type { Generated } from "kysely";

/** A person's account. Deliberately no e-mail, phone, address, IP address or last-seen column. */
export interface AccountsTable {
  id: string;
  handle: string;
  /** Lower-cased handle: uniqueness without regard to case. */
  handle_lower: string;
  display_name: string;
  note: string;
  locked: number;
  password_hash: string;
  /** "active" | "pending" (approval mode, awaiting staff) | "deleting" (hidden; its posts are being purged) */
  state: string;
  /** The applicant's reason in approval mode; erased once decided. */
  registration_reason: string | null;
  suspended: number;
  /** The day (YYYY-MM-DD) the account was made: never a finer time. */
  created_day: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  /** The date (YYYY-MM-DD) of the last post, as Mastodon shows it. */
  last_status_day: string | null;
  /** Re-encoded image files in the media folder (random names). */
  avatar_file: string | null;
  header_file: string | null;
  /** Posting defaults (Mastodon preferences). */
  default_visibility: Generated<string>;
  default_sensitive: Generated<number>;
  default_language: string | null;
  /** "off" | "15m" | "1h" | "6h": random publishing delay for every post. */
  post_delay: Generated<string>;
  /** Listed in the profile directory (GET /api/v1/directory); off unless the person turns it on. */
  discoverable: Generated<number>;
  /** 1 when the web compose form may publish images without a description. */
  alt_text_optional: Generated<number>;
  /** 1 while the account still has the one-time password `publius staff create` printed. */
  password_change_required: Generated<number>;
  /** 1 from a staff approval until the applicant's next sign-in has told them. */
  approval_unseen: Generated<number>;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  token_hash: string;
  account_id: string;
  created_day: string;
  expires_day: string;
}

export interface StaffRolesTable {
  account_id: string;
  /** "admin" | "legal" | "moderator" */
  role: string;
}

export interface InvitesTable {
  code: string;
  /** Who made it; null for the command line. Who used it is never recorded. */
  created_by: string | null;
  /** null = unlimited */
  max_uses: number | null;
  uses: number;
  expires_day: string | null;
  created_day: string;
}
