// The public transparency report page: a period selector (a GET form, and links), the figures as
// tables, and bar charts drawn as inline SVG on the server — readable without JavaScript, each with
// a <title> and a <desc> that says every value in words for screen readers. No style attributes
// (the CSP forbids inline styles): sizes are SVG attributes, colours come from publius.css.
import { PROCESS_TYPES } from "../../domain/legal/process.ts";
import type { Count, Period, TransparencyFigures } from "../../services/legal/transparency.ts";
import { html, type SafeHtml } from "./html.ts";
import type { PageContext } from "./page.ts";

interface Bar {
  label: string;
  value: Count;
}

/** The number a bar is drawn to: a band is drawn to its upper end (and marked as a band). */
function extent(v: Count): number {
  if (typeof v === "number") return v;
  const upper = Number(v.split("-")[1]);
  return Number.isFinite(upper) ? upper : 0;
}

/** A horizontal bar chart. `id` makes the title and description referable. */
export function barChart(id: string, title: string, bars: readonly Bar[]): SafeHtml {
  const row = 28;
  const labelWidth = 260;
  const barSpace = 300;
  const width = labelWidth + barSpace + 60;
  const height = Math.max(1, bars.length) * row + 8;
  const max = Math.max(1, ...bars.map((b) => extent(b.value)));
  const desc = bars.length
    ? bars.map((b) => `${b.label}: ${b.value}`).join("; ")
    : "No demands were received in this period.";
  return html`<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title ${id}-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="bar-chart">
<title id="${id}-title">${title}</title>
<desc id="${id}-desc">${desc}</desc>
${bars.map((b, i) => {
  const y = i * row + 4;
  const w = Math.round((extent(b.value) / max) * barSpace);
  return html`<g class="bar-row">
<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end" class="bar-label">${b.label}</text>
<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${row - 8}" class="${typeof b.value === "number" ? "bar" : "bar banded"}"></rect>
<text x="${labelWidth + w + 6}" y="${y + 18}" class="bar-value">${b.value}</text>
</g>`;
})}
</svg>
<figcaption>${title}</figcaption>
</figure>`;
}

function row(label: string, value: Count | number | null, note = ""): SafeHtml {
  return html`<tr><th scope="row">${label}</th><td>${value === null ? "—" : value}${note}</td></tr>`;
}

