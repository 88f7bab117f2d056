// The public pages of issue 6 that are not the transparency report: the warrant canary, the
// law-enforcement guidelines and "about this server". The guidelines are generated from the
// legal-process matrix, the data inventory and the legal settings, so they cannot drift from what
// the server does. Every page shows the instance key's fingerprint and where the key is published.
import type { LegalConfig } from "../../config/legal.ts";
import { CATEGORIES, type CategoryInfo, DATA_INVENTORY, type DataCategory } from "../../domain/data-inventory.ts";
import { DEMAND_CATEGORIES } from "../../domain/legal/categories.ts";
import { type LegalMatrix, TIER_TITLES, TIERS } from "../../domain/legal/matrix.ts";
import { PROCESS_TYPES } from "../../domain/legal/process.ts";
import type { CurrentCanary } from "../../services/legal/canary.ts";
import { receivedSentence } from "../../services/legal/canary.ts";
import { PRESERVATION_DAYS } from "../../services/legal/preservation.ts";
import { type PublicKeyInfo, SIGNING_KEY_PATH } from "../../services/legal/signing.ts";
import { html, type SafeHtml } from "./html.ts";

const capital = (s: string) => s.slice(0, 1).toUpperCase() + s.slice(1);

/** The signing key block every one of these pages carries. */
export function signingKeyBlock(key: PublicKeyInfo): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-key"><h2 id="h-key">This server's signing key</h2>
<p>The warrant canary and every legal production are signed with this server's Ed25519 key. Its fingerprint (the SHA-256 of the raw 32-byte public key):</p>
<p><code id="key-fingerprint">${key.fingerprint}</code></p>
<p>The key is published at <a href="${SIGNING_KEY_PATH}">${SIGNING_KEY_PATH}</a> (JSON) and <a href="${SIGNING_KEY_PATH}.pem">${SIGNING_KEY_PATH}.pem</a> (PEM). Note the fingerprint down somewhere outside this server: if it ever changes without an announcement, treat what is signed with the new key with suspicion.</p>
</section>`;
}

export function canaryPage(p: {
  current: CurrentCanary | undefined;
  key: PublicKeyInfo;
  today: string;
  /** The server's public origin, so the command can be copied as it is. */
  publicUrl: string;
}): SafeHtml {
  const c = p.current?.published;
  const status = !c
    ? html`<div class="error" role="alert"><p><strong>There is no warrant canary.</strong> This server has never published a signed statement, so none can be relied on.</p></div>`
    : c.expired
      ? html`<div class="error" role="alert" id="canary-status"><p><strong>This canary has EXPIRED.</strong> It was due to be renewed by ${c.canary.next_renewal_day} and no new statement has been published since. Do not rely on what it says: it may no longer be true, or the operator may no longer be free to say it.</p></div>`
      : html`<p id="canary-status"><strong>Current.</strong> Signed on ${c.canary.issued_day}; a new statement is due by <strong>${c.canary.next_renewal_day}</strong>. If none appears by then, this page will say that the canary has expired.</p>`;
  return html`<section class="panel"><h1>Warrant canary</h1>
