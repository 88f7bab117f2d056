// Rows for each seeded table, computed from the plan. The same code feeds both loaders, so SQLite and
// PostgreSQL receive byte-identical data.
import { dayOf } from "../src/domain/clock.ts";
import { timeIdFor } from "../src/domain/ids.ts";
import { escapeHtml, normalizeTag } from "../src/domain/text.ts";
import { FLAG_SPOILER, FLAG_TWO_PARAGRAPHS, type SeedPlan, VISIBILITY_NAMES } from "./plan.ts";
import { Prng } from "./prng.ts";
import { ENDINGS, SPOILERS, WORDS } from "./words.ts";

export interface Column {
  name: string;
  /** The PostgreSQL array element type used to ship a batch of this column through unnest(). */
  pg: "text" | "int4" | "int8";
}

export interface TableSpec {
  name: string;
  columns: readonly Column[];
}

/** Writes row `i` into `out` from position `at` (one value per column, in column order). */
export type RowFill = (i: number, out: unknown[], at: number) => void;

const text = (name: string): Column => ({ name, pg: "text" });
const int = (name: string): Column => ({ name, pg: "int4" });

export const ACCOUNTS: TableSpec = {
  name: "accounts",
  columns: [
    text("id"),
    text("handle"),
    text("handle_lower"),
    text("display_name"),
    text("note"),
    int("locked"),
    text("password_hash"),
    text("state"),
    int("suspended"),
    text("created_day"),
    int("followers_count"),
    int("following_count"),
    int("statuses_count"),
    text("last_status_day"),
  ],
};

export const FOLLOWS: TableSpec = { name: "follows", columns: [text("account_id"), text("target_account_id")] };

export const STATUSES: TableSpec = {
  name: "statuses",
  columns: [
    text("id"),
    text("account_id"),
    text("in_reply_to_id"),
    text("in_reply_to_account_id"),
    text("reblog_of_id"),
    text("text"),
    text("content"),
    text("spoiler_text"),
    int("sensitive"),
    text("visibility"),
    text("language"),
    text("created_at"),
    text("edited_at"),
    int("replies_count"),
    int("reblogs_count"),
    int("favourites_count"),
  ],
};

export const MENTIONS: TableSpec = { name: "mentions", columns: [text("status_id"), text("account_id")] };
export const TAGS: TableSpec = { name: "tags", columns: [text("name")] };
export const STATUS_TAGS: TableSpec = {
  name: "status_tags",
  columns: [text("status_id"), { name: "tag_id", pg: "int8" }],
};
export const SESSIONS: TableSpec = {
  name: "sessions",
  columns: [text("id"), text("token_hash"), text("account_id"), text("created_day"), text("expires_day")],
};

export function accountFill(plan: SeedPlan, passwordHash: string): RowFill {
  return (i, out, at) => {
    const handle = plan.handles[i] as string;
    const last = plan.lastPost[i] as number;
    out[at] = plan.ids[i];
    out[at + 1] = handle;
    out[at + 2] = handle.toLowerCase();
    out[at + 3] = plan.displayNames[i];
    out[at + 4] = i === 0 ? "Unofficial resistance team of U.S. Citizenship and Immigration Services." : "";
    out[at + 5] = 0;
    out[at + 6] = passwordHash;
    out[at + 7] = "active";
    out[at + 8] = 0;
    out[at + 9] = plan.createdDays[i];
    out[at + 10] = plan.followersCount[i];
    out[at + 11] = plan.followingCount[i];
    out[at + 12] = plan.statusesCount[i];
    out[at + 13] = last >= 0 ? dayOf(new Date(plan.posts.ms[last] as number)) : null;
  };
}

export function followFill(plan: SeedPlan): RowFill {
  return (i, out, at) => {
    out[at] = plan.ids[plan.followFrom[i] as number];
    out[at + 1] = plan.ids[plan.followTo[i] as number];
  };
}

export function statusId(plan: SeedPlan, i: number): string {
  return timeIdFor(plan.posts.ms[i] as number, plan.posts.seq[i] as number);
}

export interface PostText {
  text: string;
  content: string;
  spoiler: string;
}

/**
 * Post text and its rendered HTML. Draws from its own generator, so it must be asked for posts in
 * order (0, 1, 2 …); the HTML is what domain/text.ts renderStatusHtml() makes of the text (the seed
 * checks a sample against it), built directly because running the tokenizer a million times would
 * dominate the seeding time.
 */
export class PostTexts {
  readonly #plan: SeedPlan;
  readonly #rng: Prng;
  readonly #base: string;
  #expected = 0;

  constructor(plan: SeedPlan, seed: number, publicUrl: string) {
    this.#plan = plan;
    this.#rng = new Prng(seed ^ 0x5eed7e47);
    this.#base = publicUrl;
  }

