// Timelines and threads, newest first, with keyset paging. Visibility, blocks and mutes apply to every
// one of them through the same SQL (store/repos/visibility.ts).
import { sql } from "kysely";
import type { Viewer } from "../../domain/account.ts";
import { DAY } from "../../domain/clock.ts";
import { notFound } from "../../domain/errors.ts";
import { timeIdFloor, timeOfId } from "../../domain/ids.ts";
import { type Page, pageLimit, type Status } from "../../domain/status.ts";
import { normalizeTag } from "../../domain/text.ts";
import { finishPage, pageStatuses, STATUS_COLUMNS, statusSource } from "../../store/repos/statuses.ts";
import { notMuted, visibleTo } from "../../store/repos/visibility.ts";
import type { ServiceDeps } from "../deps.ts";
import { hydrateStatuses } from "../statuses/hydrate.ts";

export interface ProfileFilter {
  excludeReplies?: boolean | undefined;
  excludeReblogs?: boolean | undefined;
  tagged?: string | undefined;
  /** Only posts with at least one image (Mastodon's only_media). */
  onlyMedia?: boolean | undefined;
  /** Only posts the account pinned to its profile (Mastodon's pinned). */
  pinned?: boolean | undefined;
}

/** Narrowing for the public and hashtag timelines (Mastodon's only_media, any[], all[], none[]). */
export interface PublicFilter {
  onlyMedia?: boolean | undefined;
}

export interface HashtagFilter extends PublicFilter {
  /** Posts carrying the hashtag or any of these. */
  any?: readonly string[] | undefined;
  /** ... and every one of these. */
  all?: readonly string[] | undefined;
  /** ... and none of these. */
  none?: readonly string[] | undefined;
}

/** Extra tags per any/all/none list, as Mastodon caps them. */
const MAX_EXTRA_TAGS = 4;

const MAX_ANCESTORS = 40;
/** Time windows tried, in turn, before the unbounded home query (see #runWindowed). */
const HOME_WINDOWS_DAYS = [1, 7, 30, 365];
const MAX_DESCENDANTS = 4096;

/** The post has at least one image. */
const withMedia = sql<boolean>`EXISTS (SELECT 1 FROM media_attachments ma WHERE ma.status_id = s.id)`;

