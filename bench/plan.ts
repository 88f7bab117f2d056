// The shape of the seeded world, decided in memory before a single row is written: who exists, who
// follows whom, who posted what and when. Everything derives from one seed, so two runs (and the
// SQLite and PostgreSQL runs of one benchmark) hold the same data.
import { DAY, dayOf } from "../src/domain/clock.ts";
import { Prng, WeightedIndex, zipfWeights } from "./prng.ts";
import { ADJECTIVES, NOUNS, TAGS } from "./words.ts";

export interface PlanOptions {
  /** 1 = the sizes (10,000 active accounts, 1,000,000 posts, 32,000 followers). */
  scale: number;
  seed: number;
  /** Posts are spread over the year that ends here (ms since the epoch). */
  endMs: number;
}

export const BIG_HANDLE = "ALT_USCIS";

export const VIS_PUBLIC = 0;
export const VIS_UNLISTED = 1;
export const VIS_PRIVATE = 2;
export const VISIBILITY_NAMES = ["public", "unlisted", "private"] as const;

/** Post flags. */
export const FLAG_SPOILER = 1;
export const FLAG_TWO_PARAGRAPHS = 2;

const YEAR = 365 * DAY;
const BASE_ACTIVE = 10_000;
const BASE_POSTS = 1_000_000;
const BASE_BIG_FOLLOWERS = 32_000;
const MEDIAN_FOLLOWS = 150;
const FOLLOWS_SIGMA = 0.8;
const MAX_FOLLOWS = 3_000;
const AUDIENCE_MEDIAN_FOLLOWS = 12;
/** Share of the active accounts that follow the big account; the audience accounts make up the rest. */
const BIG_SHARE_OF_ACTIVE = 0.9;
/** Share of all posts written by the big account (about 14 a day at full scale). */
const BIG_SHARE_OF_POSTS = 0.005;
const REBLOG_SHARE = 0.05;
const REPLY_SHARE = 0.15;
const SELF_REPLY_SHARE = 0.3;
const TAG_SHARE = 0.08;
const SPOILER_SHARE = 0.02;
const RECENT_WINDOW = 4_096;

export interface SeedPlan {
  options: PlanOptions;
  /** Accounts 0..activeCount-1 post and follow; the rest (the audience) only follow. Account 0 is the big one. */
  activeCount: number;
  accountCount: number;
  ids: string[];
  handles: string[];
  displayNames: string[];
  createdDays: string[];
  /** Follow edges, grouped by follower. */
  followFrom: Int32Array;
  followTo: Int32Array;
  followersCount: Int32Array;
  followingCount: Int32Array;
  posts: PostPlan;
  statusesCount: Int32Array;
  /** Index of each account's last post, -1 if none. */
  lastPost: Int32Array;
  tags: readonly string[];
}

/** One entry per post, in id order (oldest first). Reposts and replies point at earlier entries. */
export interface PostPlan {
  count: number;
  ms: Float64Array;
  seq: Uint16Array;
  author: Int32Array;
  /** -1 or the index of the post this one answers. */
  replyTo: Int32Array;
  /** -1 or the index of the post this one reposts. */
  reblogOf: Int32Array;
  visibility: Uint8Array;
  /** -1 or an index into plan.tags. */
  tag: Int16Array;
  flags: Uint8Array;
  repliesCount: Int32Array;
  reblogsCount: Int32Array;
}

export function scaled(base: number, scale: number, minimum: number): number {
  return Math.max(minimum, Math.round(base * scale));
}

