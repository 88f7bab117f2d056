// The result table and the JSON written under bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadResult } from "./load.ts";
import type { PlanSummary } from "./plan.ts";

export type DbName = "sqlite" | "postgres";

/** The issue's targets, which are stated for SQLite; PostgreSQL is measured against the same numbers. */
export const TARGETS = {
  seedSeconds: 120,
  homeShareOfCeiling: 0.3,
  homeP99Ms: 50,
} as const;

export interface FanoutResult {
  statusId: string;
  followersChecked: number;
  sawIt: number;
  missing: string[];
  /** Time from sending the post to its acknowledgement (303). */
  postMs: number;
  /** Per-follower /home latency. */
  latencyMs: { p50: number; p99: number; max: number };
  /** From the acknowledgement until the last follower's page arrived. */
  allCheckedAfterMs: number;
  sessions: "minted" | "signed-in";
}

export interface HomeSetup {
  users: number;
  /** How many of them signed in through the form (the others use sessions the seeder made). */
  signedInThroughForm: number;
  followsMedian: number;
  followsRange: [number, number];
  postsOnFirstPage: number[];
}

export interface Target {
  name: string;
  met: boolean;
  detail: string;
}

export interface DbRun {
  db: DbName;
  seed: {
    seconds: number;
    summary: PlanSummary;
    timingsMs: Record<string, number>;
    checks: Record<string, number | string>;
    problems: string[];
  };
  ceiling: LoadResult;
  home: LoadResult;
  homeSetup: HomeSetup;
  posting: LoadResult;
  fanout: FanoutResult;
  targets: Target[];
  loadAverage: { before: number[]; after: number[] };
}

export function evaluate(run: Omit<DbRun, "targets">): Target[] {
  const share = run.ceiling.rps > 0 ? run.home.rps / run.ceiling.rps : 0;
  const targets: Target[] = [];
  if (run.db === "sqlite") {
    targets.push({
      name: "seed",
      met: run.seed.seconds < TARGETS.seedSeconds && run.seed.problems.length === 0,
      detail: `${run.seed.seconds.toFixed(1)} s < ${TARGETS.seedSeconds} s${run.seed.problems.length ? `; ${run.seed.problems.join(", ")}` : ""}`,
    });
  } else {
    targets.push({
      name: "seed",
      met: run.seed.problems.length === 0,
      detail: `${run.seed.seconds.toFixed(1)} s (no time target)${run.seed.problems.length ? `; ${run.seed.problems.join(", ")}` : ""}`,
    });
  }
  targets.push({
    name: "home",
    met:
      share >= TARGETS.homeShareOfCeiling &&
      run.home.latencyMs.p99 <= TARGETS.homeP99Ms &&
      run.home.unexpected === 0 &&
      run.home.errors === 0,
    detail:
      `${(share * 100).toFixed(1)} % of ceiling (>= ${TARGETS.homeShareOfCeiling * 100} %), ` +
      `p99 ${run.home.latencyMs.p99} ms (<= ${TARGETS.homeP99Ms} ms)` +
      (run.home.unexpected ? `, ${run.home.unexpected} unexpected answers` : "") +
      (run.home.errors ? `, ${run.home.errors} errors or timeouts (not in the latency figures)` : ""),
  });
  targets.push({
    name: "posting",
    met: run.posting.unexpected === 0 && run.posting.errors === 0 && run.posting.expected > 0,
    detail:
      run.posting.unexpected || run.posting.errors
        ? `${run.posting.unexpected} answers other than 303, ${run.posting.errors} errors or timeouts`
        : "every answer 303",
  });
  targets.push({
    name: "fanout",
    met: run.fanout.sawIt === run.fanout.followersChecked && run.fanout.followersChecked > 0,
    detail: `${run.fanout.sawIt}/${run.fanout.followersChecked} followers saw it`,
  });
  return targets;
}

interface Row {
  db: string;
  scenario: string;
  rps: string;
  p50: string;
  p99: string;
  ceiling: string;
  met: string;
  notes: string;
}

export function table(runs: readonly DbRun[]): string {
  const rows: Row[] = [];
  for (const r of runs) {
    const met = (name: string) => {
      const t = r.targets.find((x) => x.name === name);
      return t ? (t.met ? "yes" : "NO") : "-";
    };
    const pct = (x: LoadResult) => (r.ceiling.rps > 0 ? `${((x.rps / r.ceiling.rps) * 100).toFixed(1)} %` : "-");
    const load = (scenario: string, x: LoadResult, target: string, notes: string): Row => ({
      db: r.db,
      scenario,
      rps: x.rps.toFixed(0),
      p50: String(x.latencyMs.p50),
      p99: String(x.latencyMs.p99),
      ceiling: scenario === "hello-world (ceiling)" ? "100 %" : pct(x),
      met: target,
      notes:
        notes +
        (x.unexpected ? `; ${x.unexpected} unexpected (${codes(x)})` : "") +
        (x.errors ? `; ${x.errors} errors/timeouts, not in p50/p99` : ""),
    });
    rows.push({
      db: r.db,
      scenario: "seed",
      rps: "-",
      p50: "-",
      p99: "-",
      ceiling: "-",
      met: met("seed"),
      notes: `${r.seed.seconds.toFixed(1)} s: ${fmt(r.seed.summary.accounts)} accounts, ${fmt(r.seed.summary.follows)} follows, ${fmt(r.seed.summary.posts)} posts`,
    });
    rows.push(load("hello-world (ceiling)", r.ceiling, "-", "bare Fastify"));
    rows.push(
      load(
        "home timeline (20 posts)",
        r.home,
        met("home"),
        `${r.homeSetup.users} users, median ${r.homeSetup.followsMedian} follows`,
      ),
    );
    rows.push(load("post creation", r.posting, met("posting"), "POST /statuses -> 303"));
    rows.push({
      db: r.db,
      scenario: `fan-out @ALT_USCIS`,
      rps: "-",
      p50: String(Math.round(r.fanout.latencyMs.p50)),
      p99: String(Math.round(r.fanout.latencyMs.p99)),
      ceiling: "-",
      met: met("fanout"),
      notes: `${r.fanout.sawIt}/${r.fanout.followersChecked} followers saw it; all checked ${Math.round(r.fanout.allCheckedAfterMs)} ms after the ack`,
    });
  }
  const header: Row = {
    db: "db",
    scenario: "scenario",
    rps: "req/s",
    p50: "p50 ms",
    p99: "p99 ms",
    ceiling: "% of ceiling",
    met: "target met?",
    notes: "notes",
  };
  const keys = Object.keys(header) as (keyof Row)[];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...[header, ...rows].map((row) => row[k].length))]));
  const numeric = new Set<keyof Row>(["rps", "p50", "p99", "ceiling"]);
  const line = (row: Row) =>
    keys
      .map((k) => {
        const w = width[k] as number;
        return k === "notes" ? row[k] : numeric.has(k) ? row[k].padStart(w) : row[k].padEnd(w);
      })
      .join("  ")
      .trimEnd();
  const rule = keys.map((k) => "-".repeat(k === "notes" ? 5 : (width[k] as number))).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

export function writeResult(dir: string, stamp: string, run: DbRun, meta: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${stamp}-${run.db}.json`);
  writeFileSync(file, `${JSON.stringify({ ...meta, ...run }, null, 2)}\n`);
  return file;
}

function codes(x: LoadResult): string {
  return Object.entries(x.statusCodes)
    .map(([c, n]) => `${c}: ${n}`)
    .join(", ");
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
