// The transparency report: per period, figures generated from the demand records themselves (the
// intake rows and their append-only events), never typed in, so what is published cannot drift
// from what happened. A demand belongs to the period in which it was received. Each period carries
// the audit log's head hash at its end. The JSON schema is documented in docs/legal-process.md
// ("Transparency report"); its keys are fixed and tested, and a change to them changes `schema`.
import type { TransparencyConfig } from "../../config/config.ts";
import { DAY, dayOf } from "../../domain/clock.ts";
import { PROCESS_TYPES, type ProcessType } from "../../domain/legal/process.ts";
import type { DemandState } from "../../domain/legal/states.ts";
import type { Db } from "../../store/store.ts";
import { type AuditLog, GENESIS_HASH } from "./audit.ts";
import { bandStar } from "./banding.ts";
import { type Demand, loadDemand, ordersInForce } from "./records.ts";

export const TRANSPARENCY_SCHEMA = "publius-transparency/1";

export type PeriodLength = TransparencyConfig["period"];

export interface Period {
  /** "2026-H1", "2026-Q3" or "2026". */
  id: string;
  /** First day, inclusive. */
  start: string;
  /** Last day, inclusive. */
  end: string;
}

/** A count as published: exact, or the band it falls in ("1-9") when the operator chose bands. */
export type Count = number | string;

export interface TransparencyFigures {
  schema: typeof TRANSPARENCY_SCHEMA;
  instance: string;
  period: { id: string; start: string; end: string; complete: boolean };
  generated_at: string;
  /** null when counts are exact; else counts from 1 to `below - 1` are shown as the band "1-<below-1>". */
  banding: { below: number; band: string } | null;
  demands: Count;
  by_process: Record<ProcessType, Count>;
  by_country: { country: string; demands: Count }[];
  by_agency: { agency: string; country: string; demands: Count }[];
  accounts: { specified: Count; on_server: Count };
  data_produced: { demands: Count; percent: number | null };
  outcomes: { rejected: Count; narrowed: Count; challenged: Count; withdrawn: Count; pending: Count };
  notices: {
    sent: Count;
    delayed_by_order: Count;
    still_delayed: Count;
    delay_days_median: number | null;
    delay_days_longest: number | null;
  };
  preservation: { requests: Count; accounts_preserved: Count; extensions: Count };
  emergency: { requests: Count; data_produced: Count };
  content_removal: { demands: Count; agreed: Count; rejected: Count };
  audit_head: { seq: number; hash: string; at: string | null };
}

const PERIOD_RE = /^(\d{4})(?:-(H[12]|Q[1-4]))?$/;

/** The period a label names, or undefined. */
export function parsePeriod(id: string): Period | undefined {
  const m = PERIOD_RE.exec(id);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 1970) return undefined;
  const part = m[2];
  let first = 1;
  let months = 12;
  if (part?.startsWith("H")) {
    first = part === "H1" ? 1 : 7;
    months = 6;
  } else if (part?.startsWith("Q")) {
    first = (Number(part.slice(1)) - 1) * 3 + 1;
    months = 3;
  }
  const start = new Date(Date.UTC(year, first - 1, 1));
  const next = new Date(Date.UTC(year, first - 1 + months, 1));
  return { id, start: dayOf(start), end: dayOf(new Date(next.getTime() - DAY)) };
}

