// The benchmark (`npm run bench`): seed a database, start the real server on it as a child process,
// and measure it against a bare Fastify hello-world started in the same run.
//
//   node bench/run.ts [--db sqlite|postgres|both] [--scale N] [--duration S] [--connections N]
//                     [--fanout-sample N] [--pg-url postgres://…@127.0.0.1:5432] [--keep] [--seed N]
//
// Everything listens on and talks to 127.0.0.1 only. Child processes, the temporary SQLite folder and
// the publius_bench PostgreSQL database are removed at the end, on Ctrl-C and on the watchdog.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { openStore } from "../src/store/store.ts";
import { countPosts, SESSION_COOKIE, showsPost, statusIdFromLocation, WebClient } from "./client.ts";
import { type LoadOptions, type LoadResult, runLoad } from "./load.ts";
import { bigFollowerSample, medianOf, type SeedPlan, typicalAccounts } from "./plan.ts";
import { Cleanup, freePort, type RunningChild, waitForHttp } from "./processes.ts";
import { Progress } from "./progress.ts";
import {
  type DbName,
  type DbRun,
  evaluate,
  type FanoutResult,
  type HomeSetup,
  TARGETS,
  table,
  writeResult,
} from "./report.ts";
import { BENCH_PASSWORD, checkProblems, DEFAULT_SEED, seed } from "./seed.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS_DIR = join(ROOT, "bench", "results");
const PG_DATABASE = "publius_bench";
const START_TIMEOUT_MS = 60_000;
const FANOUT_CONCURRENCY = 16;
/** People signed in at once for the timeline and posting scenarios (more connections share them). */
const MAX_PEOPLE = 32;
/** How many of them sign in through the form (the server allows 30 sign-ins per address in 5 minutes). */
const FORM_SIGN_INS = 8;
const DRAIN_TIMEOUT_MS = 120_000;
const DRAIN_QUICK_MS = 100;

interface RunOptions {
  dbs: DbName[];
  scale: number;
  seed: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  fanoutSample: number;
  pgUrl: string;
  keep: boolean;
  timeoutMin: number;
}

