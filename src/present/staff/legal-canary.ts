// The console page that renews the warrant canary.

import type { CurrentCanary } from "../../services/legal/canary.ts";
import { MAX_CANARY_DAYS } from "../../services/legal/canary.ts";
import { html, type SafeHtml } from "../web/html.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "../web/page.ts";
import { legalTabs } from "./legal-common.ts";

export function canaryConsolePage(
  pc: PageContext,
  p: {
    current: CurrentCanary | undefined;
    statements: string[];
    days: string;
    fields?: Record<string, string> | undefined;
    signed?: boolean;
  },
): SafeHtml {
  const c = p.current?.published;
  return html`<h1>Warrant canary</h1>${legalTabs("/staff/legal/canary")}
<section class="panel" aria-labelledby="h-now"><h2 id="h-now">Now</h2>
${p.signed ? html`<p role="status"><strong>Signed and published.</strong></p>` : ""}
${
  !c
    ? html`<p>No canary has been published yet.</p>`
    : c.expired
      ? html`<p class="error"><strong>Expired:</strong> it was due by ${c.canary.next_renewal_day}. The public page says so.</p>`
      : html`<p>Signed ${c.canary.issued_day}; due for renewal by <strong>${c.canary.next_renewal_day}</strong>.</p>`
}
<p>See it as the public does: <a href="/canary">/canary</a>.</p>
</section>
<section class="panel" aria-labelledby="h-renew"><h2 id="h-renew">Sign a new statement</h2>
<p>The counts of demands received are taken from the demand records, and "No order forbids us from saying something on this page." is added by Publius only while no non-disclosure order is in force. Only sign statements that are true: if one stops being true, remove it — never sign it again.</p>
<form method="post" action="/staff/legal/canary">${csrfField(pc)}
<label for="statements">Statements, one per line</label>
<textarea id="statements" name="statements" rows="8"${describedBy(p.fields, "statements")}>${p.statements.join("\n")}</textarea>
${fieldError(p.fields, "statements")}
<label for="days">Days until the next renewal</label>
<input id="days" name="days" type="number" min="1" max="${MAX_CANARY_DAYS}" value="${p.days}"${describedBy(p.fields, "days")}>
${fieldError(p.fields, "days")}
<button type="submit">Sign and publish</button>
</form>
</section>`;
}
