// Banding that subtraction cannot undo (issue 9, finding 11): the exact reproduction (bands at 10,
// 11 civil subpoenas and 1 warrant used to publish demands 12, civil_subpoena 11, search_warrant
// "1-9" — exactly 1), a property check with an independent brute-force analyst that no sum or
// difference of published figures pins a banded one, and demands under a non-disclosure order in
// force kept out of by_agency.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { type BandedStar, bandStar, type Count } from "../../src/services/legal/banding.ts";
import { parsePeriod, type TransparencyFigures, TransparencyReports } from "../../src/services/legal/transparency.ts";
import { person } from "../fixtures/accounts.ts";
import type { TestContext } from "../helpers/context.ts";
import { useSite } from "../helpers/web.ts";
import { addDemand, legalStaff } from "../legal/helpers.ts";

/** What an analyst reads from a published figure, capped for enumeration. */
function range(label: Count, below: number, cap: number): [number, number] {
  if (typeof label === "number") return [label, label];
  if (label === `1-${below - 1}`) return [1, below - 1];
  if (label === `${below}+`) return [below, cap];
  return [0, cap];
}

/**
 * Brute force, independent of banding.ts: every total and every assignment of the breakdowns'
 * figures consistent with what was published. Returns the possible values of the total and of
 * each figure.
 */
function analyst(pub: BandedStar, complete: boolean[], below: number, cap: number) {
  const [tLo, tHi] = range(pub.total, below, cap);
  const totals = new Set<number>();
  const cells = pub.breakdowns.map((b) => b.map(() => new Set<number>()));
  for (let t = tLo; t <= tHi; t++) {
    const perBreakdown = pub.breakdowns.map((b, i) => {
      const ranges = b.map((c) => range(c, below, cap));
      const seen = b.map(() => new Set<number>());
      let any = false;
      const values: number[] = [];
      const walk = (j: number, sum: number) => {
        if (sum > t) return;
        if (j === ranges.length) {
          if (complete[i] ? sum === t : sum <= t) {
            any = true;
            values.forEach((v, k) => {
              seen[k]?.add(v);
            });
          }
          return;
        }
        const [lo, hi] = ranges[j] as [number, number];
        for (let v = lo; v <= Math.min(hi, t - sum); v++) {
          values[j] = v;
          walk(j + 1, sum + v);
        }
      };
      walk(0, 0);
      return { any, seen };
    });
    if (!perBreakdown.every((p) => p.any)) continue;
    totals.add(t);
    perBreakdown.forEach((p, i) => {
      p.seen.forEach((s, j) => {
        for (const v of s) cells[i]?.[j]?.add(v);
      });
    });
  }
  return { totals, cells };
}

/** No figure that is not exact can be pinned to one value; every published figure is true. */
function assertSafe(
  truth: { total: number; breakdowns: number[][] },
  pub: BandedStar,
  complete: boolean[],
  below: number,
) {
  const cap = truth.total + 3 * below + 5;
  const seen = analyst(pub, complete, below, cap);
  assert.ok(seen.totals.has(truth.total), "the truth is among the possibilities");
  if (typeof pub.total !== "number") assert.ok(seen.totals.size >= 2, `the total is pinned: ${JSON.stringify(pub)}`);
  else assert.equal(pub.total, truth.total);
  pub.breakdowns.forEach((b, i) => {
    b.forEach((label, j) => {
      const v = truth.breakdowns[i]?.[j] as number;
      const [lo, hi] = range(label, below, cap);
      assert.ok(v >= lo && v <= hi, `${label} holds ${v}`);
      if (typeof label !== "number") {
        assert.ok(
          (seen.cells[i]?.[j]?.size ?? 0) >= 2,
          `figure ${i}.${j} (${v}, published ${label}) is pinned: ${JSON.stringify({ truth, pub })}`,
        );
      }
    });
  });
}

/** The star of a published report: total, by process, by country, by agency. */
function starOf(f: TransparencyFigures): BandedStar {
  return {
    total: f.demands,
    breakdowns: [Object.values(f.by_process), f.by_country.map((c) => c.demands), f.by_agency.map((a) => a.demands)],
  };
}

