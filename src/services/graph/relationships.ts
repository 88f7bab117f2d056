// Follows, follow requests, blocks and mutes. Counters change in the same transaction as the edge.
import { sql } from "kysely";
import type { Account, Relationship, Viewer } from "../../domain/account.ts";
import { forbidden, notFound, unprocessable } from "../../domain/errors.ts";
import { randomSerial } from "../../domain/ids.ts";
import { type Page, pageLimit } from "../../domain/status.ts";
import { notesAbout, putNote } from "../../store/repos/account-notes.ts";
import { findAccountsByIds } from "../../store/repos/accounts.ts";
import { runSerialPage } from "../../store/repos/paging.ts";
import { isUniqueViolation, type Tx } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { PubliusEvent } from "../events/bus.ts";
import type { NotificationService } from "../notifications/notifications.ts";

type Edge = "follows" | "follow_requests" | "blocks" | "mutes" | "endorsements";

/** As Mastodon's AccountNote. */
export const MAX_NOTE = 2000;

export interface AccountPage {
  accounts: Account[];
  /** The edge ids at the page's ends, for max_id / min_id links. */
  newestId: string | undefined;
  oldestId: string | undefined;
}

export class RelationshipService {
  readonly #deps: ServiceDeps;
  readonly #notifications: NotificationService;
  constructor(deps: ServiceDeps, notifications: NotificationService) {
    this.#deps = deps;
    this.#notifications = notifications;
  }

