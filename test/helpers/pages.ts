// Assertions about pages as a browser would receive them: redirects, escaping, security headers,
// and references to other origins. Also lists the app's routes so sweeps can prove they cover all.
import assert from "node:assert/strict";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { textOf } from "./web.ts";

/** A string that must never reach a page unescaped. */
export const XSS = "<script>alert(1)</script>";
/** One that breaks out of an attribute value if quotes are not escaped (29 characters). */
export const ATTR_XSS = '"><img src=x onerror=alert(1)>';

/** Escapes as HTML text and attribute values must be (written here, not imported, on purpose). */
export function escaped(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The raw string is absent and its escaped form is present. */
export function assertEscaped(body: string, raw: string, where = "the page"): void {
  assert.ok(!body.includes(raw), `${where} contains ${JSON.stringify(raw)} unescaped`);
  assert.ok(body.includes(escaped(raw)), `${where} does not show ${JSON.stringify(raw)} (escaped)`);
}

export function assertRedirect(res: LightMyRequestResponse, location: string | RegExp): void {
  assert.equal(
    res.statusCode,
    303,
    `expected a 303 redirect to ${location}, got ${res.statusCode}: ${textOf(res.body).slice(0, 300)}`,
  );
  const got = String(res.headers.location ?? "");
  if (typeof location === "string") assert.equal(got, location);
  else assert.match(got, location);
}

/** A signed-out visit to a signed-in page goes to the sign-in page, which comes back here. */
export function assertSignInRequired(res: LightMyRequestResponse, path: string): void {
  assertRedirect(res, `/signin?next=${encodeURIComponent(path)}`);
}

/** An HTML page with this status; returns its text. */
export function pageText(res: LightMyRequestResponse, status = 200): string {
  assert.equal(res.statusCode, status, `expected ${status}, got ${res.statusCode}: ${textOf(res.body).slice(0, 300)}`);
  assert.match(String(res.headers["content-type"]), /^text\/html; charset=utf-8/);
  return textOf(res.body);
}

/** The decoded value of the first <input name="…" value="…">. */
export function inputValue(html: string, name: string): string | undefined {
  for (const tag of html.match(/<input\b[^>]*>/g) ?? []) {
    if (!tag.includes(` name="${name}"`)) continue;
    const value = /\svalue="([^"]*)"/.exec(tag)?.[1];
    return value === undefined ? undefined : decodeEntities(value);
  }
  return undefined;
}