<p>A dated statement of which kinds of legal demand this server has received, signed with its key and renewed on a schedule. If a statement ever disappears from it, or it is not renewed in time, draw your own conclusions: the operator may have received something they are not allowed to talk about.</p>
${status}
</section>
${
  c
    ? html`<section class="panel" aria-labelledby="h-statement"><h2 id="h-statement">Statement of ${c.canary.issued_day}</h2>
<p>For ${c.canary.instance}.</p>
<ul id="canary-statements">${c.canary.statements.map((s) => html`<li>${s}</li>`)}</ul>
<h3>Demands received since this server began</h3>
<p>Counted from the server's demand records when the statement was signed.</p>
<ul id="canary-received">${c.canary.received.map((r) => html`<li>${receivedSentence(r)}</li>`)}</ul>
<dl><dt>Signed</dt><dd>${c.canary.issued_day}</dd>
<dt>Next renewal due by</dt><dd>${c.canary.next_renewal_day}</dd>
<dt>Legal audit log head when signed</dt><dd><code>${c.canary.audit_head}</code></dd>
<dt>Signed with key</dt><dd><code>${c.canary.key_fingerprint}</code></dd>
<dt>Signature (Ed25519, base64)</dt><dd><code id="canary-signature">${c.signature}</code></dd></dl>
${
  p.current?.history.length
    ? html`<h3>Earlier statements</h3><ul>${p.current.history.map((h) => html`<li>Signed ${h.issued_day}, due for renewal by ${h.next_renewal_day}</li>`)}</ul>`
    : ""
}
</section>`
    : ""
}
<section class="panel" aria-labelledby="h-verify"><h2 id="h-verify">Checking it yourself</h2>
<p>The statement, signature and key are at <a href="/canary.json">/canary.json</a>. The signature is over the UTF-8 bytes of the <code>canary</code> object written as canonical JSON (keys sorted at every level, no spaces). With Publius:</p>
<pre><code>publius canary verify ${p.publicUrl}/canary.json --key publius-signing-key.pem</code></pre>
<p>Without it, any Ed25519 implementation will do; <code>"expired": true</code> in the JSON is computed when it is served, from the renewal date.</p>
</section>
${signingKeyBlock(p.key)}`;
}

const TIER_ORDER = new Map(TIERS.map((t, i) => [t, i]));

function inventoryTables(category: DataCategory): string[] {
  return DATA_INVENTORY.filter((t) => Object.values(t.columns).some((c) => c.category === category)).map(
    (t) => t.table,
  );
}

export function guidelinesPage(p: {
  instanceName: string;
  publicUrl: string;
  matrix: LegalMatrix;
  legal: LegalConfig;
  key: PublicKeyInfo;
  /** The data inventory's categories (tests pass a changed list). */
  categories?: readonly CategoryInfo[];
}): SafeHtml {
  const categories = p.categories ?? CATEGORIES;
  const held = categories.filter((c) => !c.notCollected);
  const never = categories.filter((c) => c.notCollected);
  const demandable = DEMAND_CATEGORIES.filter((c) => {
    const info = categories.find((x) => x.id === c);
    return info !== undefined && !info.notCollected;
  }).sort((a, b) => (TIER_ORDER.get(p.matrix.tiers[a]) ?? 0) - (TIER_ORDER.get(p.matrix.tiers[b]) ?? 0));
  const reach = (process: (typeof PROCESS_TYPES)[number]) => {
    const rule = p.matrix.processes[process.id];
    return rule.compels.length
      ? rule.compels.map((t) => TIER_TITLES[t]).join("; ")
      : rule.voluntary
        ? "nothing compelled; voluntary disclosure only, on a good-faith statement"
        : "nothing";
  };
  return html`<section class="panel"><h1>Guidelines for law enforcement and other requesters</h1>
<p>How ${p.instanceName} (${p.publicUrl}) answers legal process. This page is generated from the rules the server itself applies — its legal-process matrix and its data inventory — so it says what the software does, not what someone wrote once. Nothing here waives any objection; every demand is reviewed on its own terms.</p>
</section>
<section class="panel" aria-labelledby="h-never"><h2 id="h-never">What this server never collects</h2>
<p>These are not collected by design. A demand for them is answered, for every account, with "not collected by design": there is nothing to produce, now or later.</p>
<ul id="not-collected">${never.map((c) => html`<li id="never-${c.id}"><strong>${c.title}</strong>: ${c.description}</li>`)}</ul>
</section>
<section class="panel" aria-labelledby="h-held"><h2 id="h-held">What it holds</h2>
<table id="held" class="reflow"><caption>Categories of data held, with the process that can compel each</caption>
<thead><tr><th scope="col">Category</th><th scope="col">What it is</th><th scope="col">Tier</th><th scope="col">Can be compelled by</th></tr></thead>
<tbody>${held.map((c) => {
    const tier = p.matrix.tiers[c.id as Exclude<DataCategory, "none">];
    const by = PROCESS_TYPES.filter((x) => tier && p.matrix.processes[x.id].compels.includes(tier)).map((x) => x.title);
    return html`<tr id="held-${c.id}"><th scope="row">${c.title}</th><td data-label="What it is">${c.description}</td><td data-label="Tier">${tier ? TIER_TITLES[tier] : ""}</td><td data-label="Can be compelled by">${by.length ? by.join(", ") : "no process listed"}</td></tr>`;
  })}</tbody></table>
