// Banding that subtraction cannot undo (issue 9, finding 11). A total and its breakdowns (by
// process, by country, by agency) are sums of the same demands: with bands at 10, publishing
// "demands: 12, civil_subpoena: 11, search_warrant: 1-9" gives the warrant away as 12 - 11 = 1.
//
// The rule: when any figure of a breakdown (or the total) is banded, the total is not published
// exactly — it is banded itself when small, else shown as "<below>+" ("10 or more") — and every
// breakdown keeps at least one figure that is not exact, so no breakdown sums back to the total.
// Then every published sum and difference is checked the way an analyst would: each figure's
// possible range is narrowed from all the others (interval reasoning over the sums, which is exact
// for a total shared by several breakdowns), and while any banded figure, or the total, would be
// pinned to a single value, one more exact figure of a breakdown is shown only as "<below>+". If
// no exact figure is left to hide, the breakdown's figures are withheld altogether.
export type Count = number | string;

export const WITHHELD = "withheld";

interface Range {
  lo: number;
  hi: number;
}

/** The range an analyst can read from a published figure. */
function rangeOf(label: Count, below: number): Range {
  if (typeof label === "number") return { lo: label, hi: label };
  if (label === `1-${below - 1}`) return { lo: 1, hi: below - 1 };
  if (label === `${below}+`) return { lo: below, hi: Number.POSITIVE_INFINITY };
  return { lo: 0, hi: Number.POSITIVE_INFINITY };
}

export interface Breakdown {
  cells: number[];
  /** False when some demands are left out of it (by_agency while an order is in force): a part, not a partition. */
  complete: boolean;
}

export interface BandedStar {
  total: Count;
  breakdowns: Count[][];
}

/** The published figures' ranges: the total's and each cell's, after narrowing by every sum. */
export function feasibleRanges(
  published: BandedStar,
  complete: readonly boolean[],
  below: number,
): { total: Range; cells: Range[][] } {
  const own = published.breakdowns.map((cells) => cells.map((c) => rangeOf(c, below)));
  const total = rangeOf(published.total, below);
  let lo = total.lo;
  let hi = total.hi;
  own.forEach((cells, i) => {
    const sumLo = cells.reduce((s, r) => s + r.lo, 0);
    const sumHi = cells.reduce((s, r) => s + r.hi, 0);
    lo = Math.max(lo, sumLo);
    if (complete[i]) hi = Math.min(hi, sumHi);
  });
  const cells = own.map((cells, i) =>
    cells.map((r, j) => {
      const othersLo = cells.reduce((s, o, k) => (k === j ? s : s + o.lo), 0);
      const othersHi = cells.reduce((s, o, k) => (k === j ? s : s + o.hi), 0);
      return {
        lo: complete[i] ? Math.max(r.lo, lo - othersHi) : r.lo,
        hi: Math.min(r.hi, hi - othersLo),
      };
    }),
  );
  return { total: { lo, hi }, cells };
}

/** Where a banded figure (or the total) is pinned to one value: [breakdown, cell], or [-1, -1] for the total. */
function pinned(published: BandedStar, complete: readonly boolean[], below: number): [number, number] | undefined {
  const ranges = feasibleRanges(published, complete, below);
  if (typeof published.total !== "number" && ranges.total.lo >= ranges.total.hi) return [-1, -1];
  for (let i = 0; i < published.breakdowns.length; i++) {
    const cells = published.breakdowns[i] as Count[];
    for (let j = 0; j < cells.length; j++) {
      const r = ranges.cells[i]?.[j] as Range;
      if (typeof cells[j] !== "number" && r.lo >= r.hi) return [i, j];
    }
  }
  return undefined;
}

export function bandStar(total: number, breakdowns: readonly Breakdown[], below: number | undefined): BandedStar {
  const exact: BandedStar = { total, breakdowns: breakdowns.map((b) => [...b.cells]) };
  if (below === undefined) return exact;
  const band = `1-${below - 1}`;
  const small = (n: number) => n > 0 && n < below;
  const anySmall = small(total) || breakdowns.some((b) => b.cells.some(small));
  if (!anySmall) return exact;
  const out: BandedStar = {
    total: small(total) ? band : total === 0 ? 0 : `${below}+`,
    breakdowns: breakdowns.map((b) => b.cells.map((n) => (small(n) ? band : n))),
  };
  const complete = breakdowns.map((b) => b.complete);
  // A band of one value ("1-1") is exact by the operator's choice: nothing more to protect.
  if (below <= 2) return out;
  /** Shows the smallest exact, non-zero figure of a breakdown as "<below>+"; false when none is left. */
  const hideOne = (i: number): boolean => {
    const cells = out.breakdowns[i] as Count[];
    let pick = -1;
    cells.forEach((c, j) => {
      if (typeof c === "number" && c > 0 && (pick === -1 || c < (cells[pick] as number))) pick = j;
    });
    if (pick === -1) return false;
    cells[pick] = `${below}+`;
    return true;
  };
  // No breakdown may sum back to the total.
  out.breakdowns.forEach((cells, i) => {
    if (cells.every((c) => typeof c === "number") && cells.some((c) => (c as number) > 0)) hideOne(i);
  });
  for (let guard = 0; guard < 1000; guard++) {
    const where = pinned(out, complete, below);
    if (!where) break;
    // Loosen the breakdowns that bound the total from above first (they are what pins a figure).
    const order = out.breakdowns
      .map((_, i) => i)
      .sort((a, b) => Number(where[0] !== a) - Number(where[0] !== b) || a - b);
    if (!order.some((i) => hideOne(i))) {
      const i = where[0] === -1 ? 0 : where[0];
      out.breakdowns[i] = (out.breakdowns[i] as Count[]).map((c) => (c === 0 ? 0 : WITHHELD));
      if (where[0] === -1) out.breakdowns = out.breakdowns.map((cells) => cells.map((c) => (c === 0 ? 0 : WITHHELD)));
    }
  }
  return out;
}
