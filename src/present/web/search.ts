import type { SearchResults } from "../../services/search/search.ts";
import { html, type SafeHtml } from "./html.ts";
import type { PageContext } from "./page.ts";
import { accountList } from "./profile.ts";
import { statusList } from "./status.ts";

export function searchPage(pc: PageContext, p: { q: string; results: SearchResults | undefined }): SafeHtml {
  const r = p.results;
  return html`<h1>Search</h1>
<form method="get" action="/search" role="search" class="panel">
  <label for="q">Accounts, posts or hashtags</label>
  <input id="q" name="q" type="search" value="${p.q}" maxlength="200">
  <button type="submit">Search</button>
</form>
${
  r
    ? html`<section aria-labelledby="r-accounts"><h2 id="r-accounts">Accounts</h2>${accountList(pc, r.accounts, "No accounts found.")}</section>
<section aria-labelledby="r-tags"><h2 id="r-tags">Hashtags</h2>${
        r.hashtags.length
          ? html`<ul class="tags">${r.hashtags.map((t) => html`<li><a href="/tags/${encodeURIComponent(t.name)}">#${t.name}</a> <span class="hint">${t.uses} ${t.uses === 1 ? "post" : "posts"}</span></li>`)}</ul>`
          : html`<p class="empty">No hashtags found.</p>`
      }</section>
<section aria-labelledby="r-posts"><h2 id="r-posts">Posts</h2>${statusList(pc, r.statuses, "No posts found.")}</section>`
    : ""
}`;
}
