// Entity shapes as the Mastodon documentation lists them: every attribute present with its type.
// Shared by the API tests in this folder; not a test file itself.
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import type { AppContext } from "../../src/context.ts";
import { randomId } from "../../src/domain/ids.ts";

type Json = Record<string, unknown>;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

export function assertIsoDate(value: unknown, what: string): void {
  assert.equal(typeof value, "string", `${what} is a string`);
  assert.match(value as string, ISO, `${what} is an ISO 8601 datetime`);
}

export function assertId(value: unknown, what: string): void {
  assert.equal(typeof value, "string", `${what} is a string id`);
  assert.match(value as string, /^\d+$/, `${what} is a numeric string`);
}

function has(o: Json, key: string, type: "string" | "number" | "boolean" | "object" | "array" | "nullable-string") {
  assert.ok(key in o, `${key} is present`);
  const v = o[key];
  if (type === "array") assert.ok(Array.isArray(v), `${key} is an array`);
  else if (type === "nullable-string") assert.ok(v === null || typeof v === "string", `${key} is a string or null`);
  else if (type === "object") assert.ok(v !== null && typeof v === "object", `${key} is an object`);
  else assert.equal(typeof v, type, `${key} is a ${type}`);
}

export function assertAccountShape(a: Json): void {
  assertId(a.id, "account.id");
  for (const k of [
    "username",
    "acct",
    "display_name",
    "note",
    "url",
    "avatar",
    "avatar_static",
    "header",
    "header_static",
  ])
    has(a, k, "string");
  for (const k of ["locked", "bot", "group"]) has(a, k, "boolean");
  for (const k of ["followers_count", "following_count", "statuses_count"]) has(a, k, "number");
  for (const k of ["emojis", "fields"]) has(a, k, "array");
  assertIsoDate(a.created_at, "account.created_at");
}

/** Every documented Status attribute (Mastodon 4): presence and type. */
export function assertStatusShape(s: Json): void {
  assertId(s.id, "status.id");
  for (const k of ["uri", "content", "visibility", "spoiler_text"]) has(s, k, "string");
  assertIsoDate(s.created_at, "status.created_at");
  assertAccountShape(s.account as Json);
  has(s, "sensitive", "boolean");
  assert.ok(["public", "unlisted", "private", "direct"].includes(s.visibility as string));
  for (const k of ["media_attachments", "mentions", "tags", "emojis"]) has(s, k, "array");
  for (const k of ["reblogs_count", "favourites_count", "replies_count"]) has(s, k, "number");
  for (const k of ["url", "in_reply_to_id", "in_reply_to_account_id", "language", "text"]) has(s, k, "nullable-string");
  if (s.in_reply_to_id !== null) assertId(s.in_reply_to_id, "in_reply_to_id");
  if (s.in_reply_to_account_id !== null) assertId(s.in_reply_to_account_id, "in_reply_to_account_id");
  for (const k of ["reblog", "poll", "card", "application", "edited_at"]) assert.ok(k in s, `${k} is present`);
  if (s.edited_at !== null) assertIsoDate(s.edited_at, "edited_at");
  if (s.reblog !== null) assertStatusShape(s.reblog as Json);
  for (const k of ["favourited", "reblogged", "muted", "bookmarked", "pinned"]) has(s, k, "boolean");
  has(s, "filtered", "array");
  for (const m of s.mentions as Json[]) {
    assertId(m.id, "mention.id");
    for (const k of ["username", "url", "acct"]) has(m, k, "string");
  }
  for (const t of s.tags as Json[]) for (const k of ["name", "url"]) has(t, k, "string");
  for (const m of s.media_attachments as Json[]) {
    assertId(m.id, "media.id");
    for (const k of ["type", "url", "preview_url"]) has(m, k, "string");
    has(m, "meta", "object");
  }
}

export function assertStatusEditShape(e: Json): void {
  for (const k of ["content", "spoiler_text"]) has(e, k, "string");
  has(e, "sensitive", "boolean");
  assertIsoDate(e.created_at, "edit.created_at");
  assertAccountShape(e.account as Json);
  for (const k of ["media_attachments", "emojis"]) has(e, k, "array");
}

export function assertNotificationShape(n: Json): void {
  assertId(n.id, "notification.id");
  has(n, "type", "string");
  has(n, "group_key", "string");
  assertIsoDate(n.created_at, "notification.created_at");
  assertAccountShape(n.account as Json);
  if (["mention", "reblog", "favourite", "status", "update", "poll"].includes(n.type as string)) {
    assertStatusShape(n.status as Json);
  } else {
    assert.ok(!("status" in n) || n.status === null, `a ${String(n.type)} notification carries no status`);
  }
}

export function assertTagShape(t: Json): void {
  has(t, "id", "string");
  has(t, "name", "string");
  has(t, "url", "string");
  has(t, "history", "array");
}

export function assertMarkerShape(m: Json): void {
  assertId(m.last_read_id, "marker.last_read_id");
  assert.ok(Number.isInteger(m.version), "marker.version is an integer");
  assertIsoDate(m.updated_at, "marker.updated_at");
}

export function assertRelationshipShape(r: Json): void {
  assertId(r.id, "relationship.id");
  for (const k of ["following", "followed_by", "blocking", "blocked_by", "muting", "requested", "requested_by"])
    has(r, k, "boolean");
}

/** `{"error": "..."}` with the status code, as Mastodon answers errors. */
export function assertError(res: LightMyRequestResponse, status: number, message?: RegExp): void {
  assert.equal(res.statusCode, status, `expected ${status}, got ${res.statusCode}: ${res.body}`);
  const body = res.json() as Json;
  assert.equal(typeof body.error, "string");
  if (message) assert.match(body.error as string, message);
}

/** The URLs of a Link header by rel. */
export function linkHeader(res: LightMyRequestResponse): { next?: URL; prev?: URL } {
  const raw = res.headers.link;
  const out: { next?: URL; prev?: URL } = {};
  if (typeof raw !== "string") return out;
  for (const part of raw.split(",")) {
    const m = part.match(/<([^>]+)>;\s*rel="(next|prev)"/);
    if (m) out[m[2] as "next" | "prev"] = new URL(m[1] as string);
  }
  return out;
}

/** The path and query of a Link URL, for inject(). */
export function pathOf(url: URL | undefined): string {
  assert.ok(url, "the link is there");
  return `${url.pathname}${url.search}`;
}

/**
 * An uploaded image waiting to be attached, written straight to the table (the upload endpoint
 * is tested with media; these tests only need the row).
 */
export async function fakeUpload(
  ctx: AppContext,
  accountId: string,
  description: string | null = null,
): Promise<string> {
  const id = randomId();
  await ctx.store.db
    .insertInto("media_attachments")
    .values({
      id,
      account_id: accountId,
      status_id: null,
      type: "image",
      file_name: `${id}.webp`,
      preview_file_name: `${id}-small.webp`,
      content_type: "image/webp",
      width: 640,
      height: 480,
      size: 1234,
      description,
      focus_x: 0,
      focus_y: 0,
      created_day: "2026-03-14",
    })
    .execute();
  return id;
}
