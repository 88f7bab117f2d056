// Writing posts: create, edit (earlier versions kept), delete. Each change is one transaction.
import { sql } from "kysely";
import type { Viewer } from "../../domain/account.ts";
import { dayOf, HOUR } from "../../domain/clock.ts";
import { forbidden, notFound, unprocessable } from "../../domain/errors.ts";
import { type Status, type StatusEdit, VISIBILITIES, type Visibility } from "../../domain/status.ts";
import {
  countStatusChars,
  extractHashtags,
  extractMentions,
  MAX_STATUS_CHARS,
  renderStatusHtml,
} from "../../domain/text.ts";
import { findAccountById } from "../../store/repos/accounts.ts";
import { STATUS_COLUMNS, statusSource } from "../../store/repos/statuses.ts";
import { linkTags, unlinkTags } from "../../store/repos/tags.ts";
import { visibleTo } from "../../store/repos/visibility.ts";
import { isUniqueViolation, type Queryable, type Tx } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { PubliusEvent } from "../events/bus.ts";
import { checkDescription, checkFocus } from "../media/media.ts";
import { type MediaPublication, withPublication } from "../media/publication.ts";
import type { NotificationService } from "../notifications/notifications.ts";
import { attachMedia, checkMediaIds, replaceMedia } from "./attachments.ts";
import { hydrateStatuses, toMediaAttachment } from "./hydrate.ts";
import { PostingLimits } from "./posting-limits.ts";
import { removeStatus } from "./removal.ts";

/**
 * The post a reply answers, as the viewer may see it: one rule for publishing now and for queuing
 * (scheduled and delayed posts). A post that is gone and one the viewer may not see get the same
 * answer, so a reply cannot tell whether someone's followers-only post exists.
 */
export async function replyParent(
  db: Queryable,
  viewer: Viewer,
  inReplyToId: string,
): Promise<{ id: string; account_id: string }> {
  const parent = await statusSource(db)
    .select(["s.id", "s.account_id"])
    .where("s.id", "=", inReplyToId)
    .where("s.reblog_of_id", "is", null)
    .where(visibleTo(viewer.accountId))
    .executeTakeFirst();
  if (!parent) {
    throw unprocessable("The post you are replying to has been deleted or is not visible to you.", {
      inReplyToId: "That post is gone.",
    });
  }
  return parent;
}

export interface NewStatus {
  text: string;
  spoilerText?: string | undefined;
  sensitive?: boolean | undefined;
  visibility?: string | undefined;
  inReplyToId?: string | undefined;
  language?: string | undefined;
  /** Makes a retried or double-submitted request create one post. */
  idempotencyKey?: string | undefined;
  /** The author's own unattached uploads (at most MAX_MEDIA); with them the text may be empty. */
  mediaIds?: readonly string[] | undefined;
}

export interface StatusChange {
  text: string;
  spoilerText?: string | undefined;
  sensitive?: boolean | undefined;
  language?: string | undefined;
  /** The images the post keeps or gains; undefined leaves them as they are. */
  mediaIds?: readonly string[] | undefined;
  /** New descriptions and focal points for the post's images (Mastodon's media_attributes[]). */
  mediaAttributes?: readonly MediaAttributeChange[] | undefined;
}

export interface MediaAttributeChange {
  id: string;
  /** undefined: unchanged; null or blank: none. */
  description?: string | null | undefined;
  /** "x,y", each from -1.0 to 1.0. */
  focus?: string | undefined;
}

/** One version's images as status_edits.media_attributes keeps them. */
type MediaSnapshot = { id: string; description: string | null; focus_x: number; focus_y: number }[];

async function mediaSnapshot(tx: Tx, statusId: string): Promise<string> {
  const rows = await tx
    .selectFrom("media_attachments")
    .select(["id", "description", "focus_x", "focus_y"])
    .where("status_id", "=", statusId)
    .orderBy("position")
    .orderBy("id")
    .execute();
  const snapshot: MediaSnapshot = rows.map((r) => ({
    id: r.id,
    description: r.description,
    focus_x: Number(r.focus_x),
    focus_y: Number(r.focus_y),
  }));
  return JSON.stringify(snapshot);
}

const IDEMPOTENCY_HOURS = 24;

