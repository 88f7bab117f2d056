// Grouped notifications (Mastodon 4.3, /api/v2/notifications: GroupedNotificationsResults and
// NotificationGroup). Groups are made from one page of notifications, newest first, as Mastodon
// does: page_min_id/page_max_id say which of the group's notifications this page holds, and
// notifications_count how many the whole group has.
import { GROUPABLE_TYPES, groupKeyOf, type Notification } from "../../domain/notification.ts";
import { accountToApi } from "./account.ts";
import { statusToApi } from "./status.ts";

/** Mastodon shows at most this many accounts per group. */
export const SAMPLE_ACCOUNTS = 8;

export interface NotificationGroup {
  key: string;
  type: Notification["type"];
  /** Newest first; this page's share of the group. */
  notifications: Notification[];
  /** The whole group's size (not just this page's share). */
  count: number;
}

export function groupNotifications(
  list: readonly Notification[],
  groupedTypes: readonly string[] = GROUPABLE_TYPES,
): Omit<NotificationGroup, "count">[] {
  const groups = new Map<string, Omit<NotificationGroup, "count">>();
  for (const n of list) {
    const key = groupKeyOf(
      { id: n.id, type: n.type, statusId: n.status?.id ?? null, createdAt: n.createdAt },
      groupedTypes,
    );
    const g = groups.get(key);
    if (g) g.notifications.push(n);
    else groups.set(key, { key, type: n.type, notifications: [n] });
  }
  return [...groups.values()];
}

export function notificationGroupToApi(g: NotificationGroup) {
  const newest = g.notifications[0] as Notification;
  const oldest = g.notifications[g.notifications.length - 1] as Notification;
  const sample: string[] = [];
  for (const n of g.notifications) {
    if (!sample.includes(n.account.id)) sample.push(n.account.id);
    if (sample.length === SAMPLE_ACCOUNTS) break;
  }
  return {
    group_key: g.key,
    notifications_count: g.count,
    type: g.type,
    most_recent_notification_id: newest.id,
    page_min_id: oldest.id,
    page_max_id: newest.id,
    // The notifications' own time, which the inventory keeps to the hour: no finer here either.
    latest_page_notification_at: newest.createdAt,
    sample_account_ids: sample,
    status_id: newest.status?.id ?? null,
  };
}

/** GroupedNotificationsResults: the groups with the accounts and posts they refer to, each once. */
export function groupedResultsToApi(origin: string, groups: readonly NotificationGroup[]) {
  const accounts = new Map<string, ReturnType<typeof accountToApi>>();
  const statuses = new Map<string, ReturnType<typeof statusToApi>>();
  const notification_groups = groups.map((g) => {
    const api = notificationGroupToApi(g);
    for (const n of g.notifications) {
      if (api.sample_account_ids.includes(n.account.id) && !accounts.has(n.account.id)) {
        accounts.set(n.account.id, accountToApi(origin, n.account));
      }
      if (n.status && !statuses.has(n.status.id)) statuses.set(n.status.id, statusToApi(origin, n.status));
    }
    return api;
  });
  return { accounts: [...accounts.values()], statuses: [...statuses.values()], notification_groups };
}
