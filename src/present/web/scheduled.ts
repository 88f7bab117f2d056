import type { PostDelay, ScheduledStatus } from "../../services/statuses/scheduling.ts";
import { formatDateTime } from "./format.ts";
import { html, type SafeHtml } from "./html.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "./page.ts";

const DELAY_LABELS: Record<PostDelay, string> = {
  off: "Off: publish at once",
  "15m": "A random moment within 15 minutes",
  "1h": "A random moment within an hour",
  "6h": "A random moment within 6 hours",
};

export function scheduledPage(
  pc: PageContext,
  p: {
    scheduled: ScheduledStatus[];
    delay: PostDelay;
    error?: string | undefined;
    fields?: Record<string, string> | undefined;
  },
): SafeHtml {
  return html`<h1>Publishing delay and waiting posts</h1>
<section class="panel" aria-labelledby="delay-heading">
  <h2 id="delay-heading">Publishing delay</h2>
  <p>When people post only during office hours or right after a meeting, the times alone can point to them. With a delay, each of your posts waits a random time before it appears; its time and id are made when it is published, so nothing records when you wrote it.</p>
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  <form method="post" action="/settings/posting">
    ${csrfField(pc)}
    <fieldset>
      <legend>Delay every post by</legend>
      ${(Object.keys(DELAY_LABELS) as PostDelay[]).map(
        (d) =>
          html`<div class="check"><input type="radio" id="delay-${d}" name="post_delay" value="${d}"${p.delay === d ? html` checked` : ""}${describedBy(p.fields, "post_delay")}><label for="delay-${d}">${DELAY_LABELS[d]}</label></div>`,
      )}
    </fieldset>
    ${fieldError(p.fields, "post_delay")}
    <button type="submit">Save</button>
  </form>
</section>
<section aria-labelledby="waiting-heading">
  <h2 id="waiting-heading">Waiting to be published</h2>
  ${
    p.scheduled.length === 0
      ? html`<p class="empty">No posts are waiting.</p>`
      : html`<ol class="feed">${p.scheduled.map(
          (s) => html`<li class="status">
    <p><strong>Publishes</strong> <time datetime="${s.scheduledAt}">${formatDateTime(s.scheduledAt)}</time> · ${s.params.visibility === "private" ? "Followers only" : s.params.visibility === "unlisted" ? "Unlisted" : "Public"}</p>
    ${s.params.spoilerText ? html`<p class="cw-text">Content warning: ${s.params.spoilerText}</p>` : ""}
    <p class="content">${s.params.text}</p>
    <form method="post" action="/scheduled/${s.id}/cancel" class="inline">${csrfField(pc)}<button type="submit" class="link">Cancel this post</button></form>
  </li>`,
        )}</ol>`
  }
</section>`;
}
