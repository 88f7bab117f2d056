/** A Web Push subscription: one per OAuth token (Mastodon's rule). Endpoint and keys are sealed. */
export interface PushSubscriptionsTable {
  /** Random. */
  id: string;
  token_id: string;
  account_id: string;
  /** Sealed (AES-256-GCM under <dataDir>/secrets.key), bound to the row and column. */
  endpoint: string;
  /** Sealed: the subscriber's P-256 public key (base64url). */
  p256dh: string;
  /** Sealed: the subscriber's 16-byte auth secret (base64url). */
  auth_secret: string;
  /** 1: RFC 8291 aes128gcm; 0: the older aesgcm draft (Mastodon's `standard` flag). */
  standard: number;
  /** JSON of Mastodon's alert names to booleans. */
  alerts: string;
  /** "all" | "followed" | "follower" | "none" */
  policy: string;
}

/** A notification waiting to be pushed to a subscription. No text: the payload is built at send time. */
export interface PushDeliveriesTable {
  /** Random. */
  id: string;
  subscription_id: string;
  notification_id: number;
  attempts: number;
  /** ISO time to the minute. */
  due_at: string;
}