export function buildPlan(options: PlanOptions, onStep: (label: string) => void = () => {}): SeedPlan {
  const rng = new Prng(options.seed);
  const activeCount = scaled(BASE_ACTIVE, options.scale, 50);
  const bigFollowersTarget = scaled(BASE_BIG_FOLLOWERS, options.scale, 40);
  const activeBigFollowers = Math.min(activeCount - 1, Math.round(activeCount * BIG_SHARE_OF_ACTIVE));
  const audienceCount = Math.max(0, bigFollowersTarget - activeBigFollowers);
  const accountCount = activeCount + audienceCount;
  const windowStart = options.endMs - YEAR;

  onStep("accounts");
  const { ids, handles, displayNames } = makeIdentities(rng, accountCount);
  const createdDays: string[] = new Array(accountCount);
  for (let i = 0; i < accountCount; i++) {
    // Active accounts joined up to two years before the window; the audience at any time until the end.
    const at = i < activeCount ? windowStart - rng.next() * 2 * YEAR : windowStart - YEAR + rng.next() * 2 * YEAR;
    createdDays[i] = dayOf(new Date(Math.floor(at)));
  }
  createdDays[0] = "2017-01-25";

  onStep("follow graph");
  const graph = makeFollowGraph(rng, activeCount, accountCount, activeBigFollowers);

  onStep("posts");
  const tags = TAGS;
  const posts = makePosts(rng, activeCount, scaled(BASE_POSTS, options.scale, 1_000), windowStart, options.endMs);
  const statusesCount = new Int32Array(accountCount);
  const lastPost = new Int32Array(accountCount).fill(-1);
  for (let i = 0; i < posts.count; i++) {
    const a = posts.author[i] as number;
    statusesCount[a] = (statusesCount[a] as number) + 1;
    lastPost[a] = i;
  }

  return {
    options,
    activeCount,
    accountCount,
    ids,
    handles,
    displayNames,
    createdDays,
    followFrom: graph.from,
    followTo: graph.to,
    followersCount: graph.followers,
    followingCount: graph.following,
    posts,
    statusesCount,
    lastPost,
    tags,
  };
}

function makeIdentities(rng: Prng, count: number) {
  const ids: string[] = new Array(count);
  const handles: string[] = new Array(count);
  const displayNames: string[] = new Array(count);
  const seenIds = new Set<string>();
  const seenHandles = new Set<string>([BIG_HANDLE.toLowerCase()]);
  for (let i = 0; i < count; i++) {
    let id: string;
    do {
      // 18 digits starting with 1, like domain/ids.ts randomId(), but from the seeded generator.
      const hi = String(rng.int(100_000_000)).padStart(8, "0");
      const lo = String(rng.int(1_000_000_000)).padStart(9, "0");
      id = `1${hi}${lo}`;
    } while (seenIds.has(id));
    seenIds.add(id);
    ids[i] = id;
    if (i === 0) {
      handles[i] = BIG_HANDLE;
      displayNames[i] = "ALT USCIS";
      continue;
    }
    const first = rng.pick(ADJECTIVES);
    const second = rng.pick(NOUNS);
    const base = rng.chance(0.2) ? capitalise(first) + capitalise(second) : `${first}_${second}`;
    let handle = base;
    for (let attempt = 0; seenHandles.has(handle.toLowerCase()); attempt++) {
      handle = attempt < 1_000 ? `${base}${rng.int(100_000)}` : `member${i}`;
    }
    seenHandles.add(handle.toLowerCase());
    handles[i] = handle;
    displayNames[i] = rng.chance(0.15) ? "" : `${capitalise(first)} ${capitalise(second)}`;
  }
  return { ids, handles, displayNames };
}

