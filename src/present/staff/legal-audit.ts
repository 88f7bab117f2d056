// The audit log as staff see it: the chain's verification and its newest entries.
import type { AuditEntry, AuditVerification } from "../../services/legal/audit.ts";
import { formatDateTime } from "../web/format.ts";
import { html, type SafeHtml } from "../web/html.ts";
import type { PageContext } from "../web/page.ts";
import { legalTabs, shortHash } from "./legal-common.ts";

export function auditPage(
  pc: PageContext,
  p: { check: AuditVerification; entries: AuditEntry[]; handles: Map<string, string>; demandId: string | undefined },
): SafeHtml {
  void pc;
  return html`<h1>Audit log</h1>${legalTabs("/staff/legal/audit")}
<section class="panel" aria-labelledby="h-verify"><h2 id="h-verify">Verification</h2>
${
  p.check.ok
    ? html`<p><strong>The chain verifies:</strong> ${p.check.count} entries, each committing to the one before.</p>`
    : html`<div class="error" role="alert"><p><strong>The chain does not verify.</strong></p><ul>${p.check.problems.map((x) => html`<li>${x}</li>`)}</ul></div>`
}
<p>Head: entry ${p.check.head.seq}, <code>${p.check.head.hash}</code> (also public at <a href="/audit-head">/audit-head</a>). Copy it somewhere outside this server now and then: <code>publius audit verify --head &lt;hash&gt;</code> proves later that nothing since was removed or rewritten.</p>
</section>
<table><caption>${p.demandId ? `Entries about demand ${p.demandId}` : "The newest entries"}</caption>
<thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Demand</th><th scope="col">Hash</th></tr></thead>
<tbody>${p.entries.map(
    (e) =>
      html`<tr><td>${e.seq}</td><td>${formatDateTime(e.at)}</td><td>${e.actorId ? `@${p.handles.get(e.actorId) ?? e.actorId}` : "Publius"}</td><td>${e.action}</td><td>${e.demandId ? html`<a href="/staff/legal/demands/${e.demandId}">${e.demandId}</a>` : ""}</td><td><code>${shortHash(e.hash)}</code></td></tr>`,
  )}</tbody></table>`;
}
