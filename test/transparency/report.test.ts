// The transparency report (issue 6): figures for demands received across two half-years, recorded
// through the legal services with a controlled clock, equal counts worked out by hand below; the
// CSV parses back to the same numbers; the JSON keeps its documented keys; the page draws its
// charts as well-formed SVG with titles; the command line writes the same figures.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { loadConfig } from "../../src/config/config.ts";
import { GENESIS_HASH } from "../../src/services/legal/audit.ts";
import {
  parsePeriod,
  periodOf,
  type TransparencyFigures,
  TransparencyReports,
} from "../../src/services/legal/transparency.ts";
import { person } from "../fixtures/accounts.ts";
import type { TestContext } from "../helpers/context.ts";
import { useSite } from "../helpers/web.ts";
import { addDemand, cliEnv, legalStaff } from "../legal/helpers.ts";

/**
 * 2026-H1 (clock in March):
 *   A. search warrant, FBI (US), names RogueNOAA → in review → approved → produced (two approvals)
 *   B. grand-jury subpoena, U.S. Attorney's Office (US), names RogueNOAA and nobody_here, under an
 *      order ending 2026-06-30 → notice scheduled; in review → narrowed → rejected
 *   C. preservation request, FBI (US), names RogueNOAA → preserved, extended once, then withdrawn
 *   D. emergency request, Metropolitan Police Service (GB), names RogueNOAA → in review → challenged
 * On 2026-07-01 the worker sends B's delayed notice (109 days after it was scheduled on 2026-03-14).
 * 2026-H2 (clock in August):
 *   E. content-removal demand, Ministry of Interior (TR), names RogueNOAA → in review → rejected
 *   F. search warrant, FBI (US), names RogueNOAA → left as received
 *   G. civil subpoena, "Smith, Jones & Partners LLP" (US), names RogueNOAA, ghost_one, ghost_two → withdrawn
 */
async function world(ctx: TestContext) {
  const noaa = await person(ctx, "rogueNoaa");
  const cal = await legalStaff(ctx, "counsel");
  const erin = await legalStaff(ctx, "erin");
  const { demands, preservation, productions, audit } = ctx.services.legal;
  const step = (id: string, to: string, extra: Record<string, unknown> = {}) =>
    demands.transition(cal.actor, id, { to, reason: `Step to ${to}.`, ...extra });

  const a = await addDemand(ctx, cal.actor, "warrantRogueNoaa");
  await step(a.id, "in_review");
  await step(a.id, "approved", { targets: [noaa.account.id], categories: ["nonpublic_content", "media"] });
  const prepared = await productions.prepare(cal.actor, a.id);
  await productions.approve(cal.actor, a.id, prepared.id, prepared.manifestSha256);
  await productions.approve(erin.actor, a.id, prepared.id, prepared.manifestSha256);

  const b = await addDemand(ctx, cal.actor, "subpoenaWithOrder");
  await step(b.id, "in_review");
  await step(b.id, "narrowed", { targets: [noaa.account.id], categories: ["account_timestamps"] });
  await step(b.id, "rejected");

  const c = await addDemand(ctx, cal.actor, "preservationRogueNoaa");
  const [kept] = await preservation.preserve(cal.actor, c.id, "Preservation 26-P-7.");
  await preservation.extend(cal.actor, c.id, kept?.id as string, "Renewed request.");
  await step(c.id, "withdrawn");

  const d = await addDemand(ctx, cal.actor, "warrantRogueNoaa", {
    process: "emergency_request",
    agency: "Metropolitan Police Service",
    country: "GB",
    authority: "Emergency disclosure",
    reference: "MPS-26-1",
    document: undefined,
    good_faith_statement: "A person is at risk of serious harm tonight.",
    requested: { verbatim: "subscriber records", categories: ["account_login"] },
  });
  await step(d.id, "in_review");
  await step(d.id, "challenged");
  const h1Head = await audit.head();

  ctx.clock.set("2026-07-01T00:00:30.000Z");
  assert.deepEqual(await ctx.services.legal.runDue(), { noticesSent: 1, preservationsDestroyed: 0 });

  ctx.clock.set("2026-08-03T10:00:00.000Z");
  const e = await addDemand(ctx, cal.actor, "warrantRogueNoaa", {
    process: "content_removal",
    agency: "Ministry of Interior",
    country: "TR",
    authority: "Law 5651",
    reference: "TR-26-9",
    received: "2026-08-03",
    due: null,
    document: undefined,
    requested: { verbatim: "remove the posts", categories: ["public_content"] },
  });
  await step(e.id, "in_review");
  await step(e.id, "rejected");
  await addDemand(ctx, cal.actor, "warrantRogueNoaa", { received: "2026-08-03", due: null });
  const g = await addDemand(ctx, cal.actor, "warrantRogueNoaa", {
    process: "civil_subpoena",
    agency: "Smith, Jones & Partners LLP",
    country: "US",
    authority: "Fed. R. Civ. P. 45",
    reference: "Civ 26-1",
    received: "2026-08-04",
    due: null,
    document: undefined,
    targets: ["RogueNOAA", "ghost_one", "ghost_two"],
    requested: { verbatim: "subscriber records", categories: ["account_login"] },
  });
  await step(g.id, "withdrawn");
  return { h1Head };
}