export function transparencyPage(
  _pc: PageContext,
  f: TransparencyFigures,
  periods: readonly Period[],
  lengthWord: string,
): SafeHtml {
  const id = f.period.id;
  const processBars = PROCESS_TYPES.map((p) => ({ label: p.title, value: f.by_process[p.id] })).filter(
    (b) => b.value !== 0,
  );
  const outcomeBars: Bar[] = [
    { label: "some data produced", value: f.data_produced.demands },
    { label: "rejected", value: f.outcomes.rejected },
    { label: "narrowed", value: f.outcomes.narrowed },
    { label: "challenged", value: f.outcomes.challenged },
    { label: "withdrawn", value: f.outcomes.withdrawn },
    { label: "not yet answered", value: f.outcomes.pending },
  ];
  return html`<section class="panel transparency"><h1>Transparency report</h1>
<p>Every figure on this page is generated from this server's own records of the legal demands it received — the demand as recorded on arrival and every step taken on it since — so it cannot say anything other than what happened. A demand counts in the ${lengthWord} in which it was received.</p>
<form method="get" action="/transparency" class="period-selector">
<label for="period">Period</label>
<select id="period" name="period">${periods.map((p) => html`<option value="${p.id}"${p.id === id ? html` selected` : ""}>${p.id}</option>`)}</select>
<button type="submit">Show</button>
</form>
<nav aria-label="Periods"><ul class="inline-list">${periods.map((p) => (p.id === id ? html`<li><strong aria-current="page">${p.id}</strong></li>` : html`<li><a href="/transparency?period=${p.id}">${p.id}</a></li>`))}</ul></nav>

<h2>${id}: ${f.period.start} to ${f.period.end}${f.period.complete ? "" : " (in progress)"}</h2>
<p>Download: <a href="/transparency/${id}.csv">CSV</a> · <a href="/transparency/${id}.json">JSON</a> (all periods: <a href="/transparency.json">/transparency.json</a>).</p>
${f.banding ? html`<p class="note">Counts from 1 to ${f.banding.below - 1} are shown as the band “${f.banding.band}”, by the operator's choice, so that a small number cannot point to a person; percentages and delay lengths that would reveal them are left out.</p>` : ""}

<table class="figures"><caption>Demands received</caption><tbody>
${row("Demands", f.demands)}
${row("Accounts specified (handles named)", f.accounts.specified)}
${row("Accounts on this server named", f.accounts.on_server)}
${row("Demands where some data was produced", f.data_produced.demands, f.data_produced.percent === null ? "" : ` (${f.data_produced.percent}%)`)}
${row("Rejected", f.outcomes.rejected)}
${row("Narrowed", f.outcomes.narrowed)}
${row("Challenged", f.outcomes.challenged)}
${row("Withdrawn", f.outcomes.withdrawn)}
${row("Not yet answered", f.outcomes.pending)}
</tbody></table>
${barChart(`outcomes-${id}`, `What happened to the demands received in ${id}`, outcomeBars)}

<table class="figures"><caption>By kind of legal process</caption><thead><tr><th scope="col">Process</th><th scope="col">Demands</th></tr></thead><tbody>
${PROCESS_TYPES.map((p) => row(p.title, f.by_process[p.id]))}
</tbody></table>
${barChart(`process-${id}`, `Demands by kind of legal process, ${id}`, processBars)}

<table class="figures"><caption>By country</caption><thead><tr><th scope="col">Country</th><th scope="col">Demands</th></tr></thead><tbody>
${f.by_country.length ? f.by_country.map((c) => row(c.country, c.demands)) : html`<tr><td colspan="2">None.</td></tr>`}
</tbody></table>
${barChart(
  `country-${id}`,
  `Demands by country, ${id}`,
  f.by_country.map((c) => ({ label: c.country, value: c.demands })),
)}

<table class="figures"><caption>By agency</caption><thead><tr><th scope="col">Agency</th><th scope="col">Country</th><th scope="col">Demands</th></tr></thead><tbody>
${f.by_agency.length ? f.by_agency.map((a) => html`<tr><th scope="row">${a.agency}</th><td>${a.country}</td><td>${a.demands}</td></tr>`) : html`<tr><td colspan="3">None.</td></tr>`}
</tbody></table>

<table class="figures"><caption>Notice to account holders</caption><tbody>
${row("Account holders notified", f.notices.sent)}
${row("Notices delayed by a non-disclosure order", f.notices.delayed_by_order)}
${row("Notices still delayed", f.notices.still_delayed)}
${row("Delay, median (days)", f.notices.delay_days_median)}
${row("Delay, longest (days)", f.notices.delay_days_longest)}
</tbody></table>

<table class="figures"><caption>Preservation, emergencies and content removal</caption><tbody>
${row("Preservation requests", f.preservation.requests)}
${row("Accounts preserved", f.preservation.accounts_preserved)}
${row("Preservation extensions", f.preservation.extensions)}
${row("Emergency requests", f.emergency.requests)}
${row("Emergency requests answered with data", f.emergency.data_produced)}
${row("Content-removal demands", f.content_removal.demands)}
${row("Content-removal demands agreed to", f.content_removal.agreed)}
${row("Content-removal demands rejected", f.content_removal.rejected)}
</tbody></table>

<h2>The audit log at the end of ${id}</h2>
<p>The legal audit log's newest entry on or before ${f.period.end}${f.period.complete ? "" : " (so far)"}: entry ${f.audit_head.seq}, hash <code class="audit-hash">${f.audit_head.hash}</code>. Note it down: if this history were later rewritten, the hash would no longer be found in the log (<code>publius audit verify --head &lt;hash&gt;</code>; the current head is at <a href="/audit-head">/audit-head</a>).</p>
</section>`;
}
