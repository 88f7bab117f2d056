import type { Account } from "./account.ts";
import type { Status } from "./status.ts";

/**
 * "legal_notice": a legal demand names the account (services/legal/notices.ts). It has no other
 * account behind it, so its from_account_id is the holder's own id.
 */
export type NotificationType = "mention" | "follow" | "follow_request" | "reblog" | "favourite" | "legal_notice";
export const NOTIFICATION_TYPES: readonly NotificationType[] = [
  "mention",
  "follow",
  "follow_request",
  "reblog",
  "favourite",
];

export interface Notification {
  id: string;
  type: NotificationType;
  account: Account;
  status: Status | null;
  read: boolean;
  createdAt: string;
}

/** The kinds Mastodon groups (4.3 `Notification::GROUPABLE_NOTIFICATION_TYPES`). */
export const GROUPABLE_TYPES: readonly NotificationType[] = ["favourite", "reblog", "follow"];

const DAY_MS = 86_400_000;

/**
 * The group a notification belongs to, as Mastodon names it: likes and reposts of one post form
 * one group, follows one group per day, everything else stands alone (`ungrouped-<id>`).
 */
export function groupKeyOf(
  n: { id: string; type: NotificationType; statusId: string | null; createdAt: string },
  groupedTypes: readonly string[] = GROUPABLE_TYPES,
): string {
  if (groupedTypes.includes(n.type)) {
    if ((n.type === "favourite" || n.type === "reblog") && n.statusId) return `${n.type}-${n.statusId}`;
    if (n.type === "follow") return `follow-${Math.floor(Date.parse(n.createdAt) / DAY_MS)}`;
  }
  return `ungrouped-${n.id}`;
}

/** What a group key selects; undefined when the key names no group. */
export type GroupSelector =
  | { kind: "single"; id: string }
  | { kind: "status"; type: "favourite" | "reblog"; statusId: string }
  | { kind: "day"; type: "follow"; from: string; before: string };

const GROUP_KEY = /^(ungrouped|favourite|reblog|follow)-([0-9A-Za-z_]{1,40})$/;

export function parseGroupKey(key: string): GroupSelector | undefined {
  const m = GROUP_KEY.exec(key);
  if (!m) return undefined;
  const [, kind, rest] = m as unknown as [string, string, string];
  if (kind === "ungrouped") return { kind: "single", id: rest };
  if (kind === "follow") {
    if (!/^\d{1,7}$/.test(rest)) return undefined;
    const day = Number(rest) * DAY_MS;
    return {
      kind: "day",
      type: "follow",
      from: new Date(day).toISOString(),
      before: new Date(day + DAY_MS).toISOString(),
    };
  }
  return { kind: "status", type: kind as "favourite" | "reblog", statusId: rest };
}
