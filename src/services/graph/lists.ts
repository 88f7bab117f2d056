// Lists: a person's private selections of the accounts they follow. Only the owner ever sees a list,
// its name or its members: any other list id answers as if it did not exist. Only followed accounts
// can be added, and unfollowing (or blocking) takes the account off the follower's lists
// (relationships.ts), as in Mastodon. The list timeline is in timelines.ts.
import type { Account, Viewer } from "../../domain/account.ts";
import { notFound, unprocessable } from "../../domain/errors.ts";
import { randomId, randomSerial } from "../../domain/ids.ts";
import { isRepliesPolicy, type List, MAX_LIST_TITLE, MAX_LISTS, type RepliesPolicy } from "../../domain/list.ts";
import { type Page, pageLimit } from "../../domain/status.ts";
import { findAccountsByIds } from "../../store/repos/accounts.ts";
import { runSerialPage } from "../../store/repos/paging.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { AccountPage } from "./relationships.ts";

export interface ListChange {
  title?: string | undefined;
  repliesPolicy?: string | undefined;
  exclusive?: boolean | undefined;
}

type ListRow = { id: string; title: string; replies_policy: string; exclusive: number };

function toList(r: ListRow): List {
  return {
    id: r.id,
    title: r.title,
    repliesPolicy: isRepliesPolicy(r.replies_policy) ? r.replies_policy : "list",
    exclusive: r.exclusive === 1,
  };
}

const LIST_COLUMNS = ["id", "title", "replies_policy", "exclusive"] as const;

/** A list id is a random 18-digit id; anything else names no list (and never reaches the database). */
const LIST_ID = /^\d{1,20}$/;

