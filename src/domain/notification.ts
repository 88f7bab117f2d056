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
