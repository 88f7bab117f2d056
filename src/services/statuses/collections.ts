// Bookmarks and pins, and the lists built on a person and a post: one's bookmarks and likes, who
// reposted or liked a post. Every list passes through the same visibility rule as timelines, so a
// post one can no longer see drops out of one's bookmarks too.
import { sql } from "kysely";
import type { Account, Viewer } from "../../domain/account.ts";
import { notFound, unprocessable } from "../../domain/errors.ts";
import { randomSerial } from "../../domain/ids.ts";
import { type Page, pageLimit, type Status } from "../../domain/status.ts";
import { findAccountsByIds } from "../../store/repos/accounts.ts";
import { runSerialPage } from "../../store/repos/paging.ts";
import { STATUS_COLUMNS, statusSource } from "../../store/repos/statuses.ts";
import { visibleTo } from "../../store/repos/visibility.ts";
import { isUniqueViolation, type Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { AccountPage } from "../graph/relationships.ts";
import { hydrateStatuses } from "./hydrate.ts";

/** Pinned posts per account (Mastodon's default). */
export const MAX_PINS = 5;

export interface StatusPage {
  statuses: Status[];
  /** The ids of the edges (bookmark, like) at the page's ends, for max_id / min_id links. */
  newestId: string | undefined;
  oldestId: string | undefined;
}

type Edge = "bookmarks" | "favourites";

export class CollectionService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** The post the viewer may see; a repost stands for what it reposts. */
  async #visible(
    db: Queryable,
    viewer: Viewer | null,
    statusId: string,
  ): Promise<{ id: string; account_id: string; reblog_of_id: string | null; visibility: string }> {
    const row = await statusSource(db)
      .select(["s.id", "s.account_id", "s.reblog_of_id", "s.visibility"])
      .where("s.id", "=", statusId)
      .where(visibleTo(viewer?.accountId ?? null))
      .executeTakeFirst();
    if (!row) throw notFound();
    if (row.reblog_of_id) return this.#visible(db, viewer, row.reblog_of_id);
    return row;
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

  /** Bookmarks a post privately; doing it twice keeps one bookmark. */
  async bookmark(viewer: Viewer, statusId: string): Promise<Status> {
    const target = await this.#visible(this.#deps.db, viewer, statusId);
    await this.#deps.db
      .insertInto("bookmarks")
      .values({ id: randomSerial(), account_id: viewer.accountId, status_id: target.id })
      .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
      .execute();
    return this.#one(viewer, target.id);
  }

  async unbookmark(viewer: Viewer, statusId: string): Promise<Status> {
    const target = await this.#visible(this.#deps.db, viewer, statusId);
    await this.#deps.db
      .deleteFrom("bookmarks")
      .where("account_id", "=", viewer.accountId)
      .where("status_id", "=", target.id)
      .execute();
    return this.#one(viewer, target.id);
  }

  /**
   * Pins one's own public or unlisted post to one's profile, at most MAX_PINS of them. Followers-only
   * posts are not pinnable: a profile is the most public page there is.
   */
  async pin(viewer: Viewer, statusId: string): Promise<Status> {
    const v = viewer.accountId;
    const work = this.#deps.db.transaction().execute(async (tx) => {
      const row = await statusSource(tx)
        .select(["s.id", "s.account_id", "s.reblog_of_id", "s.visibility"])
        .where("s.id", "=", statusId)
        .where(visibleTo(v))
        .executeTakeFirst();
      if (!row) throw notFound();
      if (row.reblog_of_id) throw unprocessable("Validation failed: A boost cannot be pinned");
      if (row.account_id !== v) throw unprocessable("Validation failed: Someone else's post cannot be pinned");
      if (row.visibility !== "public" && row.visibility !== "unlisted") {
        throw unprocessable("Validation failed: Followers-only posts cannot be pinned");
      }
      // Two racing pins must not both see room for one more: PostgreSQL holds the account's row
      // (SQLite already runs one write transaction at a time).
      if (this.#deps.dialect === "postgres") {
        await tx.selectFrom("accounts").select("id").where("id", "=", v).forUpdate().execute();
      }
      const pins = await tx.selectFrom("status_pins").select("status_id").where("account_id", "=", v).execute();
      if (pins.some((p) => p.status_id === row.id)) return;
      if (pins.length >= MAX_PINS) {
        throw unprocessable("Validation failed: You have already pinned the maximum number of posts");
      }
      await tx.insertInto("status_pins").values({ id: randomSerial(), account_id: v, status_id: row.id }).execute();
    });
    await work.catch((e: unknown) => {
      if (!isUniqueViolation(e)) throw e; // the same pin, made twice at once: one is enough
    });
    return this.#one(viewer, statusId);
  }

  async unpin(viewer: Viewer, statusId: string): Promise<Status> {
    const status = await this.#one(viewer, statusId);
    await this.#deps.db
      .deleteFrom("status_pins")
      .where("account_id", "=", viewer.accountId)
      .where("status_id", "=", statusId)
      .execute();
    return { ...status, pinned: false };
  }

  /**
   * An account's pinned posts as the viewer may see them, the newest post first: pins have random
   * keys (the order of pinning would date it), and a post's time is public.
   */
  async pinned(viewer: Viewer | null, accountId: string): Promise<Status[]> {
    const v = viewer?.accountId ?? null;
    const rows = await statusSource(this.#deps.db)
      .innerJoin("status_pins as p", "p.status_id", "s.id")
      .select(STATUS_COLUMNS)
      .where("p.account_id", "=", accountId)
      .where("s.account_id", "=", accountId)
      .where(visibleTo(v))
      .orderBy("s.id", "desc")
      .limit(MAX_PINS)
      .execute();
    return hydrateStatuses(this.#deps.db, rows, v);
  }

  /** The viewer's bookmarks, the latest first. */
  bookmarks(viewer: Viewer, page: Page = {}): Promise<StatusPage> {
    return this.#edgeStatuses("bookmarks", viewer, page);
  }

  /** The posts the viewer liked, the latest like first. */
  favourites(viewer: Viewer, page: Page = {}): Promise<StatusPage> {
    return this.#edgeStatuses("favourites", viewer, page);
  }

  async #edgeStatuses(edge: Edge, viewer: Viewer, page: Page): Promise<StatusPage> {
    const v = viewer.accountId;
    const limit = pageLimit(page, 20, 40);
    const q = statusSource(this.#deps.db)
      // Both tables are (id, account_id, status_id); one name keeps the query's type simple.
      .innerJoin(`${edge} as e` as "bookmarks as e", "e.status_id", "s.id")
      .select([...STATUS_COLUMNS, "e.id as edge_id"])
      .where("e.account_id", "=", v)
      .where(visibleTo(v));
    const rows = await runSerialPage(q, "e.id", page, limit);
    return {
      statuses: await hydrateStatuses(this.#deps.db, rows, v),
      newestId: rows.length ? String(rows[0]?.edge_id) : undefined,
      oldestId: rows.length ? String(rows[rows.length - 1]?.edge_id) : undefined,
    };
  }

  /** Who reposted a post (reposts the viewer may see), newest first; paged by the reposts' ids. */
  async rebloggedBy(viewer: Viewer | null, statusId: string, page: Page = {}): Promise<AccountPage> {
    const v = viewer?.accountId ?? null;
    await this.#visibleOriginal(viewer, statusId);
    const limit = pageLimit(page, 40, 80);
    let q = statusSource(this.#deps.db)
      .select(["s.id", "s.account_id"])
      .where("s.reblog_of_id", "=", statusId)
      .where(visibleTo(v));
    if (page.maxId) q = q.where("s.id", "<", page.maxId);
    if (page.sinceId) q = q.where("s.id", ">", page.sinceId);
    if (page.minId) q = q.where("s.id", ">", page.minId);
    const ascending = Boolean(page.minId && !page.sinceId);
    let rows = await q
      .orderBy("s.id", ascending ? "asc" : "desc")
      .limit(limit)
      .execute();
    if (ascending) rows = rows.reverse();
    return this.#accountPage(rows.map((r) => ({ edge: r.id, accountId: r.account_id })));
  }

  /** Who liked a post, the latest like first; paged by the likes' ids. Blocks hide either way. */
  async favouritedBy(viewer: Viewer | null, statusId: string, page: Page = {}): Promise<AccountPage> {
    await this.#visibleOriginal(viewer, statusId);
    const limit = pageLimit(page, 40, 80);
    let q = this.#deps.db
      .selectFrom("favourites as f")
      .innerJoin("accounts as a", "a.id", "f.account_id")
      .select(["f.id", "f.account_id"])
      .where("f.status_id", "=", statusId)
      .where("a.suspended", "=", 0);
    if (viewer) {
      const v = viewer.accountId;
      q = q.where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ${v} AND b.target_account_id = f.account_id) OR (b.account_id = f.account_id AND b.target_account_id = ${v}))`,
      );
    }
    const rows = await runSerialPage(q, "f.id", page, limit);
    return this.#accountPage(rows.map((r) => ({ edge: String(r.id), accountId: r.account_id })));
  }

  /** A post the viewer may see (blocks included); 404 otherwise. */
  async #visibleOriginal(viewer: Viewer | null, statusId: string): Promise<void> {
    const row = await statusSource(this.#deps.db)
      .select("s.id")
      .where("s.id", "=", statusId)
      .where(visibleTo(viewer?.accountId ?? null))
      .executeTakeFirst();
    if (!row) throw notFound();
  }

  async #accountPage(rows: { edge: string; accountId: string }[]): Promise<AccountPage> {
    const accounts = await findAccountsByIds(
      this.#deps.db,
      rows.map((r) => r.accountId),
    );
    return {
      accounts: rows.map((r) => accounts.get(r.accountId)).filter((a): a is Account => a !== undefined),
      newestId: rows[0]?.edge,
      oldestId: rows[rows.length - 1]?.edge,
    };
  }
}
