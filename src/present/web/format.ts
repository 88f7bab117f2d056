// Small formatting helpers for pages.
import { html, type SafeHtml } from "./html.ts";

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** "14 Mar 2017, 12:00 UTC" */
export function formatDateTime(iso: string): string {
  return `${dateTime.format(new Date(iso))} UTC`;
}

export function formatDay(day: string): string {
  return dateOnly.format(new Date(`${day}T00:00:00Z`));
}

/** "3 min", "5 h", "2 d", or the date. */
export function relativeTime(iso: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)} d`;
  return dateOnly.format(new Date(iso));
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

/**
 * Bidirectional controls (embeddings, overrides, isolates, marks) in a name can reorder what follows
 * it: "@mallory" shown as "yrollam@". They have no business in a display name, so they are dropped.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/** The name a person chose (or their handle), isolated so its direction cannot leak around it. */
export function personName(a: { displayName: string; handle: string }): SafeHtml {
  const name = withoutBidiControls(a.displayName).trim();
  return name ? html`<bdi>${name}</bdi>` : html`<bdi>${a.handle}</bdi>`;
}

/** "@handle", always left to right whatever surrounds it. */
export function handleTag(handle: string): SafeHtml {
  return html`<span class="handle" dir="ltr">@${handle}</span>`;
}
