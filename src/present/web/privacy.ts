import type { Holdings } from "../../services/privacy/holdings.ts";
import { html, type SafeHtml } from "./html.ts";
import type { PageContext } from "./page.ts";

const STATE_TEXT = {
  held: "Held",
  none: "None held for this account",
  not_collected: "Not collected by design",
} as const;

export function holdingsPage(pc: PageContext, h: Holdings): SafeHtml {
  void pc;
  return html`<h1>What we hold about you</h1>
<p class="intro">This is every record this server holds about <strong>@${h.handle}</strong>, by category. It is computed by the same code that would answer a legal demand, so it is exactly what any lawful production could contain. <a href="/settings/privacy.json">Download it as JSON</a>. To take your posts, follows and images with you, <a href="/settings/export">download your data</a>.</p>
<nav aria-label="Categories" class="panel"><ul>${h.categories.map(
    (c) =>
      html`<li><a href="#cat-${c.category.id}">${c.category.title}</a>: ${STATE_TEXT[c.state]}${c.state === "held" ? html` (${c.records.length})` : ""}</li>`,
  )}</ul></nav>
${h.categories.map(
  (c) => html`<section class="panel" id="cat-${c.category.id}" aria-labelledby="h-${c.category.id}">
  <h2 id="h-${c.category.id}">${c.category.title}</h2>
  <p class="hint">${c.category.description}</p>
  <p><strong>${STATE_TEXT[c.state]}</strong>${c.state === "held" ? html` — ${c.records.length} ${c.records.length === 1 ? "record" : "records"}` : ""}</p>
  ${
    c.records.length
      ? html`<details><summary>Show the records</summary>${c.records.map(
          (r) =>
            html`<table class="record"><caption>${r.table}</caption><tbody>${Object.entries(r.fields).map(
              ([k, v]) =>
                html`<tr><th scope="row">${k}</th><td>${v === null ? html`<span class="hint">empty</span>` : String(v)}</td></tr>`,
            )}</tbody></table>`,
        )}</details>`
      : ""
  }
</section>`,
)}`;
}