<p>Records kept per category: ${demandable.map((c, i) => html`${i ? "; " : ""}${categories.find((x) => x.id === c)?.title ?? c} (${inventoryTables(c).join(", ") || "none"})`)}. There are no sign-in times, no last-seen times, no addresses of any kind, and no private messages.</p>
</section>
<section class="panel" aria-labelledby="h-process"><h2 id="h-process">Which process reaches what</h2>
<table id="matrix" class="reflow"><caption>The legal-process matrix this server applies</caption>
<thead><tr><th scope="col">Process</th><th scope="col">Reaches</th></tr></thead>
<tbody>${PROCESS_TYPES.map((x) => html`<tr id="process-${x.id}"><th scope="row">${capital(x.title)}</th><td data-label="Reaches">${reach(x)}</td></tr>`)}</tbody></table>
<p>A demand that asks for more than its process can compel is objected to, or narrowed, for the part it cannot reach. Before any data that could identify a pseudonymous speaker is produced, either a court order compelling it is recorded or every part of a First-Amendment unmasking test is found met. Every demand is recorded and reviewed by staff with the legal role.</p>
</section>
<section class="panel" aria-labelledby="h-notice"><h2 id="h-notice">Notice to the account holder, and non-disclosure orders</h2>
<p><strong>We tell the account holder by default, at once</strong>, when a demand names their account, and give them ${p.legal.responseDays} days to respond or seek counsel before we act. A request for secrecy, however worded, does not change this.</p>
<p>Only a <strong>court order that forbids notice</strong> (for example under 18 U.S.C. § 2705(b)) delays it. Serve the order with the demand, or as soon as it is issued, and <strong>state its end date</strong>: the notice is sent by itself on the day after the order ends. An order without an end date is challenged, since the law allows secrecy only for as long as the court deems appropriate.</p>
</section>
<section class="panel" aria-labelledby="h-preserve"><h2 id="h-preserve">Preservation</h2>
<p>On a preservation request (18 U.S.C. § 2703(f)) we preserve the records that exist when it arrives for the named accounts, for <strong>${PRESERVATION_DAYS} days</strong>, which a renewed request before expiry extends <strong>once</strong> by another ${PRESERVATION_DAYS} days. Preserved copies are then destroyed. Preservation creates no record that did not exist and discloses nothing: disclosure still needs process.</p>
</section>
<section class="panel" aria-labelledby="h-emergency"><h2 id="h-emergency">Emergency requests</h2>
<p>An emergency request compels nothing. We may disclose voluntarily (18 U.S.C. § 2702(b)(8), (c)(4)) only when the request states in good faith that there is a danger of death or serious physical injury requiring disclosure without delay, and only the narrowest data that meets it. The good-faith statement is recorded, two legal staff must approve, and the account holder is told afterwards like any other.</p>
</section>
<section class="panel" aria-labelledby="h-serve"><h2 id="h-serve">Where to serve documents</h2>
${
  p.legal.serviceAddress
    ? html`<p id="service-address">${p.legal.serviceAddress.split(/\r?\n/).map((line, i) => html`${i ? html`<br>` : ""}${line}`)}</p>`
    : html`<p id="service-address">The operator has not published an address for service. Process that reaches this server must be served on its operator.</p>`
}
<p>Name the accounts by their handle on this server (for example <code>@handle</code>) and the categories of data requested. Include the document itself; we keep it, with its SHA-256, in the demand record.</p>
</section>
<section class="panel" aria-labelledby="h-productions"><h2 id="h-productions">How productions are signed and verified</h2>
<p>A production is a package: <code>production.json</code> (each approved category with its records, or an explicit "not collected by design" or "none held"), <code>report.html</code> (the same, readable, standalone), <code>manifest.json</code> (every file's SHA-256 and size, the demand, the server and the key's fingerprint) and <code>manifest.sig</code>, the Ed25519 signature (base64) over the exact bytes of <code>manifest.json</code>. Two different legal staff must approve it before it is released.</p>
<p>To check one: <code>publius production verify ./package --key publius-signing-key.pem</code>, or without Publius, <code>openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in manifest.json -sigfile &lt;(base64 -d manifest.sig)</code> and <code>sha256sum</code> on the files.</p>
</section>
<section class="panel" aria-labelledby="h-public"><h2 id="h-public">What we publish</h2>
<p>Every demand is counted in the <a href="/transparency">transparency report</a>; the <a href="/canary">warrant canary</a> is renewed on a schedule; every step on a demand is written to a hash-chained <a href="/audit-head">audit log</a> whose head is public.</p>
</section>
${signingKeyBlock(p.key)}`;
}

export function aboutPage(p: { instanceName: string; publicUrl: string; key: PublicKeyInfo }): SafeHtml {
  return html`<section class="panel"><h1>About this server</h1>
<p>${p.instanceName} (${p.publicUrl}) runs Publius, a microblogging server for people who speak under a pseudonym. These are its promises, and the software keeps them:</p>
<ul id="promises">
<li><strong>No e-mail, no phone number, no IP address.</strong> We never ask for them and never record them, so no one can demand them from us. See the <a href="/privacy">privacy policy</a> for everything we do keep.</li>
<li><strong>You are told.</strong> If a legal demand names your account, we tell you at once and give you time to respond — unless a court order forbids it, and then only until the order's end date.</li>
<li><strong>Two people, never one.</strong> Nothing about an account is handed over unless two different staff members with the legal role approve it, after the demand has been reviewed against the law.</li>
<li><strong>Signed productions.</strong> Whatever is handed over is signed with this server's key, so no one can add to it or change it afterwards unnoticed.</li>
<li><strong>A warrant canary.</strong> A signed, dated statement of which kinds of demand we have received, renewed on a schedule: <a href="/canary">/canary</a>. If it is not renewed in time, the page says so by itself.</li>
<li><strong>A transparency report.</strong> How many demands came, from whom and what was done: <a href="/transparency">/transparency</a>.</li>
<li><strong>An audit log no one can quietly rewrite.</strong> Every step on a demand, and every time staff look at non-public data, is logged in a hash chain whose head is public: <a href="/audit-head">/audit-head</a>.</li>
<li><strong>Rules in the open.</strong> What we hold, what we never collect and which legal process reaches what: <a href="/legal/guidelines">guidelines for law enforcement</a>.</li>
</ul>
</section>
${signingKeyBlock(p.key)}`;
}
