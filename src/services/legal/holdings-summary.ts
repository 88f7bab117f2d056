// One line per category for the review screen and the notice: "held: …", "none for this account"
// or "not collected by design" — from the holdings service, never from a separate list.
import type { CategoryHoldings } from "../privacy/holdings.ts";

export interface HeldSummary {
  state: CategoryHoldings["state"];
  text: string;
  count: number;
}

export function summarize(c: CategoryHoldings): HeldSummary {
  if (c.state === "not_collected") return { state: c.state, text: "not collected by design", count: 0 };
  if (c.state === "none") return { state: c.state, text: "none for this account", count: 0 };
  const byTable = new Map<string, { n: number; fields: Set<string> }>();
  for (const r of c.records) {
    const t = byTable.get(r.table) ?? { n: 0, fields: new Set<string>() };
    t.n += 1;
    for (const f of Object.keys(r.fields)) t.fields.add(f);
    byTable.set(r.table, t);
  }
  const parts = [...byTable].map(([table, t]) =>
    t.n === 1 ? `${table} (${[...t.fields].join(", ")})` : `${t.n.toLocaleString("en")} in ${table}`,
  );
  const n = c.records.length;
  return {
    state: c.state,
    text: `held: ${n.toLocaleString("en")} ${n === 1 ? "record" : "records"} — ${parts.join("; ")}`,
    count: n,
  };
}
