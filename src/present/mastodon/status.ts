// Status -> Mastodon Status JSON (docs: Entities > Status), and its relatives.
import type { Relationship } from "../../domain/account.ts";
import { previewSize } from "../../domain/media.ts";
import type { MediaAttachment, Status, StatusEdit } from "../../domain/status.ts";
import { accountToApi, mediaUrl } from "./account.ts";

export function mediaToApi(origin: string, m: MediaAttachment) {
  const aspect = m.height > 0 ? m.width / m.height : 1;
  const small = previewSize(m.width, m.height);
  return {
    id: m.id,
    type: m.type,
    url: mediaUrl(origin, m.fileName),
    preview_url: mediaUrl(origin, m.previewFileName),
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: {
      original: { width: m.width, height: m.height, size: `${m.width}x${m.height}`, aspect },
      small: {
        width: small.width,
        height: small.height,
        size: `${small.width}x${small.height}`,
        aspect: small.height > 0 ? small.width / small.height : 1,
      },
      focus: { x: m.focusX, y: m.focusY },
    },
    description: m.description,
    blurhash: null,
  };
}

export function statusToApi(
  origin: string,
  s: Status,
  options: { withSource?: boolean } = {},
): Record<string, unknown> {
  const url = `${origin}/@${s.account.handle}/${s.id}`;
  return {
    id: s.id,
    uri: `${origin}/users/${s.account.handle}/statuses/${s.id}`,
    url: s.reblog ? null : url,
    created_at: s.createdAt,
    account: accountToApi(origin, s.account),
    content: s.content,
    visibility: s.visibility,
    sensitive: s.sensitive,
    spoiler_text: s.spoilerText,
    media_attachments: s.media.map((m) => mediaToApi(origin, m)),
    // Publius does not record which app wrote a post.
    application: null,
    mentions: s.mentions.map((m) => ({ id: m.id, username: m.handle, url: `${origin}/@${m.handle}`, acct: m.handle })),
    tags: s.tags.map((t) => ({ name: t, url: `${origin}/tags/${encodeURIComponent(t)}` })),
    emojis: [] as unknown[],
    reblogs_count: s.reblogsCount,
    favourites_count: s.favouritesCount,
    replies_count: s.repliesCount,
    quotes_count: 0,
    in_reply_to_id: s.inReplyToId,
    in_reply_to_account_id: s.inReplyToAccountId,
    reblog: s.reblog ? statusToApi(origin, s.reblog) : null,
    poll: null,
    card: null,
    language: s.language,
    text: options.withSource ? s.text : null,
    edited_at: s.editedAt,
    favourited: s.favourited,
    reblogged: s.reblogged,
    muted: false,
    bookmarked: s.bookmarked,
    pinned: s.pinned,
    filtered: [] as unknown[],
  };
}

export function statusEditToApi(origin: string, e: StatusEdit, media: MediaAttachment[]) {
  return {
    content: e.content,
    spoiler_text: e.spoilerText,
    sensitive: e.sensitive,
    created_at: e.createdAt,
    account: accountToApi(origin, e.account),
    poll: null,
    media_attachments: (e.media ?? media).map((m) => mediaToApi(origin, m)),
    emojis: [] as unknown[],
  };
}

export function statusSourceToApi(s: Status) {
  return { id: s.id, text: s.text, spoiler_text: s.spoilerText };
}

export function relationshipToApi(r: Relationship) {
  return {
    id: r.id,
    following: r.following,
    showing_reblogs: r.following,
    notifying: false,
    languages: null,
    followed_by: r.followedBy,
    blocking: r.blocking,
    blocked_by: r.blockedBy,
    muting: r.muting,
    muting_notifications: r.muting,
    requested: r.requested,
    requested_by: r.requestedBy,
    domain_blocking: false,
    endorsed: r.endorsed,
    note: r.note,
  };
}