export class ListService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** One's lists, by title. */
  async all(viewer: Viewer): Promise<List[]> {
    const rows = await this.#deps.db
      .selectFrom("lists")
      .select(LIST_COLUMNS)
      .where("account_id", "=", viewer.accountId)
      .orderBy("title")
      .orderBy("id")
      .execute();
    return rows.map(toList);
  }

  /** One of one's own lists; 404 for a missing list and for anyone else's alike. */
  async get(viewer: Viewer, id: string, db: Queryable = this.#deps.db): Promise<List> {
    if (!LIST_ID.test(id)) throw notFound();
    const row = await db
      .selectFrom("lists")
      .select(LIST_COLUMNS)
      .where("id", "=", id)
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    if (!row) throw notFound();
    return toList(row);
  }

  async create(viewer: Viewer, change: ListChange): Promise<List> {
    const title = checkTitle(change.title);
    const repliesPolicy = checkPolicy(change.repliesPolicy) ?? "list";
    const id = randomId();
    await this.#deps.db.transaction().execute(async (tx) => {
      const n = await tx
        .selectFrom("lists")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", viewer.accountId)
        .executeTakeFirstOrThrow();
      if (Number(n.n) >= MAX_LISTS) throw unprocessable(`You can have at most ${MAX_LISTS} lists.`);
      await tx
        .insertInto("lists")
        .values({
          id,
          account_id: viewer.accountId,
          title,
          replies_policy: repliesPolicy,
          exclusive: change.exclusive ? 1 : 0,
        })
        .execute();
    });
    return this.get(viewer, id);
  }

  async update(viewer: Viewer, id: string, change: ListChange): Promise<List> {
    const list = await this.get(viewer, id);
    const title = change.title === undefined ? list.title : checkTitle(change.title);
    const repliesPolicy: RepliesPolicy = checkPolicy(change.repliesPolicy) ?? list.repliesPolicy;
    const exclusive = change.exclusive ?? list.exclusive;
    await this.#deps.db
      .updateTable("lists")
      .set({ title, replies_policy: repliesPolicy, exclusive: exclusive ? 1 : 0 })
      .where("id", "=", list.id)
      .where("account_id", "=", viewer.accountId)
      .execute();
    return this.get(viewer, id);
  }

  async remove(viewer: Viewer, id: string): Promise<void> {
    const list = await this.get(viewer, id);
    await this.#deps.db.deleteFrom("lists").where("id", "=", list.id).execute();
  }

  /** The list's members, the latest added first; `page.limit` 0 means all of them (as Mastodon). */
  async members(viewer: Viewer, id: string, page: Page = {}): Promise<AccountPage> {
    const list = await this.get(viewer, id);
    const q = this.#deps.db
      .selectFrom("list_accounts as e")
      .innerJoin("accounts as a", "a.id", "e.account_id")
      .select(["e.id", "e.account_id as other"])
      .where("e.list_id", "=", list.id)
      .where("a.suspended", "=", 0);
    const limit = page.limit === 0 ? Number.MAX_SAFE_INTEGER : pageLimit(page, 40, 80);
    const rows = await runSerialPage(q, "e.id", page, limit);
    const accounts = await findAccountsByIds(
      this.#deps.db,
      rows.map((r) => r.other),
    );
    return {
      accounts: rows.map((r) => accounts.get(r.other)).filter((a): a is Account => a !== undefined),
      newestId: rows.length && page.limit !== 0 ? String(rows[0]?.id) : undefined,
      oldestId: rows.length && page.limit !== 0 ? String(rows[rows.length - 1]?.id) : undefined,
    };
  }

  /** Adds accounts one follows. All or none: one that is not followed, or already there, is a 422. */
  async addMembers(viewer: Viewer, id: string, accountIds: readonly string[]): Promise<void> {
    const wanted = [...new Set(accountIds)];
    if (wanted.length === 0) throw unprocessable("account_ids must name at least one account");
    await this.#deps.db.transaction().execute(async (tx) => {
      const list = await this.get(viewer, id, tx);
      const followed = new Set(
        (
          await tx
            .selectFrom("follows")
            .select("target_account_id")
            .where("account_id", "=", viewer.accountId)
            .where("target_account_id", "in", wanted)
            .execute()
        ).map((r) => r.target_account_id),
      );
      // Not followed and missing look alike: a list cannot be used to probe for accounts.
      if (wanted.some((a) => !followed.has(a))) {
        throw unprocessable("Validation failed: You can only add accounts you follow to a list");
      }
      const present = await tx
        .selectFrom("list_accounts")
        .select("account_id")
        .where("list_id", "=", list.id)
        .where("account_id", "in", wanted)
        .execute();
      if (present.length) throw unprocessable("Validation failed: Account has already been taken");
      for (const accountId of wanted) {
        await tx
          .insertInto("list_accounts")
          .values({ id: randomSerial(), list_id: list.id, account_id: accountId })
          .execute();
      }
    });
  }

  async removeMembers(viewer: Viewer, id: string, accountIds: readonly string[]): Promise<void> {
    const list = await this.get(viewer, id);
    const wanted = [...new Set(accountIds)];
    if (wanted.length === 0) return;
    await this.#deps.db
      .deleteFrom("list_accounts")
      .where("list_id", "=", list.id)
      .where("account_id", "in", wanted)
      .execute();
  }

  /** Which of one's lists hold the account. */
  async listsWith(viewer: Viewer, accountId: string): Promise<List[]> {
    const rows = await this.#deps.db
      .selectFrom("lists as l")
      .innerJoin("list_accounts as la", "la.list_id", "l.id")
      .select(["l.id", "l.title", "l.replies_policy", "l.exclusive"])
      .where("l.account_id", "=", viewer.accountId)
      .where("la.account_id", "=", accountId)
      .orderBy("l.title")
      .orderBy("l.id")
      .execute();
    return rows.map(toList);
  }

  /** The owner of a list, for the list stream (undefined when there is no such list). */
  async ownerOf(id: string): Promise<string | undefined> {
    if (!LIST_ID.test(id)) return undefined;
    const row = await this.#deps.db.selectFrom("lists").select("account_id").where("id", "=", id).executeTakeFirst();
    return row?.account_id;
  }
}

function checkTitle(value: string | undefined): string {
  const title = (value ?? "").trim();
  if (!title) throw unprocessable("Validation failed: Title can't be blank");
  if (title.length > MAX_LIST_TITLE) {
    throw unprocessable(`Validation failed: Title is too long (at most ${MAX_LIST_TITLE} characters)`);
  }
  return title;
}

function checkPolicy(value: string | undefined): RepliesPolicy | undefined {
  if (value === undefined || value === "") return undefined;
  if (!isRepliesPolicy(value)) {
    throw unprocessable("Validation failed: Replies policy must be one of followed, list or none");
  }
  return value;
}
