// JSON schemas of the Mastodon entities Publius returns, written from the Mastodon documentation
// (docs.joinmastodon.org, Entities, as of 4.3): every documented attribute with its documented
// type; "nullable" where the docs say so; optional only where the docs mark the attribute optional.
// Publius's own choices are noted where they narrow what the docs allow.
import type { JsonType, Schema } from "../helpers/json-schema.ts";

const t = (...types: JsonType[]): Schema => ({ type: types.length === 1 ? (types[0] as JsonType) : types });
const str: Schema = t("string");
const nstr: Schema = t("string", "null");
const bool: Schema = t("boolean");
const int: Schema = { type: "integer", minimum: 0 };
const id: Schema = { type: "string", pattern: "^\\S+$" };
const dateTime: Schema = { type: "string", format: "date-time" };
const url: Schema = { type: "string", format: "uri" };
/** ISO 639 code (two or three letters), or null. */
const lang: Schema = { type: ["string", "null"], pattern: "^[a-z]{2,3}(-[A-Za-z0-9]+)*$" };
const nurl: Schema = { type: ["string", "null"], format: "uri" };
const arr = (items: Schema): Schema => ({ type: "array", items });
const nullable = (s: Schema): Schema => ({
  ...s,
  type: [...(Array.isArray(s.type) ? s.type : [s.type as JsonType]), "null"],
});

/** An object whose listed attributes are all required except `optional`. */
function obj(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return { type: "object", properties, required: Object.keys(properties).filter((k) => !optional.includes(k)) };
}

export const CustomEmoji = obj({ shortcode: str, url, static_url: url, visible_in_picker: bool, category: nstr }, [
  "category",
]);
export const Field = obj({ name: str, value: str, verified_at: nullable(dateTime) });
export const Role = obj({ id: str, name: str, color: str, permissions: str, highlighted: bool });

export const Account = obj(
  {
    id,
    username: str,
    acct: str,
    url,
    uri: url,
    display_name: str,
    note: str,
    avatar: url,
    avatar_static: url,
    header: url,
    header_static: url,
    locked: bool,
    fields: arr(Field),
    emojis: arr(CustomEmoji),
    bot: bool,
    group: bool,
    discoverable: t("boolean", "null"),
    noindex: t("boolean", "null"),
    indexable: bool,
    hide_collections: t("boolean", "null"),
    moved: t("object", "null"),
    suspended: bool,
    limited: bool,
    created_at: dateTime,
    last_status_at: { type: ["string", "null"], format: "date" },
    statuses_count: int,
    followers_count: int,
    following_count: int,
    roles: arr(obj({ id: str, name: str, color: str }, ["color"])),
  },
  ["moved", "suspended", "limited", "noindex", "hide_collections", "roles", "indexable", "uri"],
);

export const CredentialAccount: Schema = {
  ...Account,
  properties: {
    ...Account.properties,
    source: obj(
      {
        note: str,
        fields: arr(Field),
        privacy: { type: "string", enum: ["public", "unlisted", "private", "direct"] },
        sensitive: bool,
        language: lang,
        follow_requests_count: int,
        hide_collections: t("boolean", "null"),
        discoverable: t("boolean", "null"),
        indexable: bool,
        attribution_domains: arr(str),
      },
      ["hide_collections", "discoverable", "indexable", "attribution_domains"],
    ),
    role: Role,
  },
  required: [...(Account.required ?? []), "source"],
};

export const MediaAttachment = obj(
  {
    id,
    type: { type: "string", enum: ["unknown", "image", "gifv", "video", "audio"] },
    url,
    preview_url: nurl,
    remote_url: nurl,
    meta: { anything: true },
    description: nstr,
    blurhash: nstr,
  },
  ["meta", "blurhash"],
);

export const Tag = obj(
  { id: str, name: str, url, history: arr(obj({ day: str, uses: str, accounts: str })), following: bool },
  ["following"],
);
const StatusTag = obj({ name: str, url });
const Mention = obj({ id, username: str, url, acct: str });