function makeFollowGraph(rng: Prng, activeCount: number, accountCount: number, activeBigFollowers: number) {
  // Popularity: a Zipf-like law over a random ranking of the active accounts (except the big one,
  // whose followers are chosen outright), mixed with some uniform choice as real graphs have.
  const ranking = shuffled(rng, range(1, activeCount));
  const weights = zipfWeights(ranking.length, 1.0, 10);
  const popular = new WeightedIndex(weights);
  const drawTarget = (): number =>
    rng.chance(0.8) ? (ranking[popular.draw(rng)] as number) : 1 + rng.int(activeCount - 1);

  const bigFollowers = new Uint8Array(accountCount);
  for (const f of shuffled(rng, range(1, activeCount)).slice(0, activeBigFollowers)) bigFollowers[f] = 1;
  for (let f = activeCount; f < accountCount; f++) bigFollowers[f] = 1;

  const medianFollows = Math.min(MEDIAN_FOLLOWS, Math.floor(activeCount / 5));
  const maxFollows = Math.min(MAX_FOLLOWS, activeCount - 2);
  const wanted = new Int32Array(accountCount);
  let capacity = 0;
  for (let f = 0; f < accountCount; f++) {
    const median = f < activeCount ? medianFollows : AUDIENCE_MEDIAN_FOLLOWS;
    const n = Math.round(rng.logNormal(median, FOLLOWS_SIGMA));
    wanted[f] = Math.max(1, Math.min(maxFollows, n));
    capacity += (wanted[f] as number) + 1;
  }
  const from = new Int32Array(capacity);
  const to = new Int32Array(capacity);
  const followers = new Int32Array(accountCount);
  const following = new Int32Array(accountCount);
  // mark[t] === stamp means follower `stamp` already follows t: no clearing between followers.
  const mark = new Int32Array(activeCount).fill(-1);
  let e = 0;
  for (let f = 0; f < accountCount; f++) {
    const start = e;
    if (bigFollowers[f] === 1) {
      from[e] = f;
      to[e] = 0;
      e++;
    }
    // The big account counts towards the total, so "follows" means the whole list.
    const target = (wanted[f] as number) - (e - start);
    let got = 0;
    for (let attempt = 0; got < target && attempt < target * 50; attempt++) {
      const t = drawTarget();
      if (t === f || mark[t] === f) continue;
      mark[t] = f;
      from[e] = f;
      to[e] = t;
      e++;
      got++;
    }
    following[f] = e - start;
    for (let k = start; k < e; k++) {
      const t = to[k] as number;
      followers[t] = (followers[t] as number) + 1;
    }
  }
  return { from: from.subarray(0, e), to: to.subarray(0, e), followers, following };
}

function makePosts(rng: Prng, activeCount: number, count: number, startMs: number, endMs: number): PostPlan {
  // How much each account posts: log-normal, so a few are prolific and most are occasional.
  const activity = new Float64Array(activeCount);
  let others = 0;
  for (let a = 1; a < activeCount; a++) {
    activity[a] = rng.logNormal(1, 1.3);
    others += activity[a] as number;
  }
  activity[0] = (BIG_SHARE_OF_POSTS * others) / (1 - BIG_SHARE_OF_POSTS);
  const authors = new WeightedIndex(activity);

  const span = endMs - startMs;
  const ms = new Float64Array(count);
  for (let i = 0; i < count; i++) ms[i] = startMs + Math.floor(rng.next() * span);
  ms.sort();
  const seq = new Uint16Array(count);
  for (let i = 1; i < count; i++) if (ms[i] === ms[i - 1]) seq[i] = (seq[i - 1] as number) + 1;

  const author = new Int32Array(count);
  const replyTo = new Int32Array(count).fill(-1);
  const reblogOf = new Int32Array(count).fill(-1);
  const visibility = new Uint8Array(count);
  const tag = new Int16Array(count).fill(-1);
  const flags = new Uint8Array(count);
  const repliesCount = new Int32Array(count);
  const reblogsCount = new Int32Array(count);
  const tagPicker = new WeightedIndex(zipfWeights(TAGS.length, 1.1, 2));

  // Recent posts that others can answer or repost (originals, not followers-only).
  const recent = new Int32Array(RECENT_WINDOW);
  let recentSize = 0;
  let recentNext = 0;
  const lastOwn = new Int32Array(activeCount).fill(-1);
  const reposted = new Set<number>();

  for (let i = 0; i < count; i++) {
    const a = authors.draw(rng);
    author[i] = a;
    const roll = rng.next();
    if (roll < REBLOG_SHARE && recentSize > 0) {
      const t = recent[rng.int(recentSize)] as number;
      const key = t * activeCount + a;
      if (author[t] !== a && !reposted.has(key)) {
        reposted.add(key);
        reblogOf[i] = t;
        visibility[i] = visibility[t] as number;
        reblogsCount[t] = (reblogsCount[t] as number) + 1;
        continue;
      }
    }
    let parent = -1;
    if (roll >= REBLOG_SHARE && roll < REBLOG_SHARE + REPLY_SHARE) {
      const own = lastOwn[a] as number;
      if (rng.chance(SELF_REPLY_SHARE) && own >= 0 && visibility[own] !== VIS_PRIVATE) parent = own;
      else if (recentSize > 0) parent = recent[rng.int(recentSize)] as number;
    }
    if (parent >= 0) {
      replyTo[i] = parent;
      repliesCount[parent] = (repliesCount[parent] as number) + 1;
      visibility[i] = visibility[parent] as number;
    } else {
      const v = rng.next();
      visibility[i] = v < 0.85 ? VIS_PUBLIC : v < 0.95 ? VIS_UNLISTED : VIS_PRIVATE;
    }
    if (rng.chance(TAG_SHARE)) tag[i] = tagPicker.draw(rng);
    let f = 0;
    if (rng.chance(SPOILER_SHARE)) f |= FLAG_SPOILER;
    if (rng.chance(0.1)) f |= FLAG_TWO_PARAGRAPHS;
    flags[i] = f;
    lastOwn[a] = i;
    if (visibility[i] !== VIS_PRIVATE) {
      recent[recentNext] = i;
      recentNext = (recentNext + 1) % RECENT_WINDOW;
      recentSize = Math.min(RECENT_WINDOW, recentSize + 1);
    }
  }
  return { count, ms, seq, author, replyTo, reblogOf, visibility, tag, flags, repliesCount, reblogsCount };
}