describe("banding that subtraction cannot undo", () => {
  test("the reproduction: bands at 10, 11 civil subpoenas and 1 warrant", () => {
    const truth = { total: 12, breakdowns: [[11, 1], [12], [11, 1]] };
    const pub = bandStar(
      truth.total,
      truth.breakdowns.map((cells) => ({ cells, complete: true })),
      10,
    );
    assert.notEqual(pub.total, 12, "the total is not published exactly");
    assert.equal(pub.breakdowns[0]?.[1], "1-9");
    // No published difference gives the warrant back.
    const numbers = [pub.total, ...pub.breakdowns.flat()].filter((x): x is number => typeof x === "number");
    for (const a of numbers) for (const b of numbers) assert.notEqual(a - b, 1, `${a} - ${b}`);
    assertSafe(truth, pub, [true, true, true], 10);
  });

  test("property: no sum or difference of published figures pins a banded one", () => {
    const demand = fc.record({
      process: fc.integer({ min: 0, max: 2 }),
      country: fc.integer({ min: 0, max: 1 }),
      agency: fc.integer({ min: 0, max: 2 }),
      unnamed: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(demand, { maxLength: 24 }), fc.constantFrom(3, 5, 10), fc.boolean(), (ds, below, orders) => {
        const count = (n: number, key: (d: (typeof ds)[number]) => number, only = (_: (typeof ds)[number]) => true) =>
          Array.from({ length: n }, (_, i) => ds.filter((d) => only(d) && key(d) === i).length);
        const named = (d: (typeof ds)[number]) => !(orders && d.unnamed);
        const truth = {
          total: ds.length,
          breakdowns: [
            count(3, (d) => d.process),
            count(2, (d) => d.country),
            count(6, (d) => d.country * 3 + d.agency, named),
          ],
        };
        const complete = [true, true, !ds.some((d) => !named(d))];
        const pub = bandStar(
          truth.total,
          truth.breakdowns.map((cells, i) => ({ cells, complete: complete[i] as boolean })),
          below,
        );
        assertSafe(truth, pub, complete, below);
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });
});

describe("the report under banding", () => {
  const site = useSite({ clockStart: "2026-03-14T12:00:00.000Z" });

  async function figures(ctx: TestContext, bandBelow: number | undefined) {
    return new TransparencyReports({
      db: ctx.store.db,
      clock: ctx.clock,
      config: { ...ctx.config, transparency: { period: "half", bandBelow } },
    }).build(parsePeriod("2026-H1") as never);
  }

  test("11 civil subpoenas and 1 warrant: the warrant cannot be worked out from the report", async () => {
    await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    for (let i = 0; i < 11; i++) {
      await addDemand(site.ctx, cal.actor, "warrantRogueNoaa", {
        process: "civil_subpoena",
        agency: "Smith, Jones & Partners LLP",
        authority: "Fed. R. Civ. P. 45",
        reference: `CV-${i}`,
        document: undefined,
      });
    }
    await addDemand(site.ctx, cal.actor, "warrantRogueNoaa");
    const f = await figures(site.ctx, 10);
    assert.equal(f.by_process.search_warrant, "1-9");
    assert.notEqual(f.demands, 12);
    assert.equal(typeof f.demands, "string");
    assert.equal(f.data_produced.percent, null);
    const star = starOf(f);
    const truth = {
      total: 12,
      breakdowns: [
        Object.keys(f.by_process).map((k) => (k === "civil_subpoena" ? 11 : k === "search_warrant" ? 1 : 0)),
        [12],
        f.by_agency.map((a) => (a.agency === "Federal Bureau of Investigation" ? 1 : 11)),
      ],
    };
    assertSafe(truth, star, [true, true, true], 10);
  });

  test("a demand under a non-disclosure order in force is left out of by_agency until the order ends", async () => {
    await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    await addDemand(site.ctx, cal.actor, "subpoenaWithOrder"); // order ends 2026-06-30
    await addDemand(site.ctx, cal.actor, "warrantRogueNoaa");
    const during = await figures(site.ctx, undefined);
    assert.deepEqual(
      during.by_agency.map((a) => a.agency),
      ["Federal Bureau of Investigation"],
    );
    assert.equal(during.demands, 2, "still counted");
    site.ctx.clock.set("2026-07-02T00:00:00.000Z");
    const after = await figures(site.ctx, undefined);
    assert.deepEqual(after.by_agency.map((a) => a.agency).sort(), [
      "Federal Bureau of Investigation",
      "U.S. Attorney's Office",
    ]);
  });
});
