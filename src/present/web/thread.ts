import type { Status, StatusEdit } from "../../domain/status.ts";
import { composeForm, defaultCompose } from "./compose.ts";
import { formatDateTime } from "./format.ts";
import { html, type SafeHtml, trusted } from "./html.ts";
import { csrfField, type PageContext } from "./page.ts";
import { accountName, permalink, statusCard } from "./status.ts";

export function threadPage(
  pc: PageContext,
  p: { status: Status; ancestors: Status[]; descendants: Status[] },
): SafeHtml {
  return html`${p.ancestors.length ? html`<section aria-label="Earlier in the thread" class="feed ancestors">${p.ancestors.map((s) => statusCard(pc, s))}</section>` : ""}
${statusCard(pc, p.status, { focus: true })}
${pc.me ? html`<section class="panel compose" aria-labelledby="reply-heading"><h2 id="reply-heading">Reply</h2>${composeForm(pc, { values: { ...defaultCompose(), inReplyToId: p.status.id, text: replyPrefix(pc, p.status), visibility: p.status.visibility } })}</section>` : ""}
<section aria-labelledby="replies-heading">
<h2 id="replies-heading">Replies</h2>
${p.descendants.length ? html`<div class="feed">${p.descendants.map((s) => statusCard(pc, s))}</div>` : html`<p class="empty">No replies yet.</p>`}
</section>`;
}

function replyPrefix(pc: PageContext, s: Status): string {
  const handles = [s.account.handle, ...s.mentions.map((m) => m.handle)].filter(
    (h, i, all) => h !== pc.me?.handle && all.indexOf(h) === i,
  );
  return handles.length ? `${handles.map((h) => `@${h}`).join(" ")} ` : "";
}

export function historyPage(pc: PageContext, p: { status: Status; edits: StatusEdit[] }): SafeHtml {
  void pc;
  return html`<h1>Edit history</h1>
<p><a href="${permalink(p.status)}">Back to the post</a></p>
<ol class="history" reversed>
${[...p.edits].reverse().map(
  (e, i) => html`<li><article class="status">
  <header>${accountName(e.account)} <time datetime="${e.createdAt}">${formatDateTime(e.createdAt)}</time> ${i === 0 ? html`<span class="badge">current</span>` : i === p.edits.length - 1 ? html`<span class="badge">original</span>` : ""}</header>
  ${e.spoilerText ? html`<p class="cw-text">Content warning: <span dir="auto">${e.spoilerText}</span></p>` : ""}
  <div class="content" dir="auto">${trusted(e.content)}</div>
</article></li>`,
)}
</ol>`;
}

export function confirmDeletePage(pc: PageContext, status: Status): SafeHtml {
  return html`<h1>Delete this post?</h1>
${statusCard(pc, status, { quoted: true })}
<form method="post" action="/statuses/${status.id}/delete" class="panel">
  ${csrfField(pc)}
  <p>Deleting removes the post, its reposts and likes for good. Replies to it stay.</p>
  <button type="submit" class="danger">Delete</button> <a href="${permalink(status)}">Cancel</a>
</form>`;
}

export function reportPage(
  pc: PageContext,
  p: { action: string; what: SafeHtml; error?: string | undefined; reason?: string },
): SafeHtml {
  return html`<h1>Report</h1>
${p.what}
<form method="post" action="${p.action}" class="panel">
  ${csrfField(pc)}
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  <label for="reason">What is wrong? The moderators will read this; the person you report will not see who reported them.</label>
  <textarea id="reason" name="reason" rows="4" maxlength="1000" required>${p.reason ?? ""}</textarea>
  <button type="submit">Send report</button>
</form>`;
}
