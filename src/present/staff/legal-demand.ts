// The review screen of one demand: what was asked and under what authority, what the matrix says
// the process can compel, what Publius holds per account and category, the unmasking gate, notices,
// preservation, production and the demand's history.
import { PRONGS } from "../../domain/legal/gate.ts";
import { TIER_TITLES } from "../../domain/legal/matrix.ts";
import { STATE_TITLES } from "../../domain/legal/states.ts";
import type { DemandReview } from "../../services/legal/demands.ts";
import type { Preservation } from "../../services/legal/preservation.ts";
import type { Production } from "../../services/legal/production.ts";
import { formatDateTime, formatDay } from "../web/format.ts";
import { html, type SafeHtml } from "../web/html.ts";
import { csrfField, type PageContext } from "../web/page.ts";
import { categoryTitle, legalTabs, processTitle, reasonForm, shortHash, stateBadge } from "./legal-common.ts";

export interface DemandPage {
  review: DemandReview;
  preservations: Preservation[];
  productions: Production[];
  today: string;
  /** A refused action, shown at the top. */
  error?: string | undefined;
}

export function demandPage(pc: PageContext, p: DemandPage): SafeHtml {
  const r = p.review;
  const d = r.demand;
  const base = `/staff/legal/demands/${d.id}`;
  const overdue = d.dueDay !== null && d.dueDay < p.today && r.next.length > 0;
  return html`<h1>${processTitle(d.process)} from ${d.agency} ${stateBadge(d.state)}</h1>${legalTabs("")}
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
${overdue ? html`<p class="error" role="alert">The due date (${formatDay(d.dueDay as string)}) has passed.</p>` : ""}
${facts(r, base)}
${orders(pc, r, base, p.today)}
${request(r)}
${matrix(pc, r, base)}
${holdings(r)}
${gate(pc, r, base)}
${decision(pc, r, base)}
${preservationPanel(pc, r, p.preservations, base)}
${productionPanel(pc, r, p.productions, base)}
${responses(r)}
${history(r)}`;
}

function facts(r: DemandReview, base: string): SafeHtml {
  const d = r.demand;
  return html`<section class="panel" aria-labelledby="h-facts"><h2 id="h-facts">The demand</h2>
<dl>
<dt>Process</dt><dd>${processTitle(d.process)}</dd>
<dt>From</dt><dd>${d.agency} (${d.country})</dd>
<dt>Requester</dt><dd>${d.requester}${d.requesterContact ? html` — ${d.requesterContact}` : ""}</dd>
<dt>Authority cited</dt><dd>${d.authority}</dd>
<dt>Reference</dt><dd>${d.reference || "none"}</dd>
<dt>Received</dt><dd>${formatDay(d.receivedDay)}${d.recordedDay !== d.receivedDay ? html` (recorded ${formatDay(d.recordedDay)})` : ""}</dd>
<dt>Due</dt><dd>${d.dueDay ? formatDay(d.dueDay) : "no date given"}${d.dueDay && d.dueDay < d.receivedDay ? html` <strong>— the deadline had passed before the demand arrived</strong>` : ""}</dd>
<dt>Document</dt><dd>${
    d.document
      ? html`<a href="${base}/document">${d.document.type}, ${d.document.size.toLocaleString("en")} bytes</a> — SHA-256 <code>${d.document.sha256}</code>`
      : html`<strong>No document on file.</strong> Ask for the demand in writing, on letterhead, from an official address.`
  }</dd>
<dt>Secrecy requested</dt><dd>${d.secrecyRequested ? (r.ordersInForce ? "yes, and an order is recorded (below)" : html`yes — <strong>but no court order forbids notice, so the account holder is notified</strong>`) : "no"}</dd>
${d.goodFaithStatement ? html`<dt>Good-faith statement</dt><dd>${d.goodFaithStatement}</dd>` : ""}
</dl></section>`;
}