const ZERO_PROCESSES = {
  administrative_summons: 0,
  grand_jury_subpoena: 0,
  civil_subpoena: 0,
  court_order_2703d: 0,
  search_warrant: 0,
  emergency_request: 0,
  preservation_request: 0,
  nondisclosure_order: 0,
  foreign_request: 0,
  content_removal: 0,
};

/** The figures without the parts that depend on when they were generated. */
function counts(f: TransparencyFigures) {
  const { generated_at: _g, audit_head: _h, instance: _i, ...rest } = f;
  return rest;
}

/** A CSV parser for the report's own output (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  assert.equal(cell + row.join(""), "", "the CSV ends with a line break");
  return rows;
}

/**
 * A parse-level check that an SVG fragment is well-formed XML: every tag closes in order,
 * attributes are quoted, and no bare < or & is left. Returns the element names in order.
 */
function wellFormedSvg(svg: string): string[] {
  const token =
    /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|#39|#\d+);[^"<&]*)*")*)\s*(\/?)>|&(?:amp|lt|gt|quot|#39|#\d+);|[<&>]/g;
  const stack: string[] = [];
  const names: string[] = [];
  for (const m of svg.matchAll(token)) {
    if (m[0] === "<" || m[0] === "&" || m[0] === ">")
      assert.fail(`stray ${m[0]} at ${m.index}: ${svg.slice(m.index, m.index + 40)}`);
    if (m[0].startsWith("&")) continue;
    const [, close, name, , selfClose] = m as unknown as [string, string, string, string, string];
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the open element`);
    else {
      names.push(name);
      if (!selfClose) stack.push(name);
    }
  }
  assert.deepEqual(stack, [], "every element is closed");
  return names;
}

describe("periods", () => {
  test("half-years, quarters and years", () => {
    assert.deepEqual(parsePeriod("2026-H1"), { id: "2026-H1", start: "2026-01-01", end: "2026-06-30" });
    assert.deepEqual(parsePeriod("2026-H2"), { id: "2026-H2", start: "2026-07-01", end: "2026-12-31" });
    assert.deepEqual(parsePeriod("2024-Q1"), { id: "2024-Q1", start: "2024-01-01", end: "2024-03-31" });
    assert.deepEqual(parsePeriod("2026"), { id: "2026", start: "2026-01-01", end: "2026-12-31" });
    assert.equal(parsePeriod("2026-H3"), undefined);
    assert.equal(parsePeriod("../etc"), undefined);
    assert.equal(periodOf("2026-09-30", "quarter").id, "2026-Q3");
    assert.equal(periodOf("2026-07-01", "half").id, "2026-H2");
    assert.equal(periodOf("2026-07-01", "year").id, "2026");
  });
});

describe("configuration", () => {
  test("period length and banding", () => {
    const base = { PUBLIUS_DATA_DIR: tmpdir() };
    assert.deepEqual(loadConfig(base).transparency, { period: "half", bandBelow: undefined });
    const quarter = loadConfig({ ...base, PUBLIUS_TRANSPARENCY_PERIOD: "quarter", PUBLIUS_TRANSPARENCY_BANDS: "10" });
    assert.deepEqual(quarter.transparency, { period: "quarter", bandBelow: 10 });
    assert.equal(loadConfig({ ...base, PUBLIUS_TRANSPARENCY_BANDS: "1-9" }).transparency.bandBelow, 10);
    assert.throws(() => loadConfig({ ...base, PUBLIUS_TRANSPARENCY_PERIOD: "month" }), /half, quarter or year/);
    assert.throws(() => loadConfig({ ...base, PUBLIUS_TRANSPARENCY_BANDS: "1" }), /PUBLIUS_TRANSPARENCY_BANDS/);
    assert.throws(() => loadConfig({ ...base, PUBLIUS_TRANSPARENCY_BANDS: "some" }), /PUBLIUS_TRANSPARENCY_BANDS/);
  });
});

describe("the transparency report", () => {
  // A database file, so that the command line (its own process state) reads the same records.
  const site = useSite({ clockStart: "2026-03-14T12:00:00.000Z", sqliteFile: true });

  test("figures per half-year equal the hand-computed counts", async () => {
    const { h1Head } = await world(site.ctx);
    const reports = new TransparencyReports({ db: site.ctx.store.db, clock: site.ctx.clock, config: site.ctx.config });
    assert.deepEqual(
      (await reports.periods()).map((p) => p.id),
      ["2026-H2", "2026-H1"],
    );
    const h1 = await reports.build(parsePeriod("2026-H1") as never);
    assert.deepEqual(counts(h1), {
      schema: "publius-transparency/1",
      period: { id: "2026-H1", start: "2026-01-01", end: "2026-06-30", complete: true },
      banding: null,
      demands: 4,
      by_process: {
        ...ZERO_PROCESSES,
        search_warrant: 1,
        grand_jury_subpoena: 1,
        preservation_request: 1,
        emergency_request: 1,
      },
      by_country: [
        { country: "US", demands: 3 },
        { country: "GB", demands: 1 },
      ],
      by_agency: [
        { agency: "Federal Bureau of Investigation", country: "US", demands: 2 },
        { agency: "Metropolitan Police Service", country: "GB", demands: 1 },
        { agency: "U.S. Attorney's Office", country: "US", demands: 1 },
      ],
      // A 1, B 2 (one unknown), C 1, D 1; only RogueNOAA is on this server.
      accounts: { specified: 5, on_server: 1 },
      data_produced: { demands: 1, percent: 25 },
      outcomes: { rejected: 1, narrowed: 1, challenged: 1, withdrawn: 1, pending: 1 },
      // A, C, D at once; B after its order ended: 2026-03-14 to 2026-07-01 is 109 days.
      notices: { sent: 4, delayed_by_order: 1, still_delayed: 0, delay_days_median: 109, delay_days_longest: 109 },
      preservation: { requests: 1, accounts_preserved: 1, extensions: 1 },
      emergency: { requests: 1, data_produced: 0 },
      content_removal: { demands: 0, agreed: 0, rejected: 0 },
    });
    // The audit log's head at the end of June: the last entry written in the half-year.
    assert.deepEqual(h1.audit_head, { seq: h1Head.seq, hash: h1Head.hash, at: h1Head.at });
    assert.notEqual(h1.audit_head.hash, GENESIS_HASH);

    const h2 = await reports.build(parsePeriod("2026-H2") as never);
    assert.deepEqual(counts(h2), {
      schema: "publius-transparency/1",
      period: { id: "2026-H2", start: "2026-07-01", end: "2026-12-31", complete: false },
      banding: null,
      demands: 3,
      by_process: { ...ZERO_PROCESSES, content_removal: 1, search_warrant: 1, civil_subpoena: 1 },
      by_country: [
        { country: "US", demands: 2 },
        { country: "TR", demands: 1 },
      ],
      by_agency: [
        { agency: "Federal Bureau of Investigation", country: "US", demands: 1 },
        { agency: "Ministry of Interior", country: "TR", demands: 1 },
        { agency: "Smith, Jones & Partners LLP", country: "US", demands: 1 },
      ],
      accounts: { specified: 5, on_server: 1 },
      data_produced: { demands: 0, percent: 0 },
      outcomes: { rejected: 1, narrowed: 0, challenged: 0, withdrawn: 1, pending: 1 },
      notices: { sent: 3, delayed_by_order: 0, still_delayed: 0, delay_days_median: null, delay_days_longest: null },
      preservation: { requests: 0, accounts_preserved: 0, extensions: 0 },
      emergency: { requests: 0, data_produced: 0 },
      content_removal: { demands: 1, agreed: 0, rejected: 1 },
    });
    // A period still running shows the head so far.
    assert.equal(h2.audit_head.hash, (await site.ctx.services.legal.audit.head()).hash);
    // Before any demand: the genesis hash.
    const empty = await reports.build(parsePeriod("2025-H2") as never);
    assert.equal(empty.demands, 0);
    assert.deepEqual(empty.audit_head, { seq: 0, hash: GENESIS_HASH, at: null });
    assert.equal(empty.data_produced.percent, null);

    // Quarters: all of H1 was received on 14 March.
    const quarterly = new TransparencyReports({
      db: site.ctx.store.db,
      clock: site.ctx.clock,
      config: { ...site.ctx.config, transparency: { period: "quarter", bandBelow: undefined } },
    });
    assert.deepEqual(
      (await quarterly.periods()).map((p) => p.id),
      ["2026-Q3", "2026-Q2", "2026-Q1"],
    );
    assert.equal((await quarterly.build(parsePeriod("2026-Q1") as never)).demands, 4);
    assert.equal((await quarterly.build(parsePeriod("2026-Q2") as never)).demands, 0);

    // Banding below 3: counts of 1 and 2 become "1-2"; 0 and 3 or more stay exact; a percentage
    // or delay length that would give a banded count away is withheld.
    const banded = await new TransparencyReports({
      db: site.ctx.store.db,
      clock: site.ctx.clock,
      config: { ...site.ctx.config, transparency: { period: "half", bandBelow: 3 } },
    }).build(parsePeriod("2026-H1") as never);
    const B = "1-2";
    assert.deepEqual(counts(banded), {
      schema: "publius-transparency/1",
      period: { id: "2026-H1", start: "2026-01-01", end: "2026-06-30", complete: true },
      banding: { below: 3, band: B },
      // Not 4: with US 3 and GB "1-2", a total of 4 would give GB away as exactly 1 (issue 9,
      // finding 11). A total whose breakdowns hold a band is itself not exact.
      demands: "3+",
      by_process: {
        ...ZERO_PROCESSES,
        search_warrant: B,
        grand_jury_subpoena: B,
        preservation_request: B,
        emergency_request: B,
      },
      by_country: [
        { country: "US", demands: 3 },
        { country: "GB", demands: B },
      ],
      by_agency: [
        { agency: "Federal Bureau of Investigation", country: "US", demands: B },
        { agency: "Metropolitan Police Service", country: "GB", demands: B },
        { agency: "U.S. Attorney's Office", country: "US", demands: B },
      ],
      accounts: { specified: 5, on_server: B },
      data_produced: { demands: B, percent: null },
      outcomes: { rejected: B, narrowed: B, challenged: B, withdrawn: B, pending: B },
      notices: { sent: 4, delayed_by_order: B, still_delayed: 0, delay_days_median: null, delay_days_longest: null },
      preservation: { requests: B, accounts_preserved: B, extensions: B },
      emergency: { requests: B, data_produced: 0 },
      content_removal: { demands: 0, agreed: 0, rejected: 0 },
    });
  });

  test("JSON keeps its schema, CSV parses back to the same numbers, the CLI writes the same figures", async () => {
    await world(site.ctx);
    const client = site.web.client();
    const res = await client.get("/transparency/2026-H1.json");
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    const json = JSON.parse(res.body) as TransparencyFigures;
    // The documented schema, key for key (docs/legal-process.md): a change here changes `schema`.
    assert.deepEqual(Object.keys(json), [
      "schema",
      "instance",
      "period",
      "generated_at",
      "banding",
      "demands",
      "by_process",
      "by_country",
      "by_agency",
      "accounts",
      "data_produced",
      "outcomes",
      "notices",
      "preservation",
      "emergency",
      "content_removal",
      "audit_head",
    ]);
    assert.deepEqual(Object.keys(json.period), ["id", "start", "end", "complete"]);
    assert.deepEqual(Object.keys(json.by_process), Object.keys(ZERO_PROCESSES));
    assert.deepEqual(Object.keys(json.by_agency[0] ?? {}), ["agency", "country", "demands"]);
    assert.deepEqual(Object.keys(json.accounts), ["specified", "on_server"]);
    assert.deepEqual(Object.keys(json.data_produced), ["demands", "percent"]);
    assert.deepEqual(Object.keys(json.outcomes), ["rejected", "narrowed", "challenged", "withdrawn", "pending"]);
    assert.deepEqual(Object.keys(json.notices), [
      "sent",
      "delayed_by_order",
      "still_delayed",
      "delay_days_median",
      "delay_days_longest",
    ]);
    assert.deepEqual(Object.keys(json.preservation), ["requests", "accounts_preserved", "extensions"]);
    assert.deepEqual(Object.keys(json.emergency), ["requests", "data_produced"]);
    assert.deepEqual(Object.keys(json.content_removal), ["demands", "agreed", "rejected"]);
    assert.deepEqual(Object.keys(json.audit_head), ["seq", "hash", "at"]);
    assert.equal(json.instance, "http://publius.test");

    const index = (await client.get("/transparency.json")).json() as Record<string, unknown>;
    assert.deepEqual(index, {
      schema: "publius-transparency/1",
      instance: "http://publius.test",
      period_length: "half",
      periods: [
        {
          id: "2026-H2",
          start: "2026-07-01",
          end: "2026-12-31",
          json: "/transparency/2026-H2.json",
          csv: "/transparency/2026-H2.csv",
        },
        {
          id: "2026-H1",
          start: "2026-01-01",
          end: "2026-06-30",
          json: "/transparency/2026-H1.json",
          csv: "/transparency/2026-H1.csv",
        },
      ],
    });

    for (const id of ["2026-H1", "2026-H2"]) {
      const csvRes = await client.get(`/transparency/${id}.csv`);
      assert.equal(csvRes.statusCode, 200);
      assert.match(String(csvRes.headers["content-type"]), /^text\/csv/);
      const rows = parseCsv(csvRes.body);
      assert.deepEqual(rows[0], ["period", "section", "item", "value"]);
      const get = (section: string, item: string) => {
        const found = rows.filter((r) => r[0] === id && r[1] === section && r[2] === item);
        assert.equal(found.length, 1, `${section}.${item} once`);
        return found[0]?.[3];
      };
      const f = (await client.get(`/transparency/${id}.json`)).json() as TransparencyFigures;
      const num = (v: unknown) => (v === null ? "" : String(v));
      assert.equal(get("demands", "total"), num(f.demands));
      for (const [k, v] of Object.entries(f.by_process)) assert.equal(get("by_process", k), num(v));
      for (const c of f.by_country) assert.equal(get("by_country", c.country), num(c.demands));
      for (const a of f.by_agency) assert.equal(get("by_agency", `${a.agency} (${a.country})`), num(a.demands));
      for (const section of [
        "accounts",
        "data_produced",
        "outcomes",
        "notices",
        "preservation",
        "emergency",
        "content_removal",
      ] as const) {
        for (const [k, v] of Object.entries(f[section])) assert.equal(get(section, k), num(v), `${section}.${k}`);
      }
      assert.equal(get("audit_head", "hash"), f.audit_head.hash);
      // Every row is the period, a section, an item and a value.
      assert.ok(rows.every((r) => r.length === 4));
    }
    // The literal numbers, read back from the CSV.
    const h1Rows = parseCsv((await client.get("/transparency/2026-H1.csv")).body);
    const v = (s: string, i: string) => h1Rows.find((r) => r[1] === s && r[2] === i)?.[3];
    assert.equal(v("demands", "total"), "4");
    assert.equal(v("data_produced", "percent"), "25");
    assert.equal(v("notices", "delay_days_longest"), "109");
    const h2Rows = parseCsv((await client.get("/transparency/2026-H2.csv")).body);
    assert.equal(h2Rows.find((r) => r[2] === "Smith, Jones & Partners LLP (US)")?.[3], "1", "a comma survives quoting");

    for (const bad of ["/transparency/2026-H3.json", "/transparency/2099-H1.csv", "/transparency/2026-H1.xml"]) {
      assert.equal((await client.get(bad)).statusCode, 404, bad);
    }

    // The command line builds the same figures from the same records.
    const dir = mkdtempSync(join(tmpdir(), "publius-report-"));
    try {
      const env = await cliEnv(site.ctx);
      const out = join(dir, "h1.json");
      let printed = "";
      const code = await runCli(["report", "build", "--period", "2026-H1", "--out", out], env, (s) => {
        printed += s;
      });
      assert.equal(code, 0);
      assert.match(printed, /Wrote the 2026-H1 report \(json\)/);
      const fromCli = JSON.parse(readFileSync(out, "utf8")) as TransparencyFigures;
      assert.deepEqual(counts(fromCli), counts(json));
      assert.deepEqual(fromCli.audit_head, json.audit_head);
      let csv = "";
      assert.equal(
        await runCli(["report", "build", "--period", "2026-H2", "--format", "csv"], env, (s) => {
          csv += s;
        }),
        0,
      );
      const cliRows = parseCsv(csv);
      assert.equal(cliRows.find((r) => r[1] === "demands")?.[3], "3");
      await assert.rejects(
        runCli(["report", "build"], env, () => {}),
        /Usage: publius report build/,
      );
      await assert.rejects(
        runCli(["report", "build", "--period", "2026-H9"], env, () => {}),
        /not a period/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the page shows tables and well-formed SVG charts with titles, a period selector and downloads", async () => {
    const { h1Head } = await world(site.ctx);
    const client = site.web.client();
    const res = await client.get("/transparency?period=2026-H1");
    assert.equal(res.statusCode, 200);
    const body = res.body;
    assert.doesNotMatch(body, /\sstyle=/, "no inline styles (the CSP forbids them)");
    assert.doesNotMatch(body, /<script/);
    // The selector works without JavaScript: a GET form, and plain links.
    assert.match(body, /<form method="get" action="\/transparency"/);
    assert.match(body, /<option value="2026-H1" selected>2026-H1<\/option>/);
    assert.match(body, /<a href="\/transparency\?period=2026-H2">2026-H2<\/a>/);
    assert.match(body, /href="\/transparency\/2026-H1\.csv"/);
    assert.match(body, /href="\/transparency\/2026-H1\.json"/);
    assert.ok(body.includes(h1Head.hash), "the audit head at the period's end");
    assert.match(body, /<th scope="row">Demands where some data was produced<\/th><td>1 \(25%\)<\/td>/);
    assert.match(body, /<th scope="row">U\.S\. Attorney&#39;s Office<\/th><td>US<\/td><td>1<\/td>/);
    const svgs = [...body.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    assert.equal(svgs.length, 3, "outcomes, process types, countries");
    for (const svg of svgs) {
      const names = wellFormedSvg(svg);
      assert.equal(names[0], "svg");
      assert.equal(names[1], "title", "the title comes first, as SVG's accessible name");
      assert.equal(names[2], "desc");
      assert.match(
        svg,
        /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img" aria-labelledby="([\w-]+)-title \1-desc"/,
      );
      const [, id] = /aria-labelledby="([\w-]+)-title/.exec(svg) as RegExpExecArray;
      assert.match(svg, new RegExp(`<title id="${id}-title">[^<]+</title>`));
      assert.ok(names.includes("rect"), "bars");
    }
    // The description says every value in words (for screen readers).
    assert.match(body, /<desc id="country-2026-H1-desc">US: 3; GB: 1<\/desc>/);
    // The footer links to the report on every page.
    assert.match((await client.get("/privacy")).body, /<a href="\/transparency">Transparency report<\/a>/);
    // Without a period: the latest finished half-year.
    assert.match((await client.get("/transparency")).body, /<option value="2026-H1" selected>/);
    assert.equal((await client.get("/transparency?period=2030-H1")).statusCode, 404);
  });
});
