// The one rounding rule for counts the server publishes about itself (NodeInfo, Instance): an exact
// user or post count, watched over time, tells an observer the moment one account joined or posted.
// Rounded, the figure moves only when many have: zero stays zero (an empty server is not hidden);
// anything else is rounded to the nearest multiple of a step — 10 below 1,000, then two significant
// figures (100 from 1,000, 1,000 from 10,000 …) — and is never below one step (1 → 10).

export function coarseStep(n: number): number {
  if (n < 1000) return 10;
  return 10 ** (Math.floor(Math.log10(n)) - 1);
}

export function coarseCount(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return 0;
  const step = coarseStep(n);
  return Math.max(step, Math.round(n / step) * step);
}
