// The legal console's dashboard: open demands by due date, overdue first.
import type { DashboardRow } from "../../services/legal/demands.ts";
import { formatDay } from "../web/format.ts";
import { html, type SafeHtml } from "../web/html.ts";
import type { PageContext } from "../web/page.ts";
import { legalTabs, processTitle, stateBadge } from "./legal-common.ts";

export function dashboardPage(
  pc: PageContext,
  p: { rows: DashboardRow[]; all: boolean; audit: { seq: number; hash: string } },
): SafeHtml {
  void pc;
  const overdue = p.rows.filter((r) => r.overdue).length;
  return html`<h1>${p.all ? "All legal demands" : "Open legal demands"}</h1>${legalTabs(p.all ? "/staff/legal/demands" : "/staff/legal")}
${overdue ? html`<p class="error" role="alert">${overdue} ${overdue === 1 ? "demand is" : "demands are"} past the due date.</p>` : ""}
${
  p.rows.length === 0
    ? html`<p class="empty">${p.all ? "No demand has been recorded." : "No open demands."}</p>`
    : html`<table class="demands">
<caption>${p.all ? "Every demand, by due date" : "Open demands by due date, overdue first"}</caption>
<thead><tr><th scope="col">Due</th><th scope="col">Demand</th><th scope="col">From</th><th scope="col">Accounts named</th><th scope="col">State</th></tr></thead>
<tbody>${p.rows.map(
        (r) =>
          html`<tr${r.overdue ? html` class="overdue"` : ""}><td>${r.dueDay ? formatDay(r.dueDay) : "no date"}${r.overdue ? html` <strong class="badge">overdue</strong>` : ""}</td><td><a href="/staff/legal/demands/${r.id}">${processTitle(r.process)}${r.reference ? html` — ${r.reference}` : ""}</a></td><td>${r.agency}</td><td>${r.targets.map((t) => `@${t}`).join(", ")}</td><td>${stateBadge(r.state)}</td></tr>`,
      )}</tbody>
</table>`
}
<p class="hint">Audit log: ${p.audit.seq} entries, head <code>${p.audit.hash}</code>. <a href="/staff/legal/audit">Verify it</a>.</p>`;
}
