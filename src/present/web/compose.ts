import { randomToken } from "../../domain/ids.ts";
import { MAX_DESCRIPTION, previewSize, SUPPORTED_MIME_TYPES } from "../../domain/media.ts";
import type { Status } from "../../domain/status.ts";
import { MAX_STATUS_CHARS } from "../../domain/text.ts";
import { html, type SafeHtml } from "./html.ts";
import { icon } from "./icons.ts";
import { mediaPath } from "./media.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "./page.ts";
import { statusCard } from "./status.ts";

/** An image already received for this post (kept across a refusal, so it is not chosen again). */
export interface KeptImage {
  id: string;
  previewFileName: string;
  width: number;
  height: number;
  description: string;
}

export interface ComposeValues {
  text: string;
  spoilerText: string;
  visibility: string;
  inReplyToId: string;
  /** One per rendering of the form: a second submission of the same form creates nothing new. */
  idempotency: string;
  /** "YYYY-MM-DDTHH:MM" in UTC, or empty to publish now (or after the account's delay). */
  publishAt?: string;
  sensitive?: boolean;
  kept?: KeptImage[];
  /** Descriptions typed for images that have to be chosen again, by slot. */
  alts?: string[];
}

export const MAX_IMAGES = 4;
const ACCEPT = SUPPORTED_MIME_TYPES.join(",");

export function defaultCompose(): ComposeValues {
  return { text: "", spoilerText: "", visibility: "public", inReplyToId: "", idempotency: "" };
}

function imageFields(v: ComposeValues, altRequired: boolean): SafeHtml {
  const kept = v.kept ?? [];
  const free = Math.max(0, MAX_IMAGES - kept.length);
  const altHint = altRequired
    ? "Required: what the image shows, for people who cannot see it."
    : "What the image shows, for people who cannot see it.";
  return html`${kept.map(
    (k, i) => html`<div class="image-slot kept">
    <img src="${mediaPath(k.previewFileName)}" width="${previewSize(k.width, k.height).width}" height="${previewSize(k.width, k.height).height}" alt="${k.description || `Image ${i + 1}, not described yet`}">
    <div>
    <input type="hidden" name="media_id" value="${k.id}">
    <label for="media-alt-${k.id}">Description of image ${i + 1} <span class="hint">(received; you need not choose it again)</span></label>
    <textarea id="media-alt-${k.id}" name="media_alt_${k.id}" rows="2" maxlength="${MAX_DESCRIPTION}" dir="auto"${altRequired ? html` required` : ""}>${k.description}</textarea>
    <div class="check"><input type="checkbox" id="media-remove-${k.id}" name="media_remove" value="${k.id}"><label for="media-remove-${k.id}">Remove this image</label></div>
    </div>
  </div>`,
  )}
  ${Array.from({ length: free }, (_, j) => {
    const n = kept.length + j + 1;
    return html`<fieldset class="image-slot">
    <legend>Image ${n}</legend>
    <label for="image-${n}" class="visually-hidden">Image ${n} file</label>
    <input type="file" id="image-${n}" name="image${n}" accept="${ACCEPT}">
    <label for="alt-${n}">Description <span class="hint">(alt text)</span></label>
    <textarea id="alt-${n}" name="alt${n}" rows="2" maxlength="${MAX_DESCRIPTION}" dir="auto" aria-describedby="alt-hint">${v.alts?.[j] ?? ""}</textarea>
  </fieldset>`;
  })}
  <p class="hint" id="alt-hint">${altHint} JPEG, PNG, WebP or GIF; the server re-encodes each image and removes its metadata (camera, place, time).</p>
  <div class="check"><input type="checkbox" id="sensitive" name="sensitive" value="1"${v.sensitive ? html` checked` : ""}><label for="sensitive">Sensitive: blur the images until opened</label></div>`;
}

export function composeForm(
  pc: PageContext,
  p: {
    values: ComposeValues;
    fields?: Record<string, string> | undefined;
    error?: string | undefined;
    /** Options (warning, images, audience, time) shown, not folded under "More". */
    expanded?: boolean;
    altRequired?: boolean;
  },
): SafeHtml {
  const v = p.values;
  const f = p.fields;
  const option = (value: string, label: string) =>
    html`<option value="${value}"${v.visibility === value ? html` selected` : ""}>${label}</option>`;
  const open =
    p.expanded || Boolean(p.error) || Boolean(v.kept?.length) || Boolean(v.spoilerText) || Boolean(v.publishAt);
  return html`<form method="post" action="/statuses" enctype="multipart/form-data" class="compose-form">
  ${csrfField(pc)}
  <input type="hidden" name="idempotency" value="${v.idempotency || randomToken(16)}">
  ${v.inReplyToId ? html`<input type="hidden" name="in_reply_to_id" value="${v.inReplyToId}">` : ""}
  ${p.error ? html`<p class="error" role="alert" id="compose-error">${p.error}</p>` : ""}
  <label for="text">What do you want to say?</label>
  <textarea id="text" name="text" rows="${p.expanded ? 5 : 3}" dir="auto" data-counter="${MAX_STATUS_CHARS}"${describedBy(f, "text")}>${v.text}</textarea>
  <p class="hint compose-hint"><span>Up to ${MAX_STATUS_CHARS} characters; every link counts as 23.</span> <output class="counter" aria-live="off" hidden></output></p>
  ${fieldError(f, "text")}
  <details class="compose-options"${open ? html` open` : ""}>
  <summary>${icon("image")}<span>Add images, a content warning and more</span></summary>
  <label for="spoiler_text">Content warning <span class="hint">(optional: the post is hidden behind it)</span></label>
  <input id="spoiler_text" name="spoiler_text" maxlength="${MAX_STATUS_CHARS}" value="${v.spoilerText}" dir="auto">
  ${imageFields(v, p.altRequired ?? true)}
  ${fieldError(f, "media")}
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
  </details>
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
    altRequired?: boolean;
  },
): SafeHtml {
  return html`<h1>${p.replyTo ? "Reply" : "New post"}</h1>
${p.replyTo ? html`<section aria-label="Replying to">${statusCard(pc, p.replyTo, { quoted: true })}</section>` : ""}
<section class="panel">${composeForm(pc, { ...p, expanded: true })}</section>`;
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