function orders(pc: PageContext, r: DemandReview, base: string, today: string): SafeHtml {
  const d = r.demand;
  return html`<section class="panel" aria-labelledby="h-orders"><h2 id="h-orders">Non-disclosure orders</h2>
${r.openEndedOrder ? html`<p class="error" role="alert">An order without an end date holds the notice indefinitely: challenge it (18 U.S.C. § 2705(b) allows secrecy "for such period as the court deems appropriate").</p>` : ""}
${
  d.orders.length === 0
    ? html`<p>None. The account holders are notified.</p>`
    : html`<ul>${d.orders.map(
        (o) => html`<li>${o.court}, docket ${o.docket}: ${
          o.liftedDay
            ? html`lifted ${formatDay(o.liftedDay)}`
            : o.endDay === null
              ? html`<strong>no end date — flagged for challenge</strong>`
              : o.endDay < today
                ? html`ended ${formatDay(o.endDay)}`
                : html`secrecy until ${formatDay(o.endDay)}; notice goes out the day after`
        }
${
  o.liftedDay
    ? ""
    : html`<form method="post" action="${base}/orders/${o.id}" class="staff-action">${csrfField(pc)}
  <label for="end-${o.id}">New last day of secrecy</label><input id="end-${o.id}" name="end_date" type="date">
  <label class="check"><input type="checkbox" name="lifted" value="yes"> The order was vacated or lifted</label>
  <label for="why-${o.id}">Reason (the court's ruling)</label><input id="why-${o.id}" name="reason" required maxlength="10000">
  <button type="submit">Record the change</button></form>`
}</li>`,
      )}</ul>`
}
<details><summary>Record a non-disclosure order that arrived later</summary>
<form method="post" action="${base}/orders" class="staff-action">${csrfField(pc)}
<label for="ndo-court">Court</label><input id="ndo-court" name="court" required maxlength="300">
<label for="ndo-docket">Docket</label><input id="ndo-docket" name="docket" required maxlength="300">
<label for="ndo-end">Last day of secrecy (empty if none stated)</label><input id="ndo-end" name="end_date" type="date">
<button type="submit">Record the order</button></form></details>
</section>`;
}

function request(r: DemandReview): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-request"><h2 id="h-request">What is requested</h2>
<blockquote>${r.demand.verbatim}</blockquote>
<p>Mapped to: ${r.demand.categories.map((c) => categoryTitle(c)).join(", ")}.</p>
${r.requested.categories.length !== r.demand.categories.length ? html`<p>Narrowed to: ${r.requested.categories.map((c) => categoryTitle(c)).join(", ")}.</p>` : ""}
${r.unmapped.length ? html`<p class="error">The request's words also mention: ${r.unmapped.map((c) => categoryTitle(c)).join(", ")} — check the mapping.</p>` : ""}
</section>`;
}

function matrix(pc: PageContext, r: DemandReview, base: string): SafeHtml {
  const a = r.assessment;
  const concerns = r.demand.events.filter((e) => e.kind === "authority_concern");
  return html`<section class="panel" aria-labelledby="h-matrix"><h2 id="h-matrix">What this process can compel</h2>
<p${a.overbroad ? html` class="error" role="alert"` : ""}><strong>${a.summary}</strong></p>
<table><caption>Each requested category against the legal-process matrix</caption>
<thead><tr><th scope="col">Category</th><th scope="col">Kind of record</th><th scope="col">Can this process compel it?</th></tr></thead>
<tbody>${a.categories.map(
    (c) =>
      html`<tr><th scope="row">${categoryTitle(c.category)}</th><td>${TIER_TITLES[c.tier]}</td><td>${c.compellable ? "yes" : html`<strong>${c.voluntary ? "voluntary only" : "no"}</strong>: ${c.flag}`}</td></tr>`,
  )}</tbody></table>
<p class="hint">The matrix is a table, not a legal conclusion: counsel decides. Record any doubt about the authority cited:</p>
${concerns.length ? html`<ul>${concerns.map((e) => html`<li><strong>Authority concern</strong> (@${r.actors.get(e.actorId ?? "") ?? "?"}, ${formatDateTime(e.createdAt)}): ${e.reason}</li>`)}</ul>` : ""}
${r.next.length ? reasonForm(pc, `${base}/concern`, "Record an authority concern", { field: "text", multiline: true, hint: "E.g. “§ 1509 reaches records of imports, not the identity of a speaker.”" }) : ""}
</section>`;
}

function holdings(r: DemandReview): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-held"><h2 id="h-held">What Publius holds</h2>
<p class="hint">Computed by the same service as each user's “what we hold about you” page.</p>
${r.targets.map((t) => {
  if (!t.account) {
    return html`<h3>@${t.handle}</h3><p class="error"><strong>Unknown:</strong> no account with this handle exists on this server${t.accountId ? " any more" : ""}. It stays on the record as named.</p>`;
  }
  const n = t.notice;
  return html`<h3>@${t.account.handle} <span class="hint">(account ${t.account.id})</span></h3>
<p>Notice: ${
    !n
      ? "none"
      : n.state === "sent"
        ? html`sent ${formatDateTime(n.sentAt ?? "")}`
        : n.state === "scheduled"
          ? html`delayed by a non-disclosure order; goes out ${formatDateTime(n.sendAfter ?? "")}`
          : html`<strong>held by an order without an end date</strong>`
  }</p>
<table><caption>@${t.account.handle}: requested categories</caption>
<thead><tr><th scope="col">Category</th><th scope="col">Held</th></tr></thead>
<tbody>${r.requested.categories.map((c) => {
    const h = t.held.get(c);
    return html`<tr><th scope="row">${categoryTitle(c)}</th><td>${h ? h.text : ""}</td></tr>`;
  })}</tbody></table>`;
})}
</section>`;
}

