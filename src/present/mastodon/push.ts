// Push subscription -> Mastodon WebPushSubscription JSON (docs: Entities > WebPushSubscription).
import type { PushSubscription } from "../../services/push/push.ts";

export function webPushSubscriptionToApi(sub: PushSubscription, serverKey: string) {
  return {
    id: sub.id,
    endpoint: sub.endpoint,
    standard: sub.standard,
    alerts: { ...sub.alerts },
    policy: sub.policy,
    server_key: serverKey,
  };
}