function parseOptions(): RunOptions {
  const { values } = parseArgs({
    options: {
      db: { type: "string", default: "both" },
      scale: { type: "string", default: "1" },
      seed: { type: "string", default: String(DEFAULT_SEED) },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      connections: { type: "string", default: "32" },
      "fanout-sample": { type: "string", default: "200" },
      "pg-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
      keep: { type: "boolean", default: false },
      timeout: { type: "string", default: "30" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      "usage: node bench/run.ts [--db sqlite|postgres|both] [--scale N] [--duration S] [--warmup S]\n" +
        "                         [--connections N] [--fanout-sample N] [--pg-url URL] [--seed N] [--keep] [--timeout MIN]\n",
    );
    process.exit(0);
  }
  const number = (name: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
    return n;
  };
  const db = values.db;
  if (db !== "sqlite" && db !== "postgres" && db !== "both") throw new Error("--db must be sqlite, postgres or both");
  const pgUrl = values["pg-url"].replace(/\/+$/, "");
  const host = new URL(pgUrl).hostname;
  if (host !== "127.0.0.1" && host !== "localhost") throw new Error("--pg-url must point at 127.0.0.1");
  return {
    dbs: db === "both" ? ["sqlite", "postgres"] : [db],
    scale: number("scale", values.scale, 0.001, 10),
    seed: Math.trunc(number("seed", values.seed, 0, 2 ** 31)),
    durationSec: Math.trunc(number("duration", values.duration, 1, 600)),
    warmupSec: Math.trunc(number("warmup", values.warmup, 0, 60)),
    connections: Math.trunc(number("connections", values.connections, 1, 1024)),
    fanoutSample: Math.trunc(number("fanout-sample", values["fanout-sample"], 1, 100_000)),
    pgUrl,
    keep: values.keep,
    timeoutMin: number("timeout", values.timeout, 1, 240),
  };
}

async function main(): Promise<number> {
  const options = parseOptions();
  const cleanup = new Cleanup();
  const progress = new Progress();
  let interrupted = false;
  const onSignal = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping and cleaning up …\n`);
    const force = setTimeout(() => {
      cleanup.runSync();
      process.exit(130);
    }, 15_000);
    cleanup.run().finally(() => {
      clearTimeout(force);
      process.exit(130);
    });
  };
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("exit", () => cleanup.runSync());
  const watchdog = setTimeout(
    () => {
      process.stderr.write(`\nthe benchmark ran longer than ${options.timeoutMin} minutes: giving up\n`);
      onSignal("timeout");
    },
    options.timeoutMin * 60_000 * options.dbs.length,
  );
  watchdog.unref();

  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    commit: gitCommit(),
    options: { ...options, dbs: undefined },
  };
  const runs: DbRun[] = [];
  const skipped: string[] = [];
  try {
    for (const db of options.dbs) {
      if (db === "postgres" && !(await postgresReachable(options.pgUrl))) {
        const why = `PostgreSQL is not reachable at ${options.pgUrl}: skipped (start it, or use --db sqlite)`;
        skipped.push(why);
        progress.note(why);
        continue;
      }
      progress.note(`\n== ${db} ==`);
      const run = await runOne(db, options, cleanup, progress);
      runs.push(run);
      const file = writeResult(RESULTS_DIR, stamp, run, meta);
      progress.note(`wrote ${file}`);
    }
  } finally {
    await cleanup.run();
  }
  if (runs.length > 0) {
    process.stdout.write(`\n${table(runs)}\n`);
    process.stdout.write(
      `\nTargets (stated for SQLite; PostgreSQL measured against the same numbers): seeding < ${TARGETS.seedSeconds} s; ` +
        `home timeline >= ${TARGETS.homeShareOfCeiling * 100} % of the ceiling's req/s with p99 <= ${TARGETS.homeP99Ms} ms; ` +
        `a post by @ALT_USCIS is on every sampled follower's home page as soon as it is acknowledged.\n`,
    );
    for (const r of runs) {
      for (const t of r.targets)
        process.stdout.write(`  ${r.db} ${t.name}: ${t.met ? "met" : "NOT met"} (${t.detail})\n`);
    }
    const busy = runs.filter((r) => Math.max(...r.loadAverage.before) > cpus().length * 0.75);
    if (busy.length > 0) {
      process.stdout.write(
        `\nNote: the machine was busy before the run (load average ${busy.map((r) => r.loadAverage.before[0]?.toFixed(2)).join(", ")} on ${cpus().length} cores); numbers may be low.\n`,
      );
    }
  }
  for (const s of skipped) process.stdout.write(`${s}\n`);
  // The exit status says whether Publius met its targets: all of them on SQLite, correctness on both.
  const failed = runs.some((r) => r.targets.some((t) => !t.met && (r.db === "sqlite" || t.name === "fanout")));
  return failed ? 1 : 0;
}