function gate(pc: PageContext, r: DemandReview, base: string): SafeHtml {
  const g = r.gate;
  const open = r.next.length > 0;
  return html`<section class="panel" aria-labelledby="h-gate"><h2 id="h-gate">The unmasking gate</h2>
<p${!g.open && r.identifying ? html` class="error"` : ""}><strong>${
    g.open
      ? g.via === "court_order"
        ? "Open: a court order compelling disclosure is recorded and was confirmed by a second reviewer."
        : "Open: every prong is recorded as met, with reasons, and a second reviewer confirmed it."
      : g.awaitingConfirmation
        ? "Closed until confirmed: every prong is met; a second legal reviewer, who recorded none of them, must confirm."
        : r.identifying
          ? "Closed: nothing that identifies the speaker can be approved or produced."
          : "Closed (this demand asks for nothing identifying)."
  }</strong></p>
<p class="hint">Identifying data (account identifiers and login, contact, network, session records, account timestamps) is released only when a legal reviewer has recorded each prong with reasons (Dendrite, Cahill, Highfields) and a second reviewer who recorded none of them has confirmed, or a court order compelling disclosure is recorded with its details and document and a second reviewer has confirmed it. The notice prong counts only once the notice has gone out (or a court order excusing notice is recorded).</p>
${g.noticeNotSent ? html`<p class="error">The notice prong is recorded as met, but the notice has not gone out to every named account, and no court order excusing notice is recorded.</p>` : ""}
${g.noticeExcused ? html`<p>Notice excused by court order: ${g.noticeExcused.court}, docket ${g.noticeExcused.docket}.</p>` : ""}
<table><caption>The prongs</caption><thead><tr><th scope="col">Prong</th><th scope="col">Recorded</th></tr></thead>
<tbody>${PRONGS.map((prong) => {
    const rec = g.prongs.get(prong.id);
    return html`<tr><th scope="row">${prong.title} <span class="hint">(${prong.source})</span></th><td>${
      rec
        ? html`<strong>${rec.met ? "met" : "not met"}</strong> — ${rec.reason} <span class="hint">(@${r.actors.get(rec.actorId ?? "") ?? "?"}, ${formatDateTime(rec.at)})</span>`
        : "not recorded"
    }</td></tr>`;
  })}</tbody></table>
${g.courtOrder ? html`<p>Court order: ${g.courtOrder.court}, docket ${g.courtOrder.docket}, signed by ${g.courtOrder.judge} on ${g.courtOrder.signedDay}; compels: ${g.courtOrder.compels}. Document SHA-256 <code>${g.courtOrder.documentSha256}</code>. ${g.courtOrder.confirmedBy ? html`Confirmed by @${r.actors.get(g.courtOrder.confirmedBy) ?? "?"}.` : html`<strong>Not yet confirmed by a second reviewer.</strong>`}</p>` : ""}
${g.confirmedBy ? html`<p>The prongs were confirmed by @${r.actors.get(g.confirmedBy) ?? "?"}.</p>` : ""}
${
  open
    ? html`<details><summary>Record a prong</summary>
<form method="post" action="${base}/prongs" class="staff-action">${csrfField(pc)}
<label for="prong">Prong</label><select id="prong" name="prong" required>${PRONGS.map((p) => html`<option value="${p.id}">${p.title}</option>`)}</select>
<fieldset><legend>Finding</legend>
<label class="check"><input type="radio" name="met" value="yes" required> Met</label>
<label class="check"><input type="radio" name="met" value="no"> Not met</label></fieldset>
<label for="prong-reason">Reasons</label><textarea id="prong-reason" name="reason" required rows="3" maxlength="10000"></textarea>
<button type="submit">Record</button></form></details>
<details><summary>Record a court order compelling disclosure</summary>
<form method="post" action="${base}/court-order" enctype="multipart/form-data" class="staff-action">${csrfField(pc)}
<label for="co-court">Court</label><input id="co-court" name="court" required maxlength="300">
<label for="co-docket">Docket</label><input id="co-docket" name="docket" required maxlength="300">
<label for="co-doc">The order (PDF or image)</label><input id="co-doc" name="document" type="file" required accept="application/pdf,image/*">
<label for="co-judge">Judge who signed it</label><input id="co-judge" name="judge" required maxlength="300">
<label for="co-signed">Day it was signed</label><input id="co-signed" name="signed_day" type="date" required>
<label for="co-compels">What it compels (its words)</label><textarea id="co-compels" name="compels" required rows="2" maxlength="10000"></textarea>
<button type="submit">Record the order</button></form></details>
${
  g.courtOrder && !g.courtOrder.confirmedBy
    ? html`<details><summary>Confirm the recorded court order (second reviewer)</summary>
<form method="post" action="${base}/court-order/confirm" class="staff-action">${csrfField(pc)}
<input type="hidden" name="document_sha256" value="${g.courtOrder.documentSha256}">
<label for="coc-reason">What you checked (the document, the docket on the court's records)</label><textarea id="coc-reason" name="reason" required rows="2" maxlength="10000"></textarea>
<button type="submit">Confirm the order</button></form></details>`
    : ""
}
${
  g.awaitingConfirmation
    ? html`<details open><summary>Confirm the gate (second reviewer)</summary>
<form method="post" action="${base}/gate/confirm" class="staff-action">${csrfField(pc)}
<label for="gc-reason">Your reasons</label><textarea id="gc-reason" name="reason" required rows="2" maxlength="10000"></textarea>
<button type="submit">Confirm the gate</button></form></details>`
    : ""
}
<details><summary>Record a court order excusing notice to the speaker</summary>
<form method="post" action="${base}/notice-excused" class="staff-action">${csrfField(pc)}
<label for="ne-court">Court</label><input id="ne-court" name="court" required maxlength="300">
<label for="ne-docket">Docket</label><input id="ne-docket" name="docket" required maxlength="300">
<label for="ne-reason">What the order says about notice</label><textarea id="ne-reason" name="reason" required rows="2" maxlength="10000"></textarea>
<button type="submit">Record</button></form></details>`
    : ""
}
</section>`;
}