  async #activeTarget(tx: Tx, viewer: Viewer, targetId: string) {
    if (targetId === viewer.accountId) throw unprocessable("You cannot do that to yourself.");
    const target = await tx
      .selectFrom("accounts")
      .select(["id", "locked"])
      .where("id", "=", targetId)
      .where("suspended", "=", 0)
      .where("state", "=", "active")
      .executeTakeFirst();
    if (!target) throw notFound("No such account.");
    return target;
  }

  async #has(tx: Tx, edge: Edge, from: string, to: string): Promise<boolean> {
    const row = await tx
      .selectFrom(edge)
      .select("id")
      .where("account_id", "=", from)
      .where("target_account_id", "=", to)
      .executeTakeFirst();
    return row !== undefined;
  }

  async #unfollowEdge(tx: Tx, from: string, to: string): Promise<boolean> {
    const r = await tx
      .deleteFrom("follows")
      .where("account_id", "=", from)
      .where("target_account_id", "=", to)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await this.#count(tx, from, to, -1);
    // Lists and endorsements hold only followed accounts (as Mastodon): they go with the follow.
    await tx
      .deleteFrom("list_accounts")
      .where("account_id", "=", to)
      .where("list_id", "in", tx.selectFrom("lists").select("id").where("account_id", "=", from))
      .execute();
    await tx.deleteFrom("endorsements").where("account_id", "=", from).where("target_account_id", "=", to).execute();
    return true;
  }

  async #followEdge(tx: Tx, from: string, to: string): Promise<void> {
    await tx.insertInto("follows").values({ id: randomSerial(), account_id: from, target_account_id: to }).execute();
    await this.#count(tx, from, to, 1);
  }

  /**
   * Moves both counters of an edge. The two rows are updated in id order, so that two people
   * following each other at the same moment cannot deadlock.
   */
  async #count(tx: Tx, from: string, to: string, delta: 1 | -1): Promise<void> {
    const following = () =>
      tx
        .updateTable("accounts")
        .set({ following_count: sql`following_count + ${delta}` })
        .where("id", "=", from)
        .execute();
    const followers = () =>
      tx
        .updateTable("accounts")
        .set({ followers_count: sql`followers_count + ${delta}` })
        .where("id", "=", to)
        .execute();
    if (from < to) {
      await following();
      await followers();
    } else {
      await followers();
      await following();
    }
  }

  /** Follows an account, or asks to when it is locked. Doing it again changes nothing. */
  async follow(viewer: Viewer, targetId: string): Promise<Relationship> {
    const v = viewer.accountId;
    const events: PubliusEvent[] = [];
    const work = this.#deps.db.transaction().execute(async (tx) => {
      const target = await this.#activeTarget(tx, viewer, targetId);
      if ((await this.#has(tx, "blocks", v, targetId)) || (await this.#has(tx, "blocks", targetId, v))) {
        throw forbidden("You cannot follow this account.");
      }
      if (await this.#has(tx, "follows", v, targetId)) return;
      if (target.locked === 1) {
        if (await this.#has(tx, "follow_requests", v, targetId)) return;
        await tx
          .insertInto("follow_requests")
          .values({ id: randomSerial(), account_id: v, target_account_id: targetId })
          .execute();
        const e = await this.#notifications.add(tx, { accountId: targetId, fromAccountId: v, type: "follow_request" });
        if (e) events.push(e);
        return;
      }
      // A request left from when the account was locked is answered by this follow.
      const asked = await tx
        .deleteFrom("follow_requests")
        .where("account_id", "=", v)
        .where("target_account_id", "=", targetId)
        .executeTakeFirst();
      if (Number(asked.numDeletedRows) > 0) {
        await this.#notifications.retract(tx, { accountId: targetId, fromAccountId: v, type: "follow_request" });
      }
      await this.#followEdge(tx, v, targetId);
      const e = await this.#notifications.add(tx, { accountId: targetId, fromAccountId: v, type: "follow" });
      if (e) events.push(e);
    });
    await once(work);
    for (const e of events) this.#deps.events.publish(e);
    return this.relationship(viewer, targetId);
  }

  /** Stops following, or withdraws a pending request. */
  async unfollow(viewer: Viewer, targetId: string): Promise<Relationship> {
    const v = viewer.accountId;
    await this.#deps.db.transaction().execute(async (tx) => {
      if (targetId === v) throw unprocessable("You cannot do that to yourself.");
      if (await this.#unfollowEdge(tx, v, targetId)) {
        await this.#notifications.retract(tx, { accountId: targetId, fromAccountId: v, type: "follow" });
      }
      const r = await tx
        .deleteFrom("follow_requests")
        .where("account_id", "=", v)
        .where("target_account_id", "=", targetId)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) > 0) {
        await this.#notifications.retract(tx, { accountId: targetId, fromAccountId: v, type: "follow_request" });
      }
    });
    return this.relationship(viewer, targetId);
  }

  /** Accepts a follow request made to the viewer. */
  async authorize(viewer: Viewer, requesterId: string): Promise<Relationship> {
    const v = viewer.accountId;
    const events: PubliusEvent[] = [];
    await this.#deps.db.transaction().execute(async (tx) => {
      const r = await tx
        .deleteFrom("follow_requests")
        .where("account_id", "=", requesterId)
        .where("target_account_id", "=", v)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound("No such follow request.");
      await this.#notifications.retract(tx, { accountId: v, fromAccountId: requesterId, type: "follow_request" });
      if (!(await this.#has(tx, "follows", requesterId, v))) await this.#followEdge(tx, requesterId, v);
      const e = await this.#notifications.add(tx, { accountId: v, fromAccountId: requesterId, type: "follow" });
      if (e) events.push(e);
    });
    for (const e of events) this.#deps.events.publish(e);
    return this.relationship(viewer, requesterId);
  }

  async reject(viewer: Viewer, requesterId: string): Promise<Relationship> {
    const v = viewer.accountId;
    await this.#deps.db.transaction().execute(async (tx) => {
      const r = await tx
        .deleteFrom("follow_requests")
        .where("account_id", "=", requesterId)
        .where("target_account_id", "=", v)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound("No such follow request.");
      await this.#notifications.retract(tx, { accountId: v, fromAccountId: requesterId, type: "follow_request" });
    });
    return this.relationship(viewer, requesterId);
  }

  /** Blocks: no following either way, neither sees the other's posts. */
  async block(viewer: Viewer, targetId: string): Promise<Relationship> {
    const v = viewer.accountId;
    const work = this.#deps.db.transaction().execute(async (tx) => {
      await this.#activeTarget(tx, viewer, targetId);
      if (await this.#has(tx, "blocks", v, targetId)) return;
      await this.#unfollowEdge(tx, v, targetId);
      await this.#unfollowEdge(tx, targetId, v);
      await tx
        .deleteFrom("follow_requests")
        .where((eb) =>
          eb.or([
            eb.and([eb("account_id", "=", v), eb("target_account_id", "=", targetId)]),
            eb.and([eb("account_id", "=", targetId), eb("target_account_id", "=", v)]),
          ]),
        )
        .execute();
      await tx
        .insertInto("blocks")
        .values({ id: randomSerial(), account_id: v, target_account_id: targetId })
        .execute();
    });
    await once(work);
    return this.relationship(viewer, targetId);
  }

  async unblock(viewer: Viewer, targetId: string): Promise<Relationship> {
    await this.#deps.db
      .deleteFrom("blocks")
      .where("account_id", "=", viewer.accountId)
      .where("target_account_id", "=", targetId)
      .execute();
    return this.relationship(viewer, targetId);
  }

  /** Mutes: the muted account's posts and notifications are hidden from the muter only. */
  async mute(viewer: Viewer, targetId: string): Promise<Relationship> {
    const work = this.#deps.db.transaction().execute(async (tx) => {
      await this.#activeTarget(tx, viewer, targetId);
      if (await this.#has(tx, "mutes", viewer.accountId, targetId)) return;
      await tx
        .insertInto("mutes")
        .values({ id: randomSerial(), account_id: viewer.accountId, target_account_id: targetId })
        .execute();
    });
    await once(work);
    return this.relationship(viewer, targetId);
  }

  async unmute(viewer: Viewer, targetId: string): Promise<Relationship> {
    await this.#deps.db
      .deleteFrom("mutes")
      .where("account_id", "=", viewer.accountId)
      .where("target_account_id", "=", targetId)
      .execute();
    return this.relationship(viewer, targetId);
  }

  async relationship(viewer: Viewer, targetId: string): Promise<Relationship> {
    const [r] = await this.relationships(viewer, [targetId]);
    return r as Relationship;
  }

  async relationships(viewer: Viewer, targetIds: readonly string[]): Promise<Relationship[]> {
    const v = viewer.accountId;
    const ids = [...new Set(targetIds)];
    if (ids.length === 0) return [];
    const out = async (edge: Edge, dir: "out" | "in") => {
      const rows =
        dir === "out"
          ? await this.#deps.db
              .selectFrom(edge)
              .select("target_account_id as other")
              .where("account_id", "=", v)
              .where("target_account_id", "in", ids)
              .execute()
          : await this.#deps.db
              .selectFrom(edge)
              .select("account_id as other")
              .where("target_account_id", "=", v)
              .where("account_id", "in", ids)
              .execute();
      return new Set(rows.map((r) => r.other));
    };
    const [following, followedBy, requested, requestedBy, blocking, blockedBy, muting, endorsed, notes] =
      await Promise.all([
        out("follows", "out"),
        out("follows", "in"),
        out("follow_requests", "out"),
        out("follow_requests", "in"),
        out("blocks", "out"),
        out("blocks", "in"),
        out("mutes", "out"),
        out("endorsements", "out"),
        notesAbout(this.#deps.db, v, ids),
      ]);
    return ids.map((id) => ({
      id,
      following: following.has(id),
      followedBy: followedBy.has(id),
      requested: requested.has(id),
      requestedBy: requestedBy.has(id),
      blocking: blocking.has(id),
      blockedBy: blockedBy.has(id),
      muting: muting.has(id),
      note: notes.get(id) ?? "",
      endorsed: endorsed.has(id),
    }));
  }

  /**
   * The viewer's private note about an account (POST /api/v1/accounts/:id/note): seen by nobody
   * else, never by the person it is about. An empty comment deletes it.
   */
  async setNote(viewer: Viewer, targetId: string, comment: string): Promise<Relationship> {
    const text = comment.trim();
    if (text.length > MAX_NOTE)
      throw unprocessable(`A note is at most ${MAX_NOTE} characters.`, { comment: "Too long." });
    await this.#deps.db.transaction().execute(async (tx) => {
      await this.#activeTarget(tx, viewer, targetId);
      await putNote(tx, viewer.accountId, targetId, text);
    });
    return this.relationship(viewer, targetId);
  }

  /** Who follows the account, newest first. */
  followers(accountId: string, page: Page = {}): Promise<AccountPage> {
    return this.#list("follows", "target_account_id", "account_id", accountId, page);
  }

  /** Whom the account follows, newest first. */
  following(accountId: string, page: Page = {}): Promise<AccountPage> {
    return this.#list("follows", "account_id", "target_account_id", accountId, page);
  }

  /** People waiting for the viewer to accept them. */
  followRequests(viewer: Viewer, page: Page = {}): Promise<AccountPage> {
    return this.#list("follow_requests", "target_account_id", "account_id", viewer.accountId, page);
  }

  blocks(viewer: Viewer, page: Page = {}): Promise<AccountPage> {
    return this.#list("blocks", "account_id", "target_account_id", viewer.accountId, page);
  }

  mutes(viewer: Viewer, page: Page = {}): Promise<AccountPage> {
    return this.#list("mutes", "account_id", "target_account_id", viewer.accountId, page);
  }

  async #list(
    edge: Edge,
    anchor: "account_id" | "target_account_id",
    other: "account_id" | "target_account_id",
    accountId: string,
    page: Page,
  ): Promise<AccountPage> {
    const limit = pageLimit(page, 40, 80);
    const q = this.#deps.db
      .selectFrom(`${edge} as e`)
      .innerJoin("accounts as a", "a.id", `e.${other}`)
      .select(["e.id", `e.${other} as other`])
      .where(`e.${anchor}`, "=", accountId)
      .where("a.suspended", "=", 0);
    const rows = await runSerialPage(q, "e.id", page, limit);
    const accounts = await findAccountsByIds(
      this.#deps.db,
      rows.map((r) => r.other),
    );
    return {
      accounts: rows.map((r) => accounts.get(r.other)).filter((a): a is Account => a !== undefined),
      newestId: rows.length ? String(rows[0]?.id) : undefined,
      oldestId: rows.length ? String(rows[rows.length - 1]?.id) : undefined,
    };
  }
}

/**
 * Awaits a transaction that adds an edge. When a concurrent identical request added it first, the
 * unique pair stops this one (rolled back whole, counters included): one edge is enough.
 */
async function once(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
  }
}
