// Seeds a Publius database for the benchmark: accounts, a skewed follow graph, a year of posts (with
// replies, reposts, mentions and hashtags), written straight through the store layer's connection in
// bulk. Also runnable on its own:
//
//   node bench/seed.ts --data-dir /tmp/publius-bench            (SQLite)
//   node bench/seed.ts --database-url postgres://…/publius_bench (PostgreSQL, an empty database)
//
// Options: --scale N (1 = full size), --seed N, --public-url URL, --verify quick|full.
import { parseArgs } from "node:util";
import { DAY, dayOf, MINUTE } from "../src/domain/clock.ts";
import { randomId, randomToken } from "../src/domain/ids.ts";
import { renderStatusHtml } from "../src/domain/text.ts";
import { PasswordHasher } from "../src/services/accounts/passwords.ts";
import { hashToken, SESSION_DAYS } from "../src/services/accounts/sessions.ts";
import { migrate, openStore, type Store, sql } from "../src/store/store.ts";
import { PostgresBulkLoader } from "./load-postgres.ts";
import { foreignKeyViolations, SqliteBulkLoader } from "./load-sqlite.ts";
import type { BulkLoader } from "./loader.ts";
import { buildPlan, type PlanSummary, type SeedPlan, summarise } from "./plan.ts";
import { formatCount, Progress } from "./progress.ts";
import {
  ACCOUNTS,
  accountFill,
  FOLLOWS,
  followFill,
  MENTIONS,
  mentionFill,
  mentionRows,
  PostTexts,
  SESSIONS,
  STATUS_TAGS,
  STATUSES,
  statusFill,
  statusTagFill,
  TAGS,
  taggedRows,
} from "./rows.ts";

/** The one password every seeded account has (hashed once; the hash is shared). */
export const BENCH_PASSWORD = "bench-only-password-7f3a-publius";
export const DEFAULT_SEED = 20170125;

const SEEDED_TABLES = ["accounts", "follows", "statuses", "mentions", "tags", "status_tags", "sessions"] as const;

export interface SeedOptions {
  store: Store;
  /** PostgreSQL only: the URL (and schema) the bulk loader connects to. */
  databaseUrl?: string | undefined;
  pgSchema?: string | undefined;
  scale: number;
  seed: number;
  /** The server's public URL: mention and hashtag links in the rendered posts point there. */
  publicUrl: string;
  /**
   * Posts end before this instant. Default: the current minute, so the newest seeded posts are
   * minutes old, as on a live server (a gap before "now" would flatter or hurt time-bounded queries).
   */
  endMs?: number | undefined;
  progress: Progress;
  /** "quick" checks counters and a sample of rendered posts; "full" also every post's counts and foreign keys. */
  verify?: "quick" | "full" | "none";
  /** Accounts (plan indexes) to give a ready session, so a benchmark need not sign in thousands of times. */
  sessionsFor?: (plan: SeedPlan) => readonly number[];
}

export interface SeedResult {
  plan: SeedPlan;
  summary: PlanSummary;
  /** Milliseconds per step, and `total`. */
  timings: Record<string, number>;
  /** Plan index -> session cookie token. */
  sessions: Map<number, string>;
  checks: Record<string, number | string>;
}