function decision(pc: PageContext, r: DemandReview, base: string): SafeHtml {
  const d = r.demand;
  if (r.next.length === 0) {
    return html`<section class="panel" aria-labelledby="h-decide"><h2 id="h-decide">Decision</h2><p>This demand is ${STATE_TITLES[d.state]}.</p></section>`;
  }
  const known = d.targets.filter((t) => t.accountId && r.requested.targets.includes(t.accountId));
  return html`<section class="panel" aria-labelledby="h-decide"><h2 id="h-decide">Decision</h2>
<p>Now: ${stateBadge(d.state)}.${r.approved ? html` Approved for production: ${r.approved.categories.map((c) => categoryTitle(c)).join(", ")}.` : ""}</p>
<form method="post" action="${base}/transition" class="staff-action">${csrfField(pc)}
<label for="to">Next step</label>
<select id="to" name="to" required>${r.next.map((s) => html`<option value="${s}">${STATE_TITLES[s]}</option>`)}</select>
<fieldset><legend>Scope (for “narrowed” and “approved”)</legend>
${known.map((t) => html`<label class="check"><input type="checkbox" name="targets" value="${t.accountId}" checked> @${t.handle}</label>`)}
${r.requested.categories.map((c) => {
  const a = r.assessment.categories.find((x) => x.category === c);
  return html`<label class="check"><input type="checkbox" name="categories" value="${c}"${a?.compellable ? "" : ""}> ${categoryTitle(c)}${a && !a.compellable ? html` <span class="hint">(${a.voluntary ? "voluntary only" : "cannot be compelled"})</span>` : ""}</label>`;
})}
</fieldset>
<label for="t-reason">Reason</label><textarea id="t-reason" name="reason" required rows="3" maxlength="10000"></textarea>
<button type="submit">Record the step</button>
</form>
${reasonForm(pc, `${base}/intent`, "Tell the account holder what Publius intends", { field: "text", multiline: true, hint: "Shown in their notice. Without it the notice says what the current state implies." })}
${reasonForm(pc, `${base}/note`, "Add a note", { field: "text", multiline: true })}
</section>`;
}

