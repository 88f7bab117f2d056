import type { Account } from "./account.ts";
import type { Status } from "./status.ts";

export type NotificationType = "mention" | "follow" | "follow_request" | "reblog" | "favourite";
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
