// What a push message says, once decrypted on the subscriber's device: Mastodon's
// Web::NotificationSerializer without `access_token` (Publius keeps only a hash of each token, and
// a token has no business travelling through a push service, encrypted or not). The push service
// itself sees only ciphertext of a padded length.
import type { Notification } from "../../domain/notification.ts";

export interface PushPayload {
  /** A number, as Mastodon sends it (apps decode it as an integer); the same id as the API's string. */
  notification_id: number;
  notification_type: string;
  preferred_locale: string;
  icon: string;
  title: string;
  body: string;
}

const MAX_BODY = 140;

function titleOf(n: Notification): string {
  const name = n.account.displayName.trim() || n.account.handle;
  switch (n.type) {
    case "mention":
      return `You were mentioned by ${name}`;
    case "reblog":
      return `${name} boosted your post`;
    case "favourite":
      return `${name} favourited your post`;
    case "follow":
      return `${name} is now following you`;
    case "follow_request":
      return `Pending follower: ${name}`;
    default:
      return `New notification from ${name}`;
  }
}

/** At most 140 characters (code points, so no surrogate pair is cut), with an ellipsis when cut. */
function truncate(text: string): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  return chars.length <= MAX_BODY ? chars.join("") : `${chars.slice(0, MAX_BODY - 1).join("")}…`;
}

export function pushPayload(origin: string, n: Notification): PushPayload {
  const status = n.status?.reblog ?? n.status;
  const body = status ? status.spoilerText || status.text : n.account.note;
  return {
    notification_id: Number(n.id),
    notification_type: n.type,
    preferred_locale: "en",
    icon: n.account.avatarFile ? `${origin}/media/${n.account.avatarFile}` : `${origin}/static/avatar.png`,
    title: titleOf(n),
    body: truncate(body),
  };
}