  next(i: number): PostText {
    if (i !== this.#expected) throw new Error(`post texts must be made in order (asked ${i}, next ${this.#expected})`);
    this.#expected++;
    const p = this.#plan.posts;
    if ((p.reblogOf[i] as number) >= 0) return { text: "", content: "", spoiler: "" };
    const rng = this.#rng;
    const flags = p.flags[i] as number;
    const paragraphs = flags & FLAG_TWO_PARAGRAPHS ? [sentence(rng), sentence(rng)] : [sentence(rng)];
    const parent = p.replyTo[i] as number;
    const parentAuthor = parent >= 0 ? (p.author[parent] as number) : -1;
    const mention =
      parentAuthor >= 0 && parentAuthor !== p.author[i] ? (this.#plan.handles[parentAuthor] as string) : "";
    const tagIndex = p.tag[i] as number;
    const tag = tagIndex >= 0 ? (this.#plan.tags[tagIndex] as string) : "";

    const textParts = [...paragraphs];
    const htmlParts = paragraphs.map((s) => escapeHtml(s));
    if (mention) {
      textParts[0] = `@${mention} ${textParts[0]}`;
      const url = `${this.#base}/@${mention}`;
      htmlParts[0] =
        `<span class="h-card"><a href="${escapeHtml(url)}" class="u-url mention">@<span>${escapeHtml(mention)}</span></a></span> ` +
        htmlParts[0];
    }
    if (tag) {
      const last = textParts.length - 1;
      textParts[last] = `${textParts[last]} #${tag}`;
      const url = `${this.#base}/tags/${encodeURIComponent(normalizeTag(tag))}`;
      htmlParts[last] =
        `${htmlParts[last]} <a href="${escapeHtml(url)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`;
    }
    const spoiler = flags & FLAG_SPOILER ? rng.pick(SPOILERS) : "";
    return {
      text: textParts.join("\n\n"),
      content: htmlParts.map((h) => `<p>${h}</p>`).join(""),
      spoiler,
    };
  }
}

export function statusFill(plan: SeedPlan, texts: PostTexts): RowFill {
  const p = plan.posts;
  return (i, out, at) => {
    const t = texts.next(i);
    const parent = p.replyTo[i] as number;
    const reblog = p.reblogOf[i] as number;
    out[at] = statusId(plan, i);
    out[at + 1] = plan.ids[p.author[i] as number];
    out[at + 2] = parent >= 0 ? statusId(plan, parent) : null;
    out[at + 3] = parent >= 0 ? plan.ids[p.author[parent] as number] : null;
    out[at + 4] = reblog >= 0 ? statusId(plan, reblog) : null;
    out[at + 5] = t.text;
    out[at + 6] = t.content;
    out[at + 7] = t.spoiler;
    out[at + 8] = t.spoiler ? 1 : 0;
    out[at + 9] = VISIBILITY_NAMES[p.visibility[i] as number];
    out[at + 10] = reblog >= 0 ? null : "en";
    out[at + 11] = new Date(p.ms[i] as number).toISOString();
    out[at + 12] = null;
    out[at + 13] = p.repliesCount[i];
    out[at + 14] = p.reblogsCount[i];
    out[at + 15] = 0;
  };
}

/** Posts that mention someone: replies to another account's post. */
export function mentionRows(plan: SeedPlan): Int32Array {
  const p = plan.posts;
  const out: number[] = [];
  for (let i = 0; i < p.count; i++) {
    const parent = p.replyTo[i] as number;
    if (parent >= 0 && p.author[parent] !== p.author[i]) out.push(i);
  }
  return Int32Array.from(out);
}

export function mentionFill(plan: SeedPlan, posts: Int32Array): RowFill {
  const p = plan.posts;
  return (k, out, at) => {
    const i = posts[k] as number;
    out[at] = statusId(plan, i);
    out[at + 1] = plan.ids[p.author[p.replyTo[i] as number] as number];
  };
}

/** Posts carrying a hashtag (reposts carry none of their own). */
export function taggedRows(plan: SeedPlan): Int32Array {
  const p = plan.posts;
  const out: number[] = [];
  for (let i = 0; i < p.count; i++) if ((p.tag[i] as number) >= 0 && (p.reblogOf[i] as number) < 0) out.push(i);
  return Int32Array.from(out);
}

export function statusTagFill(plan: SeedPlan, posts: Int32Array, tagIds: Map<string, number>): RowFill {
  const p = plan.posts;
  return (k, out, at) => {
    const i = posts[k] as number;
    out[at] = statusId(plan, i);
    out[at + 1] = tagIds.get(normalizeTag(plan.tags[p.tag[i] as number] as string));
  };
}

function sentence(rng: Prng): string {
  const n = 5 + rng.int(28);
  const words: string[] = [];
  for (let k = 0; k < n; k++) words.push(rng.pick(WORDS));
  if (rng.chance(0.3)) words[Math.min(n - 1, 2 + rng.int(n - 2))] += ",";
  const first = words[0] as string;
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(" ")}${rng.pick(ENDINGS)}`;
}
