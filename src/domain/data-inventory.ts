// The data inventory: every table and column Publius keeps, what it is about a person, why it
// exists, how long it lives and who can see it. A test compares it with the live schema on both
// databases, so a migration cannot add a column that this file does not explain. The holdings
// service ("what we hold about you") and, later, legal productions are computed from it.

/** The categories a legal demand can name (see docs/legal-process.md) and the user's page shows. */
export type DataCategory =
  | "public_profile"
  | "account_login"
  | "contact"
  | "network"
  | "sessions"
  | "account_timestamps"
  | "public_content"
  | "nonpublic_content"
  | "social_graph"
  | "activity"
  | "media"
  | "moderation"
  | "legal"
  | "none";

export interface CategoryInfo {
  id: DataCategory;
  title: string;
  /** Plain words for the user's page and the law-enforcement guidelines. */
  description: string;
  /** True when Publius never collects anything of this kind: the answer is always "not collected by design". */
  notCollected?: boolean;
}

export const CATEGORIES: readonly CategoryInfo[] = [
  {
    id: "public_profile",
    title: "Public profile",
    description:
      "Handle, display name, bio, profile images, whether the account is locked, public counts, featured hashtags.",
  },
  {
    id: "account_login",
    title: "Account identifiers and login",
    description: "The account's internal id, its handle, and a one-way (argon2id) hash of the password.",
  },
  {
    id: "contact",
    title: "Contact data",
    description: "Phone numbers, e-mail addresses, postal addresses, real names.",
    notCollected: true,
  },
  {
    id: "network",
    title: "Network data",
    description:
      "IP addresses, user agents, device identifiers, access logs with addresses. (A push address an app registers for notifications is listed under session records.)",
    notCollected: true,
  },
  {
    id: "sessions",
    title: "Session records",
    description:
      "Signed-in browser sessions and app tokens: one-way hashes, the day each began and the day it ends. No address, device or last use. For an app that turned on push notifications: the push address it gave (a URL at its push service, which that service could tie to a device), its encryption keys and which notifications it wants, sealed at rest and deleted with the token.",
  },
  {
    id: "account_timestamps",
    title: "Account timestamps",
    description: "The day the account was made and the date of its latest post. No sign-in or last-seen times exist.",
  },
  {
    id: "public_content",
    title: "Public content",
    description: "Public and unlisted posts with their edit history, hashtags and mentions.",
  },
  {
    id: "nonpublic_content",
    title: "Non-public content",
    description:
      "Followers-only posts (with their edit history and mentions) and posts waiting to be published. Publius has no private messages.",
  },
  {
    id: "social_graph",
    title: "Social graph",
    description:
      "Whom the account follows, who follows it, follow requests, blocks, mutes, lists and their members, followed hashtags and endorsed accounts.",
  },
  {
    id: "activity",
    title: "Activity and settings",
    description: "Likes, bookmarks, pins, notifications, read markers, posting defaults, invite codes made.",
  },
  {
    id: "media",
    title: "Media",
    description:
      "Images the account attached or set as profile images: re-encoded copies without metadata, with their descriptions.",
  },
  {
    id: "moderation",
    title: "Moderation records",
    description: "Reports made by or about the account and moderation decisions about it.",
  },
  {
    id: "legal",
    title: "Legal records",
    description: "Legal demands naming the account, notices sent to it and its responses.",
  },
];

export type Visibility = "public" | "account" | "followers" | "staff" | "nobody";

export interface ColumnEntry {
  category: DataCategory;
  purpose: string;
  retention: string;
  /** Who can see the value: the public, the account holder, their followers, staff, or nobody (hashes, internals). */
  visibleTo: Visibility;
  /**
   * Sealed at rest with <dataDir>/secrets.key, bound to `<table>.<column>:<row id>`: the holdings
   * service opens it for the person (and so for any production about them).
   */
  sealed?: boolean;
}

export interface TableEntry {
  table: string;
  about: string;
  /** How rows belong to a person (column names), for the holdings service. */
  ownedBy: readonly string[];
  /**
   * Columns withheld when the person is named by the given owner column: what a row says about
   * somebody else (who reported you, which moderator decided) is that other person's data.
   */
  withhold?: Readonly<Record<string, readonly string[]>>;
  /**
   * Legal records about a demand: shown to the person (and so in any production about them) only
   * once the notice of that demand has been sent to them. A non-disclosure order in force delays
   * the notice, and with it this (see docs/legal-process.md).
   */
  gatedByNotice?: boolean;
  /** What the physical and key order of the rows can tell about when they were made (issue 9, finding 5). */
  ordering: Ordering;
  columns: Readonly<Record<string, ColumnEntry>>;
}