async function runOne(db: DbName, options: RunOptions, cleanup: Cleanup, progress: Progress): Promise<DbRun> {
  const loadBefore = loadavg();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;

  // 1. A fresh database.
  let dataDir: string;
  let databaseUrl: string | undefined;
  if (db === "sqlite") {
    dataDir = mkdtempSync(join(tmpdir(), "publius-bench-"));
    if (!options.keep) cleanup.removeDir(dataDir);
    else progress.note(`keeping the SQLite data in ${dataDir}`);
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "publius-bench-pg-"));
    cleanup.removeDir(dataDir);
    databaseUrl = `${options.pgUrl}/${PG_DATABASE}`;
    await recreateDatabase(options.pgUrl);
    if (!options.keep) cleanup.add(`drop database ${PG_DATABASE}`, () => dropDatabase(options.pgUrl));
    else progress.note(`keeping the PostgreSQL database ${PG_DATABASE}`);
  }

  // 2. Seed it through the store layer.
  let fanoutAccounts: number[] = [];
  let typical: number[] = [];
  const store = await openStore(databaseUrl ? { databaseUrl } : { dataDir });
  let seeded: Awaited<ReturnType<typeof seed>>;
  try {
    seeded = await seed({
      store,
      databaseUrl,
      scale: options.scale,
      seed: options.seed,
      publicUrl,
      progress,
      verify: "quick",
      sessionsFor: (plan) => {
        typical = typicalAccounts(plan, Math.min(options.connections, MAX_PEOPLE));
        fanoutAccounts = bigFollowerSample(plan, options.fanoutSample, options.seed + 1);
        return [...new Set([...typical, ...fanoutAccounts])];
      },
    });
  } finally {
    await store.close();
  }
  const plan = seeded.plan;
  const seedSeconds = seeded.timings.total ?? 0;
  const problems = checkProblems(seeded.checks);
  progress.note(
    `seeded in ${(seedSeconds / 1000).toFixed(1)} s${problems.length ? ` — problems: ${problems.join(", ")}` : ""}`,
  );

  // 3. The ceiling: a bare Fastify hello-world in its own process.
  const ceilingPort = await freePort();
  const ceiling = cleanup.spawnNode("hello-world", [join(ROOT, "bench", "ceiling-server.ts"), String(ceilingPort)], {
    PATH: process.env.PATH,
  });
  await waitForHttp(`http://127.0.0.1:${ceilingPort}/`, ceiling, START_TIMEOUT_MS);
  const ceilingResult = await measure(
    { title: "hello-world", url: `http://127.0.0.1:${ceilingPort}/`, expectStatus: 200 },
    options,
    cleanup,
    progress,
  );
  await ceiling.stop();

  // 4. The real server.
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    PUBLIUS_DATA_DIR: dataDir,
    PUBLIUS_PORT: String(port),
    PUBLIUS_HOST: "127.0.0.1",
    PUBLIUS_PUBLIC_URL: publicUrl,
    PUBLIUS_LOG_LEVEL: "silent",
    // The benchmark posts a lot from a few accounts: posting limits off (0), and no proof of work.
    PUBLIUS_SIGNUP_POW_BITS: "0",
    PUBLIUS_POSTS_PER_HOUR: "0",
    PUBLIUS_NEW_ACCOUNT_POSTS_PER_HOUR: "0",
    PUBLIUS_NEW_ACCOUNT_LINK_POSTS: "0",
    ...(databaseUrl ? { PUBLIUS_DATABASE_URL: databaseUrl } : {}),
  };
  const server = cleanup.spawnNode("publius", [join(ROOT, "src", "cli", "main.ts"), "serve"], env);
  await waitForHttp(`${publicUrl}/signin`, server, START_TIMEOUT_MS);
  progress.note(`server up on ${publicUrl}`);
  try {
    const { clients, setup } = await signInTypicalUsers(plan, typical, seeded.sessions, publicUrl, progress);
    const homeResult = await measure(
      {
        title: "home",
        url: `${publicUrl}/home`,
        expectStatus: 200,
        setup: (i) => ({
          headers: { cookie: (clients[i % clients.length] as WebClient).cookieHeader(), accept: "text/html" },
        }),
      },
      options,
      cleanup,
      progress,
    );
    assertAlive(server);
    await drain(publicUrl, progress);
    const postingResult = await measure(
      {
        title: "posting",
        url: `${publicUrl}/statuses`,
        method: "POST",
        expectStatus: 303,
        idReplacement: true,
        setup: (i) => {
          const c = clients[i % clients.length] as WebClient;
          return {
            headers: {
              cookie: c.cookieHeader(),
              "content-type": "application/x-www-form-urlencoded",
              origin: publicUrl,
              accept: "text/html",
            },
            body: `csrf=${encodeURIComponent(c.csrf)}&visibility=public&idempotency=[<id>]&text=Benchmark+post+[<id>]`,
          };
        },
      },
      options,
      cleanup,
      progress,
    );
    assertAlive(server);
    await drain(publicUrl, progress);
    const fanout = await fanoutCheck(plan, publicUrl, fanoutAccounts, seeded.sessions, progress);
    assertAlive(server);
    const partial = {
      db,
      seed: {
        seconds: seedSeconds / 1000,
        summary: seeded.summary,
        timingsMs: seeded.timings,
        checks: seeded.checks,
        problems,
      },
      ceiling: ceilingResult,
      home: homeResult,
      homeSetup: setup,
      posting: postingResult,
      fanout,
      loadAverage: { before: loadBefore.map((x) => Math.round(x * 100) / 100), after: [] as number[] },
    };
    partial.loadAverage.after = loadavg().map((x) => Math.round(x * 100) / 100);
    return { ...partial, targets: evaluate(partial) };
  } finally {
    await server.stop();
  }
}