export async function seed(options: SeedOptions): Promise<SeedResult> {
  const { store, progress } = options;
  const timings: Record<string, number> = {};
  const started = performance.now();
  const step = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const result = await work();
    timings[name] = Math.round(performance.now() - t);
    return result;
  };

  const endMs = options.endMs ?? Math.floor(Date.now() / MINUTE) * MINUTE;
  const plan = await step("plan", () => buildPlan({ scale: options.scale, seed: options.seed, endMs }));
  const summary = summarise(plan);
  progress.note(
    `plan: ${formatCount(summary.accounts)} accounts (${formatCount(summary.activeAccounts)} active), ` +
      `${formatCount(summary.follows)} follows (median ${summary.medianFollowsActive} per active account), ` +
      `${formatCount(summary.posts)} posts, @${plan.handles[0]} with ${formatCount(summary.bigAccountFollowers)} followers`,
  );
  const passwordHash = await step("password hash", () => new PasswordHasher().hash(BENCH_PASSWORD));
  await step("migrate", () => migrate(store));
  await assertEmpty(store);

  const loader: BulkLoader =
    store.dialect === "sqlite"
      ? new SqliteBulkLoader(requireSqlite(store))
      : new PostgresBulkLoader(requireUrl(options.databaseUrl), options.pgSchema);
  const sessions = new Map<number, string>();
  await step("load", async () => {
    await loader.begin(SEEDED_TABLES);
    await timed(timings, "accounts", () =>
      loader.insert(ACCOUNTS, plan.accountCount, accountFill(plan, passwordHash), progress),
    );
    await timed(timings, "follows", () => loader.insert(FOLLOWS, plan.followFrom.length, followFill(plan), progress));
    const texts = new PostTexts(plan, options.seed, options.publicUrl);
    await timed(timings, "statuses", () =>
      loader.insert(STATUSES, plan.posts.count, statusFill(plan, texts), progress),
    );
    const mentioning = mentionRows(plan);
    await timed(timings, "mentions", () =>
      loader.insert(MENTIONS, mentioning.length, mentionFill(plan, mentioning), progress),
    );
    await loader.insert(
      TAGS,
      plan.tags.length,
      (i, out, at) => {
        out[at] = (plan.tags[i] as string).toLowerCase();
      },
      progress,
    );
    const tagIds = new Map(
      (await store.db.selectFrom("tags").select(["id", "name"]).execute()).map((t) => [t.name, Number(t.id)]),
    );
    const tagged = taggedRows(plan);
    await timed(timings, "status_tags", () =>
      loader.insert(STATUS_TAGS, tagged.length, statusTagFill(plan, tagged, tagIds), progress),
    );
    const wanted = options.sessionsFor?.(plan) ?? [];
    const today = new Date();
    const tokens = wanted.map((a) => {
      const token = randomToken();
      sessions.set(a, token);
      return { a, token };
    });
    await loader.insert(
      SESSIONS,
      tokens.length,
      (i, out, at) => {
        const t = tokens[i] as { a: number; token: string };
        out[at] = randomId();
        out[at + 1] = hashToken(t.token);
        out[at + 2] = plan.ids[t.a];
        out[at + 3] = dayOf(today);
        out[at + 4] = dayOf(new Date(today.getTime() + SESSION_DAYS * DAY));
      },
      progress,
    );
    await timed(timings, "indexes", () => loader.end(progress));
  });
  timings.total = Math.round(performance.now() - started);

  const checks = options.verify === "none" ? {} : await step("verify", () => verify(options, plan));
  return { plan, summary, timings, sessions, checks };
}

async function timed(timings: Record<string, number>, name: string, work: () => Promise<void>): Promise<void> {
  const t = performance.now();
  await work();
  timings[name] = Math.round(performance.now() - t);
}