function preservationPanel(pc: PageContext, r: DemandReview, list: Preservation[], base: string): SafeHtml {
  const handle = (id: string) => r.targets.find((t) => t.accountId === id)?.handle ?? id;
  return html`<section class="panel" aria-labelledby="h-preserve"><h2 id="h-preserve">Preservation</h2>
<p class="hint">A snapshot of what Publius holds about each named account, kept 90 days, extendable once by 90 on a renewed request, then destroyed by itself (18 U.S.C. § 2703(f)). The holder learns of it through the notice.</p>
${
  list.length
    ? html`<ul>${list.map(
        (p) =>
          html`<li>@${handle(p.accountId)}: made ${formatDay(p.createdDay)}, SHA-256 <code>${shortHash(p.sha256)}</code>, ${p.destroyedDay ? html`destroyed ${formatDay(p.destroyedDay)}` : html`kept until ${formatDay(p.expiresDay)}${p.extended ? " (extended)" : ""} — <a href="${base}/preservations/${p.id}">view</a>${p.extended ? "" : reasonForm(pc, `${base}/preservations/${p.id}/extend`, "Extend by 90 days", { hint: "Only on a renewed request, once." })}`}</li>`,
      )}</ul>`
    : html`<p>Nothing preserved.</p>`
}
${r.next.length ? reasonForm(pc, `${base}/preserve`, "Preserve the named accounts' records") : ""}
</section>`;
}

function productionPanel(pc: PageContext, r: DemandReview, list: Production[], base: string): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-produce"><h2 id="h-produce">Production</h2>
<p class="hint">Only approved categories for approved accounts, signed with the server's key. Two different legal staff must approve the exact package; nobody can release one alone.</p>
${
  list.length
    ? html`<ul>${list.map(
        (p) =>
          html`<li><a href="${base}/productions/${p.id}">Package of ${formatDateTime(p.createdAt)}</a>: ${p.releasedAt ? html`<strong>released</strong> ${formatDateTime(p.releasedAt)}` : p.current ? `${p.approvals.length} of 2 approvals` : "superseded"}${p.approvals.length ? html` (${p.approvals.map((a) => `@${a.handle}`).join(", ")})` : ""}</li>`,
      )}</ul>`
    : ""
}
${r.demand.state === "approved" ? html`<form method="post" action="${base}/productions" class="inline">${csrfField(pc)}<button type="submit">Prepare the production package</button></form>` : html`<p>A package can be prepared once the demand is approved.</p>`}
</section>`;
}

function responses(r: DemandReview): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-responses"><h2 id="h-responses">Responses from account holders</h2>
${r.responses.length ? html`<ul>${r.responses.map((x) => html`<li>@${x.account}, ${formatDay(x.createdDay)}: <blockquote>${x.body}</blockquote></li>`)}</ul>` : html`<p>None yet.</p>`}
</section>`;
}

function history(r: DemandReview): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-history"><h2 id="h-history">History</h2>
<table><caption>Every event, oldest first (append-only)</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Reason</th></tr></thead>
<tbody>${r.demand.events.map(
    (e) =>
      html`<tr><td>${formatDateTime(e.createdAt)}</td><td>${e.actorId ? `@${r.actors.get(e.actorId) ?? "(account holder or deleted)"}` : "Publius"}</td><td>${e.kind.replaceAll("_", " ")}</td><td>${e.reason}</td></tr>`,
  )}</tbody></table>
<p><a href="/staff/legal/audit?demand=${r.demand.id}">Audit entries for this demand</a></p>
</section>`;
}
