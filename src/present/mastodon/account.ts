// Account -> Mastodon Account / CredentialAccount JSON (docs: Entities > Account).
// Publius is coarser than Mastodon on purpose: created_at is the day (midnight UTC); last_status_at
// is a date, as Mastodon also sends it.
import type { Account } from "../../domain/account.ts";
import { escapeHtml } from "../../domain/text.ts";

export interface Preferences {
  visibility: string;
  sensitive: boolean;
  language: string | null;
}

/** A bio as HTML: escaped, paragraphs and line breaks kept. */
export function noteHtml(note: string): string {
  if (note.trim() === "") return "";
  return note
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br />")}</p>`)
    .join("");
}

export function mediaUrl(origin: string, file: string): string {
  return `${origin}/media/${file}`;
}

export function accountToApi(origin: string, a: Account) {
  const url = `${origin}/@${a.handle}`;
  const avatar = a.avatarFile ? mediaUrl(origin, a.avatarFile) : `${origin}/static/avatar.png`;
  const header = a.headerFile ? mediaUrl(origin, a.headerFile) : `${origin}/static/header.png`;
  return {
    id: a.id,
    username: a.handle,
    acct: a.handle,
    display_name: a.displayName,
    locked: a.locked,
    bot: false,
    discoverable: a.discoverable,
    indexable: false,
    group: false,
    created_at: `${a.createdDay}T00:00:00.000Z`,
    note: noteHtml(a.note),
    url,
    uri: `${origin}/users/${a.handle}`,
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    followers_count: a.followersCount,
    following_count: a.followingCount,
    statuses_count: a.statusesCount,
    last_status_at: a.lastStatusDay,
    hide_collections: false,
    noindex: true,
    emojis: [] as unknown[],
    roles: [] as unknown[],
    fields: [] as unknown[],
  };
}

export function credentialAccountToApi(origin: string, a: Account, prefs: Preferences, followRequestsCount: number) {
  return {
    ...accountToApi(origin, a),
    source: {
      privacy: prefs.visibility,
      sensitive: prefs.sensitive,
      // null when no default language is set (docs: Account > source[language]).
      language: prefs.language || null,
      note: a.note,
      fields: [] as unknown[],
      follow_requests_count: followRequestsCount,
      hide_collections: false,
      discoverable: a.discoverable,
      indexable: false,
      attribution_domains: [] as string[],
    },
    role: { id: "-99", name: "", permissions: "0", color: "", highlighted: false },
  };
}

export type ApiAccount = ReturnType<typeof accountToApi>;
