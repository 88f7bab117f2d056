// A post as a page shows it: author, time, content warning, content, images, counts and actions.
import type { Account } from "../../domain/account.ts";
import type { Status } from "../../domain/status.ts";
import { formatDateTime, handleTag, personName, relativeTime } from "./format.ts";
import { html, type SafeHtml, trusted } from "./html.ts";
import { icon } from "./icons.ts";
import { avatar, gallery } from "./media.ts";
import { actionButton, type PageContext } from "./page.ts";

export function permalink(s: Status): string {
  return `/@${s.account.handle}/${s.id}`;
}

export function accountName(a: Account): SafeHtml {
  return html`<a href="/@${a.handle}" class="author"><strong dir="auto">${personName(a)}</strong> ${handleTag(a.handle)}</a>`;
}

const VISIBILITY_LABEL: Record<string, string> = {
  public: "Public",
  unlisted: "Unlisted",
  private: "Followers only",
};

/** The page's own path without a one-time notice: where an action comes back to. */
export function returnPath(pc: PageContext): string {
  const [path = "/", query = ""] = pc.path.split("#")[0]?.split("?") ?? [];
  const kept = query
    .split("&")
    .filter((p) => p !== "" && !p.startsWith("notice="))
    .join("&");
  return kept ? `${path}?${kept}` : path;
}

/** The id of a post's article on a page; `key` tells apart two showings of one post. */
export function postAnchor(status: Status, key?: string): string {
  return `post-${status.id}${key ? `-${key}` : ""}`;
}

export interface CardOptions {
  /** The post a thread page is about: bigger, and its author's name is the page's heading. */
  focus?: boolean;
  /** Shown inside a form (report, delete, the staff's report card): no buttons of its own. */
  quoted?: boolean;
  /** Tells apart two showings of the same post on one page (notifications). */
  key?: string;
}

function actionBar(pc: PageContext, shown: Status, back: string): SafeHtml {
  if (!pc.me) return html``;
  const mine = pc.me.id === shown.account.id;
  const withIcon = (name: Parameters<typeof icon>[0], text: string) => html`${icon(name)}<span>${text}</span>`;
  const toggle = (
    on: boolean,
    verb: string,
    undo: string,
    label: string,
    undoLabel: string,
    name: Parameters<typeof icon>[0],
  ) =>
    actionButton(pc, `/statuses/${shown.id}/${on ? undo : verb}`, withIcon(name, on ? undoLabel : label), {
      pressed: on,
      className: "act",
      back,
      enhance: verb,
    });
  const repost =
    shown.visibility === "private"
      ? html`<span class="act disabled" title="Followers-only posts cannot be reposted">${withIcon("repost", "Repost")}<span class="visually-hidden"> (not possible for followers-only posts)</span></span>`
      : toggle(shown.reblogged, "reblog", "unreblog", "Repost", "Undo repost", "repost");
  const own = mine
    ? html`<a class="act" href="/statuses/${shown.id}/edit">${withIcon("edit", "Edit")}</a><a class="act danger-link" href="/statuses/${shown.id}/delete">${withIcon("delete", "Delete")}</a>`
    : html`<a class="act" href="/statuses/${shown.id}/report">${withIcon("report", "Report")}</a>`;
  return html`<div class="actions" role="group" aria-label="Actions">
    <a class="act" href="/compose?in_reply_to=${shown.id}">${withIcon("reply", "Reply")}</a>
    ${repost}
    ${toggle(shown.favourited, "favourite", "unfavourite", "Like", "Unlike", "like")}
    ${toggle(shown.bookmarked, "bookmark", "unbookmark", "Bookmark", "Remove bookmark", "bookmark")}
    <span class="apart">${own}</span>
  </div>`;
}

