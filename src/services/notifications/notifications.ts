// Notifications: mention, follow, follow request, repost, like. Made inside the transaction of the
// action that causes them; read with the same block, mute and visibility rules as everything else.
import { type SelectQueryBuilder, sql } from "kysely";
import type { Viewer } from "../../domain/account.ts";
import { hourOf } from "../../domain/clock.ts";
import { notFound } from "../../domain/errors.ts";
import { hourSerialFloor, parseSerial, serialBound } from "../../domain/ids.ts";
import type { Notification, NotificationType } from "../../domain/notification.ts";
import { type Page, pageLimit } from "../../domain/status.ts";
import { findAccountsByIds } from "../../store/repos/accounts.ts";
import { insertNotification } from "../../store/repos/notifications.ts";
import { runSerialPage } from "../../store/repos/paging.ts";
import { STATUS_COLUMNS, statusSource } from "../../store/repos/statuses.ts";
import { visibleTo } from "../../store/repos/visibility.ts";
import type { AccountsTable } from "../../store/schema/accounts.ts";
import type { Database } from "../../store/schema/database.ts";
import type { NotificationsTable } from "../../store/schema/notifications.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { PubliusEvent } from "../events/bus.ts";
import { hydrateStatuses } from "../statuses/hydrate.ts";

export interface NotificationFilter {
  types?: readonly string[] | undefined;
  excludeTypes?: readonly string[] | undefined;
  /** Only those caused by this account. */
  accountId?: string | undefined;
  /** Only those about this post (a grouped-notification key). */
  statusId?: string | undefined;
  /** Only those made in [createdFrom, createdBefore) (a day's group of follows). */
  createdFrom?: string | undefined;
  createdBefore?: string | undefined;
  /** Only those not yet read. */
  unread?: boolean | undefined;
}

/** Called inside the transaction that made a notification (Web Push queues it there). */
export type NotificationAdded = (
  tx: Queryable,
  n: { notificationId: number; accountId: string; type: NotificationType },
) => Promise<void>;

export class NotificationService {
  readonly #deps: ServiceDeps;
  readonly #onAdded: NotificationAdded | undefined;
  constructor(deps: ServiceDeps, onAdded?: NotificationAdded) {
    this.#deps = deps;
    this.#onAdded = onAdded;
  }

  /**
   * Records a notification inside the caller's transaction and returns the event to publish after
   * commit. Nothing is made for oneself, nor from someone the recipient blocks.
   */
  async add(
    tx: Queryable,
    n: { accountId: string; fromAccountId: string; type: NotificationType; statusId?: string | null },
  ): Promise<PubliusEvent | undefined> {
    if (n.accountId === n.fromAccountId) return undefined;
    const blocked = await tx
      .selectFrom("blocks")
      .select("id")
      .where("account_id", "=", n.accountId)
      .where("target_account_id", "=", n.fromAccountId)
      .executeTakeFirst();
    if (blocked) return undefined;
    const now = this.#deps.clock.now();
    const id = await insertNotification(
      tx,
      {
        account_id: n.accountId,
        from_account_id: n.fromAccountId,
        type: n.type,
        status_id: n.statusId ?? null,
        read: 0,
        created_at: hourOf(now),
      },
      now,
    );
    await this.#onAdded?.(tx, { notificationId: Number(id), accountId: n.accountId, type: n.type });
    return { type: "notification.created", notificationId: String(id), accountId: n.accountId, kind: n.type };
  }

  /** Removes notifications an undone action made (unfollow, unlike, unrepost). */
  async retract(
    tx: Queryable,
    n: { accountId: string; fromAccountId: string; type: NotificationType; statusId?: string | null },
  ): Promise<void> {
    let q = tx
      .deleteFrom("notifications")
      .where("account_id", "=", n.accountId)
      .where("from_account_id", "=", n.fromAccountId)
      .where("type", "=", n.type);
    if (n.statusId) q = q.where("status_id", "=", n.statusId);
    await q.execute();
  }

