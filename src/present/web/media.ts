// Images on the web pages: a post's thumbnails (with their alt text, a link to the full image and
// a blur for sensitive ones that opens without JavaScript), avatars and profile headers, and the
// generated default avatar.
import { createHash } from "node:crypto";
import type { Account } from "../../domain/account.ts";
import { previewSize } from "../../domain/media.ts";
import type { MediaAttachment, Status } from "../../domain/status.ts";
import { html, type SafeHtml } from "./html.ts";

export function mediaPath(fileName: string): string {
  return `/media/${fileName}`;
}

/**
 * The default avatar's seed: a hash of the handle, so it is the same on every page and says nothing
 * the handle does not (no id, no date, no order of sign-up).
 */
export function avatarSeed(handle: string): string {
  return createHash("sha256").update(`publius-avatar:${handle.toLowerCase()}`).digest("hex").slice(0, 16);
}

/** A symmetric 5 × 5 pattern in one colour drawn from the seed (16 hex digits). */
export function identiconSvg(seed: string): string {
  const bytes = Buffer.from(seed.padEnd(16, "0").slice(0, 16), "hex");
  const hue = Math.round(((bytes[0] ?? 0) * 360) / 256);
  const cells: string[] = [];
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      const bit = row * 3 + col;
      const on = (((bytes[1 + (bit >> 3)] ?? 0) >> (bit & 7)) & 1) === 1;
      if (!on) continue;
      for (const x of col === 2 ? [2] : [col, 4 - col])
        cells.push(`<rect x="${x + 1}" y="${row + 1}" width="1" height="1"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" width="96" height="96"><rect width="7" height="7" fill="hsl(${hue} 45% 92%)"/><g fill="hsl(${hue} 55% 38%)">${cells.join("")}</g></svg>`;
}

export function avatarUrl(account: Pick<Account, "handle" | "avatarFile">): string {
  return account.avatarFile ? mediaPath(account.avatarFile) : `/static/identicon/${avatarSeed(account.handle)}.svg`;
}

/** The avatar beside a name: decorative (the name next to it says who), so its alt text is empty. */
export function avatar(account: Pick<Account, "handle" | "avatarFile">, size = 48): SafeHtml {
  return html`<img class="avatar" src="${avatarUrl(account)}" width="${size}" height="${size}" alt="" loading="lazy" decoding="async">`;
}

export function headerImage(account: Account): SafeHtml {
  return account.headerFile
    ? html`<img class="header-image" src="${mediaPath(account.headerFile)}" width="1500" height="500" alt="" decoding="async">`
    : html`<div class="header-image header-default" aria-hidden="true"></div>`;
}

function thumb(m: MediaAttachment, n: number, count: number): SafeHtml {
  const size = previewSize(m.width, m.height);
  const alt = m.description?.trim() ?? "";
  // The link's name is the image's alt text (or, undescribed, what it is), so a screen reader says
  // what the image shows and where the link goes.
  return html`<a class="thumb" href="${mediaPath(m.fileName)}"${alt ? html` title="${alt}"` : ""}><img src="${mediaPath(m.previewFileName)}" width="${size.width}" height="${size.height}" alt="${alt || `Image ${n} of ${count}, not described`}" loading="lazy" decoding="async">${alt ? html`<span class="alt-badge" aria-hidden="true">ALT</span>` : ""}</a>`;
}

/** A post's images, blurred behind a summary when the author marked them sensitive. */
export function gallery(status: Status): SafeHtml {
  const media = status.media;
  if (media.length === 0) return html``;
  const grid = html`<div class="gallery gallery-${media.length}">${media.map((m, i) => thumb(m, i + 1, media.length))}</div>`;
  // Behind a content warning the whole post is already folded away.
  if (status.sensitive && !status.spoilerText) {
    return html`<details class="sensitive"><summary><span>Sensitive ${media.length === 1 ? "image" : "images"}</span> <span class="more">(show)</span></summary>${grid}</details>`;
  }
  return grid;
}