/** The period of the given length that contains a day. */
export function periodOf(day: string, length: PeriodLength): Period {
  const year = day.slice(0, 4);
  const month = Number(day.slice(5, 7));
  const id =
    length === "year"
      ? year
      : length === "half"
        ? `${year}-H${month <= 6 ? 1 : 2}`
        : `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
  return parsePeriod(id) as Period;
}

function nextDay(day: string): string {
  return dayOf(new Date(new Date(`${day}T00:00:00Z`).getTime() + DAY));
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

/** A count as published under the operator's banding. */
export function band(n: number, below: number | undefined): Count {
  return below !== undefined && n > 0 && n < below ? `1-${below - 1}` : n;
}

/** Percentage to one decimal place; null when there is nothing to divide. */
function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 1000) / whole) / 10;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** States in which no answer has been given yet. */
const PENDING: readonly DemandState[] = [
  "received",
  "in_review",
  "narrowed",
  "challenged",
  "awaiting_court",
  "approved",
];

function reached(d: Demand, state: DemandState): boolean {
  return d.events.some((e) => e.kind === state);
}

export interface TransparencyDeps {
  db: Db;
  clock: { now(): Date };
  config: { publicUrl: string; transparency: TransparencyConfig };
  /** When given, the head at the end of each complete period is signed and kept (published at /audit-head). */
  audit?: AuditLog | undefined;
}

export class TransparencyReports {
  readonly #deps: TransparencyDeps;
  constructor(deps: TransparencyDeps) {
    this.#deps = deps;
  }

  get periodLength(): PeriodLength {
    return this.#deps.config.transparency.period;
  }

  /** Every period of the configured length from the first demand received to today, newest first. */
  async periods(): Promise<Period[]> {
    const today = dayOf(this.#deps.clock.now());
    const first = await this.#deps.db
      .selectFrom("legal_demands")
      .select("received_day")
      .where("received_day", "<=", today)
      .orderBy("received_day")
      .limit(1)
      .executeTakeFirst();
    const out: Period[] = [];
    let p = periodOf(first?.received_day ?? today, this.periodLength);
    for (;;) {
      out.push(p);
      if (p.end >= today) break;
      p = periodOf(nextDay(p.end), this.periodLength);
    }
    return out.reverse();
  }

  /** A period that may be reported: well-formed and begun by today. */
  reportable(id: string): Period | undefined {
    const p = parsePeriod(id);
    return p && p.start <= dayOf(this.#deps.clock.now()) ? p : undefined;
  }

  /** The figures for one period, as published. */
  async build(period: Period): Promise<TransparencyFigures> {
    const db = this.#deps.db;
    const now = this.#deps.clock.now();
    const today = dayOf(now);
    const below = this.#deps.config.transparency.bandBelow;
    const b = (n: number) => band(n, below);
    const rows = await db
      .selectFrom("legal_demands")
      .select("id")
      .where("received_day", ">=", period.start)
      .where("received_day", "<=", period.end)
      .orderBy("received_day")
      .orderBy("id")
      .execute();
    const demands: Demand[] = [];
    for (const r of rows) demands.push(await loadDemand(db, r.id));
    const ids = demands.map((d) => d.id);

    const byProcess = Object.fromEntries(PROCESS_TYPES.map((p) => [p.id, 0])) as Record<ProcessType, number>;
    const byCountry = new Map<string, number>();
    const byAgency = new Map<string, { agency: string; country: string; n: number }>();
    let specified = 0;
    const onServer = new Set<string>();
    // A demand under a non-disclosure order in force is counted, but its agency is not named.
    let unnamedAgency = 0;
    for (const d of demands) {
      byProcess[d.process] += 1;
      byCountry.set(d.country, (byCountry.get(d.country) ?? 0) + 1);
      specified += d.targets.length;
      for (const t of d.targets) if (t.accountId) onServer.add(t.accountId);
      if (ordersInForce(d.orders, today).length > 0) {
        unnamedAgency += 1;
        continue;
      }
      const key = `${d.country}\u0000${d.agency}`;
      const a = byAgency.get(key) ?? { agency: d.agency, country: d.country, n: 0 };
      a.n += 1;
      byAgency.set(key, a);
    }
    const produced = demands.filter((d) => reached(d, "produced"));
    const emergency = demands.filter((d) => d.process === "emergency_request");
    const removal = demands.filter((d) => d.process === "content_removal");

    // Notices: one per named account on the server, per demand.
    const notices = ids.length
      ? await db
          .selectFrom("legal_notices")
          .select(["demand_id", "account_id", "state"])
          .where("demand_id", "in", ids)
          .execute()
      : [];
    const delays: number[] = [];
    let stillDelayed = 0;
    for (const n of notices) {
      const events = demands.find((d) => d.id === n.demand_id)?.events ?? [];
      const mine = events.filter((e) => e.data.account === n.account_id);
      const delayed = mine.find((e) => e.kind === "notice_scheduled" || e.kind === "notice_held");
      if (!delayed) continue;
      const sent = mine.find((e) => e.kind === "notice_sent");
      if (!sent) stillDelayed += 1;
      // How long the order kept the holder from knowing: to the day the notice went out, or so far.
      delays.push(daysBetween(delayed.createdAt.slice(0, 10), sent ? sent.createdAt.slice(0, 10) : today));
    }
    const preservations = ids.length
      ? await db.selectFrom("legal_preservations").select("id").where("demand_id", "in", ids).execute()
      : [];
    const extensions = demands.reduce(
      (sum, d) => sum + d.events.filter((e) => e.kind === "preservation_extended").length,
      0,
    );

    // The audit log's head at the period's end: its last entry written on or before that day.
    const endsAt = `${nextDay(period.end)}T00:00:00.000Z`;
    const head = await db
      .selectFrom("legal_audit_log")
      .select(["seq", "hash", "at"])
      .where("at", "<", endsAt)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();

    const auditHead = head
      ? { seq: Number(head.seq), hash: head.hash, at: head.at }
      : { seq: 0, hash: GENESIS_HASH, at: null };
    if (period.end < today && this.#deps.audit) {
      await this.#deps.audit.publishHead(`transparency ${period.id}`, auditHead);
    }
    const bandedAny = below !== undefined;
    // The total and its three breakdowns are banded together, so no sum or difference of them
    // recovers a banded figure (banding.ts).
    const countries = [...byCountry].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    const agencies = [...byAgency.values()].sort(
      (x, y) => y.n - x.n || (x.agency < y.agency ? -1 : x.agency > y.agency ? 1 : x.country < y.country ? -1 : 1),
    );
    const star = bandStar(
      demands.length,
      [
        { cells: PROCESS_TYPES.map((p) => byProcess[p.id]), complete: true },
        { cells: countries.map(([, n]) => n), complete: true },
        { cells: agencies.map((a) => a.n), complete: unnamedAgency === 0 },
      ],
      below,
    );
    const [processCells = [], countryCells = [], agencyCells = []] = star.breakdowns;
    const publishedProcess = Object.fromEntries(
      PROCESS_TYPES.map((p, i) => [p.id, processCells[i] as Count]),
    ) as Record<ProcessType, Count>;
    // Published order says nothing about the size of figures that are not exact.
    const byLabel = <T extends { demands: Count; name: string }>(rows: T[]) =>
      [...rows].sort((x, y) =>
        typeof x.demands === "number" && typeof y.demands === "number"
          ? 0
          : typeof x.demands === "number"
            ? -1
            : typeof y.demands === "number"
              ? 1
              : x.name < y.name
                ? -1
                : x.name > y.name
                  ? 1
                  : 0,
      );
    return {
      schema: TRANSPARENCY_SCHEMA,
      instance: this.#deps.config.publicUrl,
      period: { id: period.id, start: period.start, end: period.end, complete: period.end < today },
      generated_at: now.toISOString(),
      banding: below === undefined ? null : { below, band: `1-${below - 1}` },
      demands: star.total,
      by_process: publishedProcess,
      by_country: byLabel(
        countries.map(([country], i) => ({ name: country, country, demands: countryCells[i] as Count })),
      ).map(({ country, demands }) => ({ country, demands })),
      by_agency: byLabel(
        agencies.map((a, i) => ({ name: `${a.agency}\u0000${a.country}`, a, demands: agencyCells[i] as Count })),
      ).map(({ a, demands }) => ({ agency: a.agency, country: a.country, demands })),
      accounts: { specified: b(specified), on_server: b(onServer.size) },
      data_produced: {
        demands: b(produced.length),
        // A percentage of banded counts would give the exact numbers away: none is published.
        percent:
          bandedAny && (b(produced.length) !== produced.length || typeof star.total !== "number")
            ? null
            : percent(produced.length, demands.length),
      },
      outcomes: {
        rejected: b(demands.filter((d) => reached(d, "rejected")).length),
        narrowed: b(demands.filter((d) => reached(d, "narrowed")).length),
        challenged: b(demands.filter((d) => reached(d, "challenged")).length),
        withdrawn: b(demands.filter((d) => reached(d, "withdrawn")).length),
        pending: b(demands.filter((d) => PENDING.includes(d.state)).length),
      },
      notices: {
        sent: b(notices.filter((n) => n.state === "sent").length),
        delayed_by_order: b(delays.length),
        still_delayed: b(stillDelayed),
        // Exact day counts would single out a small number of notices: withheld under banding.
        delay_days_median: bandedAny && delays.length < (below as number) ? null : median(delays),
        delay_days_longest:
          bandedAny && delays.length < (below as number) ? null : delays.length ? Math.max(...delays) : null,
      },
      preservation: {
        // The same figures as in by_process, published the same way.
        requests: publishedProcess.preservation_request,
        accounts_preserved: b(preservations.length),
        extensions: b(extensions),
      },
      emergency: {
        requests: publishedProcess.emergency_request,
        data_produced: b(emergency.filter((d) => reached(d, "produced")).length),
      },
      content_removal: {
        demands: publishedProcess.content_removal,
        agreed: b(removal.filter((d) => reached(d, "approved")).length),
        rejected: b(removal.filter((d) => reached(d, "rejected")).length),
      },
      audit_head: auditHead,
    };
  }
}

/** The figures as rows of CSV: `period,section,item,value`, one number (or band) a row. */
export function transparencyCsv(f: TransparencyFigures): string {
  const rows: [string, string, string | number | null][] = [
    ["report", "schema", f.schema],
    ["report", "start", f.period.start],
    ["report", "end", f.period.end],
    ["report", "complete", String(f.period.complete)],
    ["report", "banding", f.banding ? f.banding.band : "off"],
    ["demands", "total", f.demands],
  ];
  for (const [k, v] of Object.entries(f.by_process)) rows.push(["by_process", k, v]);
  for (const c of f.by_country) rows.push(["by_country", c.country, c.demands]);
  for (const a of f.by_agency) rows.push(["by_agency", `${a.agency} (${a.country})`, a.demands]);
  for (const section of [
    "accounts",
    "data_produced",
    "outcomes",
    "notices",
    "preservation",
    "emergency",
    "content_removal",
  ] as const) {
    for (const [k, v] of Object.entries(f[section])) rows.push([section, k, v as Count | null]);
  }
  rows.push(["audit_head", "seq", f.audit_head.seq], ["audit_head", "hash", f.audit_head.hash]);
  rows.push(["audit_head", "at", f.audit_head.at]);
  const lines = [["period", "section", "item", "value"], ...rows.map(([s, i, v]) => [f.period.id, s, i, v ?? ""])];
  return `${lines.map((l) => l.map((c) => csvCell(String(c))).join(",")).join("\r\n")}\r\n`;
}

function csvCell(value: string): string {
  // A cell a spreadsheet would run as a formula is prefixed with an apostrophe (agency names are typed by staff).
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