/**
 * unordered: no order of insertion anywhere: a key without time (random, or made of other rows'
 * keys) and, on SQLite, WITHOUT ROWID, so no hidden rowid keeps the insertion order.
 * coarse: the key begins with a time at the inventory's granularity, random within it; WITHOUT ROWID.
 * public-time: ordered by a time that is shown publicly anyway (a post's id is its time).
 * record: in the order it was made, on purpose: staff and legal records that carry their own times.
 * On PostgreSQL the heap keeps insertion order until rewritten, whatever the kind
 * (docs/decisions/physical-order.md).
 */
export type OrderingKind = "unordered" | "coarse" | "public-time" | "record";

export interface Ordering {
  kind: OrderingKind;
  /** The key, in words. */
  key: string;
}

const unordered = (key: string): Ordering => ({ kind: "unordered", key });
const coarse = (key: string): Ordering => ({ kind: "coarse", key });
const publicTime = (key: string): Ordering => ({ kind: "public-time", key });
const record = (key: string): Ordering => ({ kind: "record", key });

const UNTIL_DELETED = "until the account or the record is deleted";
const TAG_RETENTION = "until no post carries it (then deleted, and overwritten on SQLite)";
/** Legal records outlive the account: the operator must be able to show what was asked and done. */
const LEGAL_RETENTION = "kept with the demand record, after the account is deleted too";
const c = (category: DataCategory, purpose: string, visibleTo: Visibility, retention = UNTIL_DELETED): ColumnEntry => ({
  category,
  purpose,
  retention,
  visibleTo,
});

const sealed = (entry: ColumnEntry): ColumnEntry => ({ ...entry, sealed: true });

const l = (purpose: string, visibleTo: Visibility, retention = LEGAL_RETENTION): ColumnEntry =>
  c("legal", purpose, visibleTo, retention);

const edge = (category: DataCategory, what: string, visibleTo: Visibility): Record<string, ColumnEntry> => ({
  id: c("none", `key of the ${what} (random: no time, no order of insertion)`, "nobody"),
  account_id: c(category, `who ${what.split(" ")[0]} is by`, visibleTo),
  target_account_id: c(category, `whom the ${what} is about`, visibleTo),
});