/** A warm-up (not recorded), then the measured run. */
async function measure(
  load: Omit<LoadOptions, "connections" | "durationSec">,
  options: RunOptions,
  cleanup: Cleanup,
  progress: Progress,
): Promise<LoadResult> {
  if (options.warmupSec > 0) {
    progress.note(`${load.title}: warming up for ${options.warmupSec} s`);
    await runLoad({ ...load, connections: options.connections, durationSec: options.warmupSec }, cleanup);
  }
  progress.note(`${load.title}: ${options.connections} connections for ${options.durationSec} s`);
  const result = await runLoad(
    { ...load, connections: options.connections, durationSec: options.durationSec },
    cleanup,
  );
  progress.note(
    `${load.title}: ${result.rps.toFixed(0)} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms` +
      (result.unexpected ? `, ${result.unexpected} unexpected answers ${JSON.stringify(result.statusCodes)}` : ""),
  );
  return result;
}

/**
 * One typical person per connection (up to 32). The first few sign in through the real form; the
 * rest use sessions the seeder made, because the server rightly limits sign-ins per address (30 in
 * 5 minutes) and the whole benchmark comes from 127.0.0.1. Either way the session is a real one and
 * GET /home does the same work.
 */
async function signInTypicalUsers(
  plan: SeedPlan,
  accounts: readonly number[],
  tokens: Map<number, string>,
  base: string,
  progress: Progress,
): Promise<{ clients: WebClient[]; setup: HomeSetup }> {
  const clients: WebClient[] = [];
  const posts: number[] = [];
  let viaForm = 0;
  progress.start("signing in typical users", accounts.length);
  for (const [i, a] of accounts.entries()) {
    const c = new WebClient(base);
    if (i < FORM_SIGN_INS) {
      await c.signIn(plan.handles[a] as string, BENCH_PASSWORD);
      viaForm++;
    } else {
      c.setCookie(SESSION_COOKIE, tokens.get(a) ?? "");
    }
    const home = await c.home();
    if (home.status !== 200) throw new Error(`GET /home as @${plan.handles[a]} answered ${home.status}`);
    if (!c.csrf) throw new Error("the home page has no compose form with a csrf field");
    posts.push(countPosts(home.body));
    clients.push(c);
    progress.advance(1);
  }
  progress.finish();
  const short = posts.filter((n) => n < 20).length;
  if (short > 0) progress.note(`note: ${short} of ${posts.length} home pages show fewer than 20 posts`);
  const follows = accounts.map((a) => plan.followingCount[a] as number);
  return {
    clients,
    setup: {
      users: accounts.length,
      signedInThroughForm: viaForm,
      followsMedian: medianOf(follows),
      followsRange: [Math.min(...follows), Math.max(...follows)],
      postsOnFirstPage: posts,
    },
  };
}

/**
 * Posts as the big account and, as soon as the post is acknowledged, loads the home page of a sample
 * of its followers: every one of them must show it.
 */