/** The decoded content of <textarea name="…">. */
export function textareaValue(html: string, name: string): string | undefined {
  const m = new RegExp(`<textarea\\b[^>]*\\sname="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return m ? decodeEntities(m[1] as string) : undefined;
}

function decodeEntities(s: string): string {
  return s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/** Every element start tag with its attributes (values decoded). */
export function tags(html: string): { name: string; attrs: Record<string, string> }[] {
  const out: { name: string; attrs: Record<string, string> }[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[2] as string).matchAll(
      /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g,
    )) {
      attrs[(a[1] as string).toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? "");
    }
    out.push({ name: (m[1] as string).toLowerCase(), attrs });
  }
  return out;
}

/** The hrefs of all links whose text or attributes match. */
export function links(html: string): string[] {
  return tags(html)
    .filter((t) => t.name === "a" && t.attrs.href !== undefined)
    .map((t) => t.attrs.href as string);
}

const URL_ATTRS = ["src", "href", "action", "formaction", "srcset", "poster", "data", "background", "cite", "ping"];
const USER_LINK_REL = ["nofollow", "noopener", "noreferrer", "ugc"];

/**
 * Attributes that point at another origin. Allowed: relative URLs, the instance's own public URL,
 * and links a user posted (an <a> to http(s) that carries rel="nofollow noopener noreferrer ugc").
 */
export function foreignReferences(html: string, ownOrigin: string): string[] {
  const bad: string[] = [];
  for (const t of tags(html)) {
    for (const [name, value] of Object.entries(t.attrs)) {
      if (!URL_ATTRS.includes(name)) continue;
      const v = value.trim();
      const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v) || v.startsWith("//") || v.startsWith("\\");
      if (!absolute) continue;
      if (v === ownOrigin || v.startsWith(`${ownOrigin}/`)) continue;
      // A data: URL fetches nothing; allowed where it can only be an image (img, the favicon).
      const image = (t.name === "img" && name === "src") || (t.name === "link" && t.attrs.rel === "icon");
      if (image && /^data:(image\/(png|gif|webp|jpeg)[;,]|,)/i.test(v)) continue;
      const rel = (t.attrs.rel ?? "").split(/\s+/);
      const userLink = t.name === "a" && name === "href" && /^https?:\/\//i.test(v);
      if (userLink && USER_LINK_REL.every((r) => rel.includes(r))) continue;
      bad.push(`<${t.name} ${name}="${v}">`);
    }
    if (t.name === "meta" && /refresh/i.test(t.attrs["http-equiv"] ?? "")) bad.push("<meta http-equiv=refresh>");
  }
  return bad;
}

/** The headers every answer carries, and a Content-Security-Policy that allows this origin only. */
export function assertSecurityHeaders(res: LightMyRequestResponse, what: string): void {
  const csp = String(res.headers["content-security-policy"] ?? "");
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map((d) => [d[0] as string, d.slice(1)]),
  );
  assert.deepEqual(directives.get("default-src"), ["'self'"], `${what}: default-src must be 'self' only (${csp})`);
  assert.deepEqual(directives.get("script-src") ?? ["'self'"], ["'self'"], `${what}: script-src (${csp})`);
  assert.deepEqual(directives.get("style-src") ?? ["'self'"], ["'self'"], `${what}: style-src (${csp})`);
  assert.deepEqual(directives.get("frame-ancestors"), ["'none'"], `${what}: frame-ancestors (${csp})`);
  assert.deepEqual(directives.get("object-src"), ["'none'"], `${what}: object-src (${csp})`);
  assert.ok(directives.has("base-uri") && directives.has("form-action"), `${what}: base-uri/form-action (${csp})`);
  for (const [name, sources] of directives) {
    for (const s of sources) {
      assert.ok(
        ["'self'", "'none'", "data:"].includes(s),
        `${what}: ${name} allows ${s}; only 'self', 'none' (and data: images) are expected`,
      );
      if (s === "data:") assert.equal(name, "img-src", `${what}: data: outside img-src`);
    }
  }
  assert.equal(res.headers["x-content-type-options"], "nosniff", `${what}: x-content-type-options`);
  assert.equal(res.headers["x-frame-options"], "DENY", `${what}: x-frame-options`);
  assert.equal(res.headers["referrer-policy"], "no-referrer", `${what}: referrer-policy`);
  assert.equal(res.headers["cross-origin-opener-policy"], "same-origin", `${what}: cross-origin-opener-policy`);
  assert.ok(res.headers["permissions-policy"], `${what}: permissions-policy`);
  const cookies = res.headers["set-cookie"];
  for (const c of cookies === undefined ? [] : Array.isArray(cookies) ? cookies : [cookies]) {
    assert.match(c, /;\s*HttpOnly/i, `${what}: cookie without HttpOnly: ${c}`);
    assert.match(c, /;\s*SameSite=Lax/i, `${what}: cookie without SameSite=Lax: ${c}`);
  }
}

/**
 * A page that a strict CSP does not break and that sends the reader nowhere else: no inline script,
 * style or event handler, and no reference to another origin.
 */
export function assertSelfContained(res: LightMyRequestResponse, ownOrigin: string, what: string): void {
  assertSecurityHeaders(res, what);
  const html = res.body;
  assert.match(html, /^<!doctype html>/i, `${what}: not a full page`);
  // One first-party script file may enhance a page (issue 13); nothing inline, nothing from elsewhere.
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.equal(scripts.length, (html.match(/<script\b/gi) ?? []).length, `${what}: an unterminated <script>`);
  for (const [, attrs = "", body = ""] of scripts) {
    assert.match(
      attrs,
      /^\s+src="\/static\/[a-z-]+\.js"( defer)?$/,
      `${what}: a <script> that is not a first-party file`,
    );
    assert.equal(body.trim(), "", `${what}: an inline script`);
  }
  assert.ok(!/<style\b/i.test(html), `${what}: has a <style>`);
  for (const t of tags(html)) {
    for (const name of Object.keys(t.attrs)) {
      assert.ok(!name.startsWith("on"), `${what}: <${t.name} ${name}> is an inline handler`);
      assert.notEqual(name, "style", `${what}: <${t.name} style> is blocked by the CSP`);
    }
  }
  assert.deepEqual(foreignReferences(html, ownOrigin), [], `${what}: refers to another origin`);
}

/** Route patterns the app answers for a method, e.g. "/@:handle/:id" (from Fastify's route tree). */
export function routePatterns(app: FastifyInstance, method: "GET" | "POST"): string[] {
  const lines = app.printRoutes({ commonPrefix: false }).split("\n");
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of lines) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = (m[1] as string).length / 4;
    stack.length = depth;
    stack.push(m[2] as string);
    // Children print the rest of their path: "/" then "statuses", then "/:id", then "/edit".
    const path = stack.join("");
    const full = path.startsWith("/") ? path : `/${path}`;
    const methods = (m[3] ?? "").split(",").map((s) => s.trim());
    if (methods.includes(method)) out.push(full);
  }
  return [...new Set(out)].sort();
}
