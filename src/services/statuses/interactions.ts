// Reposts and likes. Each is idempotent: doing it twice leaves one repost or one like.
import { sql } from "kysely";
import type { Viewer } from "../../domain/account.ts";
import { dayOf } from "../../domain/clock.ts";
import { notFound, unprocessable } from "../../domain/errors.ts";
import { randomSerial } from "../../domain/ids.ts";
import { type Status, VISIBILITIES, type Visibility } from "../../domain/status.ts";
import { STATUS_COLUMNS, statusSource } from "../../store/repos/statuses.ts";
import { visibleTo } from "../../store/repos/visibility.ts";
import { isUniqueViolation, type Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { PubliusEvent } from "../events/bus.ts";
import type { NotificationService } from "../notifications/notifications.ts";
import { hydrateStatuses } from "./hydrate.ts";
import { removeStatus } from "./removal.ts";

export class InteractionService {
  readonly #deps: ServiceDeps;
  readonly #notifications: NotificationService;
  constructor(deps: ServiceDeps, notifications: NotificationService) {
    this.#deps = deps;
    this.#notifications = notifications;
  }

  /** The post itself (a repost resolves to what it reposts), if the viewer may see it. */
  async #target(
    db: Queryable,
    viewer: Viewer,
    statusId: string,
  ): Promise<{ id: string; account_id: string; reblog_of_id: string | null; visibility: string }> {
    const row = await statusSource(db)
      .select(["s.id", "s.account_id", "s.reblog_of_id", "s.visibility"])
      .where("s.id", "=", statusId)
      .where(visibleTo(viewer.accountId))
      .executeTakeFirst();
    if (!row) throw notFound();
    if (row.reblog_of_id) return this.#target(db, viewer, row.reblog_of_id);
    return row;
  }

  /**
   * Reposts a post; returns the repost (a status whose `reblog` is the original). The repost is as
   * visible as the original unless the caller narrows or widens it (public, unlisted or private).
   */
  async reblog(viewer: Viewer, statusId: string, options: { visibility?: string | undefined } = {}): Promise<Status> {
    if (options.visibility !== undefined && !VISIBILITIES.includes(options.visibility as Visibility)) {
      throw unprocessable("Visibility must be public, unlisted or private.");
    }
    const events: PubliusEvent[] = [];
    let reblogId: string | undefined;
    await this.#deps.db.transaction().execute(async (tx) => {
      const target = await this.#target(tx, viewer, statusId);
      if (target.visibility === "private") {
        throw unprocessable("Followers-only posts cannot be reposted.");
      }
      // Two racing reposts must not both find "none yet", nor one repost a post being deleted:
      // PostgreSQL holds the original's row until commit (SQLite runs one write at a time anyway).
      if (this.#deps.dialect === "postgres") {
        const held = await tx.selectFrom("statuses").select("id").where("id", "=", target.id).forUpdate().execute();
        if (held.length === 0) throw notFound();
      }
      const existing = await tx
        .selectFrom("statuses")
        .select("id")
        .where("account_id", "=", viewer.accountId)
        .where("reblog_of_id", "=", target.id)
        .executeTakeFirst();
      if (existing) {
        reblogId = existing.id;
        return;
      }
      const now = this.#deps.clock.now();
      reblogId = this.#deps.ids.next(now);
      await tx
        .insertInto("statuses")
        .values({
          id: reblogId,
          account_id: viewer.accountId,
          in_reply_to_id: null,
          in_reply_to_account_id: null,
          reblog_of_id: target.id,
          text: "",
          content: "",
          spoiler_text: "",
          sensitive: 0,
          visibility: options.visibility ?? target.visibility,
          language: null,
          created_at: now.toISOString(),
          edited_at: null,
          replies_count: 0,
          reblogs_count: 0,
          favourites_count: 0,
        })
        .execute();
      await tx
        .updateTable("statuses")
        .set({ reblogs_count: sql`reblogs_count + 1` })
        .where("id", "=", target.id)
        .execute();
      await tx
        .updateTable("accounts")
        .set({ statuses_count: sql`statuses_count + 1`, last_status_day: dayOf(now) })
        .where("id", "=", viewer.accountId)
        .execute();
      const e = await this.#notifications.add(tx, {
        accountId: target.account_id,
        fromAccountId: viewer.accountId,
        type: "reblog",
        statusId: target.id,
      });
      if (e) events.push(e);
      events.unshift({ type: "status.created", statusId: reblogId, authorId: viewer.accountId });
    });
    for (const e of events) this.#deps.events.publish(e);
    return this.#one(viewer, reblogId as string);
  }

  /** Undoes a repost; returns the original post. */
  async unreblog(viewer: Viewer, statusId: string): Promise<Status> {
    let originalId = statusId;
    let removed: string | undefined;
    await this.#deps.db.transaction().execute(async (tx) => {
      const target = await this.#target(tx, viewer, statusId);
      originalId = target.id;
      const mine = await tx
        .selectFrom("statuses")
        .select("id")
        .where("account_id", "=", viewer.accountId)
        .where("reblog_of_id", "=", target.id)
        .executeTakeFirst();
      if (!mine) return;
      await removeStatus(tx, mine.id);
      removed = mine.id;
      await this.#notifications.retract(tx, {
        accountId: target.account_id,
        fromAccountId: viewer.accountId,
        type: "reblog",
        statusId: target.id,
      });
    });
    if (removed) this.#deps.events.publish({ type: "status.deleted", statusId: removed, authorId: viewer.accountId });
    return this.#one(viewer, originalId);
  }

  async favourite(viewer: Viewer, statusId: string): Promise<Status> {
    const events: PubliusEvent[] = [];
    let targetId = statusId;
    await this.#deps.db
      .transaction()
      .execute(async (tx) => {
        const target = await this.#target(tx, viewer, statusId);
        targetId = target.id;
        const had = await tx
          .selectFrom("favourites")
          .select("id")
          .where("account_id", "=", viewer.accountId)
          .where("status_id", "=", target.id)
          .executeTakeFirst();
        if (had) return;
        await tx
          .insertInto("favourites")
          .values({ id: randomSerial(), account_id: viewer.accountId, status_id: target.id })
          .execute();
        await tx
          .updateTable("statuses")
          .set({ favourites_count: sql`favourites_count + 1` })
          .where("id", "=", target.id)
          .execute();
        const e = await this.#notifications.add(tx, {
          accountId: target.account_id,
          fromAccountId: viewer.accountId,
          type: "favourite",
          statusId: target.id,
        });
        if (e) events.push(e);
      })
      .catch((e) => {
        // The post was deleted while this like was being written (PostgreSQL foreign key): it is gone.
        if ((e as { code?: string }).code === "23503") throw notFound();
        if (!isUniqueViolation(e)) throw e; // a concurrent identical like: one is enough
      });
    for (const e of events) this.#deps.events.publish(e);
    return this.#one(viewer, targetId);
  }

  async unfavourite(viewer: Viewer, statusId: string): Promise<Status> {
    let targetId = statusId;
    await this.#deps.db.transaction().execute(async (tx) => {
      const target = await this.#target(tx, viewer, statusId);
      targetId = target.id;
      const r = await tx
        .deleteFrom("favourites")
        .where("account_id", "=", viewer.accountId)
        .where("status_id", "=", target.id)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return;
      await tx
        .updateTable("statuses")
        .set({ favourites_count: sql`favourites_count - 1` })
        .where("id", "=", target.id)
        .execute();
      await this.#notifications.retract(tx, {
        accountId: target.account_id,
        fromAccountId: viewer.accountId,
        type: "favourite",
        statusId: target.id,
      });
    });
    return this.#one(viewer, targetId);
  }

  async #one(viewer: Viewer, id: string): Promise<Status> {
    const rows = await statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.id", "=", id)
      .where(visibleTo(viewer.accountId))
      .execute();
    const [s] = await hydrateStatuses(this.#deps.db, rows, viewer.accountId);
    if (!s) throw notFound();
    return s;
  }
}
