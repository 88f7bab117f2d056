import type { Account, Relationship } from "../../domain/account.ts";
import type { Status } from "../../domain/status.ts";
import { formatDay, handleTag, personName, plural } from "./format.ts";
import { html, type SafeHtml } from "./html.ts";
import { avatar, headerImage } from "./media.ts";
import { actionButton, type PageContext } from "./page.ts";
import { type PagerState, pager, statusList } from "./status.ts";

/** A bio is plain text; its hashtags become links to their timelines. */
function noteWithTags(note: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let at = 0;
  for (const m of note.matchAll(/(^|[^\p{L}\p{N}_&#])#([\p{L}\p{N}_]{1,100})/gu)) {
    const start = (m.index ?? 0) + (m[1]?.length ?? 0);
    parts.push(
      html`${note.slice(at, start)}<a href="/tags/${encodeURIComponent((m[2] ?? "").toLowerCase())}">#${m[2]}</a>`,
    );
    at = start + 1 + (m[2]?.length ?? 0);
  }
  parts.push(html`${note.slice(at)}`);
  return html`${parts}`;
}

export function profileHeader(pc: PageContext, account: Account, rel: Relationship | undefined): SafeHtml {
  const isMe = pc.me?.id === account.id;
  const base = `/accounts/${account.id}`;
  let actions: SafeHtml = html``;
  if (pc.me && !isMe && rel) {
    const follow =
      rel.blocking || rel.blockedBy
        ? html``
        : rel.following
          ? actionButton(pc, `${base}/unfollow`, "Unfollow", { className: "button secondary", enhance: "follow" })
          : rel.requested
            ? actionButton(pc, `${base}/unfollow`, "Withdraw follow request", {
                className: "button secondary",
                enhance: "follow",
              })
            : actionButton(pc, `${base}/follow`, account.locked ? "Ask to follow" : "Follow", {
                className: "button",
                enhance: "follow",
              });
    actions = html`<div class="profile-actions">
      ${follow}
      ${rel.muting ? actionButton(pc, `${base}/unmute`, "Unmute", { className: "button secondary" }) : actionButton(pc, `${base}/mute`, "Mute", { className: "button secondary" })}
      ${rel.blocking ? actionButton(pc, `${base}/unblock`, "Unblock", { className: "button secondary" }) : actionButton(pc, `${base}/block`, "Block", { className: "button secondary" })}
      <a href="${base}/report">Report</a>
    </div>
    ${rel.followedBy ? html`<p class="badge">Follows you</p>` : ""}
    ${rel.requestedBy ? html`<p><a href="/follow-requests">Wants to follow you</a></p>` : ""}`;
  } else if (isMe) {
    actions = html`<div class="profile-actions"><a href="/settings/profile" class="button secondary">Edit profile</a></div>`;
  }
  return html`<section class="panel profile" id="profile" aria-labelledby="profile-name">
  ${headerImage(account)}
  <div class="profile-head">${avatar(account, 96)}
  <h1 id="profile-name"><span dir="auto">${personName(account)}</span> ${handleTag(account.handle)}${account.locked ? html` <span class="badge" title="Follow requests are reviewed">Locked</span>` : ""}</h1></div>
  ${account.note ? html`<p class="note" dir="auto">${noteWithTags(account.note)}</p>` : ""}
  <p class="stats">
    <span>${plural(account.statusesCount, "post", "posts")}</span> ·
    <a href="/@${account.handle}/following">${plural(account.followingCount, "following", "following")}</a> ·
    <a href="/@${account.handle}/followers">${plural(account.followersCount, "follower", "followers")}</a> ·
    <span>Joined ${formatDay(account.createdDay)}</span>
  </p>
  ${actions}
</section>`;
}

export function profilePage(
  pc: PageContext,
  p: {
    account: Account;
    rel: Relationship | undefined;
    statuses: Status[];
    paging: PagerState;
    hidden: boolean;
    withReplies: boolean;
  },
): SafeHtml {
  const base = `/@${p.account.handle}`;
  return html`${profileHeader(pc, p.account, p.rel)}
<nav class="tabs" aria-label="Posts">
  <a href="${base}"${p.withReplies ? "" : html` aria-current="page"`}>Posts</a>
  <a href="${base}?with_replies=1"${p.withReplies ? html` aria-current="page"` : ""}>Posts and replies</a>
</nav>
<section aria-label="Posts by @${p.account.handle}">
${p.hidden ? html`<p class="empty">You cannot see this account's posts.</p>` : statusList(pc, p.statuses, "No posts yet.")}
${pager(p.withReplies ? `${base}?with_replies=1` : base, p.statuses, p.paging)}
</section>`;
}

export function accountList(
  pc: PageContext,
  accounts: Account[],
  empty: string,
  extra?: (a: Account) => SafeHtml,
): SafeHtml {
  void pc;
  if (accounts.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ul class="accounts">${accounts.map(
    (a) =>
      html`<li class="account-card"><a href="/@${a.handle}">${avatar(a, 40)}<span><strong dir="auto">${personName(a)}</strong> ${handleTag(a.handle)}</span></a>${a.note ? html`<p class="note" dir="auto">${noteWithTags(a.note)}</p>` : ""}${extra ? extra(a) : ""}</li>`,
  )}</ul>`;
}

export function connectionsPage(
  pc: PageContext,
  p: {
    account: Account;
    which: "followers" | "following";
    accounts: Account[];
    olderId: string | undefined;
    newerId: string | undefined;
  },
): SafeHtml {
  const base = `/@${p.account.handle}/${p.which}`;
  const title =
    p.which === "followers" ? `People following @${p.account.handle}` : `People @${p.account.handle} follows`;
  return html`<h1>${title}</h1>
<p><a href="/@${p.account.handle}">Back to the profile</a> · ${p.which === "followers" ? plural(p.account.followersCount, "follower", "followers") : plural(p.account.followingCount, "account", "accounts")}</p>
${accountList(pc, p.accounts, "Nobody yet.")}
${p.accounts.length ? html`<nav class="pager" aria-label="Pages">${p.newerId ? html`<a href="${base}?min_id=${p.newerId}" rel="prev">Newer</a>` : ""} ${p.olderId ? html`<a href="${base}?max_id=${p.olderId}" rel="next">Older</a>` : ""}</nav>` : ""}`;
}

export function followRequestsPage(pc: PageContext, accounts: Account[]): SafeHtml {
  return html`<h1>Follow requests</h1>
<p class="intro">Your account is locked: you choose who may follow you and see your followers-only posts.</p>
${accountList(pc, accounts, "No one is waiting.", (a) => html`<div class="actions">${actionButton(pc, `/follow-requests/${a.id}/authorize`, "Accept", { className: "button" })} ${actionButton(pc, `/follow-requests/${a.id}/reject`, "Reject", { className: "button secondary" })}</div>`)}`;
}
