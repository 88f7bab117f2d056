import { randomToken } from "../../domain/ids.ts";
import type { Status } from "../../domain/status.ts";
import { MAX_STATUS_CHARS } from "../../domain/text.ts";
import { html, type SafeHtml } from "./html.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "./page.ts";
import { statusCard } from "./status.ts";

export interface ComposeValues {
  text: string;
  spoilerText: string;
  visibility: string;
  inReplyToId: string;
  /** One per rendering of the form: a second submission of the same form creates nothing new. */
  idempotency: string;
  /** "YYYY-MM-DDTHH:MM" in UTC, or empty to publish now (or after the account's delay). */
  publishAt?: string;
}

export function defaultCompose(): ComposeValues {
  return { text: "", spoilerText: "", visibility: "public", inReplyToId: "", idempotency: "" };
}

export function composeForm(
  pc: PageContext,
  p: { values: ComposeValues; fields?: Record<string, string> | undefined; error?: string | undefined },
): SafeHtml {
  const v = p.values;
  const f = p.fields;
  const option = (value: string, label: string) =>
    html`<option value="${value}"${v.visibility === value ? html` selected` : ""}>${label}</option>`;
  return html`<form method="post" action="/statuses" class="compose-form">
  ${csrfField(pc)}
  <input type="hidden" name="idempotency" value="${v.idempotency || randomToken(16)}">
  ${v.inReplyToId ? html`<input type="hidden" name="in_reply_to_id" value="${v.inReplyToId}">` : ""}
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  <label for="spoiler_text">Content warning <span class="hint">(optional: the post is hidden behind it)</span></label>
  <input id="spoiler_text" name="spoiler_text" maxlength="${MAX_STATUS_CHARS}" value="${v.spoilerText}">
  <label for="text">What do you want to say?</label>
  <textarea id="text" name="text" rows="5" required${describedBy(f, "text")}>${v.text}</textarea>
  <p class="hint">Up to ${MAX_STATUS_CHARS} characters; every link counts as 23.</p>
  ${fieldError(f, "text")}
  <label for="visibility">Who can see it</label>
  <select id="visibility" name="visibility"${describedBy(f, "visibility")}>
    ${option("public", "Public — also on the local timeline")}
    ${option("unlisted", "Unlisted — not on the local timeline")}
    ${option("private", "Followers only")}
  </select>
  ${fieldError(f, "visibility")}
  <label for="publish_at">Publish at <span class="hint">(optional; UTC — leave empty to publish now)</span></label>
  <input id="publish_at" name="publish_at" type="datetime-local" value="${v.publishAt ?? ""}"${describedBy(f, "scheduled_at")}>
  <p class="hint">A random <a href="/scheduled">publishing delay</a> can hide when you write.</p>
  ${fieldError(f, "scheduled_at")}
  <button type="submit">Publish</button>
</form>`;
}

export function composePage(
  pc: PageContext,
  p: {
    values: ComposeValues;
    replyTo?: Status | undefined;
    fields?: Record<string, string> | undefined;
    error?: string | undefined;
  },
): SafeHtml {
  return html`<h1>${p.replyTo ? "Reply" : "New post"}</h1>
${p.replyTo ? html`<section aria-label="Replying to">${statusCard(pc, p.replyTo)}</section>` : ""}
<section class="panel">${composeForm(pc, p)}</section>`;
}

export function editPage(
  pc: PageContext,
  p: {
    status: Status;
    text: string;
    spoilerText: string;
    fields?: Record<string, string> | undefined;
    error?: string | undefined;
  },
): SafeHtml {
  return html`<h1>Edit post</h1>
<p class="intro">The earlier version stays visible in the post's history.</p>
<section class="panel">
<form method="post" action="/statuses/${p.status.id}/edit">
  ${csrfField(pc)}
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  <label for="spoiler_text">Content warning <span class="hint">(optional)</span></label>
  <input id="spoiler_text" name="spoiler_text" maxlength="${MAX_STATUS_CHARS}" value="${p.spoilerText}">
  <label for="text">Text</label>
  <textarea id="text" name="text" rows="5" required${describedBy(p.fields, "text")}>${p.text}</textarea>
  ${fieldError(p.fields, "text")}
  <button type="submit">Save</button>
</form>
</section>`;
}
