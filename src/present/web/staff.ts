import type { Account } from "../../domain/account.ts";
import type { ModerationAction, Report } from "../../services/moderation/moderation.ts";
import { formatDateTime, formatDay } from "./format.ts";
import { html, type SafeHtml } from "./html.ts";
import { csrfField, type PageContext } from "./page.ts";
import { statusCard } from "./status.ts";

function staffTabs(current: string): SafeHtml {
  const tab = (href: string, label: string) =>
    html`<a href="${href}"${current === href ? html` aria-current="page"` : ""}>${label}</a>`;
  return html`<nav class="tabs" aria-label="Staff">${tab("/staff", "Reports")} ${tab("/staff/applications", "Applications")} ${tab("/staff/log", "Decisions")}</nav>`;
}

function reasonForm(
  pc: PageContext,
  action: string,
  label: string,
  hidden: SafeHtml = html``,
  danger = false,
): SafeHtml {
  const id = `r-${action.replace(/[^a-z0-9]/gi, "-")}`;
  return html`<form method="post" action="${action}" class="staff-action">
  ${csrfField(pc)}${hidden}
  <label for="${id}">Reason for “${label}”</label>
  <input id="${id}" name="reason" required maxlength="1000">
  <button type="submit"${danger ? html` class="danger"` : ""}>${label}</button>
</form>`;
}

export function reportsPage(pc: PageContext, reports: Report[]): SafeHtml {
  return html`<h1>Moderation</h1>${staffTabs("/staff")}
${
  reports.length === 0
    ? html`<p class="empty">No open reports.</p>`
    : html`<ol class="reports">${reports.map((r) => {
        const hidden = html`<input type="hidden" name="report_id" value="${r.id}">`;
        return html`<li class="panel report">
  <h2>Report ${r.id} <span class="hint">(${formatDay(r.createdDay)})</span></h2>
  <p>About <a href="/@${r.target?.handle ?? ""}">@${r.target?.handle ?? "deleted account"}</a>${r.target?.suspended ? html` <span class="badge">suspended</span>` : ""}, from @${r.reporter?.handle ?? "deleted account"}:</p>
  ${r.category !== "other" ? html`<p>Category: <strong>${r.category}</strong></p>` : ""}
  ${r.reason ? html`<blockquote>${r.reason}</blockquote>` : ""}
  ${r.status ? statusCard(pc, r.status, { quoted: true }) : ""}
  ${r.morePosts > 0 ? html`<p class="hint">…and ${r.morePosts} more ${r.morePosts === 1 ? "post" : "posts"} by the same account.</p>` : ""}
  <div class="staff-actions">
    ${r.status ? reasonForm(pc, `/staff/statuses/${r.status.id}/remove`, "Remove post", hidden, true) : ""}
    ${r.target && !r.target.suspended ? reasonForm(pc, `/staff/accounts/${r.target.id}/suspend`, "Suspend account", hidden, true) : ""}
    ${reasonForm(pc, `/staff/reports/${r.id}/resolve`, "Close without action")}
  </div>
</li>`;
      })}</ol>`
}`;
}

export function applicationsPage(pc: PageContext, apps: { account: Account; reason: string }[]): SafeHtml {
  return html`<h1>Applications</h1>${staffTabs("/staff/applications")}
${
  apps.length === 0
    ? html`<p class="empty">No one is waiting.</p>`
    : html`<ul class="accounts">${apps.map(
        (
          a,
        ) => html`<li class="panel"><h2>@${a.account.handle} <span class="hint">(${formatDay(a.account.createdDay)})</span></h2>
  <blockquote>${a.reason}</blockquote>
  <form method="post" action="/staff/applications/${a.account.id}/approve" class="inline">${csrfField(pc)}<button type="submit">Approve</button></form>
  <form method="post" action="/staff/applications/${a.account.id}/reject" class="inline">${csrfField(pc)}<button type="submit" class="danger">Reject</button></form>
</li>`,
      )}</ul>`
}`;
}

export function decisionsPage(pc: PageContext, actions: ModerationAction[]): SafeHtml {
  void pc;
  return html`<h1>Decisions</h1>${staffTabs("/staff/log")}
<table class="reflow">
<caption>Every moderation decision, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">About</th><th scope="col">Reason</th></tr></thead>
<tbody>${actions.map(
    (a) =>
      html`<tr><td data-label="When">${formatDateTime(a.createdAt)}</td><td data-label="Who">@${a.actor?.handle ?? "operator"}</td><td data-label="What">${a.action.replaceAll("_", " ")}</td><td data-label="About">${a.targetAccount ? html`@${a.targetAccount.handle}` : ""}${a.targetStatusId ? html` post ${a.targetStatusId}` : ""}${a.reportId ? html` (report ${a.reportId})` : ""}</td><td data-label="Reason">${a.reason}</td></tr>`,
  )}</tbody>
</table>`;
}
