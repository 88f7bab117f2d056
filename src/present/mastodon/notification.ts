import type { Notification } from "../../domain/notification.ts";
import { accountToApi } from "./account.ts";
import { statusToApi } from "./status.ts";

export function notificationToApi(origin: string, n: Notification) {
  return {
    id: n.id,
    type: n.type,
    group_key: `ungrouped-${n.id}`,
    created_at: n.createdAt,
    account: accountToApi(origin, n.account),
    ...(n.status ? { status: statusToApi(origin, n.status) } : {}),
  };
}