export { MAX_MEDIA } from "./attachments.ts";

export class PostingService {
  readonly #deps: ServiceDeps;
  readonly #notifications: NotificationService;
  /** Per-account posting limits (posts per hour, links in a new account's first posts). */
  readonly limits: PostingLimits;
  readonly #media: { publication(): MediaPublication } | undefined;
  constructor(deps: ServiceDeps, notifications: NotificationService, media?: { publication(): MediaPublication }) {
    this.#deps = deps;
    this.#notifications = notifications;
    this.#media = media;
    this.limits = new PostingLimits(deps);
  }

  /** Validates text, spoiler and visibility; throws 422 with field messages. A post with images may have no text. */
  validate(input: {
    text: string;
    spoilerText?: string | undefined;
    visibility?: string | undefined;
    hasMedia?: boolean | undefined;
  }): Visibility {
    const text = input.text.trim();
    const spoiler = (input.spoilerText ?? "").trim();
    const visibility = input.visibility || "public";
    if (visibility === "direct") {
      throw unprocessable(
        "Direct messages are not available: Publius keeps no private messages it could be compelled to hand over.",
        { visibility: "Direct messages are not available on Publius." },
      );
    }
    if (!VISIBILITIES.includes(visibility as Visibility)) {
      throw unprocessable("Visibility must be public, unlisted or private.", { visibility: "Unknown visibility." });
    }
    if (text === "" && !input.hasMedia)
      throw unprocessable("Write something first.", { text: "Write something first." });
    const used = countStatusChars(text, spoiler);
    if (used > MAX_STATUS_CHARS) {
      const message = `A post has at most ${MAX_STATUS_CHARS} characters; this one has ${used}.`;
      throw unprocessable(message, { text: message });
    }
    return visibility as Visibility;
  }