async function fanoutCheck(
  plan: SeedPlan,
  base: string,
  followers: readonly number[],
  tokens: Map<number, string>,
  progress: Progress,
): Promise<FanoutResult> {
  const author = new WebClient(base);
  await author.signIn(plan.handles[0] as string, BENCH_PASSWORD);
  await author.home();

  // The seeder made sessions for the sample; if the server does not take them, sign each one in.
  const readers: WebClient[] = [];
  let sessions: FanoutResult["sessions"] = "minted";
  for (const a of followers) {
    const c = new WebClient(base);
    c.setCookie(SESSION_COOKIE, tokens.get(a) ?? "");
    readers.push(c);
  }
  const probe = readers[0] ? await readers[0].get("/home") : undefined;
  if (probe?.status !== 200) {
    // Signing in hundreds of people from one address runs into the sign-in limit; try anyway, and
    // say clearly what happened if it does.
    sessions = "signed-in";
    progress.start("signing in followers", followers.length);
    for (const [i, a] of followers.entries()) {
      const c = new WebClient(base);
      await c.signIn(plan.handles[a] as string, BENCH_PASSWORD).catch((e: Error) => {
        throw new Error(
          `the server did not accept the seeded sessions (GET /home answered ${probe?.status}), and ${e.message}`,
        );
      });
      readers[i] = c;
      progress.advance(1);
    }
    progress.finish();
  }

  const nonce = `fanout-${Date.now().toString(36)}`;
  const sent = performance.now();
  const res = await author.postForm("/statuses", {
    csrf: author.csrf,
    text: `Fan-out check ${nonce}: this post must reach every follower at once.`,
    visibility: "public",
    idempotency: nonce,
  });
  const acked = performance.now();
  const statusId = statusIdFromLocation(res.location);
  if (res.status !== 303 || !statusId) {
    throw new Error(
      `posting as @${plan.handles[0]} answered ${res.status} (${res.location ?? res.body.slice(0, 200)})`,
    );
  }
  const latencies: number[] = [];
  const missing: string[] = [];
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: Math.min(FANOUT_CONCURRENCY, readers.length) }, async () => {
      for (let i = nextIndex++; i < readers.length; i = nextIndex++) {
        const page = await (readers[i] as WebClient).get("/home");
        latencies.push(page.ms);
        if (page.status !== 200 || !(showsPost(page.body, statusId) || page.body.includes(nonce))) {
          missing.push(plan.handles[followers[i] as number] as string);
        }
      }
    }),
  );
  const done = performance.now();
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  const result: FanoutResult = {
    statusId,
    followersChecked: readers.length,
    sawIt: readers.length - missing.length,
    missing: missing.slice(0, 50),
    postMs: Math.round(acked - sent),
    latencyMs: { p50: Math.round(pct(0.5)), p99: Math.round(pct(0.99)), max: Math.round(latencies.at(-1) ?? 0) },
    allCheckedAfterMs: Math.round(done - acked),
    sessions,
  };
  progress.note(
    `fan-out: ${result.sawIt}/${result.followersChecked} followers of @${plan.handles[0]} saw the post; ` +
      `all pages loaded ${result.allCheckedAfterMs} ms after the acknowledgement`,
  );
  return result;
}

/**
 * Waits until the server has worked through requests left over from a scenario (a client that timed
 * out does not stop the server's work), so the next scenario is not measured against that backlog.
 */
async function drain(base: string, progress: Progress): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let waited = false;
  while (Date.now() < deadline) {
    const started = performance.now();
    try {
      const res = await fetch(`${base}/signin`, { signal: AbortSignal.timeout(DRAIN_TIMEOUT_MS) });
      await res.arrayBuffer();
    } catch {
      // still busy
    }
    if (performance.now() - started < DRAIN_QUICK_MS) break;
    if (!waited) progress.note("waiting for the server to finish the previous scenario's requests …");
    waited = true;
  }
}

function assertAlive(server: RunningChild): void {
  if (server.exited()) throw new Error(`the server exited during the benchmark:\n${server.output()}`);
}

async function postgresReachable(pgUrl: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: `${pgUrl}/postgres`, connectionTimeoutMillis: 3_000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function recreateDatabase(pgUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${pgUrl}/postgres` });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${PG_DATABASE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${PG_DATABASE}`);
  } finally {
    await c.end();
  }
}

async function dropDatabase(pgUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${pgUrl}/postgres` });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${PG_DATABASE} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

/** The commit measured, with "-dirty" when the working tree has changes (read-only: takes no index lock). */
function gitCommit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync("git", ["--no-optional-locks", ...args], { cwd: ROOT, encoding: "utf8" }).trim();
    const head = git("rev-parse", "--short", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no") ? `${head}-dirty` : head;
  } catch {
    return "";
  }
}

// Exits explicitly: idle keep-alive sockets must not keep a finished benchmark waiting.
main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