export class TimelineService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Home: one's own posts and those of accounts one follows, with their reposts. Replies show when
   * they answer oneself, one's own post or someone one follows (as Mastodon does). Members of one's
   * exclusive lists are left out (their posts are read in the list); public posts carrying a hashtag
   * one follows come in from anyone one may see, replies included, reposts not (as Mastodon).
   */
  async home(viewer: Viewer, page: Page = {}): Promise<Status[]> {
    const v = viewer.accountId;
    const db = this.#deps.db;
    const followed = db.selectFrom("follows").select("target_account_id").where("account_id", "=", v);
    const exclusive = db
      .selectFrom("list_accounts as xla")
      .innerJoin("lists as xl", "xl.id", "xla.list_id")
      .select("xla.account_id")
      .where("xl.account_id", "=", v)
      .where("xl.exclusive", "=", 1);
    const followedTags = db.selectFrom("tag_follows").select("tag_id").where("account_id", "=", v);
    const q = statusSource(db)
      .select(STATUS_COLUMNS)
      .where((eb) =>
        eb.or([
          eb.and([
            eb.or([
              eb("s.account_id", "=", v),
              eb.and([eb("s.account_id", "in", followed), eb("s.account_id", "not in", exclusive)]),
            ]),
            eb.or([
              eb("s.in_reply_to_account_id", "is", null),
              eb("s.in_reply_to_account_id", "=", eb.ref("s.account_id")),
              eb("s.in_reply_to_account_id", "=", v),
              eb("s.in_reply_to_account_id", "in", followed),
            ]),
          ]),
          eb.and([
            eb("s.visibility", "=", "public"),
            eb("s.reblog_of_id", "is", null),
            eb.exists(
              eb
                .selectFrom("status_tags as fst")
                .select("fst.status_id")
                .whereRef("fst.status_id", "=", "s.id")
                .where("fst.tag_id", "in", followedTags),
            ),
          ]),
        ]),
      )
      .where(visibleTo(v))
      .where(notMuted(v))
      // Someone's repost of one's own post is not news to oneself.
      .where((eb) => eb.or([eb("s.reblog_of_id", "is", null), eb("r.account_id", "!=", v)]));
    return this.#runWindowed(q, page, v);
  }

  /**
   * A list's timeline (the owner's only; 404 for anyone else): posts and reposts by its members as
   * the owner may see them. Replies follow the list's policy: `followed` shows replies to anyone the
   * owner follows, `list` replies to members, `none` none; replies to the owner and a member's
   * answers to themselves always show (as Mastodon).
   */
  async list(viewer: Viewer, listId: string, page: Page = {}): Promise<Status[]> {
    const v = viewer.accountId;
    const db = this.#deps.db;
    if (!/^\d{1,20}$/.test(listId)) throw notFound();
    const list = await db
      .selectFrom("lists")
      .select(["id", "replies_policy"])
      .where("id", "=", listId)
      .where("account_id", "=", v)
      .executeTakeFirst();
    if (!list) throw notFound();
    const members = db.selectFrom("list_accounts").select("account_id").where("list_id", "=", list.id);
    const followed = db.selectFrom("follows").select("target_account_id").where("account_id", "=", v);
    const q = statusSource(db)
      .select(STATUS_COLUMNS)
      .where("s.account_id", "in", members)
      .where((eb) => {
        const shown = [
          eb("s.in_reply_to_account_id", "is", null),
          eb("s.in_reply_to_account_id", "=", eb.ref("s.account_id")),
          eb("s.in_reply_to_account_id", "=", v),
        ];
        if (list.replies_policy === "followed") shown.push(eb("s.in_reply_to_account_id", "in", followed));
        if (list.replies_policy === "list") shown.push(eb("s.in_reply_to_account_id", "in", members));
        return eb.or(shown);
      })
      .where(visibleTo(v))
      .where(notMuted(v))
      .where((eb) => eb.or([eb("s.reblog_of_id", "is", null), eb("r.account_id", "!=", v)]));
    return this.#runWindowed(q, page, v);
  }

  /** Local: every public post on this server, without reposts and others' replies. */
  async local(viewer: Viewer | null, page: Page = {}, filter: PublicFilter = {}): Promise<Status[]> {
    const v = viewer?.accountId ?? null;
    let q = statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.visibility", "=", "public")
      .where("s.reblog_of_id", "is", null)
      .where((eb) =>
        eb.or([
          eb("s.in_reply_to_account_id", "is", null),
          eb("s.in_reply_to_account_id", "=", eb.ref("s.account_id")),
        ]),
      )
      .where(visibleTo(v))
      .where(notMuted(v));
    if (filter.onlyMedia) q = q.where(withMedia);
    return this.#run(q, page, v);
  }

  /** An account's posts and reposts as the viewer may see them. */
  async profile(
    viewer: Viewer | null,
    accountId: string,
    page: Page = {},
    filter: ProfileFilter = {},
  ): Promise<Status[]> {
    const v = viewer?.accountId ?? null;
    let q = statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.account_id", "=", accountId)
      .where(visibleTo(v));
    if (filter.excludeReplies) {
      q = q.where((eb) =>
        eb.or([
          eb("s.in_reply_to_account_id", "is", null),
          eb("s.in_reply_to_account_id", "=", eb.ref("s.account_id")),
        ]),
      );
    }
    if (filter.excludeReblogs) q = q.where("s.reblog_of_id", "is", null);
    if (filter.onlyMedia) q = q.where(withMedia);
    if (filter.pinned) {
      q = q.where(
        sql<boolean>`EXISTS (SELECT 1 FROM status_pins sp WHERE sp.status_id = s.id AND sp.account_id = s.account_id)`,
      );
    }
    if (filter.tagged) {
      const tag = normalizeTag(filter.tagged);
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom("status_tags as st")
            .innerJoin("tags as t", "t.id", "st.tag_id")
            .select("st.status_id")
            .whereRef("st.status_id", "=", "s.id")
            .where("t.name", "=", tag),
        ),
      );
    }
    return this.#run(q, page, v);
  }

  /** Public posts carrying a hashtag (case does not matter), optionally narrowed by other tags. */
  async hashtag(viewer: Viewer | null, tag: string, page: Page = {}, filter: HashtagFilter = {}): Promise<Status[]> {
    const v = viewer?.accountId ?? null;
    const names = (list: readonly string[] | undefined) =>
      [...new Set((list ?? []).slice(0, MAX_EXTRA_TAGS).map((t) => normalizeTag(t.replace(/^#/, ""))))].filter(Boolean);
    const main = normalizeTag(tag.replace(/^#/, ""));
    const t = await this.#deps.db.selectFrom("tags").select("id").where("name", "=", main).executeTakeFirst();
    if (!t) return [];
    const tagged = (list: string[]) =>
      this.#deps.db
        .selectFrom("status_tags as st")
        .innerJoin("tags as t", "t.id", "st.tag_id")
        .select("st.status_id")
        .where("t.name", "in", list);
    let q = statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.id", "in", tagged([main, ...names(filter.any)]))
      .where("s.visibility", "=", "public")
      .where("s.reblog_of_id", "is", null)
      .where(visibleTo(v))
      .where(notMuted(v));
    for (const name of names(filter.all)) q = q.where("s.id", "in", tagged([name]));
    const none = names(filter.none);
    if (none.length) q = q.where("s.id", "not in", tagged(none));
    if (filter.onlyMedia) q = q.where(withMedia);
    return this.#run(q, page, v);
  }

  /** Several posts by id, those the viewer may see, in the order asked for. */
  async statuses(viewer: Viewer | null, ids: readonly string[]): Promise<Status[]> {
    const v = viewer?.accountId ?? null;
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const rows = await statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.id", "in", wanted)
      .where(visibleTo(v))
      .execute();
    const byId = new Map((await hydrateStatuses(this.#deps.db, rows, v)).map((s) => [s.id, s]));
    return wanted.map((id) => byId.get(id)).filter((s): s is Status => s !== undefined);
  }

  /** One post, if the viewer may see it; 404 otherwise (a hidden post and a missing one look alike). */
  async status(viewer: Viewer | null, id: string): Promise<Status> {
    const v = viewer?.accountId ?? null;
    const rows = await statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.id", "=", id)
      .where(visibleTo(v))
      .execute();
    const [s] = await hydrateStatuses(this.#deps.db, rows, v);
    if (!s) throw notFound();
    return s;
  }

  /**
   * A thread: the posts this one answers (oldest first) and the replies below it in reading order
   * (depth first). Hidden and muted posts are left out.
   */
  async context(viewer: Viewer | null, id: string): Promise<{ ancestors: Status[]; descendants: Status[] }> {
    const v = viewer?.accountId ?? null;
    const focus = await this.status(viewer, id);
    const root = focus.reblog ?? focus;

    const ancestorIds: string[] = [];
    let parentId = root.inReplyToId;
    while (parentId && ancestorIds.length < MAX_ANCESTORS) {
      ancestorIds.push(parentId);
      const parent = await this.#deps.db
        .selectFrom("statuses")
        .select("in_reply_to_id")
        .where("id", "=", parentId)
        .executeTakeFirst();
      parentId = parent?.in_reply_to_id ?? null;
    }
    const ancestorRows = ancestorIds.length
      ? await statusSource(this.#deps.db)
          .select(STATUS_COLUMNS)
          .where("s.id", "in", ancestorIds)
          .where(visibleTo(v))
          .where(notMuted(v))
          .orderBy("s.id")
          .execute()
      : [];

    const tree = await sql<{ id: string; in_reply_to_id: string }>`
      WITH RECURSIVE thread(id, in_reply_to_id, depth) AS (
        SELECT id, in_reply_to_id, 1 FROM statuses WHERE in_reply_to_id = ${root.id}
        UNION ALL
        SELECT st.id, st.in_reply_to_id, thread.depth + 1 FROM statuses st
          JOIN thread ON st.in_reply_to_id = thread.id
          WHERE thread.depth < 256
      )
      SELECT id, in_reply_to_id FROM thread LIMIT ${MAX_DESCENDANTS}`.execute(this.#deps.db);
    const ids = tree.rows.map((r) => r.id);
    const visibleRows = ids.length
      ? await statusSource(this.#deps.db)
          .select(STATUS_COLUMNS)
          .where("s.id", "in", ids)
          .where(visibleTo(v))
          .where(notMuted(v))
          .execute()
      : [];
    const visible = new Map((await hydrateStatuses(this.#deps.db, visibleRows, v)).map((s) => [s.id, s]));
    const children = new Map<string, string[]>();
    for (const r of tree.rows) {
      const list = children.get(r.in_reply_to_id) ?? [];
      list.push(r.id);
      children.set(r.in_reply_to_id, list);
    }
    const descendants: Status[] = [];
    const walk = (parent: string) => {
      for (const child of (children.get(parent) ?? []).sort()) {
        const s = visible.get(child);
        // A hidden reply hides its subtree too: its answers make no sense without it.
        if (!s) continue;
        descendants.push(s);
        walk(child);
      }
    };
    walk(root.id);
    return { ancestors: await hydrateStatuses(this.#deps.db, ancestorRows, v), descendants };
  }

  /**
   * Runs a page first within recent time windows. For "posts by any of these 150 accounts, newest
   * first", SQLite otherwise reads and sorts every post of every followed account to return 20; a
   * lower bound on the (time-sortable) id turns that into a small range per account. A window that
   * fills the page holds exactly the newest posts, so the answer is the same; a thin one widens,
   * and at last the unbounded query runs.
   */
  async #runWindowed(q: any, page: Page, v: string | null): Promise<Status[]> {
    if (page.minId && !page.sinceId) return this.#run(q, page, v);
    const limit = pageLimit(page);
    const upper = page.maxId ? timeOfId(page.maxId) : this.#deps.clock.now().getTime();
    if (upper !== undefined) {
      for (const days of HOME_WINDOWS_DAYS) {
        const floor = timeIdFloor(new Date(upper - days * DAY));
        if (page.sinceId && page.sinceId >= floor) break;
        const rows = await pageStatuses(q.where("s.id", ">", floor), page, limit).execute();
        if (rows.length === limit) return hydrateStatuses(this.#deps.db, rows, v);
      }
    }
    return this.#run(q, page, v);
  }

  async #run(
    q: ReturnType<typeof statusSource> extends infer _ ? any : never,
    page: Page,
    v: string | null,
  ): Promise<Status[]> {
    const rows = await pageStatuses(q, page, pageLimit(page)).execute();
    return hydrateStatuses(this.#deps.db, finishPage(rows, page), v);
  }
}
