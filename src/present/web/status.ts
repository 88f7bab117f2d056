// A post as a page shows it: author, time, content warning, content, counts and actions.
import type { Account } from "../../domain/account.ts";
import type { Status } from "../../domain/status.ts";
import { formatDateTime, handleTag, personName, relativeTime } from "./format.ts";
import { html, type SafeHtml, trusted } from "./html.ts";
import { actionButton, type PageContext } from "./page.ts";

export function permalink(s: Status): string {
  return `/@${s.account.handle}/${s.id}`;
}

export function accountName(a: Account): SafeHtml {
  return html`<a href="/@${a.handle}" class="author"><strong>${personName(a)}</strong> ${handleTag(a.handle)}</a>`;
}

const VISIBILITY_LABEL: Record<string, string> = {
  public: "Public",
  unlisted: "Unlisted",
  private: "Followers only",
};

export function statusCard(pc: PageContext, status: Status, options: { focus?: boolean } = {}): SafeHtml {
  const shown = status.reblog ?? status;
  const by = status.reblog ? html`<p class="reposted">${accountName(status.account)} reposted</p>` : html``;
  const body = shown.spoilerText
    ? html`<details class="cw"><summary>${shown.spoilerText} <span class="more">(show post)</span></summary><div class="content">${trusted(shown.content)}</div></details>`
    : html`<div class="content">${trusted(shown.content)}</div>`;
  const mine = pc.me?.id === shown.account.id;
  const actions = pc.me
    ? html`<div class="actions">
        <a href="/compose?in_reply_to=${shown.id}" class="reply">Reply</a>
        ${
          shown.visibility === "private"
            ? html`<span class="muted" title="Followers-only posts cannot be reposted">Repost</span>`
            : shown.reblogged
              ? actionButton(pc, `/statuses/${shown.id}/unreblog`, "Undo repost", { pressed: true })
              : actionButton(pc, `/statuses/${shown.id}/reblog`, "Repost", { pressed: false })
        }
        ${
          shown.favourited
            ? actionButton(pc, `/statuses/${shown.id}/unfavourite`, "Unlike", { pressed: true })
            : actionButton(pc, `/statuses/${shown.id}/favourite`, "Like", { pressed: false })
        }
        ${mine ? html`<a href="/statuses/${shown.id}/edit">Edit</a> <a href="/statuses/${shown.id}/delete">Delete</a>` : html`<a href="/statuses/${shown.id}/report">Report</a>`}
      </div>`
    : html``;
  const heading = options.focus ? "h1" : "h2";
  return html`<article class="status${options.focus ? " focus" : ""}" aria-labelledby="s${status.id}-author">
    ${by}
    <header>
      ${trusted(`<${heading} class="by" id="s${status.id}-author">`)}${accountName(shown.account)}${trusted(`</${heading}>`)}
      <a href="${permalink(shown)}" class="time"><time datetime="${shown.createdAt}" title="${formatDateTime(shown.createdAt)}">${relativeTime(shown.createdAt, pc.now)}</time></a>
      <span class="visibility">${VISIBILITY_LABEL[shown.visibility] ?? shown.visibility}</span>
      ${shown.editedAt ? html`<a href="${permalink(shown)}/history" class="edited">edited</a>` : ""}
    </header>
    ${shown.inReplyToId ? html`<p class="replying"><a href="/statuses/${shown.inReplyToId}">In reply to a post</a></p>` : ""}
    ${body}
    <p class="counts"><span>${shown.repliesCount} ${shown.repliesCount === 1 ? "reply" : "replies"}</span> · <span>${shown.reblogsCount} ${shown.reblogsCount === 1 ? "repost" : "reposts"}</span> · <span>${shown.favouritesCount} ${shown.favouritesCount === 1 ? "like" : "likes"}</span></p>
    ${actions}
  </article>`;
}

export function statusList(pc: PageContext, statuses: Status[], empty: string): SafeHtml {
  if (statuses.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="feed">${statuses.map((s) => statusCard(pc, s))}</div>`;
}

/** Whether the page shows older or newer posts than the first page: only then is there a "Newer". */
export function isPaged(path: string): boolean {
  return /[?&](max_id|min_id)=/.test(path);
}

/** "Newer" / "Older" links for keyset paging. */
export function pager(basePath: string, items: { id: string }[], options: { hasNewer?: boolean } = {}): SafeHtml {
  if (items.length === 0) return html``;
  const sep = basePath.includes("?") ? "&" : "?";
  const first = items[0]?.id;
  const last = items[items.length - 1]?.id;
  return html`<nav class="pager" aria-label="Pages">
    ${options.hasNewer === false ? "" : html`<a href="${basePath}${sep}min_id=${first}" rel="prev">Newer</a>`}
    <a href="${basePath}${sep}max_id=${last}" rel="next">Older</a>
  </nav>`;
}