export function statusCard(pc: PageContext, status: Status, options: CardOptions = {}): SafeHtml {
  const shown = status.reblog ?? status;
  const anchor = postAnchor(status, options.key);
  const by = status.reblog ? html`<p class="reposted">${accountName(status.account)} reposted</p>` : html``;
  const lang = shown.language ? html` lang="${shown.language}"` : "";
  const content = html`<div class="content" dir="auto"${lang}>${trusted(shown.content)}</div>${gallery(shown)}`;
  const body = shown.spoilerText
    ? html`<details class="cw"><summary><span dir="auto"${lang}>${shown.spoilerText}</span> <span class="more">(show post${shown.media.length ? html` and ${shown.media.length === 1 ? "image" : `${shown.media.length} images`}` : ""})</span></summary>${content}</details>`
    : content;
  const heading = options.focus ? "h1" : "h2";
  const back = `${returnPath(pc)}#${anchor}`;
  return html`<article class="status${options.focus ? " focus" : ""}" id="${anchor}" aria-labelledby="${anchor}-author">
    ${by}
    <header>
      <a href="/@${shown.account.handle}" class="avatar-link" tabindex="-1" aria-hidden="true">${avatar(shown.account, options.focus ? 56 : 44)}</a>
      <div class="meta">
      ${trusted(`<${heading} class="by" id="${anchor}-author">`)}${accountName(shown.account)}${trusted(`</${heading}>`)}
      <span class="when"><a href="${permalink(shown)}" class="time"><time datetime="${shown.createdAt}" title="${formatDateTime(shown.createdAt)}">${relativeTime(shown.createdAt, pc.now)}</time></a>
      <span class="visibility">${VISIBILITY_LABEL[shown.visibility] ?? shown.visibility}</span>
      ${shown.editedAt ? html`<a href="${permalink(shown)}/history" class="edited">edited</a>` : ""}</span>
      </div>
    </header>
    ${shown.inReplyToId ? html`<p class="replying"><a href="/statuses/${shown.inReplyToId}">In reply to a post</a></p>` : ""}
    ${body}
    <p class="counts"><span data-count="replies">${shown.repliesCount} ${shown.repliesCount === 1 ? "reply" : "replies"}</span> · <span data-count="reblogs">${shown.reblogsCount} ${shown.reblogsCount === 1 ? "repost" : "reposts"}</span> · <span data-count="favourites">${shown.favouritesCount} ${shown.favouritesCount === 1 ? "like" : "likes"}</span></p>
    ${options.quoted ? "" : actionBar(pc, shown, back)}
  </article>`;
}

/** A list of posts; a repost of a post already shown higher up is left out. */
export function statusList(pc: PageContext, statuses: Status[], empty: string): SafeHtml {
  if (statuses.length === 0) return html`<p class="empty">${empty}</p>`;
  const seen = new Set<string>();
  const shown = statuses.filter((s) => {
    const id = (s.reblog ?? s).id;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return html`<div class="feed">${shown.map((s) => statusCard(pc, s))}</div>`;
}

export interface PagerState {
  /** There is something older than the page's last item. */
  older: boolean;
  /** There is something newer than the page's first item. */
  newer: boolean;
}

/** "Newer" / "Older" links for keyset paging, each only when there is something there. */
export function pager(basePath: string, items: { id: string }[], state: PagerState): SafeHtml {
  const sep = basePath.includes("?") ? "&" : "?";
  const first = items[0]?.id;
  const last = items[items.length - 1]?.id;
  if (!(state.newer || (state.older && last))) return html``;
  return html`<nav class="pager" aria-label="Pages">
    ${state.newer ? html`<a href="${first ? `${basePath}${sep}min_id=${first}` : basePath}" rel="prev">Newer</a>` : ""}
    ${state.older && last ? html`<a href="${basePath}${sep}max_id=${last}" rel="next">Older</a>` : ""}
  </nav>`;
}

/** The viewer's bookmarks; paging runs on when each was bookmarked, not on the posts' ids. */
export function bookmarksPage(
  pc: PageContext,
  p: { statuses: Status[]; newestId: string | undefined; oldestId: string | undefined; older: boolean; newer: boolean },
): SafeHtml {
  return html`<h1>Bookmarks</h1>
<p class="intro">Only you see what you bookmark; the author is not told.</p>
<section aria-label="Your bookmarks">
${statusList(pc, p.statuses, "No bookmarks yet. The Bookmark button under a post keeps it here.")}
${
  p.older || p.newer
    ? html`<nav class="pager" aria-label="Pages">${p.newer ? html`<a href="/bookmarks?min_id=${p.newestId ?? ""}" rel="prev">Newer</a>` : ""}${p.older ? html`<a href="/bookmarks?max_id=${p.oldestId ?? ""}" rel="next">Older</a>` : ""}</nav>`
    : ""
}
</section>`;
}