async function assertEmpty(store: Store): Promise<void> {
  const row = await store.db
    .selectFrom("accounts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(row.n) > 0) throw new Error("the database already holds accounts: seed into an empty one");
}

/** Checks that what was written is what the server itself would have written. */
async function verify(options: SeedOptions, plan: SeedPlan): Promise<Record<string, number | string>> {
  const db = options.store.db;
  const checks: Record<string, number | string> = {};
  const one = async (name: string, query: ReturnType<typeof sql<{ n: number | string }>>) => {
    const r = await query.execute(db);
    checks[name] = Number(r.rows[0]?.n ?? Number.NaN);
  };
  await one("accounts", sql`SELECT count(*) AS n FROM accounts`);
  await one("follows", sql`SELECT count(*) AS n FROM follows`);
  await one("statuses", sql`SELECT count(*) AS n FROM statuses`);
  await one(
    "wrongFollowersCounts",
    sql`SELECT count(*) AS n FROM accounts a WHERE a.followers_count <> (SELECT count(*) FROM follows f WHERE f.target_account_id = a.id)`,
  );
  await one(
    "wrongFollowingCounts",
    sql`SELECT count(*) AS n FROM accounts a WHERE a.following_count <> (SELECT count(*) FROM follows f WHERE f.account_id = a.id)`,
  );
  await one(
    "wrongStatusesCounts",
    sql`SELECT count(*) AS n FROM accounts a WHERE a.statuses_count <> (SELECT count(*) FROM statuses s WHERE s.account_id = a.id)`,
  );
  if (options.store.dialect === "sqlite") {
    await one("searchHits", sql`SELECT count(*) AS n FROM statuses_fts WHERE statuses_fts MATCH 'citizenship'`);
  } else {
    await one(
      "searchHits",
      sql`SELECT count(*) AS n FROM statuses WHERE search_vector @@ to_tsquery('simple', 'citizenship')`,
    );
  }

  // The stored HTML must be exactly what renderStatusHtml() makes of the stored text.
  const sample = await db
    .selectFrom("statuses")
    .select(["text", "content"])
    .where("reblog_of_id", "is", null)
    .orderBy("id")
    .limit(3_000)
    .execute();
  const handles = new Map(plan.handles.map((h) => [h.toLowerCase(), h]));
  let mismatched = 0;
  for (const s of sample) {
    const html = renderStatusHtml(s.text, {
      profileUrl: (h) => (handles.has(h) ? `${options.publicUrl}/@${handles.get(h)}` : undefined),
      tagUrl: (t) => `${options.publicUrl}/tags/${encodeURIComponent(t)}`,
    });
    if (html !== s.content) mismatched++;
  }
  checks.renderedSample = sample.length;
  checks.renderMismatches = mismatched;

  if (options.store.dialect === "postgres") {
    // The PostgreSQL load skips foreign-key triggers (when allowed), so every reference is checked here.
    checks.foreignKeyViolations = await postgresForeignKeyViolations(options.store);
  }

  if (options.verify === "full") {
    await one(
      "wrongRepliesCounts",
      sql`SELECT count(*) AS n FROM statuses p WHERE p.replies_count <> (SELECT count(*) FROM statuses c WHERE c.in_reply_to_id = p.id)`,
    );
    await one(
      "wrongReblogsCounts",
      sql`SELECT count(*) AS n FROM statuses p WHERE p.reblogs_count <> (SELECT count(*) FROM statuses c WHERE c.reblog_of_id = p.id)`,
    );
    if (options.store.sqlite) checks.foreignKeyViolations = foreignKeyViolations(options.store.sqlite);
  }
  return checks;
}

/** Rows of the seeded tables whose single-column foreign keys point nowhere (PostgreSQL). */
async function postgresForeignKeyViolations(store: Store): Promise<number> {
  const keys = await sql<{ tbl: string; col: string; ref: string; refcol: string }>`
    SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref, af.attname AS refcol
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
      AND c.connamespace = current_schema()::regnamespace
      AND c.conrelid::regclass::text IN (${sql.join([...SEEDED_TABLES])})`.execute(store.db);
  let bad = 0;
  for (const k of keys.rows) {
    const r = await sql<{ n: number | string }>`
      SELECT count(*) AS n FROM ${sql.table(k.tbl)} t
      WHERE t.${sql.ref(k.col)} IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ${sql.table(k.ref)} x WHERE x.${sql.ref(k.refcol)} = t.${sql.ref(k.col)})`.execute(
      store.db,
    );
    bad += Number(r.rows[0]?.n ?? 0);
  }
  return bad;
}

/** Every check that counts problems must be zero. */
export function checkProblems(checks: Record<string, number | string>): string[] {
  return Object.entries(checks)
    .filter(([name, value]) => /^(wrong|renderMismatches|foreignKeyViolations)/.test(name) && value !== 0)
    .map(([name, value]) => `${name} = ${value}`);
}

function requireSqlite(store: Store) {
  if (!store.sqlite) throw new Error("no SQLite handle");
  return store.sqlite;
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error("PostgreSQL seeding needs the database URL");
  return url;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "data-dir": { type: "string" },
      "database-url": { type: "string" },
      scale: { type: "string", default: "1" },
      seed: { type: "string", default: String(DEFAULT_SEED) },
      "public-url": { type: "string", default: "http://127.0.0.1:3000" },
      verify: { type: "string", default: "quick" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || (!values["data-dir"] && !values["database-url"])) {
    process.stdout.write(
      "usage: node bench/seed.ts (--data-dir DIR | --database-url postgres://…) [--scale N] [--seed N] [--public-url URL] [--verify quick|full|none]\n",
    );
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const scale = Number(values.scale);
  const seedValue = Number(values.seed);
  const verifyMode = values.verify;
  if (!(scale > 0 && scale <= 10) || !Number.isInteger(seedValue)) throw new Error("bad --scale or --seed");
  if (verifyMode !== "quick" && verifyMode !== "full" && verifyMode !== "none") throw new Error("bad --verify");
  const databaseUrl = values["database-url"];
  const store = await openStore(databaseUrl ? { databaseUrl } : { dataDir: values["data-dir"] as string });
  try {
    const result = await seed({
      store,
      databaseUrl,
      scale,
      seed: seedValue,
      publicUrl: values["public-url"],
      progress: new Progress(),
      verify: verifyMode,
    });
    process.stdout.write(
      `${JSON.stringify({ summary: result.summary, timings: result.timings, checks: result.checks }, null, 2)}\n`,
    );
    const problems = checkProblems(result.checks);
    if (problems.length > 0) {
      process.stderr.write(`seed check failed: ${problems.join(", ")}\n`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
}

if (import.meta.main) {
  await main();
}