export const DATA_INVENTORY: readonly TableEntry[] = [
  {
    table: "accounts",
    ordering: unordered("random id"),
    about: "A person's account.",
    ownedBy: ["id"],
    columns: {
      id: c("account_login", "internal identifier (random, says nothing about time)", "public"),
      handle: c("public_profile", "the name others see and mention", "public"),
      handle_lower: c("account_login", "case-insensitive uniqueness of the handle", "nobody"),
      display_name: c("public_profile", "shown with posts", "public"),
      note: c("public_profile", "the self-description", "public"),
      locked: c("public_profile", "whether follow requests are reviewed", "public"),
      password_hash: c("account_login", "argon2id hash to check the password at sign-in", "nobody"),
      state: c(
        "account_login",
        "active, pending in approval mode, or deleting (hidden while its posts are purged)",
        "staff",
      ),
      registration_reason: c(
        "moderation",
        "why the applicant wants to join (approval mode)",
        "staff",
        "until staff decide, then erased",
      ),
      suspended: c("moderation", "whether moderators suspended the account", "public"),
      created_day: c("account_timestamps", "the day the account was made (never a finer time)", "public"),
      followers_count: c("public_profile", "public count", "public"),
      following_count: c("public_profile", "public count", "public"),
      statuses_count: c("public_profile", "public count", "public"),
      last_status_day: c("account_timestamps", "the date of the latest post, as Mastodon shows it", "public"),
      avatar_file: c("media", "re-encoded profile image", "public"),
      header_file: c("media", "re-encoded header image", "public"),
      default_visibility: c("activity", "posting default", "account"),
      default_sensitive: c("activity", "posting default", "account"),
      default_language: c("activity", "posting default", "account"),
      post_delay: c("activity", "random publishing delay for every post (off, 15 min, 1 h, 6 h)", "account"),
      discoverable: c("public_profile", "whether the account is listed in the profile directory", "public"),
      alt_text_optional: c("activity", "whether the web form may publish images without a description", "account"),
      password_change_required: c(
        "account_login",
        "whether the account still has a one-time password it must replace",
        "account",
      ),
      approval_unseen: c(
        "activity",
        "whether an approved application is yet to be told at the next sign-in",
        "account",
      ),
    },
  },
  {
    table: "sessions",
    ordering: unordered("random id"),
    about: "Signed-in browser sessions.",
    ownedBy: ["account_id"],
    columns: {
      id: c("sessions", "lets the user end one session", "account"),
      token_hash: c("sessions", "SHA-256 of the cookie token; the token itself is never stored", "nobody"),
      account_id: c("sessions", "whose session", "account"),
      created_day: c("sessions", "the day the session began", "account", "30 days"),
      expires_day: c("sessions", "the day the session ends", "account", "30 days"),
    },
  },
  {
    table: "staff_roles",
    ordering: unordered("(account, role)"),
    about: "Who is staff, in which role.",
    ownedBy: ["account_id"],
    columns: {
      account_id: c("account_login", "the staff member", "staff"),
      role: c("account_login", "admin, legal or moderator", "staff"),
    },
  },
  {
    table: "invites",
    ordering: unordered("the random code"),
    about: "Invite codes. Who used a code is never recorded.",
    ownedBy: ["created_by"],
    columns: {
      code: c("activity", "the code to give out", "account"),
      created_by: c("activity", "who made it (null for the operator)", "account"),
      max_uses: c("activity", "how many may join with it", "account"),
      uses: c("activity", "how many have", "account"),
      expires_day: c("activity", "last valid day", "account", "until it expires or is revoked"),
      created_day: c("activity", "the day it was made", "account"),
    },
  },
  {
    table: "statuses",
    ordering: publicTime(
      "time id = the post's public time; the full-text index needs the rowid, which follows the same order",
    ),
    about: "Posts and reposts. Public or followers-only, per row.",
    ownedBy: ["account_id"],
    columns: {
      id: c("public_content", "time-sortable id: a post's time is public", "public"),
      account_id: c("public_content", "the author", "public"),
      in_reply_to_id: c("public_content", "the post answered", "public"),
      in_reply_to_account_id: c("public_content", "the author answered", "public"),
      reblog_of_id: c("public_content", "the post reposted", "public"),
      text: c("public_content", "what the author wrote (non-public for followers-only posts)", "followers"),
      content: c("public_content", "the same, rendered", "followers"),
      spoiler_text: c("public_content", "content warning", "followers"),
      sensitive: c("public_content", "marked sensitive", "followers"),
      visibility: c("public_content", "public, unlisted or followers-only", "public"),
      language: c("public_content", "language tag", "followers"),
      created_at: c("public_content", "when it was published (shown on the post)", "followers"),
      edited_at: c("public_content", "when it was last edited (shown on the post)", "followers"),
      replies_count: c("public_content", "public count", "public"),
      reblogs_count: c("public_content", "public count", "public"),
      favourites_count: c("public_content", "public count", "public"),
      search_vector: c("none", "PostgreSQL full-text index of text (derived)", "nobody"),
    },
  },
  {
    table: "status_edits",
    ordering: publicTime("sequence number; each version's time is shown in the edit history"),
    about: "Earlier versions of edited posts (shown as the edit history).",
    ownedBy: [],
    columns: {
      id: c("none", "order", "nobody"),
      status_id: c("public_content", "the post", "followers"),
      text: c("public_content", "that version's text", "followers"),
      content: c("public_content", "rendered", "followers"),
      spoiler_text: c("public_content", "that version's warning", "followers"),
      sensitive: c("public_content", "that version's flag", "followers"),
      created_at: c("public_content", "when that version was made (shown in the history)", "followers"),
      media_attributes: c(
        "public_content",
        "that version's images in order, with their descriptions and focal points (the history shows them)",
        "followers",
      ),
    },
  },
  {
    table: "mentions",
    ordering: unordered("(post, account)"),
    about: "Who a post mentions.",
    ownedBy: ["account_id"],
    columns: {
      status_id: c("public_content", "the post", "followers"),
      account_id: c("public_content", "the person mentioned", "followers"),
    },
  },
  {
    table: "tags",
    ordering: unordered("random id"),
    about:
      "Hashtags in use. Shown, counted and dated only through the posts that carry them and that the viewer may see; deleted with the last post that carries one.",
    ownedBy: [],
    columns: {
      id: c("none", "key (random: no order of first use)", "nobody", TAG_RETENTION),
      name: c("public_content", "the hashtag", "followers", TAG_RETENTION),
    },
  },
  {
    table: "status_tags",
    ordering: unordered("(post, tag)"),
    about: "Which post carries which hashtag.",
    ownedBy: [],
    columns: {
      status_id: c("public_content", "the post", "followers"),
      tag_id: c("public_content", "the tag", "followers"),
    },
  },
  {
    table: "idempotency_keys",
    ordering: unordered("(account, client's random key)"),
    about: "Stops a double-submitted form or a retried API call from posting twice.",
    ownedBy: ["account_id"],
    columns: {
      account_id: c("activity", "whose request", "nobody", "24 hours"),
      key: c("activity", "the client's random key", "nobody", "24 hours"),
      status_id: c("activity", "the post it made", "nobody", "24 hours"),
      expires_at: c("activity", "when the key may be forgotten (the post's time plus a day)", "nobody", "24 hours"),
    },
  },
  {
    table: "follows",
    ordering: unordered("random id"),
    about: "Who follows whom.",
    ownedBy: ["account_id", "target_account_id"],
    columns: edge("social_graph", "follow", "public"),
  },
  {
    table: "follow_requests",
    ordering: unordered("random id"),
    about: "Requests to follow locked accounts.",
    ownedBy: ["account_id", "target_account_id"],
    columns: edge("social_graph", "follow request", "account"),
  },
  {
    table: "blocks",
    ordering: unordered("random id"),
    about: "Blocks.",
    ownedBy: ["account_id", "target_account_id"],
    columns: edge("social_graph", "block", "account"),
  },
  {
    table: "mutes",
    ordering: unordered("random id"),
    // Being muted is not shown to the muted person: only one's own mutes are one's data.
    about: "Mutes.",
    ownedBy: ["account_id"],
    columns: edge("social_graph", "mute", "account"),
  },
  {
    table: "account_notes",
    ordering: unordered("(writer, account)"),
    // Like a mute, a note is its writer's: the person it is about is never shown it.
    about: "Private notes about other accounts (Mastodon's Relationship.note).",
    ownedBy: ["account_id"],
    columns: {
      account_id: c("nonpublic_content", "who wrote the note", "account"),
      target_account_id: c("nonpublic_content", "whom it is about (never shown to them)", "account"),
      comment: c("nonpublic_content", "the note, visible only to its writer", "account"),
    },
  },
  {
    table: "favourites",
    ordering: unordered("random id"),
    about: "Likes.",
    ownedBy: ["account_id"],
    columns: {
      id: c("none", "key (random: no time, no order of insertion)", "nobody"),
      account_id: c("activity", "who liked", "public"),
      status_id: c("activity", "which post", "public"),
    },
  },
  {
    table: "notifications",
    ordering: coarse("the hour it was made, then 9 random digits: newest hour first, random within the hour"),
    about: "Notifications shown to the account.",
    ownedBy: ["account_id", "from_account_id"],
    columns: {
      id: c("none", "key: the hour it was made and 9 random digits (order to the hour only)", "account"),
      account_id: c("activity", "who is notified", "account"),
      from_account_id: c("activity", "who caused it", "account"),
      type: c("activity", "mention, follow, like …", "account"),
      status_id: c("activity", "the post concerned", "account"),
      read: c("activity", "whether it was seen", "account"),
      created_at: c("activity", "kept to the hour", "account"),
    },
  },
  {
    table: "reports",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about: "Reports to the moderators.",
    ownedBy: ["account_id", "target_account_id"],
    withhold: { target_account_id: ["account_id"] },
    columns: {
      id: c("none", "key", "staff"),
      account_id: c("moderation", "who reported (never shown to the reported person)", "staff"),
      target_account_id: c("moderation", "who was reported", "staff"),
      status_id: c("moderation", "the post reported", "staff"),
      reason: c("moderation", "what the reporter wrote", "staff"),
      category: c("moderation", "spam, legal, violation or other, as the reporter chose", "staff"),
      state: c("moderation", "open or resolved", "staff"),
      created_day: c("moderation", "the day of the report", "staff"),
    },
  },
  {
    table: "report_statuses",
    ordering: unordered("(report, post)"),
    about: "The posts a report names.",
    ownedBy: [],
    columns: {
      report_id: c("moderation", "the report", "staff"),
      status_id: c("moderation", "a post it names", "staff"),
    },
  },
  {
    table: "moderation_actions",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about: "Every moderation decision (append-only).",
    ownedBy: ["actor_account_id", "target_account_id"],
    withhold: { target_account_id: ["actor_account_id"] },
    columns: {
      id: c("none", "order", "staff"),
      actor_account_id: c("moderation", "the staff member who decided", "staff"),
      action: c("moderation", "what was done", "staff"),
      target_account_id: c("moderation", "whom it concerned", "staff"),
      target_status_id: c("moderation", "which post", "staff"),
      report_id: c("moderation", "the report acted on", "staff"),
      reason: c("moderation", "why", "staff"),
      created_at: c("moderation", "when the decision was made", "staff"),
    },
  },
  {
    table: "oauth_apps",
    ordering: unordered("random id"),
    about:
      "Apps registered for the Mastodon API. Who registered one is not recorded. An app that holds no token and no authorisation code and has not been used for 7 days is deleted by the hourly housekeeping.",
    ownedBy: [],
    columns: {
      id: c("none", "key", "nobody"),
      name: c("sessions", "shown when the user authorises it", "account"),
      website: c("sessions", "shown when the user authorises it", "account"),
      redirect_uris: c("none", "where codes may be sent", "nobody"),
      scopes: c("none", "what the app may ask for", "nobody"),
      client_id: c("none", "the app's public id", "nobody"),
      client_secret_hash: c("none", "SHA-256 of the app's secret", "nobody"),
      created_day: c("none", "the day the app registered", "nobody"),
      expires_day: c(
        "none",
        "a week after the app registered or last got a token or an authorisation code (a day, never a time): from then, an app holding no token and no code is deleted",
        "nobody",
      ),
    },
  },
  {
    table: "oauth_codes",
    ordering: unordered("hash of the code"),
    about: "Authorisation codes, single use.",
    ownedBy: ["account_id"],
    columns: {
      code_hash: c("sessions", "SHA-256 of the code", "nobody", "10 minutes"),
      app_id: c("sessions", "the app", "nobody", "10 minutes"),
      account_id: c("sessions", "who authorised", "nobody", "10 minutes"),
      scopes: c("sessions", "what was granted", "nobody", "10 minutes"),
      redirect_uri: c("sessions", "where the code went", "nobody", "10 minutes"),
      code_challenge: c("sessions", "PKCE challenge", "nobody", "10 minutes"),
      expires_at: c("sessions", "ten minutes after issue, to the minute", "nobody", "10 minutes"),
    },
  },
  {
    table: "oauth_tokens",
    ordering: unordered("random id"),
    about: "App access tokens.",
    ownedBy: ["account_id"],
    columns: {
      id: c("sessions", "lets the user revoke it", "account"),
      token_hash: c("sessions", "SHA-256 of the token; the token is never stored", "nobody"),
      app_id: c("sessions", "which app", "account"),
      account_id: c("sessions", "whose token (null for app-only tokens)", "account"),
      scopes: c("sessions", "what it may do", "account"),
      created_day: c("sessions", "the day it was made", "account", "until revoked"),
    },
  },
  {
    table: "bookmarks",
    ordering: unordered("random id"),
    about: "Private bookmarks.",
    ownedBy: ["account_id"],
    columns: {
      id: c("none", "key (random: no time, no order of insertion)", "nobody"),
      account_id: c("activity", "whose bookmark", "account"),
      status_id: c("activity", "which post", "account"),
    },
  },
  {
    table: "status_pins",
    ordering: unordered("random id"),
    about: "Posts pinned to a profile.",
    ownedBy: ["account_id"],
    columns: {
      id: c("none", "key (random: no time, no order of insertion)", "nobody"),
      account_id: c("activity", "whose pin", "public"),
      status_id: c("activity", "which post", "public"),
    },
  },
  {
    table: "lists",
    ordering: unordered("random id"),
    about: "The account's lists of people it follows (their names are private).",
    ownedBy: ["account_id"],
    columns: {
      id: c("none", "key (random, says nothing about time)", "account"),
      account_id: c("social_graph", "whose list", "account"),
      title: c("social_graph", "the list's name", "account"),
      replies_policy: c("social_graph", "which replies the list shows", "account"),
      exclusive: c("social_graph", "whether the members' posts are kept out of home", "account"),
    },
  },
  {
    table: "list_accounts",
    ordering: unordered("random id"),
    // Being on someone's list is not shown to the member: only one's own lists are one's data.
    about: "Who is on which list.",
    ownedBy: [],
    columns: {
      id: c("none", "key (random: no time, no order of adding)", "nobody"),
      list_id: c("social_graph", "the list", "account"),
      account_id: c("social_graph", "the account on it", "account"),
    },
  },
  {
    table: "tag_follows",
    ordering: unordered("random id"),
    about: "Hashtags the account follows (private).",
    ownedBy: ["account_id"],
    columns: {
      id: c("none", "key (random: no time, no order of following)", "nobody"),
      account_id: c("social_graph", "who follows the hashtag", "account"),
      tag_id: c("social_graph", "which hashtag", "account"),
    },
  },
  {
    table: "featured_tags",
    ordering: unordered("random id"),
    about: "Hashtags featured on the account's profile.",
    ownedBy: ["account_id"],
    columns: {
      id: c("none", "key (random)", "public"),
      account_id: c("public_profile", "whose profile", "public"),
      tag_id: c("public_profile", "which hashtag", "public"),
    },
  },
  {
    table: "endorsements",
    ordering: unordered("random id"),
    // Being endorsed is public on the endorser's profile; it is the endorser's choice and data.
    about: "Accounts the account features (endorses) on its profile.",
    ownedBy: ["account_id"],
    columns: edge("social_graph", "endorsement", "public"),
  },
  {
    table: "markers",
    ordering: unordered("(account, timeline)"),
    about: "Where the user stopped reading (Mastodon markers).",
    ownedBy: ["account_id"],
    columns: {
      account_id: c("activity", "whose marker", "account"),
      timeline: c("activity", "home or notifications", "account"),
      last_read_id: c("activity", "the last item read", "account"),
      version: c("activity", "update counter", "account"),
      updated_at: c(
        "activity",
        "the hour of the item read (not of the save), so it tells no more about when one read than the id does",
        "account",
      ),
    },
  },
  {
    table: "media_attachments",
    ordering: unordered("random id"),
    about: "Attached images, re-encoded without metadata.",
    ownedBy: ["account_id"],
    columns: {
      id: c("media", "key (random)", "followers"),
      account_id: c("media", "who uploaded it", "followers"),
      status_id: c("media", "the post it belongs to", "followers"),
      type: c("media", "image or animation", "followers"),
      file_name: c("media", "random file name", "followers"),
      preview_file_name: c("media", "random preview file name", "followers"),
      content_type: c("media", "format of the re-encoded file", "followers"),
      width: c("media", "pixels", "followers"),
      height: c("media", "pixels", "followers"),
      size: c("media", "bytes", "followers"),
      description: c("media", "alt text", "followers"),
      focus_x: c("media", "focal point", "followers"),
      focus_y: c("media", "focal point", "followers"),
      created_day: c("media", "the day of upload (unattached uploads are purged after a day)", "account"),
      position: c("media", "order within the post", "followers"),
    },
  },
  {
    table: "media_pending",
    ordering: unordered("random media id"),
    about:
      "The re-encoded files of an upload whose post is not published yet. Kept here, not in the media folder, so no file time tells when a delayed post was written.",
    ownedBy: [],
    columns: {
      media_id: c("media", "the upload", "account", "until the post is published or the upload deleted"),
      original: c("media", "the re-encoded image", "account", "until the post is published or the upload deleted"),
      preview: c("media", "its preview", "account", "until the post is published or the upload deleted"),
    },
  },
  {
    table: "scheduled_statuses",
    ordering: unordered("random id"),
    about: "Posts waiting to be published (delayed or scheduled). When they were written is not kept.",
    ownedBy: ["account_id"],
    columns: {
      id: c("nonpublic_content", "key (random)", "account", "until published or cancelled"),
      account_id: c("nonpublic_content", "the author", "account", "until published or cancelled"),
      params: c("nonpublic_content", "what the post will say", "account", "until published or cancelled"),
      scheduled_at: c("nonpublic_content", "when it is due, to the minute", "account", "until published or cancelled"),
    },
  },
  {
    table: "staff_second_factors",
    ordering: unordered("the account"),
    about:
      "The TOTP second factor staff need for the legal console. When it was last used is not kept (only the steps of codes just used, below).",
    ownedBy: ["account_id"],
    columns: {
      account_id: c("account_login", "the staff member", "staff"),
      totp_secret: c(
        "account_login",
        "the shared TOTP secret, sealed with AES-256-GCM under <dataDir>/secrets.key (never shown again after enrolment)",
        "nobody",
      ),
      confirmed: c("account_login", "whether enrolment was confirmed with a code", "staff"),
      created_day: c("account_login", "the day of enrolment", "staff"),
      failed_codes: c("account_login", "wrong codes in a row (no times), reset by a right code", "staff"),
      locked: c("account_login", "locked after too many wrong codes, until the operator unlocks it", "staff"),
    },
  },
  {
    table: "staff_used_codes",
    ordering: coarse("(account, 30-second step), purged after about 90 seconds"),
    about:
      "The 30-second step of each second-factor code just accepted, so that no process accepts it twice. Nothing else: no code, no time beyond the step.",
    ownedBy: ["account_id"],
    columns: {
      account_id: c("account_login", "the staff member", "staff", "about 90 seconds, then purged"),
      step: c(
        "account_timestamps",
        "the step of the code used (its 30-second window)",
        "nobody",
        "about 90 seconds, then purged",
      ),
    },
  },
  {
    table: "legal_demands",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about:
      "Legal demands as received (never edited). The account holder sees a demand naming them once they have been notified.",
    ownedBy: [],
    gatedByNotice: true,
    columns: {
      id: l("key (random)", "account"),
      process_type: l("what kind of legal process it is", "account"),
      agency: l("who asked", "account"),
      country: l("the agency's country", "account"),
      requester: l("the official who sent it", "account"),
      requester_contact: l("how the official asked to be answered", "account"),
      authority: l("the law it cites", "account"),
      reference: l("its case or reference number", "account"),
      received_day: l("the day it arrived", "account"),
      due_day: l("the day it demands an answer by", "account"),
      requested_verbatim: l("what it asks for, word for word", "account"),
      secrecy_requested: l("whether the requester asked for secrecy", "account"),
      good_faith_statement: l("an emergency request's good-faith statement", "account"),
      document_file: l("the document as received (random file name)", "staff"),
      document_sha256: l("the document's SHA-256", "account"),
      document_type: l("PDF or image type", "account"),
      document_size: l("bytes", "account"),
      recorded_day: l("the day staff recorded it", "account"),
    },
  },
  {
    table: "legal_demand_targets",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about: "The accounts a demand names, as written; unknown handles are kept (account id empty).",
    ownedBy: ["account_id"],
    gatedByNotice: true,
    columns: {
      id: c("none", "order", "nobody"),
      demand_id: l("the demand", "account"),
      handle_given: l("the handle as the demand wrote it", "account"),
      account_id: l("the account it names, when one exists", "account"),
    },
  },
  {
    table: "legal_demand_categories",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about: "The data a demand asks for, mapped to the categories of this inventory.",
    ownedBy: [],
    columns: {
      demand_id: l("the demand", "staff"),
      category: l("a category asked for", "staff"),
    },
  },
  {
    table: "legal_events",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about:
      "Everything done about a demand (append-only): review, decisions with reasons, the unmasking gate, notices, approvals. Staff records of the demand, not of the person named.",
    ownedBy: [],
    columns: {
      id: c("none", "order", "nobody"),
      demand_id: l("the demand", "staff"),
      kind: l("what happened", "staff"),
      actor_account_id: l("the staff member who acted (empty for Publius itself)", "staff"),
      reason: l("why", "staff"),
      data: l("details (scope, prong, order, package hash)", "staff"),
      created_at: l("when", "staff"),
    },
  },
  {
    table: "legal_nondisclosure_orders",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about: "Court orders forbidding notice of a demand, with their end dates.",
    ownedBy: [],
    columns: {
      id: c("none", "order", "nobody"),
      demand_id: l("the demand", "staff"),
      court: l("the court", "staff"),
      docket: l("its docket number", "staff"),
      end_day: l("the last day of secrecy (empty: no end stated, to be challenged)", "staff"),
      lifted_day: l("the day it was vacated or lifted", "staff"),
      recorded_day: l("the day it was recorded", "staff"),
    },
  },
  {
    table: "legal_notices",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about: "The notice of a demand to each account it names: sent, or waiting for a non-disclosure order to end.",
    ownedBy: ["account_id"],
    gatedByNotice: true,
    columns: {
      id: c("none", "order", "nobody"),
      demand_id: l("the demand", "account"),
      account_id: l("who is told", "account"),
      state: l("sent, scheduled or held", "account"),
      send_after: l("when a delayed notice goes out (the day after the order ends)", "account"),
      sent_at: l("when it was sent, to the hour", "account"),
      read: l("whether it was opened", "account"),
    },
  },
  {
    table: "legal_responses",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about: "What the account holder answered to a demand: attached to the demand record.",
    ownedBy: ["account_id"],
    gatedByNotice: true,
    columns: {
      id: c("none", "order", "nobody"),
      demand_id: l("the demand", "account"),
      account_id: l("who answered", "account"),
      body: l("the response or objection", "account"),
      created_day: l("the day it was sent", "account"),
    },
  },
  {
    table: "legal_preservations",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about:
      "Preserved copies of what Publius held about a named account (files under the data folder), destroyed at expiry.",
    ownedBy: ["account_id"],
    gatedByNotice: true,
    columns: {
      id: l("key (random)", "account"),
      demand_id: l("the demand that asked for it", "account"),
      account_id: l("whose records", "account"),
      snapshot_file: l(
        "the preserved copy (random file name); empty once destroyed",
        "staff",
        "90 days, once extendable by 90",
      ),
      snapshot_sha256: l("the copy's SHA-256", "account"),
      created_day: l("the day it was made", "account"),
      expires_day: l("the day it is destroyed", "account"),
      extended: l("whether it was extended (once at most)", "account"),
      destroyed_day: l("the day it was destroyed", "account"),
    },
  },
  {
    table: "legal_productions",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about: "Signed production packages (files under the data folder) and when they were released.",
    ownedBy: [],
    columns: {
      id: l("key (random)", "staff"),
      demand_id: l("the demand answered", "staff"),
      folder: l("the package folder (random name)", "staff"),
      manifest_sha256: l("the SHA-256 of the signed manifest both approvers saw", "staff"),
      created_at: l("when it was prepared", "staff"),
      released_at: l("when the second approval released it", "staff"),
    },
  },
  {
    table: "legal_audit_log",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about:
      "The hash-chained audit log of every demand event and every staff view or export of non-public data. Its head hash is public (/audit-head).",
    ownedBy: [],
    columns: {
      seq: c("none", "position in the chain", "staff"),
      at: l("when", "staff"),
      actor_account_id: l("the staff member (empty for Publius itself)", "staff"),
      action: l("what was done or seen", "staff"),
      demand_id: l("the demand concerned", "staff"),
      subject: l("what it was about (an account or file id)", "staff"),
      detail: l("details", "staff"),
      prev_hash: c("none", "the previous entry's hash", "staff"),
      hash: c("none", "this entry's hash", "staff"),
    },
  },
  {
    table: "warrant_canaries",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about:
      "The signed warrant canary statements (/canary): counts of demands by kind and the operator's statements. Nothing about any person.",
    ownedBy: [],
    columns: {
      id: c("none", "order", "nobody"),
      issued_day: c("none", "the day it was signed", "public", "kept, so earlier statements stay visible"),
      next_renewal_day: c("none", "the day a new one is due", "public", "kept, so earlier statements stay visible"),
      statement: c(
        "none",
        "the signed statement (canonical JSON)",
        "public",
        "kept, so earlier statements stay visible",
      ),
      signature: c("none", "its Ed25519 signature", "public", "kept, so earlier statements stay visible"),
      key_fingerprint: c("none", "the signing key's fingerprint", "public", "kept, so earlier statements stay visible"),
    },
  },
  {
    table: "legal_audit_heads",
    ordering: record("sequence number: a staff or legal record, in the order it was made, with its own times"),
    about:
      "Heads of the legal audit log signed with the instance key, as published with each warrant canary and report period: a rewritten log no longer extends them. Nothing about any person.",
    ownedBy: [],
    columns: {
      id: c("none", "order", "nobody"),
      seq: c("none", "the entry the head is at", "public", "kept, so later checks can use it"),
      hash: c("none", "that entry's hash", "public", "kept, so later checks can use it"),
      day: c("none", "the day of that entry", "public", "kept, so later checks can use it"),
      occasion: c("none", "what it was published with (canary, transparency)", "public", "kept"),
      statement: c("none", "the signed statement (canonical JSON)", "public", "kept"),
      signature: c("none", "its Ed25519 signature", "public", "kept"),
      key_fingerprint: c("none", "the signing key's fingerprint", "public", "kept"),
    },
  },
  {
    table: "push_subscriptions",
    ordering: unordered("random id"),
    about:
      "Web Push subscriptions: one per app token that asked for push notifications (Mastodon API). Deleted with the token, the account, or when the push service says it is gone.",
    ownedBy: ["account_id"],
    columns: {
      id: c("none", "key (random)", "nobody"),
      token_id: c("sessions", "the app token it belongs to", "account", "until the token is revoked"),
      account_id: c("sessions", "whose subscription", "account", "until the token is revoked"),
      endpoint: sealed(
        c(
          "sessions",
          "the push address the app gave: a URL at its push service, which could tie it to a device",
          "account",
          "until the token is revoked",
        ),
      ),
      p256dh: sealed(
        c("sessions", "the app's public key that pushes are encrypted to", "account", "until the token is revoked"),
      ),
      auth_secret: sealed(
        c("sessions", "the app's push authentication secret", "nobody", "until the token is revoked"),
      ),
      standard: c(
        "sessions",
        "which encryption the app reads (aes128gcm or the older aesgcm)",
        "account",
        "until the token is revoked",
      ),
      alerts: c("sessions", "which kinds of notification it wants pushed", "account", "until the token is revoked"),
      policy: c("sessions", "from whom: all, followed, follower or none", "account", "until the token is revoked"),
    },
  },
  {
    table: "push_deliveries",
    ordering: unordered("random id"),
    about:
      "Notifications waiting to be pushed: which notification to which subscription, no text (it is made when sent). A row lives until it is sent, at most about 8 hours with retries.",
    ownedBy: [],
    columns: {
      id: c("none", "key (random)", "nobody"),
      subscription_id: c("activity", "where it goes", "account", "until sent or given up (hours)"),
      notification_id: c("activity", "which notification", "account", "until sent or given up (hours)"),
      attempts: c("none", "failed attempts so far", "nobody", "until sent or given up (hours)"),
      due_at: c("activity", "when to try next, to the minute", "account", "until sent or given up (hours)"),
    },
  },
];

/** Tables that hold nothing about anyone (bookkeeping and derived search indexes). */
export const INTERNAL_TABLES: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /^publius_migrations$/, why: "which migrations ran" },
  {
    pattern: /^statuses_fts(_data|_idx|_docsize|_config|_content)?$/,
    why: "SQLite full-text index derived from posts",
  },
];

export function categoryInfo(id: DataCategory): CategoryInfo | undefined {
  return CATEGORIES.find((c) => c.id === id);
}
