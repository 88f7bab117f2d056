// Web Push (RFC 8030 delivery, RFC 8291 encryption, RFC 8292 VAPID) with Mastodon's subscription
// rules: one subscription per OAuth token, alerts per notification type, and a policy on whom
// pushes may come from. A new notification is queued in the transaction that makes it (only its
// id: the text is built at send time, from what the recipient may still see), and a worker sends
// the queue, so posting never waits for a push service. Endpoint and keys are sealed at rest.
import { createPublicKey } from "node:crypto";
import webpush from "web-push";
import type { Viewer } from "../../domain/account.ts";
import { MINUTE } from "../../domain/clock.ts";
import { notFound, PubliusError, unprocessable } from "../../domain/errors.ts";
import { randomId } from "../../domain/ids.ts";
import type { NotificationType } from "../../domain/notification.ts";
import * as repo from "../../store/repos/push.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import { SecretBox } from "../legal/secret-box.ts";
import type { NotificationService } from "../notifications/notifications.ts";
import { type EndpointRules, endpointProblem, PushEndpointError } from "./endpoint.ts";
import { pushPayload } from "./payload.ts";
import { sendPush } from "./sender.ts";
import { VapidKeyFile } from "./vapid.ts";

/** Mastodon's alert names (docs: Entities > WebPushSubscription), in its order. */
export const PUSH_ALERTS = [
  "mention",
  "status",
  "reblog",
  "follow",
  "follow_request",
  "favourite",
  "poll",
  "update",
  "admin.sign_up",
  "admin.report",
] as const;
export type PushAlert = (typeof PUSH_ALERTS)[number];
export type PushAlerts = Record<PushAlert, boolean>;

export const PUSH_POLICIES = ["all", "followed", "follower", "none"] as const;
export type PushPolicy = (typeof PUSH_POLICIES)[number];

export interface PushSubscription {
  id: string;
  endpoint: string;
  standard: boolean;
  alerts: PushAlerts;
  policy: PushPolicy;
}

export interface PushData {
  /** Only the alerts named change (on update); absent ones are false on create. */
  alerts?: Partial<Record<string, unknown>> | undefined;
  policy?: unknown;
}

export interface NewPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  standard?: boolean | undefined;
  data?: PushData | undefined;
}

/** Mastodon keeps a message 48 hours at the push service. */
const TTL_SECONDS = 48 * 3600;
/** Retries after a failure: 1, 5, 30 minutes, 2 and 6 hours; then the push is dropped. */
const BACKOFF = [1, 5, 30, 120, 360].map((m) => m * MINUTE);
/** How long a claimed row is left alone by other workers. */
const CLAIM = 2 * MINUTE;

function floorMinute(ms: number): string {
  return new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString();
}

function ceilMinute(ms: number): string {
  return new Date(Math.ceil(ms / MINUTE) * MINUTE).toISOString();
}

/** The alert that lets a notification of this type be pushed; undefined: never pushed. */
function alertFor(type: NotificationType | string): PushAlert | undefined {
  return (PUSH_ALERTS as readonly string[]).includes(type) ? (type as PushAlert) : undefined;
}

function toBool(key: string, value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "1" || value === 1 || value === "on") return true;
  if (value === "false" || value === "0" || value === 0 || value === "off" || value === "" || value === null)
    return false;
  throw unprocessable(`data[alerts][${key}] must be a boolean`);
}

function parseAlerts(input: PushData["alerts"], base: PushAlerts): PushAlerts {
  const out = { ...base };
  if (input === undefined || input === null) return out;
  if (typeof input !== "object" || Array.isArray(input)) throw unprocessable("data[alerts] must be an object");
  for (const [key, value] of Object.entries(input)) {
    // Unknown alert names are ignored, as Mastodon's permitted parameters ignore them.
    if ((PUSH_ALERTS as readonly string[]).includes(key)) out[key as PushAlert] = toBool(key, value);
  }
  return out;
}

function parsePolicy(input: unknown, base: PushPolicy): PushPolicy {
  if (input === undefined || input === null || input === "") return base;
  if (typeof input === "string" && (PUSH_POLICIES as readonly string[]).includes(input)) return input as PushPolicy;
  throw unprocessable("policy must be all, followed, follower or none", { policy: "all, followed, follower or none" });
}

const NO_ALERTS = Object.fromEntries(PUSH_ALERTS.map((a) => [a, false])) as PushAlerts;

/** Base64 or base64url -> bytes, or undefined when it is neither. */
function decodeKey(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""), "base64url");
}

function onCurve(point: Buffer): boolean {
  try {
    createPublicKey({
      key: {
        kty: "EC",
        crv: "P-256",
        x: point.subarray(1, 33).toString("base64url"),
        y: point.subarray(33, 65).toString("base64url"),
      },
      format: "jwk",
    });
    return true;
  } catch {
    return false;
  }
}