/** Accounts whose follow count is closest to the median of the active accounts (not the big one). */
export function typicalAccounts(plan: SeedPlan, n: number): number[] {
  const counts: number[] = [];
  for (let a = 1; a < plan.activeCount; a++) counts.push(plan.followingCount[a] as number);
  const median = medianOf(counts);
  const candidates = range(1, plan.activeCount).sort((x, y) => {
    const dx = Math.abs((plan.followingCount[x] as number) - median);
    const dy = Math.abs((plan.followingCount[y] as number) - median);
    return dx - dy || x - y;
  });
  return candidates.slice(0, n);
}

/** A deterministic sample of the big account's followers, audience and active accounts alike. */
export function bigFollowerSample(plan: SeedPlan, n: number, seed: number): number[] {
  const followers: number[] = [];
  for (let e = 0; e < plan.followTo.length; e++)
    if (plan.followTo[e] === 0) followers.push(plan.followFrom[e] as number);
  return shuffled(new Prng(seed), followers).slice(0, n);
}

export interface PlanSummary {
  accounts: number;
  activeAccounts: number;
  audienceAccounts: number;
  follows: number;
  medianFollowsActive: number;
  medianFollowsAll: number;
  p90FollowsActive: number;
  maxFollowers: number;
  bigAccountFollowers: number;
  posts: number;
  replies: number;
  reposts: number;
  firstPostDay: string;
  lastPostDay: string;
}

export function summarise(plan: SeedPlan): PlanSummary {
  const active: number[] = [];
  const all: number[] = [];
  for (let a = 0; a < plan.accountCount; a++) {
    const n = plan.followingCount[a] as number;
    all.push(n);
    if (a > 0 && a < plan.activeCount) active.push(n);
  }
  let maxFollowers = 0;
  for (let a = 1; a < plan.accountCount; a++) maxFollowers = Math.max(maxFollowers, plan.followersCount[a] as number);
  let replies = 0;
  let reposts = 0;
  for (let i = 0; i < plan.posts.count; i++) {
    if ((plan.posts.replyTo[i] as number) >= 0) replies++;
    if ((plan.posts.reblogOf[i] as number) >= 0) reposts++;
  }
  active.sort((x, y) => x - y);
  return {
    accounts: plan.accountCount,
    activeAccounts: plan.activeCount,
    audienceAccounts: plan.accountCount - plan.activeCount,
    follows: plan.followFrom.length,
    medianFollowsActive: medianOf(active),
    medianFollowsAll: medianOf(all),
    p90FollowsActive: active[Math.floor(active.length * 0.9)] ?? 0,
    maxFollowers,
    bigAccountFollowers: plan.followersCount[0] as number,
    posts: plan.posts.count,
    replies,
    reposts,
    firstPostDay: dayOf(new Date(plan.posts.ms[0] as number)),
    lastPostDay: dayOf(new Date(plan.posts.ms[plan.posts.count - 1] as number)),
  };
}

export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

function shuffled<T>(rng: Prng, items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
  return a;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