  /**
   * Publishes a post. `admitted` says the posting limits were already applied (a queued post, counted
   * when it was scheduled); otherwise they are applied here.
   */
  async create(viewer: Viewer, input: NewStatus, at?: Date, options: { admitted?: boolean } = {}): Promise<Status> {
    const mediaIds = checkMediaIds(input.mediaIds);
    // What the request leaves out comes from the author's posting preferences.
    const defaults = await this.#deps.db
      .selectFrom("accounts")
      .select(["default_visibility", "default_sensitive", "default_language"])
      .where("id", "=", viewer.accountId)
      .executeTakeFirst();
    const visibility = this.validate({
      ...input,
      visibility: input.visibility || defaults?.default_visibility || "public",
      hasMedia: mediaIds.length > 0,
    });
    const key = input.idempotencyKey?.trim().slice(0, 200);
    if (key) {
      const existing = await this.#byIdempotencyKey(viewer, key);
      if (existing) return existing;
    }
    if (!options.admitted) await this.limits.admit(viewer, input.text);
    const language = normaliseLanguage(input.language ?? defaults?.default_language ?? undefined);
    const sensitive = input.sensitive ?? defaults?.default_sensitive === 1;
    const events: PubliusEvent[] = [];
    const now = at ?? this.#deps.clock.now();
    const id = this.#deps.ids.next(now);
    // Pending images are written to the media folder in the transaction, at the time of publishing.
    const publication = mediaIds.length ? this.#media?.publication() : undefined;
    const written = withPublication(
      publication,
      this.#deps.db.transaction().execute(async (tx) => {
        const parent = input.inReplyToId ? await replyParent(tx, viewer, input.inReplyToId) : undefined;
        const text = input.text.trim();
        const { content, mentionIds, tagNames } = await this.#render(tx, text);
        await tx
          .insertInto("statuses")
          .values({
            id,
            account_id: viewer.accountId,
            in_reply_to_id: parent?.id ?? null,
            in_reply_to_account_id: parent?.account_id ?? null,
            reblog_of_id: null,
            text,
            content,
            spoiler_text: (input.spoilerText ?? "").trim(),
            sensitive: sensitive || (input.spoilerText ?? "").trim() !== "" ? 1 : 0,
            visibility,
            language,
            created_at: now.toISOString(),
            edited_at: null,
            replies_count: 0,
            reblogs_count: 0,
            favourites_count: 0,
          })
          .execute();
        await this.#link(tx, id, mentionIds, tagNames);
        await attachMedia(tx, viewer.accountId, id, mediaIds, publication);
        // The post's row before the account's: the order reposts and deletions lock them in (no deadlock).
        if (parent) {
          await tx
            .updateTable("statuses")
            .set({ replies_count: sql`replies_count + 1` })
            .where("id", "=", parent.id)
            .execute();
        }
        await tx
          .updateTable("accounts")
          .set({ statuses_count: sql`statuses_count + 1`, last_status_day: dayOf(now) })
          .where("id", "=", viewer.accountId)
          .execute();
        for (const accountId of mentionIds) {
          const e = await this.#notifications.add(tx, {
            accountId,
            fromAccountId: viewer.accountId,
            type: "mention",
            statusId: id,
          });
          if (e) events.push(e);
        }
        if (key) {
          // A key whose 24 hours are over may name a new post.
          await tx
            .deleteFrom("idempotency_keys")
            .where("account_id", "=", viewer.accountId)
            .where("key", "=", key)
            .where("expires_at", "<=", this.#deps.clock.now().toISOString())
            .execute();
          await tx
            .insertInto("idempotency_keys")
            .values({
              account_id: viewer.accountId,
              key,
              status_id: id,
              expires_at: new Date(now.getTime() + IDEMPOTENCY_HOURS * HOUR).toISOString(),
            })
            .execute();
        }
      }),
    );
    const raced = await written.then(
      () => undefined,
      async (e: unknown) => {
        // The same key raced this request (a double submit) and won: answer with the post it made.
        const existing = key && isUniqueViolation(e) ? await this.#byIdempotencyKey(viewer, key) : undefined;
        if (!existing) throw e;
        return existing;
      },
    );
    if (raced) return raced;
    this.#deps.events.publish({ type: "status.created", statusId: id, authorId: viewer.accountId });
    for (const e of events) this.#deps.events.publish(e);
    return this.#own(viewer, id);
  }

  async #byIdempotencyKey(viewer: Viewer, key: string): Promise<Status | undefined> {
    const row = await this.#deps.db
      .selectFrom("idempotency_keys")
      .select("status_id")
      .where("account_id", "=", viewer.accountId)
      .where("key", "=", key)
      .where("expires_at", ">", this.#deps.clock.now().toISOString())
      .executeTakeFirst();
    if (!row) return undefined;
    return this.#own(viewer, row.status_id).catch(() => undefined);
  }

  /** Renders text and resolves its mentions (active local accounts) and hashtags. */
  async #render(tx: Queryable, text: string) {
    const handles = extractMentions(text);
    const found = handles.length
      ? await tx
          .selectFrom("accounts")
          .select(["id", "handle", "handle_lower"])
          .where("handle_lower", "in", handles)
          .where("suspended", "=", 0)
          .where("state", "=", "active")
          .execute()
      : [];
    const byHandle = new Map(found.map((a) => [a.handle_lower, a]));
    const base = this.#deps.config.publicUrl;
    const content = renderStatusHtml(text, {
      profileUrl: (h) => (byHandle.has(h) ? `${base}/@${byHandle.get(h)?.handle}` : undefined),
      tagUrl: (t) => `${base}/tags/${encodeURIComponent(t)}`,
    });
    return { content, mentionIds: found.map((a) => a.id), tagNames: extractHashtags(text) };
  }

  async #link(tx: Tx, statusId: string, mentionIds: string[], tagNames: string[]): Promise<void> {
    if (mentionIds.length) {
      await tx
        .insertInto("mentions")
        .values(mentionIds.map((account_id) => ({ status_id: statusId, account_id })))
        .execute();
    }
    await linkTags(tx, statusId, tagNames);
  }

  /** Edits one's own post; the version before the edit is kept and can be viewed. */
  async edit(viewer: Viewer, statusId: string, change: StatusChange): Promise<Status> {
    const current = await this.#deps.db
      .selectFrom("statuses")
      .selectAll()
      .where("id", "=", statusId)
      .executeTakeFirst();
    if (!current || current.reblog_of_id) throw notFound();
    if (current.account_id !== viewer.accountId) throw forbidden("You can only edit your own posts.");
    const mediaIds = change.mediaIds === undefined ? undefined : checkMediaIds(change.mediaIds);
    const attributes = (change.mediaAttributes ?? []).map((a) => ({
      id: a.id,
      description: checkDescription(a.description),
      focus: checkFocus(a.focus),
    }));
    const attached = (
      await this.#deps.db.selectFrom("media_attachments").select("id").where("status_id", "=", statusId).execute()
    ).map((m) => m.id);
    this.validate({
      ...change,
      visibility: current.visibility,
      hasMedia: (mediaIds ?? attached).length > 0,
    });
    const now = this.#deps.clock.now().toISOString();
    const text = change.text.trim();
    const spoiler = (change.spoilerText ?? "").trim();
    const sensitive = change.sensitive || spoiler !== "" ? 1 : 0;
    const events: PubliusEvent[] = [];
    const publication = mediaIds?.length ? this.#media?.publication() : undefined;
    await withPublication(
      publication,
      this.#deps.db.transaction().execute(async (tx) => {
        // Hold the post (PostgreSQL) and read it again: an edit racing this one (a double submit) waits
        // and then finds the history begun, and a deletion racing it makes this a 404.
        let held = tx.selectFrom("statuses").selectAll().where("id", "=", statusId);
        if (this.#deps.dialect === "postgres") held = held.forUpdate();
        const original = await held.executeTakeFirst();
        if (!original) throw notFound();
        const edits = await tx
          .selectFrom("status_edits")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("status_id", "=", statusId)
          .executeTakeFirstOrThrow();
        if (Number(edits.n) === 0) {
          // The original becomes the first version in the history.
          await tx
            .insertInto("status_edits")
            .values({
              status_id: statusId,
              text: original.text,
              content: original.content,
              spoiler_text: original.spoiler_text,
              sensitive: original.sensitive,
              created_at: original.created_at,
              media_attributes: await mediaSnapshot(tx, statusId),
            })
            .execute();
        }
        const before = new Set(
          (await tx.selectFrom("mentions").select("account_id").where("status_id", "=", statusId).execute()).map(
            (m) => m.account_id,
          ),
        );
        const { content, mentionIds, tagNames } = await this.#render(tx, text);
        await tx
          .updateTable("statuses")
          .set({
            text,
            content,
            spoiler_text: spoiler,
            sensitive,
            language: change.language === undefined ? original.language : normaliseLanguage(change.language),
            edited_at: now,
          })
          .where("id", "=", statusId)
          .execute();
        await tx.deleteFrom("mentions").where("status_id", "=", statusId).execute();
        await unlinkTags(tx, statusId);
        await this.#link(tx, statusId, mentionIds, tagNames);
        if (mediaIds) await replaceMedia(tx, viewer.accountId, statusId, attached, mediaIds, publication);
        // Alt text and focal points of the post's images (after the images are settled): an id
        // that is not one of them is refused, so another's upload cannot be touched.
        const inPost = new Set(mediaIds ?? attached);
        for (const a of attributes) {
          if (!inPost.has(a.id)) throw unprocessable("media_attributes names an image that is not in this post");
          const set: { description?: string | null; focus_x?: number; focus_y?: number } = {};
          if (a.description !== undefined) set.description = a.description;
          if (a.focus) {
            set.focus_x = a.focus.x;
            set.focus_y = a.focus.y;
          }
          if (Object.keys(set).length === 0) continue;
          await tx
            .updateTable("media_attachments")
            .set(set)
            .where("id", "=", a.id)
            .where("status_id", "=", statusId)
            .where("account_id", "=", viewer.accountId)
            .execute();
        }
        await tx
          .insertInto("status_edits")
          .values({
            status_id: statusId,
            text,
            content,
            spoiler_text: spoiler,
            sensitive,
            created_at: now,
            media_attributes: await mediaSnapshot(tx, statusId),
          })
          .execute();
        for (const accountId of mentionIds) {
          if (before.has(accountId)) continue; // only people newly mentioned are told
          const e = await this.#notifications.add(tx, {
            accountId,
            fromAccountId: viewer.accountId,
            type: "mention",
            statusId,
          });
          if (e) events.push(e);
        }
        // Those no longer mentioned lose the notification too (as in Mastodon): it would point at a
        // post that no longer names them, and that a followers-only post may no longer show them.
        for (const accountId of before) {
          if (mentionIds.includes(accountId)) continue;
          await this.#notifications.retract(tx, {
            accountId,
            fromAccountId: viewer.accountId,
            type: "mention",
            statusId,
          });
        }
      }),
    );
    this.#deps.events.publish({ type: "status.updated", statusId, authorId: viewer.accountId });
    for (const e of events) this.#deps.events.publish(e);
    return this.#own(viewer, statusId);
  }

  /** Every version of a post, oldest first (the current one last). */
  async history(viewer: Viewer | null, statusId: string): Promise<StatusEdit[]> {
    const row = await statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.id", "=", statusId)
      .where("s.reblog_of_id", "is", null)
      .where(visibleTo(viewer?.accountId ?? null))
      .executeTakeFirst();
    if (!row) throw notFound();
    const account = await findAccountById(this.#deps.db, row.account_id);
    if (!account) throw notFound();
    const edits = await this.#deps.db
      .selectFrom("status_edits")
      .selectAll()
      .where("status_id", "=", statusId)
      .orderBy("id")
      .execute();
    if (edits.length === 0) {
      return [
        {
          text: row.text,
          content: row.content,
          spoilerText: row.spoiler_text,
          sensitive: row.sensitive === 1,
          createdAt: row.created_at,
          account,
        },
      ];
    }
    // Each version's images as they were: the files as they are now (an image since dropped from
    // the post shows while it is kept), with that version's description and focal point.
    const snapshots = edits.map((e) =>
      e.media_attributes ? (JSON.parse(e.media_attributes) as MediaSnapshot) : undefined,
    );
    const mediaIds = [...new Set(snapshots.flatMap((snap) => (snap ?? []).map((m) => m.id)))];
    const files = new Map(
      (mediaIds.length
        ? await this.#deps.db
            .selectFrom("media_attachments")
            .selectAll()
            .where("id", "in", mediaIds)
            .where("account_id", "=", row.account_id)
            .execute()
        : []
      ).map((m) => [m.id, toMediaAttachment(m)]),
    );
    return edits.map((e, i) => {
      const snap = snapshots[i];
      return {
        text: e.text,
        content: e.content,
        spoilerText: e.spoiler_text,
        sensitive: e.sensitive === 1,
        createdAt: e.created_at,
        account,
        media: snap
          ?.map((m) => {
            const file = files.get(m.id);
            return file && { ...file, description: m.description, focusX: m.focus_x, focusY: m.focus_y };
          })
          .filter((m): m is NonNullable<typeof m> => m !== undefined),
      };
    });
  }

  /**
   * Deletes one's own post (its reposts, likes and mentions with it) and returns what it was, so an
   * app can offer delete-and-redraft. Replies to it stay, as in Mastodon. Its images are deleted
   * with it unless `keepMedia` asks to keep them for a redraft.
   */
  async delete(viewer: Viewer, statusId: string, options: { keepMedia?: boolean } = {}): Promise<Status> {
    const status = await this.#own(viewer, statusId).catch(() => undefined);
    if (!status || status.reblog) throw notFound();
    if (status.account.id !== viewer.accountId) throw forbidden("You can only delete your own posts.");
    await this.#deps.db.transaction().execute(async (tx) => {
      if (options.keepMedia) {
        // Delete-and-redraft: the images go back to the author's unattached uploads, so the new
        // draft can attach them again (unattached uploads are purged like any other).
        await tx.updateTable("media_attachments").set({ status_id: null }).where("status_id", "=", statusId).execute();
      }
      await removeStatus(tx, statusId);
    });
    this.#deps.events.publish({ type: "status.deleted", statusId, authorId: status.account.id });
    return status;
  }

  async #own(viewer: Viewer, id: string): Promise<Status> {
    const rows = await statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.id", "=", id)
      .where(visibleTo(viewer.accountId))
      .execute();
    const [status] = await hydrateStatuses(this.#deps.db, rows, viewer.accountId);
    if (!status) throw notFound();
    return status;
  }
}

function normaliseLanguage(language: string | undefined): string | null {
  if (!language) return null;
  const l = language.trim().toLowerCase();
  return /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(l) ? l : null;
}
