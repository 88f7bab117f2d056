// The intake form: the same fields as the JSON file `publius demand add` reads (field names are the
// JSON paths, so a problem is reported beside its field).
import { CATEGORIES } from "../../domain/data-inventory.ts";
import { PROCESS_TYPES } from "../../domain/legal/process.ts";
import { html, type SafeHtml } from "../web/html.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "../web/page.ts";
import { legalTabs } from "./legal-common.ts";

export type IntakeValues = Record<string, string | string[]>;

export function intakePage(
  pc: PageContext,
  p: { values: IntakeValues; fields?: Record<string, string> | undefined; maxSize: string },
): SafeHtml {
  const f = p.fields;
  const v = (name: string) => {
    const x = p.values[name];
    return typeof x === "string" ? x : "";
  };
  const chosen = new Set(
    Array.isArray(p.values["requested.categories"]) ? p.values["requested.categories"] : [v("requested.categories")],
  );
  const errorsNotShown = Object.entries(f ?? {}).filter(
    ([k]) =>
      ![
        "process",
        "agency",
        "country",
        "requester.name",
        "requester.contact",
        "authority",
        "reference",
        "received",
        "due",
        "targets",
        "requested.verbatim",
        "requested.categories",
        "document",
        "nondisclosure_order.court",
        "nondisclosure_order.docket",
        "nondisclosure_order.end_date",
        "good_faith_statement",
      ].includes(k),
  );
  const input = (
    name: string,
    label: string,
    options: { hint?: string; required?: boolean; type?: string; max?: number } = {},
  ) =>
    html`<label for="${name}">${label}</label>
${options.hint ? html`<p class="hint" id="${name}-hint">${options.hint}</p>` : ""}
<input id="${name}" name="${name}" type="${options.type ?? "text"}" value="${v(name)}"${options.required ? html` required` : ""} maxlength="${options.max ?? 1000}"${describedBy(f, name)}>
${fieldError(f, name)}`;
  return html`<h1>Record a legal demand</h1>${legalTabs("/staff/legal/demands/new")}
${f ? html`<p class="error" role="alert">The demand was not recorded: ${Object.keys(f).length} ${Object.keys(f).length === 1 ? "field needs" : "fields need"} attention. Nothing was saved${p.values.had_document ? "; attach the document again" : ""}.</p>` : ""}
${errorsNotShown.length ? html`<ul class="error">${errorsNotShown.map(([k, m]) => html`<li><code>${k}</code>: ${m}</li>`)}</ul>` : ""}
<form method="post" action="/staff/legal/demands" enctype="multipart/form-data" class="panel">
${csrfField(pc)}
<fieldset><legend>The process</legend>
<label for="process">Kind of process</label>
<select id="process" name="process" required${describedBy(f, "process")}>
<option value="">Choose…</option>
${PROCESS_TYPES.map((t) => html`<option value="${t.id}"${v("process") === t.id ? html` selected` : ""}>${t.title}</option>`)}
</select>
${fieldError(f, "process")}
${input("agency", "Issuing agency or party", { required: true, max: 300 })}
${input("country", "Country (two-letter code)", { required: true, max: 2, hint: "ISO 3166-1, e.g. US." })}
${input("requester.name", "Requester (the official who signed or sent it)", { required: true, max: 300 })}
${input("requester.contact", "How the requester asks to be answered", { max: 1000 })}
${input("authority", "Legal authority cited", { required: true, hint: "As the document states it, e.g. 19 U.S.C. § 1509." })}
${input("reference", "Case or reference number", { max: 300 })}
${input("received", "Received on", { required: true, type: "date" })}
${input("due", "Due by", { type: "date", hint: "Leave empty if it states no date." })}
</fieldset>
<fieldset><legend>Who and what</legend>
<label for="targets">Accounts named (handles)</label>
<p class="hint" id="targets-hint">One per line, as written in the demand. Handles that do not exist here are recorded and reported, never dropped.</p>
<textarea id="targets" name="targets" required rows="3"${describedBy(f, "targets")}>${v("targets")}</textarea>
${fieldError(f, "targets")}
<label for="requested.verbatim">The data requested, word for word</label>
<textarea id="requested.verbatim" name="requested.verbatim" required rows="4" maxlength="20000"${describedBy(f, "requested.verbatim")}>${v("requested.verbatim")}</textarea>
${fieldError(f, "requested.verbatim")}
<fieldset${describedBy(f, "requested.categories")}><legend>The request mapped to categories</legend>
${CATEGORIES.map(
  (c) =>
    html`<label class="check"><input type="checkbox" name="requested.categories" value="${c.id}"${chosen.has(c.id) ? html` checked` : ""}> ${c.title}${c.notCollected ? html` <span class="hint">(not collected by design)</span>` : ""}</label>`,
)}
${fieldError(f, "requested.categories")}
</fieldset>
</fieldset>
<fieldset><legend>Document and secrecy</legend>
<label for="document">The document (PDF or image, at most ${p.maxSize})</label>
<p class="hint">Stored exactly as received, with its SHA-256.</p>
<input id="document" name="document" type="file" accept="application/pdf,image/*"${describedBy(f, "document")}>
${fieldError(f, "document")}
<label class="check"><input type="checkbox" name="secrecy_requested" value="yes"${v("secrecy_requested") === "yes" ? html` checked` : ""}> The requester asked us not to tell anyone</label>
<p class="hint">A request for secrecy does not delay the notice to the account holder. Only a court's non-disclosure order does:</p>
${input("nondisclosure_order.court", "Non-disclosure order: court", { max: 300 })}
${input("nondisclosure_order.docket", "Non-disclosure order: docket number", { max: 300 })}
${input("nondisclosure_order.end_date", "Non-disclosure order: last day of secrecy", { type: "date", hint: "An order without an end date is flagged for challenge and holds the notice until it is lifted." })}
</fieldset>
<fieldset><legend>Emergencies only</legend>
<label for="good_faith_statement">Good-faith statement</label>
<p class="hint">Who is at risk of death or serious physical injury, the nature of the emergency, and why this data is needed (18 U.S.C. § 2702(b)(8)).</p>
<textarea id="good_faith_statement" name="good_faith_statement" rows="3" maxlength="10000"${describedBy(f, "good_faith_statement")}>${v("good_faith_statement")}</textarea>
${fieldError(f, "good_faith_statement")}
</fieldset>
<button type="submit">Record the demand</button>
</form>`;
}