export interface DeliveryRound {
  sent: number;
  retried: number;
  dropped: number;
  /** Subscriptions deleted because the push service said they are gone (404/410). */
  removed: number;
}

export class PushService {
  readonly #deps: ServiceDeps;
  readonly #notifications: () => NotificationService;
  readonly #box: SecretBox;
  readonly vapid: VapidKeyFile;
  readonly #rules: EndpointRules;
  #running: Promise<unknown> | undefined;
  #again = false;

  constructor(deps: ServiceDeps, notifications: () => NotificationService) {
    this.#deps = deps;
    this.#notifications = notifications;
    this.#box = new SecretBox(deps.config.dataDir);
    this.vapid = new VapidKeyFile(deps.config.dataDir);
    this.#rules = { allowLoopbackHttp: deps.config.push.allowLoopbackHttp };
  }

  /** The VAPID public key clients subscribe with (Application.vapid_key, instance configuration). */
  serverKey(): string {
    return this.vapid.publicKey();
  }

  #seal(id: string, column: string, value: string): string {
    return this.#box.seal(value, `push_subscriptions.${column}:${id}`);
  }

  #open(id: string, column: string, value: string): string {
    return this.#box.open(value, `push_subscriptions.${column}:${id}`);
  }

  #toSubscription(row: repo.PushSubscriptionRow): PushSubscription {
    let alerts: PushAlerts = NO_ALERTS;
    try {
      alerts = { ...NO_ALERTS, ...(JSON.parse(row.alerts) as Partial<PushAlerts>) };
    } catch {
      // A damaged value pushes nothing rather than failing every request.
    }
    return {
      id: row.id,
      endpoint: this.#open(row.id, "endpoint", row.endpoint),
      standard: row.standard === 1,
      alerts,
      policy: (PUSH_POLICIES as readonly string[]).includes(row.policy) ? (row.policy as PushPolicy) : "all",
    };
  }

  /** Creates the token's subscription, replacing any it had. */
  async subscribe(viewer: Viewer, tokenId: string, input: NewPushSubscription): Promise<PushSubscription> {
    const endpoint = input.endpoint.trim();
    if (!endpoint) throw unprocessable("subscription[endpoint] is required", { endpoint: "required" });
    const problem = endpointProblem(endpoint, this.#rules);
    if (problem) throw unprocessable(`subscription[endpoint] ${problem}`, { endpoint: problem });
    const p256dh = decodeKey(input.p256dh.trim());
    // An uncompressed P-256 point (0x04, then x and y) that is on the curve.
    if (p256dh?.length !== 65 || p256dh[0] !== 4 || !onCurve(p256dh)) {
      throw unprocessable("subscription[keys][p256dh] must be a base64 P-256 public key", { p256dh: "invalid" });
    }
    const auth = decodeKey(input.auth.trim());
    if (auth?.length !== 16) {
      throw unprocessable("subscription[keys][auth] must be 16 bytes in base64", { auth: "invalid" });
    }
    const alerts = parseAlerts(input.data?.alerts, NO_ALERTS);
    const policy = parsePolicy(input.data?.policy, "all");
    const id = randomId();
    await repo.replaceSubscription(this.#deps.db, {
      id,
      token_id: tokenId,
      account_id: viewer.accountId,
      endpoint: this.#seal(id, "endpoint", endpoint),
      p256dh: this.#seal(id, "p256dh", p256dh.toString("base64url")),
      auth_secret: this.#seal(id, "auth_secret", auth.toString("base64url")),
      standard: input.standard ? 1 : 0,
      alerts: JSON.stringify(alerts),
      policy,
    });
    return this.get(tokenId);
  }

  async get(tokenId: string): Promise<PushSubscription> {
    const row = await repo.subscriptionOfToken(this.#deps.db, tokenId);
    if (!row) throw notFound();
    return this.#toSubscription(row);
  }

  /** Changes alerts and policy only (Mastodon: the rest needs a new subscription). */
  async update(tokenId: string, data: PushData): Promise<PushSubscription> {
    const current = await this.get(tokenId);
    const alerts = parseAlerts(data.alerts, current.alerts);
    const policy = parsePolicy(data.policy, current.policy);
    await repo.updateSubscriptionData(this.#deps.db, tokenId, { alerts: JSON.stringify(alerts), policy });
    return this.get(tokenId);
  }

  /** Removes the token's subscription; fine when there is none (Mastodon answers {} either way). */
  async unsubscribe(tokenId: string): Promise<void> {
    await repo.deleteSubscriptionOfToken(this.#deps.db, tokenId);
  }

  /**
   * Queues a new notification for each of the recipient's subscriptions whose alerts want it,
   * inside the caller's transaction: it is queued exactly when it exists.
   */
  async enqueue(tx: Queryable, n: { notificationId: number; accountId: string; type: string }): Promise<void> {
    const alert = alertFor(n.type);
    if (!alert) return;
    const subscriptions = await repo.subscriptionsOfAccount(tx, n.accountId);
    if (subscriptions.length === 0) return;
    const due = floorMinute(this.#deps.clock.now().getTime());
    const rows = subscriptions
      .filter((s) => {
        try {
          return (JSON.parse(s.alerts) as Partial<PushAlerts>)[alert] === true;
        } catch {
          return false;
        }
      })
      .map((s) => ({
        id: randomId(),
        subscription_id: s.id,
        notification_id: n.notificationId,
        attempts: 0,
        due_at: due,
      }));
    await repo.enqueueDeliveries(tx, rows);
  }

  /** Queued pushes (for tests and the operator's view). */
  async queued(): Promise<number> {
    return repo.countDeliveries(this.#deps.db);
  }

  /** Sends what is due. One round at a time in this process; rows are claimed against other processes. */
  async deliverDue(limit = 100): Promise<DeliveryRound> {
    const round: DeliveryRound = { sent: 0, retried: 0, dropped: 0, removed: 0 };
    const { db, clock } = this.#deps;
    const now = clock.now().getTime();
    for (const row of await repo.dueDeliveries(db, new Date(now).toISOString(), limit)) {
      if (!(await repo.claimDelivery(db, row.id, row.due_at, ceilMinute(now + CLAIM)))) continue;
      const outcome = await this.#deliver(row).catch((e: unknown) => {
        if (e instanceof PushEndpointError) return "drop" as const;
        if (e instanceof PubliusError && e.status === 404) return "drop" as const;
        return "retry" as const;
      });
      if (outcome === "sent") {
        round.sent += 1;
        await repo.deleteDelivery(db, row.id);
      } else if (outcome === "gone") {
        round.removed += 1;
        await repo.deleteSubscription(db, row.subscription_id);
      } else if (outcome === "retry" && row.attempts < BACKOFF.length) {
        round.retried += 1;
        const wait = BACKOFF[row.attempts] as number;
        await repo.rescheduleDelivery(db, row.id, row.attempts + 1, ceilMinute(now + wait));
      } else {
        round.dropped += 1;
        await repo.deleteDelivery(db, row.id);
      }
    }
    return round;
  }

  async #deliver(row: {
    subscription_id: string;
    notification_id: number;
  }): Promise<"sent" | "gone" | "retry" | "drop"> {
    const stored = await repo.subscriptionById(this.#deps.db, row.subscription_id);
    if (!stored) return "drop";
    const sub = this.#toSubscription(stored);
    const viewer: Viewer = { accountId: stored.account_id, roles: [] };
    // Read as the recipient: a notification now hidden (muted, blocked, post gone) is not pushed.
    const n = await this.#notifications().get(viewer, String(row.notification_id));
    const alert = alertFor(n.type);
    if (!alert || !sub.alerts[alert]) return "drop";
    if (sub.policy === "none") return "drop";
    if (sub.policy === "followed" && !(await repo.follows(this.#deps.db, viewer.accountId, n.account.id)))
      return "drop";
    if (sub.policy === "follower" && !(await repo.follows(this.#deps.db, n.account.id, viewer.accountId)))
      return "drop";

    const keys = this.vapid.keys();
    const publicUrl = this.#deps.config.publicUrl;
    const details = webpush.generateRequestDetails(
      {
        endpoint: sub.endpoint,
        keys: {
          p256dh: this.#open(stored.id, "p256dh", stored.p256dh),
          auth: this.#open(stored.id, "auth_secret", stored.auth_secret),
        },
      },
      JSON.stringify(pushPayload(publicUrl, n)),
      {
        // The VAPID contact is the site (web-push accepts only https: or mailto:).
        vapidDetails: {
          subject: publicUrl.startsWith("https:") ? publicUrl : "mailto:push@publius.invalid",
          publicKey: keys.publicKey,
          privateKey: keys.privateKey,
        },
        TTL: TTL_SECONDS,
        urgency: "normal",
        contentEncoding: sub.standard ? "aes128gcm" : "aesgcm",
      },
    );
    const status = await sendPush(
      { endpoint: sub.endpoint, headers: details.headers as Record<string, string | number>, body: details.body },
      this.#rules,
    );
    if (status >= 200 && status < 300) return "sent";
    // RFC 8030 §7.3: the subscription expired or never existed.
    if (status === 404 || status === 410) return "gone";
    if (status === 408 || status === 429 || status >= 500) return "retry";
    return "drop";
  }

  /** The worker (src/main.ts): a round now and then, and soon after each new notification. */
  soon(onError: (e: unknown) => void = () => {}): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.deliverDue();
      } while (this.#again);
    })().finally(() => {
      this.#running = undefined;
    });
    this.#running.catch(onError);
  }

  async settled(): Promise<void> {
    while (this.#running) await this.#running.catch(() => {});
  }
}
