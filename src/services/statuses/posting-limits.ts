// Posting limits without identity: counted per account, never per address. Every account may post
// `postsPerHour` times an hour; a new one (younger than `newAccountDays`) fewer, and its first posts
// may carry only a few links — the usual shape of spam from fresh accounts. The hourly counts live
// in this process's memory and expire with their window; nothing is written.
import type { PostingLimitsConfig } from "../../config/config.ts";
import type { Viewer } from "../../domain/account.ts";
import { DAY, dayOf, HOUR } from "../../domain/clock.ts";
import { PubliusError, unprocessable } from "../../domain/errors.ts";
import { tokenize } from "../../domain/text.ts";
import type { ServiceDeps } from "../deps.ts";

export class PostingLimits {
  readonly #deps: ServiceDeps;
  readonly #limits: PostingLimitsConfig;
  /** "post:<accountId>" -> posts in the current window. */
  readonly #buckets = new Map<string, { count: number; resetAt: number }>();

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    this.#limits = deps.config.posting;
  }

  /**
   * Counts one post against the account's hourly limit and checks its links; throws 429 (with
   * Retry-After and X-RateLimit headers) or 422 without counting when the post is refused.
   */
  async admit(viewer: Viewer, text: string): Promise<void> {
    const l = this.#limits;
    const now = this.#deps.clock.now();
    const account = await this.#deps.db
      .selectFrom("accounts")
      .select("created_day")
      .where("id", "=", viewer.accountId)
      .executeTakeFirst();
    if (!account) return;
    const isNew = l.newAccountDays > 0 && account.created_day > dayOf(new Date(now.getTime() - l.newAccountDays * DAY));

    if (isNew && l.newAccountLinkPosts > 0) {
      const links = tokenize(text).filter((t) => t.kind === "url").length;
      if (links > l.newAccountLinks) {
        const row = await this.#deps.db
          .selectFrom("statuses")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("account_id", "=", viewer.accountId)
          .where("reblog_of_id", "is", null)
          .executeTakeFirst();
        if (Number(row?.n ?? 0) < l.newAccountLinkPosts) {
          const allowed = l.newAccountLinks === 0 ? "no links" : `at most ${plural(l.newAccountLinks, "link")}`;
          const message = `A new account's first ${plural(l.newAccountLinkPosts, "post")} may carry ${allowed}; this one has ${links}. Remove some, or post them later.`;
          throw unprocessable(message, { text: message });
        }
      }
    }

    const max = isNew ? l.newAccountPostsPerHour : l.postsPerHour;
    if (max === 0) return;
    const key = `post:${viewer.accountId}`;
    const t = now.getTime();
    let bucket = this.#buckets.get(key);
    if (!bucket || bucket.resetAt <= t) {
      this.#sweep(t);
      bucket = { count: 0, resetAt: t + HOUR };
      this.#buckets.set(key, bucket);
    }
    const retryAfter = Math.max(1, Math.ceil((bucket.resetAt - t) / 1000));
    const headers = {
      "x-ratelimit-limit": String(max),
      "x-ratelimit-reset": new Date(bucket.resetAt).toISOString(),
    };
    if (bucket.count >= max) {
      const minutes = Math.ceil(retryAfter / 60);
      const who = isNew ? "A new account" : "An account";
      throw new PubliusError(
        429,
        `${who} may publish ${plural(max, "post")} an hour. Try again in ${plural(minutes, "minute")}.`,
        { headers: { ...headers, "x-ratelimit-remaining": "0", "retry-after": String(retryAfter) } },
      );
    }
    bucket.count += 1;
  }

  #sweep(now: number): void {
    for (const [k, b] of this.#buckets) if (b.resetAt <= now) this.#buckets.delete(k);
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en")} ${n === 1 ? word : `${word}s`}`;
}
