// Delayed and scheduled posting. With a delay set, every post waits a random time within the chosen
// window, so posting times stop mapping to office hours; "publish at" picks the time. The queue is
// a table, so it survives restarts. A post gets its id and public time when it is published: an id
// made at writing time would reveal the writing time, since ids sort by time.
import { randomInt } from "node:crypto";
import type { Viewer } from "../../domain/account.ts";
import { HOUR, MINUTE } from "../../domain/clock.ts";
import { notFound, PubliusError, unprocessable } from "../../domain/errors.ts";
import { randomId } from "../../domain/ids.ts";
import type { Status } from "../../domain/status.ts";
import type { ServiceDeps } from "../deps.ts";
import { type NewStatus, type PostingService, replyParent } from "./posting.ts";

export const POST_DELAYS = { off: 0, "15m": 15 * MINUTE, "1h": HOUR, "6h": 6 * HOUR } as const;
export type PostDelay = keyof typeof POST_DELAYS;

/** Mastodon's rule: a scheduled post is at least five minutes ahead. */
export const MIN_SCHEDULE_AHEAD = 5 * MINUTE;
export const MAX_SCHEDULE_AHEAD = 365 * 24 * HOUR;

export interface ScheduledParams {
  text: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: string;
  inReplyToId: string | null;
  language: string | null;
  mediaIds: string[];
  idempotencyKey: string | null;
}

export interface ScheduledStatus {
  id: string;
  scheduledAt: string;
  params: ScheduledParams;
}

export type Submitted = { kind: "published"; status: Status } | { kind: "scheduled"; scheduled: ScheduledStatus };

function isDelay(value: string): value is PostDelay {
  return Object.hasOwn(POST_DELAYS, value);
}

/** Rounds up to the next whole minute: the queue keeps minutes, never finer. */
function ceilMinute(ms: number): Date {
  return new Date(Math.ceil(ms / MINUTE) * MINUTE);
}

export class SchedulingService {
  readonly #deps: ServiceDeps;
  readonly #posting: PostingService;
  constructor(deps: ServiceDeps, posting: PostingService) {
    this.#deps = deps;
    this.#posting = posting;
  }

  async delayOf(viewer: Viewer): Promise<PostDelay> {
    const row = await this.#deps.db
      .selectFrom("accounts")
      .select("post_delay")
      .where("id", "=", viewer.accountId)
      .executeTakeFirst();
    const value = row?.post_delay ?? "off";
    return isDelay(value) ? value : "off";
  }

  async setDelay(viewer: Viewer, delay: string): Promise<void> {
    if (!isDelay(delay))
      throw unprocessable("The delay is off, 15m, 1h or 6h.", { post_delay: "Choose one of the offered delays." });
    await this.#deps.db.updateTable("accounts").set({ post_delay: delay }).where("id", "=", viewer.accountId).execute();
  }

