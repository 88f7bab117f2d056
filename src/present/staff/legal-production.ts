// One production package as its approvers see it: the manifest hash they approve, every file with
// its SHA-256, and the records themselves.
import type { ProductionView } from "../../services/legal/production.ts";
import { formatDateTime } from "../web/format.ts";
import { html, type SafeHtml } from "../web/html.ts";
import { csrfField, type PageContext } from "../web/page.ts";
import { legalTabs } from "./legal-common.ts";

export function productionPage(
  pc: PageContext,
  p: { view: ProductionView; me: string; error?: string | undefined },
): SafeHtml {
  const v = p.view;
  const base = `/staff/legal/demands/${v.demandId}/productions/${v.id}`;
  const mine = v.approvals.some((a) => a.actorId === p.me);
  return html`<h1>Production package</h1>${legalTabs("")}
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
<p><a href="/staff/legal/demands/${v.demandId}">Back to the demand</a></p>
<section class="panel" aria-labelledby="h-pkg"><h2 id="h-pkg">The package</h2>
<dl>
<dt>Prepared</dt><dd>${formatDateTime(v.createdAt)}</dd>
<dt>Manifest SHA-256</dt><dd><code>${v.manifestSha256}</code></dd>
<dt>Signed with</dt><dd>Ed25519 key <code>${v.fingerprint}</code></dd>
<dt>On disk</dt><dd>${v.intact ? "intact: the signature and every file's hash verify" : html`<strong class="error">does not verify: ${v.problems.join("; ")}</strong>`}</dd>
<dt>Approvals</dt><dd>${v.approvals.length ? v.approvals.map((a) => `@${a.handle} (${formatDateTime(a.at)})`).join(", ") : "none yet"}; ${v.releasedAt ? html`<strong>released ${formatDateTime(v.releasedAt)}</strong>` : "two different legal staff must approve"}</dd>
</dl>
<table><caption>Files</caption><thead><tr><th scope="col">File</th><th scope="col">Bytes</th><th scope="col">SHA-256</th></tr></thead>
<tbody>${v.files.map(
    (f) =>
      html`<tr><td>${v.releasedAt ? html`<a href="${base}/files/${f.name}">${f.name}</a>` : f.name}</td><td>${f.bytes.toLocaleString("en")}</td><td><code>${f.sha256}</code></td></tr>`,
  )}${v.releasedAt ? html`<tr><td><a href="${base}/files/manifest.json">manifest.json</a></td><td></td><td><code>${v.manifestSha256}</code></td></tr><tr><td><a href="${base}/files/manifest.sig">manifest.sig</a></td><td></td><td>signature</td></tr>` : ""}</tbody></table>
${
  v.releasedAt || !v.current
    ? v.current
      ? ""
      : html`<p>A newer package was prepared; this one can no longer be approved.</p>`
    : mine
      ? html`<p><strong>You have approved this package.</strong> A second, different member of the legal staff must approve it.</p>`
      : html`<form method="post" action="${base}/approve" class="staff-action">${csrfField(pc)}
<input type="hidden" name="manifest_sha256" value="${v.manifestSha256}">
<p>By approving you confirm you have read the records below and that this exact package (manifest SHA-256 <code>${v.manifestSha256}</code>) may be handed over.</p>
<button type="submit">Approve this exact package</button></form>`
}
</section>
<section class="panel" aria-labelledby="h-records"><h2 id="h-records">The records (production.json)</h2>
<pre class="package">${v.data}</pre>
</section>`;
}
