// Followed and featured hashtags. Following a hashtag brings public posts carrying it into one's
// home timeline and user stream (timelines.ts); whom one follows it is private. Featured hashtags
// are shown on one's profile with the count of one's own public posts carrying them (computed when
// asked: nothing is counted or dated in advance).
import type { Viewer } from "../../domain/account.ts";
import { notFound, unprocessable } from "../../domain/errors.ts";
import { randomId, randomSerial } from "../../domain/ids.ts";
import { type Page, pageLimit } from "../../domain/status.ts";
import { type FeaturedTag, hashtagName, MAX_FEATURED_TAGS, type Tag } from "../../domain/tag.ts";
import { runSerialPage } from "../../store/repos/paging.ts";
import { ensureTag } from "../../store/repos/tags.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";

export interface TagPage {
  tags: Tag[];
  newestId: string | undefined;
  oldestId: string | undefined;
}

function checkName(typed: string): string {
  const name = hashtagName(typed);
  if (!name) throw unprocessable("Validation failed: Name is not a valid hashtag");
  return name;
}

export class TagService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  async #find(db: Queryable, name: string): Promise<{ id: number; name: string } | undefined> {
    return db.selectFrom("tags").select(["id", "name"]).where("name", "=", name).executeTakeFirst();
  }

  /** The tag, creating it when nobody has used it yet (to follow or feature it before anyone posts). */
  async #findOrCreate(name: string): Promise<{ id: number; name: string }> {
    return ensureTag(this.#deps.db, name);
  }

  async #following(viewer: Viewer | null, tagIds: number[]): Promise<Set<number>> {
    if (!viewer || tagIds.length === 0) return new Set();
    const rows = await this.#deps.db
      .selectFrom("tag_follows")
      .select("tag_id")
      .where("account_id", "=", viewer.accountId)
      .where("tag_id", "in", tagIds)
      .execute();
    return new Set(rows.map((r) => Number(r.tag_id)));
  }

  async #featuring(viewer: Viewer | null, tagIds: number[]): Promise<Set<number>> {
    if (!viewer || tagIds.length === 0) return new Set();
    const rows = await this.#deps.db
      .selectFrom("featured_tags")
      .select("tag_id")
      .where("account_id", "=", viewer.accountId)
      .where("tag_id", "in", tagIds)
      .execute();
    return new Set(rows.map((r) => Number(r.tag_id)));
  }

  async #toTags(viewer: Viewer | null, rows: { id: number; name: string }[]): Promise<Tag[]> {
    const tagIds = rows.map((r) => Number(r.id));
    const following = await this.#following(viewer, tagIds);
    const featuring = await this.#featuring(viewer, tagIds);
    return rows.map((r) => ({
      id: String(r.id),
      name: r.name,
      ...(viewer ? { following: following.has(Number(r.id)), featuring: featuring.has(Number(r.id)) } : {}),
    }));
  }

  /** Mastodon 4.4's POST /api/v1/tags/:name/feature: features it (again: no change). */
  async featureByName(viewer: Viewer, typed: string): Promise<Tag> {
    const name = checkName(typed);
    const tag = await this.#findOrCreate(name);
    const already = await this.#featuring(viewer, [Number(tag.id)]);
    if (!already.size) await this.feature(viewer, name);
    return this.get(viewer, name);
  }

  async unfeatureByName(viewer: Viewer, typed: string): Promise<Tag> {
    const tag = await this.get(viewer, typed);
    await this.#deps.db
      .deleteFrom("featured_tags")
      .where("account_id", "=", viewer.accountId)
      .where("tag_id", "=", Number(tag.id))
      .execute();
    this.#deps.events.publish({ type: "tag.released" });
    return { ...tag, featuring: false };
  }

  /**
   * Any name that can be a hashtag answers (as Mastodon 4 does), used or not: a tag carried only by
   * posts the viewer may not see must look like one nobody used (issue 9, finding 2), and whether
   * someone else follows or features it is not told. 404 only for a name that cannot be a hashtag.
   */
  async get(viewer: Viewer | null, typed: string): Promise<Tag> {
    const name = hashtagName(typed);
    if (!name) throw notFound();
    const row = await this.#find(this.#deps.db, name);
    if (!row) return { id: "", name, ...(viewer ? { following: false, featuring: false } : {}) };
    const [tag] = await this.#toTags(viewer, [row]);
    return tag as Tag;
  }

  /** Follows a hashtag. Doing it again changes nothing. */
  async follow(viewer: Viewer, typed: string): Promise<Tag> {
    const name = checkName(typed);
    // One transaction: the tag's row stays locked until the follow refers to it.
    await this.#deps.db.transaction().execute(async (tx) => {
      const tag = await ensureTag(tx, name);
      await tx
        .insertInto("tag_follows")
        .values({ id: randomSerial(), account_id: viewer.accountId, tag_id: tag.id })
        .onConflict((oc) => oc.columns(["account_id", "tag_id"]).doNothing())
        .execute();
    });
    return this.get(viewer, name);
  }

  async unfollow(viewer: Viewer, typed: string): Promise<Tag> {
    const tag = await this.get(viewer, typed);
    await this.#deps.db
      .deleteFrom("tag_follows")
      .where("account_id", "=", viewer.accountId)
      .where("tag_id", "=", Number(tag.id))
      .execute();
    this.#deps.events.publish({ type: "tag.released" });
    return { ...tag, following: false, featuring: tag.featuring ?? false };
  }

  /** The hashtags one follows, the latest followed first. */
  async followed(viewer: Viewer, page: Page = {}): Promise<TagPage> {
    const q = this.#deps.db
      .selectFrom("tag_follows as e")
      .innerJoin("tags as t", "t.id", "e.tag_id")
      .select(["e.id", "t.id as tag_id", "t.name"])
      .where("e.account_id", "=", viewer.accountId);
    const rows = await runSerialPage(q, "e.id", page, pageLimit(page, 100, 200));
    return {
      tags: await this.#toTags(
        viewer,
        rows.map((r) => ({ id: Number(r.tag_id), name: r.name })),
      ),
      newestId: rows.length ? String(rows[0]?.id) : undefined,
      oldestId: rows.length ? String(rows[rows.length - 1]?.id) : undefined,
    };
  }

  // --- Featured hashtags ---------------------------------------------------------------------------

  /** The hashtags an account features, the most used first. */
  async featured(accountId: string): Promise<FeaturedTag[]> {
    const rows = await this.#deps.db
      .selectFrom("featured_tags as f")
      .innerJoin("tags as t", "t.id", "f.tag_id")
      .select(["f.id", "t.id as tag_id", "t.name"])
      .where("f.account_id", "=", accountId)
      .execute();
    const out: FeaturedTag[] = [];
    for (const r of rows) {
      const used = await this.#deps.db
        .selectFrom("status_tags as st")
        .innerJoin("statuses as s", "s.id", "st.status_id")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.max("s.created_at").as("latest")])
        .where("st.tag_id", "=", r.tag_id)
        .where("s.account_id", "=", accountId)
        .where("s.visibility", "in", ["public", "unlisted"])
        .where("s.reblog_of_id", "is", null)
        .executeTakeFirst();
      const latest = used?.latest ? String(used.latest).slice(0, 10) : null;
      out.push({ id: r.id, name: r.name, statusesCount: Number(used?.n ?? 0), lastStatusDay: latest });
    }
    return out.sort((a, b) => b.statusesCount - a.statusesCount || (a.name < b.name ? -1 : 1));
  }

  async feature(viewer: Viewer, typed: string): Promise<FeaturedTag> {
    const name = checkName(typed);
    const id = randomId();
    await this.#deps.db.transaction().execute(async (tx) => {
      const tag = await ensureTag(tx, name);
      const rows = await tx
        .selectFrom("featured_tags")
        .select("tag_id")
        .where("account_id", "=", viewer.accountId)
        .execute();
      if (rows.some((r) => Number(r.tag_id) === Number(tag.id))) {
        throw unprocessable("Validation failed: Name has already been taken");
      }
      if (rows.length >= MAX_FEATURED_TAGS) {
        throw unprocessable(`Validation failed: You can feature at most ${MAX_FEATURED_TAGS} hashtags`);
      }
      await tx.insertInto("featured_tags").values({ id, account_id: viewer.accountId, tag_id: tag.id }).execute();
    });
    const made = (await this.featured(viewer.accountId)).find((f) => f.id === id);
    if (!made) throw notFound();
    return made;
  }

  /** Stops featuring; another's featured tag, like a missing one, is a 404. */
  async unfeature(viewer: Viewer, id: string): Promise<void> {
    if (!/^\d{1,20}$/.test(id)) throw notFound();
    const r = await this.#deps.db
      .deleteFrom("featured_tags")
      .where("id", "=", id)
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    this.#deps.events.publish({ type: "tag.released" });
    if (Number(r.numDeletedRows) === 0) throw notFound();
  }

  /** The hashtags one uses most in one's own posts and does not feature yet (at most 10). */
  async suggestions(viewer: Viewer): Promise<Tag[]> {
    const featured = this.#deps.db
      .selectFrom("featured_tags")
      .select("tag_id")
      .where("account_id", "=", viewer.accountId);
    const rows = await this.#deps.db
      .selectFrom("status_tags as st")
      .innerJoin("statuses as s", "s.id", "st.status_id")
      .innerJoin("tags as t", "t.id", "st.tag_id")
      .select((eb) => ["t.id", "t.name", eb.fn.countAll<number>().as("n")])
      .where("s.account_id", "=", viewer.accountId)
      .where("s.reblog_of_id", "is", null)
      .where("t.id", "not in", featured)
      .groupBy(["t.id", "t.name"])
      .orderBy("n", "desc")
      .orderBy("t.name")
      .limit(MAX_FEATURED_TAGS)
      .execute();
    return this.#toTags(
      viewer,
      rows.map((r) => ({ id: Number(r.id), name: r.name })),
    );
  }
}