  /**
   * Publishes now, or queues: at `publishAt` when given, else after the account's random delay.
   * Everything is validated now, so a mistake is reported while the author is still there.
   */
  async submit(viewer: Viewer, input: NewStatus, publishAt?: Date): Promise<Submitted> {
    // What the request leaves out comes from the author's posting preferences, as for posting now.
    const defaults = await this.#deps.db
      .selectFrom("accounts")
      .select(["default_visibility", "default_sensitive", "default_language"])
      .where("id", "=", viewer.accountId)
      .executeTakeFirst();
    const visibility = this.#posting.validate({
      text: input.text,
      spoilerText: input.spoilerText,
      visibility: input.visibility || defaults?.default_visibility || "public",
      hasMedia: (input.mediaIds?.length ?? 0) > 0,
    });
    const now = this.#deps.clock.now().getTime();
    let due: Date | undefined;
    if (publishAt) {
      const ahead = publishAt.getTime() - now;
      if (!Number.isFinite(ahead) || ahead < MIN_SCHEDULE_AHEAD) {
        throw unprocessable("The time to publish must be at least 5 minutes from now.", {
          scheduled_at: "At least 5 minutes from now.",
        });
      }
      if (ahead > MAX_SCHEDULE_AHEAD)
        throw unprocessable("The time to publish must be within a year.", { scheduled_at: "Within a year." });
      due = ceilMinute(publishAt.getTime());
    } else {
      const window = POST_DELAYS[await this.delayOf(viewer)];
      if (window > 0) due = ceilMinute(now + randomInt(window + 1));
    }
    if (!due) return { kind: "published", status: await this.#posting.create(viewer, input) };

    const key = input.idempotencyKey?.trim().slice(0, 200) || null;
    if (key) {
      const existing = (await this.list(viewer)).find((s) => s.params.idempotencyKey === key);
      if (existing) return { kind: "scheduled", scheduled: existing };
    }
    // The post answered must be there and visible to the author now, by the rule publishing uses
    // (and with its answer); it is checked again at publishing.
    if (input.inReplyToId) await replyParent(this.#deps.db, viewer, input.inReplyToId);
    // A queued post counts against the posting limits when it is queued, not when it is published.
    await this.#posting.limits.admit(viewer, input.text);
    const mediaIds = [...new Set(input.mediaIds ?? [])];
    if (mediaIds.length) {
      // Only one's own images that no post uses yet; checked again when the post is published.
      const own = await this.#deps.db
        .selectFrom("media_attachments")
        .select("id")
        .where("account_id", "=", viewer.accountId)
        .where("status_id", "is", null)
        .where("id", "in", mediaIds)
        .execute();
      if (own.length !== mediaIds.length)
        throw unprocessable("One of the media_ids is not an unattached upload of yours.");
    }
    const params: ScheduledParams = {
      text: input.text.trim(),
      spoilerText: (input.spoilerText ?? "").trim(),
      sensitive: input.sensitive ?? defaults?.default_sensitive === 1,
      visibility,
      inReplyToId: input.inReplyToId ?? null,
      language: input.language ?? defaults?.default_language ?? null,
      mediaIds,
      idempotencyKey: key,
    };
    const row = {
      id: randomId(),
      account_id: viewer.accountId,
      params: JSON.stringify(params),
      scheduled_at: due.toISOString(),
    };
    await this.#deps.db.insertInto("scheduled_statuses").values(row).execute();
    return { kind: "scheduled", scheduled: { id: row.id, scheduledAt: row.scheduled_at, params } };
  }

  async list(viewer: Viewer): Promise<ScheduledStatus[]> {
    const rows = await this.#deps.db
      .selectFrom("scheduled_statuses")
      .selectAll()
      .where("account_id", "=", viewer.accountId)
      .orderBy("scheduled_at")
      .orderBy("id")
      .execute();
    return rows.map(toScheduled);
  }

  async get(viewer: Viewer, id: string): Promise<ScheduledStatus> {
    const row = await this.#deps.db
      .selectFrom("scheduled_statuses")
      .selectAll()
      .where("id", "=", id)
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    if (!row) throw notFound();
    return toScheduled(row);
  }

  async reschedule(viewer: Viewer, id: string, publishAt: Date): Promise<ScheduledStatus> {
    await this.get(viewer, id);
    const ahead = publishAt.getTime() - this.#deps.clock.now().getTime();
    if (!Number.isFinite(ahead) || ahead < MIN_SCHEDULE_AHEAD)
      throw unprocessable("The time to publish must be at least 5 minutes from now.");
    if (ahead > MAX_SCHEDULE_AHEAD) throw unprocessable("The time to publish must be within a year.");
    await this.#deps.db
      .updateTable("scheduled_statuses")
      .set({ scheduled_at: ceilMinute(publishAt.getTime()).toISOString() })
      .where("id", "=", id)
      .where("account_id", "=", viewer.accountId)
      .execute();
    return this.get(viewer, id);
  }

  async cancel(viewer: Viewer, id: string): Promise<void> {
    const r = await this.#deps.db
      .deleteFrom("scheduled_statuses")
      .where("id", "=", id)
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound();
  }

  /**
   * Publishes every post that is due. Each is published with an idempotency key made from its queue
   * id, so a crash between publishing and dequeuing cannot publish it twice. A post that can no
   * longer be published (the author is gone, the post it answered was deleted) is dropped.
   */
  async publishDue(limit = 200): Promise<{ published: number; dropped: number }> {
    const now = this.#deps.clock.now().toISOString();
    const due = await this.#deps.db
      .selectFrom("scheduled_statuses as q")
      .innerJoin("accounts as a", "a.id", "q.account_id")
      .select(["q.id", "q.account_id", "q.params", "q.scheduled_at", "a.suspended"])
      .where("q.scheduled_at", "<=", now)
      .orderBy("q.scheduled_at")
      .limit(limit)
      .execute();
    let published = 0;
    let dropped = 0;
    for (const row of due) {
      if (row.suspended === 1) continue; // waits until the suspension ends or the account is deleted
      const p = JSON.parse(row.params) as ScheduledParams;
      const viewer: Viewer = { accountId: row.account_id, roles: [] };
      try {
        await this.#posting.create(
          viewer,
          {
            text: p.text,
            spoilerText: p.spoilerText,
            sensitive: p.sensitive,
            visibility: p.visibility,
            inReplyToId: p.inReplyToId ?? undefined,
            language: p.language ?? undefined,
            mediaIds: p.mediaIds,
            idempotencyKey: `scheduled:${row.id}`,
          },
          undefined,
          { admitted: true },
        );
        published += 1;
      } catch (e) {
        if (!(e instanceof PubliusError) || e.status >= 500) throw e;
        dropped += 1;
      }
      await this.#deps.db.deleteFrom("scheduled_statuses").where("id", "=", row.id).execute();
    }
    return { published, dropped };
  }
}

function toScheduled(row: { id: string; params: string; scheduled_at: string }): ScheduledStatus {
  return { id: row.id, scheduledAt: row.scheduled_at, params: JSON.parse(row.params) as ScheduledParams };
}
