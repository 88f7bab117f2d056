// The human-readable report in a production package: a standalone HTML file (no scripts, no outside
// references) with the same content as production.json. Everything is escaped.
import { escapeHtml } from "../../domain/text.ts";
import type { ProductionData } from "./package.ts";

const e = (v: unknown) => escapeHtml(v === null || v === undefined ? "" : String(v));

export function productionReportHtml(data: ProductionData, signer: { fingerprint: string; keyUrl: string }): string {
  const d = data.demand;
  const targets = data.targets
    .map((t) => {
      const categories = t.categories
        .map((c) => {
          const records = c.records
            .slice(0, 100_000)
            .map(
              (r) =>
                `<table><caption>${e(r.table)}</caption><tbody>${Object.entries(r.fields)
                  .map(
                    ([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${v === null ? "<i>empty</i>" : e(v)}</td></tr>`,
                  )
                  .join("")}</tbody></table>`,
            )
            .join("\n");
          return `<section><h3>${e(c.title)}</h3><p><strong>${e(c.statement)}</strong></p>${records}</section>`;
        })
        .join("\n");
      return `<section><h2>@${e(t.handle)} <small>(account ${e(t.account_id)})</small></h2>${categories}</section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Production for ${e(d.reference || d.id)} — ${e(data.instance)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #999;padding:.2rem .4rem;text-align:left;vertical-align:top}caption{text-align:left;font-weight:bold}</style>
</head>
<body>
<h1>Production of records</h1>
<dl>
<dt>Server</dt><dd>${e(data.instance)}</dd>
<dt>Demand</dt><dd>${e(d.process.replaceAll("_", " "))} from ${e(d.agency)} (${e(d.country)}), reference ${e(d.reference || "none")}, received ${e(d.received)}</dd>
<dt>Authority cited</dt><dd>${e(d.authority)}</dd>
<dt>Requested</dt><dd>${e(d.requested_verbatim)}</dd>
<dt>Generated</dt><dd>${e(data.generated_at)}</dd>
</dl>
<p>Only the categories approved for production are included, each with its records or an explicit statement that none are held or that the server does not collect such data by design. The files of this package are listed with their SHA-256 in manifest.json, which is signed with the server's Ed25519 key (fingerprint <code>${e(signer.fingerprint)}</code>, published at <code>${e(signer.keyUrl)}</code>). Check it with <code>publius production verify &lt;folder&gt;</code>.</p>
${targets}
</body>
</html>
`;
}
