// The account holder's side of a legal demand: the list of notices and one notice in full — who
// asked, under what authority, what was asked, what Publius holds per category, what it intends,
// by when, how to respond, and where to find legal help.
import { processWithArticle } from "../../domain/legal/process.ts";
import type { NoticeSummary, NoticeView } from "../../services/legal/notices.ts";
import { formatDateTime, formatDay } from "./format.ts";
import { html, type SafeHtml } from "./html.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "./page.ts";

export function noticesPage(pc: PageContext, notices: NoticeSummary[]): SafeHtml {
  void pc;
  return html`<h1>Legal notices</h1>
<p class="intro">When someone demands data about your account, this server tells you here, unless a court has ordered it not to (it then tells you as soon as the order ends).</p>
${
  notices.length === 0
    ? html`<p class="empty">No legal demand has named your account.</p>`
    : html`<ul class="notifications">${notices.map(
        (n) =>
          html`<li class="notification${n.read ? "" : " unread"}"><p>${n.read ? "" : html`<span class="visually-hidden">New: </span>`}<a href="/legal/notices/${n.id}">A demand from ${n.agency}</a> — notified ${formatDateTime(n.sentAt)}; now ${n.state}.</p></li>`,
      )}</ul>`
}`;
}

export function noticePage(pc: PageContext, n: NoticeView, fields?: Record<string, string>): SafeHtml {
  const d = n.demand;
  return html`<h1>A legal demand names your account</h1>
<section class="panel" aria-labelledby="n-who"><h2 id="n-who">Who asked, and under what authority</h2>
<p>${processWithArticle(d.process, true)} from <strong>${d.agency}</strong> (${d.country}), signed or sent by ${d.requester}${d.reference ? html`, reference ${d.reference}` : ""}, received on ${formatDay(d.receivedDay)}.</p>
<p>Authority cited: <strong>${d.authority}</strong>.</p>
${d.secrecyRequested ? html`<p>The requester asked us to keep this secret. No court has ordered secrecy, so we are telling you.</p>` : ""}
</section>
<section class="panel" aria-labelledby="n-what"><h2 id="n-what">What was asked, and what we hold</h2>
<p>In the demand's own words:</p>
<blockquote>${d.verbatim}</blockquote>
<table><caption>For each kind of data asked for, what this server holds about @${n.handle}</caption>
<thead><tr><th scope="col">Asked for</th><th scope="col">What we hold</th></tr></thead>
<tbody>${n.categories.map(
    (c) =>
      html`<tr><th scope="row">${c.title}</th><td>${c.held.text}${c.flag && !c.flag.includes("voluntarily") ? html`<br><span class="hint">${c.flag}</span>` : ""}</td></tr>`,
  )}</tbody></table>
<p class="hint">The full list is on your <a href="/settings/privacy">“what we hold about you”</a> page.</p>
${
  n.preservations.length
    ? html`<p>${n.preservations.map((p) =>
        p.destroyedDay
          ? html`A copy of your records was preserved on ${formatDay(p.createdDay)} and destroyed on ${formatDay(p.destroyedDay)}. `
          : html`A copy of your records as they were on ${formatDay(p.createdDay)} is preserved until ${formatDay(p.expiresDay)}, then destroyed. `,
      )}</p>`
    : ""
}
</section>
<section class="panel" aria-labelledby="n-intent"><h2 id="n-intent">What we intend to do, and by when</h2>
<p>Status: <strong>${n.stateTitle}</strong>.</p>
<p>${n.intent}</p>
<p>${d.dueDay ? html`The demand asks for an answer by ${formatDay(d.dueDay)}. ` : ""}If you want to respond or object, please do so by <strong>${formatDay(n.respondBy)}</strong>.</p>
</section>
<section class="panel" aria-labelledby="n-respond"><h2 id="n-respond">Respond or object</h2>
<p>What you write here is attached to the demand's record and read by the staff who decide on it. You may also ask a lawyer to contact them.</p>
${n.responses.length ? html`<ul>${n.responses.map((r) => html`<li>You wrote on ${formatDay(r.createdDay)}: <blockquote>${r.body}</blockquote></li>`)}</ul>` : ""}
<form method="post" action="/legal/notices/${n.id}/respond">
${csrfField(pc)}
<label for="body">Your response or objection</label>
<textarea id="body" name="body" required rows="5" maxlength="20000"${describedBy(fields, "body")}></textarea>
${fieldError(fields, "body")}
<button type="submit">Send it to the staff</button>
</form>
</section>
<section class="panel" aria-labelledby="n-help"><h2 id="n-help">Where to find legal help</h2>
<ul>${n.help.map((h) => html`<li><a href="${h.url}" rel="nofollow noopener noreferrer ugc">${h.name}</a></li>`)}</ul>
<p class="hint">Nothing on this page is legal advice.</p>
</section>`;
}