const statusProperties: Record<string, Schema> = {
  id,
  uri: str,
  created_at: dateTime,
  account: Account,
  content: str,
  visibility: { type: "string", enum: ["public", "unlisted", "private", "direct"] },
  sensitive: bool,
  spoiler_text: str,
  media_attachments: arr(MediaAttachment),
  application: t("object", "null"),
  mentions: arr(Mention),
  tags: arr(StatusTag),
  emojis: arr(CustomEmoji),
  reblogs_count: int,
  favourites_count: int,
  replies_count: int,
  url: nurl,
  in_reply_to_id: nstr,
  in_reply_to_account_id: nstr,
  poll: t("object", "null"),
  card: t("object", "null"),
  language: lang,
  text: nstr,
  edited_at: nullable(dateTime),
  favourited: bool,
  reblogged: bool,
  muted: bool,
  bookmarked: bool,
  pinned: bool,
  filtered: arr({ anything: true }),
};
const statusOptional = ["application", "text", "favourited", "reblogged", "muted", "bookmarked", "pinned", "filtered"];
const Reblog = obj({ ...statusProperties, reblog: t("null") }, statusOptional);
export const Status = obj({ ...statusProperties, reblog: nullable(Reblog) }, statusOptional);

export const StatusEdit = obj(
  {
    content: str,
    spoiler_text: str,
    sensitive: bool,
    created_at: dateTime,
    account: Account,
    poll: t("object", "null"),
    media_attachments: arr(MediaAttachment),
    emojis: arr(CustomEmoji),
  },
  ["poll"],
);
export const StatusSource = obj({ id, text: str, spoiler_text: str });
export const Context = obj({ ancestors: arr(Status), descendants: arr(Status) });

export const ScheduledStatus = obj({
  id,
  scheduled_at: dateTime,
  params: obj(
    {
      text: str,
      poll: t("object", "null"),
      media_ids: { type: ["array", "null"], items: str },
      sensitive: t("boolean", "null"),
      spoiler_text: nstr,
      visibility: { type: "string", enum: ["public", "unlisted", "private", "direct"] },
      in_reply_to_id: nstr,
      language: lang,
      application_id: int,
      scheduled_at: nullable(dateTime),
      idempotency: nstr,
      with_rate_limit: bool,
    },
    ["poll", "media_ids", "sensitive", "spoiler_text", "in_reply_to_id", "language", "scheduled_at", "idempotency"],
  ),
  media_attachments: arr(MediaAttachment),
});

export const Relationship = obj({
  id,
  following: bool,
  showing_reblogs: bool,
  notifying: bool,
  languages: { type: ["array", "null"], items: str },
  followed_by: bool,
  blocking: bool,
  blocked_by: bool,
  muting: bool,
  muting_notifications: bool,
  requested: bool,
  requested_by: bool,
  domain_blocking: bool,
  endorsed: bool,
  note: str,
});

export const Notification = obj(
  {
    id,
    type: {
      type: "string",
      enum: [
        "mention",
        "status",
        "reblog",
        "follow",
        "follow_request",
        "favourite",
        "poll",
        "update",
        "admin.sign_up",
        "admin.report",
        "severed_relationships",
        "moderation_warning",
      ],
    },
    group_key: str,
    created_at: dateTime,
    account: Account,
    status: Status,
    report: t("object"),
  },
  ["status", "report", "group_key"],
);

export const Report = obj({
  id,
  action_taken: bool,
  action_taken_at: nullable(dateTime),
  category: { type: "string", enum: ["spam", "legal", "violation", "other"] },
  comment: str,
  forwarded: bool,
  created_at: dateTime,
  status_ids: { type: ["array", "null"], items: str },
  rule_ids: { type: ["array", "null"], items: str },
  target_account: Account,
});

export const Application = obj(
  {
    id: str,
    name: str,
    website: nstr,
    scopes: arr(str),
    redirect_uris: arr(str),
    redirect_uri: str,
    vapid_key: str,
    client_id: str,
    client_secret: str,
    client_secret_expires_at: int,
  },
  [
    "id",
    "website",
    "scopes",
    "redirect_uris",
    "redirect_uri",
    "vapid_key",
    "client_id",
    "client_secret",
    "client_secret_expires_at",
  ],
);
export const Token = obj({
  access_token: str,
  token_type: { type: "string", enum: ["Bearer"] },
  scope: str,
  created_at: int,
});