  #visible(viewer: Viewer) {
    const v = viewer.accountId;
    return this.#deps.db
      .selectFrom("notifications as n")
      .innerJoin("accounts as fa", "fa.id", "n.from_account_id")
      .where("n.account_id", "=", v)
      .where("fa.suspended", "=", 0)
      .where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ${v} AND m.target_account_id = n.from_account_id)`,
      )
      .where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ${v} AND b.target_account_id = n.from_account_id) OR (b.account_id = n.from_account_id AND b.target_account_id = ${v}))`,
      );
  }

  async list(viewer: Viewer, page: Page = {}, filter: NotificationFilter = {}): Promise<Notification[]> {
    const limit = pageLimit(page, 40, 80);
    let q = this.#visible(viewer).select([
      "n.id",
      "n.type",
      "n.from_account_id",
      "n.status_id",
      "n.read",
      "n.created_at",
    ]);
    q = applyFilter(q, filter);
    const rows = await runSerialPage(q, "n.id", page, limit, { bucketFloor: hourSerialFloor });
    return this.#hydrate(viewer, rows);
  }

  async get(viewer: Viewer, id: string): Promise<Notification> {
    const row = await this.#visible(viewer)
      .select(["n.id", "n.type", "n.from_account_id", "n.status_id", "n.read", "n.created_at"])
      .where("n.id", "=", parseSerial(id) ?? -1)
      .executeTakeFirst();
    const [n] = row ? await this.#hydrate(viewer, [row]) : [];
    if (!n) throw notFound();
    return n;
  }

  async #hydrate(
    viewer: Viewer,
    rows: {
      id: number;
      type: string;
      from_account_id: string;
      status_id: string | null;
      read: number;
      created_at: string;
    }[],
  ): Promise<Notification[]> {
    const statusIds = rows.map((r) => r.status_id).filter((id): id is string => id !== null);
    const statusRows = statusIds.length
      ? await statusSource(this.#deps.db)
          .select(STATUS_COLUMNS)
          .where("s.id", "in", statusIds)
          .where(visibleTo(viewer.accountId))
          .execute()
      : [];
    const statuses = new Map(
      (await hydrateStatuses(this.#deps.db, statusRows, viewer.accountId)).map((s) => [s.id, s]),
    );
    const accounts = await findAccountsByIds(
      this.#deps.db,
      rows.map((r) => r.from_account_id),
    );
    const out: Notification[] = [];
    for (const r of rows) {
      const account = accounts.get(r.from_account_id);
      const status = r.status_id ? statuses.get(r.status_id) : null;
      if (!account || status === undefined) continue; // the post is gone or hidden
      out.push({
        id: String(r.id),
        type: r.type as NotificationType,
        account,
        status,
        read: r.read === 1,
        createdAt: r.created_at,
      });
    }
    return out;
  }

  /** Unread notifications; with `cap`, counted no further than that (Mastodon's unread_count). */
  async unreadCount(viewer: Viewer, filter: NotificationFilter = {}, cap?: number): Promise<number> {
    if (cap !== undefined) {
      const rows = await applyFilter(this.#visible(viewer).select("n.id").where("n.read", "=", 0), filter)
        .limit(cap)
        .execute();
      return rows.length;
    }
    const row = await applyFilter(
      this.#visible(viewer)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("n.read", "=", 0),
      filter,
    ).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Marks read every notification up to and including `lastReadId` (the notifications marker). */
  async markReadUpTo(viewer: Viewer, lastReadId: string): Promise<void> {
    const upTo = serialBound(lastReadId);
    if (upTo === undefined) return;
    await this.#deps.db
      .updateTable("notifications")
      .set({ read: 1 })
      .where("account_id", "=", viewer.accountId)
      .where("id", "<=", upTo)
      .where("read", "=", 0)
      .execute();
  }

  async markAllRead(viewer: Viewer): Promise<void> {
    await this.#deps.db
      .updateTable("notifications")
      .set({ read: 1 })
      .where("account_id", "=", viewer.accountId)
      .where("read", "=", 0)
      .execute();
  }

  async dismiss(viewer: Viewer, id: string): Promise<void> {
    const r = await this.#deps.db
      .deleteFrom("notifications")
      .where("id", "=", parseSerial(id) ?? -1)
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound();
  }

  /** How many of one's visible notifications match (a group's notifications_count). */
  async count(viewer: Viewer, filter: NotificationFilter = {}): Promise<number> {
    const row = await applyFilter(
      this.#visible(viewer).select((eb) => eb.fn.countAll<number>().as("n")),
      filter,
    ).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Dismisses every one of one's notifications that matches (a whole group). */
  async dismissMatching(viewer: Viewer, filter: NotificationFilter): Promise<number> {
    let q = this.#deps.db.deleteFrom("notifications").where("account_id", "=", viewer.accountId);
    if (filter.types?.length) q = q.where("type", "in", [...filter.types]);
    if (filter.statusId) q = q.where("status_id", "=", filter.statusId);
    if (filter.createdFrom) q = q.where("created_at", ">=", filter.createdFrom);
    if (filter.createdBefore) q = q.where("created_at", "<", filter.createdBefore);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async clear(viewer: Viewer): Promise<void> {
    await this.#deps.db.deleteFrom("notifications").where("account_id", "=", viewer.accountId).execute();
  }
}

type VisibleNotifications<O> = SelectQueryBuilder<
  Database & { n: NotificationsTable; fa: AccountsTable },
  "n" | "fa",
  O
>;

function applyFilter<O>(query: VisibleNotifications<O>, filter: NotificationFilter): VisibleNotifications<O> {
  let q = query;
  if (filter.types?.length) q = q.where("n.type", "in", [...filter.types]);
  if (filter.excludeTypes?.length) q = q.where("n.type", "not in", [...filter.excludeTypes]);
  if (filter.accountId) q = q.where("n.from_account_id", "=", filter.accountId);
  if (filter.statusId) q = q.where("n.status_id", "=", filter.statusId);
  if (filter.createdFrom) q = q.where("n.created_at", ">=", filter.createdFrom);
  if (filter.createdBefore) q = q.where("n.created_at", "<", filter.createdBefore);
  if (filter.unread) q = q.where("n.read", "=", 0);
  return q;
}
