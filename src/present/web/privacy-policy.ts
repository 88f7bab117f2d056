// The privacy policy, generated from the data inventory so it is true by construction.
import { CATEGORIES, DATA_INVENTORY } from "../../domain/data-inventory.ts";
import { html, type SafeHtml } from "./html.ts";
import type { PageContext } from "./page.ts";

/** The policy's text; the web page and GET /api/v1/instance/privacy_policy both show it. */
export function privacyPolicyPage(pc: Pick<PageContext, "instanceName">): SafeHtml {
  const byCategory = new Map<string, { table: string; column: string; purpose: string; retention: string }[]>();
  for (const t of DATA_INVENTORY) {
    for (const [column, info] of Object.entries(t.columns)) {
      if (info.category === "none") continue;
      const list = byCategory.get(info.category) ?? [];
      list.push({ table: t.table, column, purpose: info.purpose, retention: info.retention });
      byCategory.set(info.category, list);
    }
  }
  return html`<h1>Privacy policy</h1>
<p class="intro">${pc.instanceName} runs Publius. This page is generated from the list of everything the software stores, so it cannot say less than the truth. If you are signed in, <a href="/settings/privacy">see every record we hold about you</a>.</p>
<section class="panel" aria-labelledby="never">
<h2 id="never">What we never collect</h2>
<ul>
  <li>No e-mail address, phone number, postal address or real name is ever asked for. Mastodon apps send an e-mail address when you sign up through them; it is thrown away unread.</li>
  <li>No IP address, browser or device description (user agent) is written to our database, our logs, our files or our backups. To stop abuse we count requests in memory under a keyed hash of the address; the key is never written and is replaced every hour, so the counts cannot be tied back to anyone.</li>
  <li>No record of when you last signed in or were last seen exists. Your account keeps only the day it was made; each session keeps the day it began and the day it ends.</li>
  <li>Images are re-encoded: location, camera serial numbers and every other embedded metadata are removed, and the file you uploaded is never stored.</li>
  <li>There are no private messages, no analytics, no trackers, no third-party fonts, scripts or images, and only two cookies: your sign-in session and a form-protection token. Both are strictly necessary, so there is nothing to consent to.</li>
</ul>
</section>
<section aria-labelledby="kept">
<h2 id="kept">What we keep, and why</h2>
${CATEGORIES.filter((c) => !c.notCollected).map(
  (c) => html`<section class="panel" aria-labelledby="p-${c.id}">
  <h3 id="p-${c.id}">${c.title}</h3>
  <p>${c.description}</p>
  ${
    (byCategory.get(c.id) ?? []).length
      ? html`<details><summary>The fields, their purpose and how long they live</summary><table><thead><tr><th scope="col">Field</th><th scope="col">Purpose</th><th scope="col">Kept</th></tr></thead><tbody>${(
          byCategory.get(c.id) ?? []
        ).map(
          (f) =>
            html`<tr><td><code>${f.table}.${f.column}</code></td><td>${f.purpose}</td><td>${f.retention}</td></tr>`,
        )}</tbody></table></details>`
      : html`<p class="hint">Nothing of this kind is stored yet.</p>`
  }
</section>`,
)}
</section>
<section class="panel" aria-labelledby="delete">
<h2 id="delete">Deleting your account</h2>
<p>Deleting your account in the settings removes your profile, posts, likes, follows, sessions and images from the database and the media folder at once. Copies in backups made before then disappear as the operator's backups expire.</p>
</section>`;
}