export const Marker = obj({ last_read_id: id, version: int, updated_at: dateTime });
export const Markers: Schema = { type: "object", properties: { home: Marker, notifications: Marker } };
export const Preferences = obj({
  "posting:default:visibility": { type: "string", enum: ["public", "unlisted", "private", "direct"] },
  "posting:default:sensitive": bool,
  "posting:default:language": lang,
  "reading:expand:media": { type: "string", enum: ["default", "show_all", "hide_all"] },
  "reading:expand:spoilers": bool,
});
export const Search = obj({ accounts: arr(Account), statuses: arr(Status), hashtags: arr(Tag) });
export const PrivacyPolicy = obj({ updated_at: dateTime, content: str });
export const ExtendedDescription = obj({ updated_at: dateTime, content: str });
export const Rule = obj({ id: str, text: str, hint: str }, ["hint"]);
export const ErrorEntity = obj({ error: str, error_description: str }, ["error_description"]);

const limits = {
  statuses: obj({ max_characters: int, max_media_attachments: int, characters_reserved_per_url: int }),
  media_attachments: obj(
    {
      supported_mime_types: arr(str),
      image_size_limit: int,
      image_matrix_limit: int,
      video_size_limit: int,
      video_frame_rate_limit: int,
      video_matrix_limit: int,
      description_limit: int,
    },
    ["description_limit"],
  ),
  polls: obj({ max_options: int, max_characters_per_option: int, min_expiration: int, max_expiration: int }),
};

export const Instance = obj({
  domain: str,
  title: str,
  version: str,
  source_url: url,
  description: str,
  usage: obj({ users: obj({ active_month: int }) }),
  thumbnail: obj({ url, blurhash: str, versions: t("object") }, ["blurhash", "versions"]),
  icon: arr(obj({ src: url, size: str })),
  languages: arr(str),
  configuration: obj(
    {
      urls: obj({ streaming: url, status: nurl, about: url, privacy_policy: nurl, terms_of_service: nurl }, [
        "status",
        "about",
        "privacy_policy",
        "terms_of_service",
      ]),
      vapid: obj({ public_key: str }),
      accounts: obj({ max_featured_tags: int, max_pinned_statuses: int }),
      ...limits,
      translation: obj({ enabled: bool }),
    },
    ["vapid"],
  ),
  registrations: obj(
    {
      enabled: bool,
      approval_required: bool,
      message: nstr,
      url: nurl,
      min_age: t("integer", "null"),
      reason_required: t("boolean", "null"),
    },
    ["url", "min_age", "reason_required"],
  ),
  api_versions: obj({ mastodon: int }),
  // Publius: `null` when the operator publishes no address (the docs' type is an e-mail string).
  contact: obj({ email: { type: ["string", "null"], format: "email" }, account: nullable(Account) }),
  rules: arr(Rule),
});

export const V1Instance = obj({
  uri: str,
  title: str,
  short_description: str,
  description: str,
  email: { type: ["string", "null"], format: "email" },
  version: str,
  urls: obj({ streaming_api: url }),
  stats: obj({ user_count: int, status_count: int, domain_count: int }),
  thumbnail: nurl,
  languages: arr(str),
  registrations: bool,
  approval_required: bool,
  invites_enabled: bool,
  configuration: obj({ accounts: obj({ max_featured_tags: int, max_pinned_statuses: int }), ...limits }, ["accounts"]),
  contact_account: nullable(Account),
  rules: arr(Rule),
});

export const GroupedNotificationsResults = obj({
  accounts: arr(Account),
  statuses: arr(Status),
  notification_groups: arr(
    obj(
      {
        group_key: str,
        notifications_count: int,
        type: str,
        most_recent_notification_id: str,
        page_min_id: str,
        page_max_id: str,
        latest_page_notification_at: dateTime,
        sample_account_ids: arr(str),
        status_id: nstr,
      },
      ["page_min_id", "page_max_id", "latest_page_notification_at", "status_id"],
    ),
  ),
});
