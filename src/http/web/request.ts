// Per-request plumbing for the web pages: who is signed in, the CSRF token, the page context, and
// small helpers for handlers (send a page, require sign-in, read paging and return paths).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import type { Page } from "../../domain/status.ts";
import { html, type SafeHtml } from "../../present/web/html.ts";
import { layout, type PageContext } from "../../present/web/page.ts";
import type { SignedIn } from "../../services/accounts/sessions.ts";
import { SecretBox } from "../../services/legal/secret-box.ts";
import { checkFormToken, FormExpiredError, formTokenFor, installCsrfRule } from "./csrf.ts";

export { FormExpiredError };

/** The session cookie's name on a plain-http site (tests, a local server). */
export const SESSION_COOKIE = "publius_session";

/**
 * The session cookie's name: `__Host-` prefixed when the site is served over https, so that no
 * sibling subdomain nor plain-http page can set (fixate) it; the browser then insists on Secure,
 * Path=/ and no Domain.
 */
export function sessionCookieName(ctx: AppContext): string {
  return ctx.config.publicUrl.startsWith("https:") ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** Ends the session cookie (with the attributes it was set with, which a __Host- cookie needs). */
export function clearSessionCookie(ctx: AppContext, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(ctx), cookieOptions(ctx));
}

declare module "fastify" {
  interface FastifyRequest {
    auth: SignedIn | undefined;
    csrfToken: string;
  }
  interface FastifyContextConfig {
    /**
     * Re-renders the route's form with what was sent when the form's token has expired, so nothing
     * typed is lost (the refusal is the message; nothing is done). Without it, the error page.
     */
    refill?: (request: FastifyRequest, reply: FastifyReply, message: string) => Promise<FastifyReply>;
  }
}

export function cookieOptions(ctx: AppContext, maxAgeSeconds?: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: ctx.config.publicUrl.startsWith("https:"),
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

/** Resolves the session and the CSRF token for every request (the rule itself: csrf.ts). */
export function installWebRequestHooks(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest("auth", undefined);
  app.decorateRequest("csrfToken", "");
  const box = new SecretBox(ctx.config.dataDir);
  let key: Buffer | undefined;
  const tokens = installCsrfRule(app, ctx.config, () => {
    key ??= box.derive("publius web form tokens v1");
    return key;
  });
  app.addHook("preHandler", async (request, reply) => {
    const session = request.cookies[sessionCookieName(ctx)];
    request.auth = await ctx.services.sessions.resolve(session);
    const { page, expected } = formTokenFor(tokens, request, reply, session, cookieOptions(ctx));
    request.csrfToken = page;
    checkFormToken(request, expected);
    // A one-time password from `publius staff create` is replaced before anything else.
    if (request.auth?.mustChangePassword && !allowedBeforePasswordChange(request.url)) {
      return reply.redirect(withNotice("/settings/password", "mustchange"), 303);
    }
  });
  // Pages for a signed-in person (and every private area, even when the answer is a redirect or an
  // error) must not be kept by the browser's or any shared cache. Routes that chose a policy keep it.
  // A page rendered for a signed-in person names them in its header, so any HTML answer to a
  // request carrying a session is no-store too, whatever the route chose for the public.
  app.addHook("onSend", async (request, reply, payload) => {
    const signedInRequest = request.auth !== undefined || Boolean(request.cookies?.[sessionCookieName(ctx)]);
    if (String(reply.getHeader("cache-control") ?? "").includes("no-store")) return payload;
    const isHtml = String(reply.getHeader("content-type") ?? "").startsWith("text/html");
    if (isPrivatePath(request.url) || (signedInRequest && (isHtml || !reply.hasHeader("cache-control")))) {
      reply.header("cache-control", "no-store");
    }
    return payload;
  });
}

/**
 * What a session with a one-time password may still reach: the password form, signing out, and
 * what pages are made of (styles, scripts, images). The API answers tokens, not this cookie; no
 * token can be made meanwhile, since /oauth/authorize is a web page like any other.
 */
function allowedBeforePasswordChange(url: string): boolean {
  const path = url.split("?")[0] ?? "";
  if (path === "/settings/password" || path === "/signout") return true;
  return ["/static/", "/media/", "/api/", "/.well-known/", "/nodeinfo/", "/health"].some(
    (p) => path.startsWith(p) || `${path}/` === p,
  );
}

const PRIVATE_PREFIXES = [
  "/home",
  "/notifications",
  "/bookmarks",
  "/settings",
  "/staff",
  "/oauth/authorize",
  "/scheduled",
];

function isPrivatePath(url: string): boolean {
  const path = url.split("?")[0] ?? "";
  return PRIVATE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

export async function pageContext(ctx: AppContext, request: FastifyRequest): Promise<PageContext> {
  const auth = request.auth;
  const notice = noticeText((request.query as Record<string, string> | undefined)?.notice);
  return {
    instanceName: ctx.config.instanceName,
    me: auth?.account,
    roles: auth?.viewer.roles ?? [],
    csrf: request.csrfToken,
    unread: auth ? await ctx.services.notifications.unreadCount(auth.viewer) : 0,
    legalNotices: auth ? await ctx.services.legal.notices.unreadCount(auth.viewer) : 0,
    staffQueue: auth?.viewer.roles.some((r) => r === "moderator" || r === "admin")
      ? {
          applications: await ctx.services.accounts.pendingCount(auth.viewer),
          reports: await ctx.services.moderation.openCount(auth.viewer),
        }
      : undefined,
    now: ctx.clock.now(),
    path: request.url,
    mustChangePassword: auth?.mustChangePassword === true,
    notice,
  };
}

/** Fixed notices shown after a redirect; the query carries a code, never text. */
const NOTICES: Record<string, string> = {
  posted: "Your post is published.",
  queued: "Your post is waiting to be published; it appears at the time shown below.",
  edited: "Your post is updated.",
  deleted: "The post is deleted.",
  saved: "Saved.",
  password: "Your password is changed. Every other session and every app's access to your account are ended.",
  reported: "Thank you. The moderators will look at your report.",
  pending: "Thank you. Your application is waiting for the staff; you can sign in once it is approved.",
  approved: "Welcome! The staff approved your application.",
  mustchange:
    "Your account was made with a one-time password. Choose your own password now; the rest of the site opens once you have.",
  signedout: "You are signed out.",
  revoked: "The session is ended.",
  signedoutothers: "Every other session is ended; only this one is still signed in.",
  apprevoked: "The app no longer has access to your account.",
  invite: "A new invite code is ready.",
  done: "Done.",
};

function noticeText(code: string | undefined): string | undefined {
  return code ? NOTICES[code] : undefined;
}

export async function sendPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  content: (pc: PageContext) => SafeHtml,
  status = 200,
): Promise<FastifyReply> {
  const pc = await pageContext(ctx, request);
  return reply
    .status(status)
    .type("text/html; charset=utf-8")
    .send(layout(pc, title, content(pc)).value);
}

export async function sendErrorPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
): Promise<FastifyReply> {
  const title =
    status === 404
      ? "Not found"
      : status === 403
        ? "Not allowed"
        : status === 429
          ? "Too many attempts"
          : status >= 500
            ? "Error"
            : "Cannot do that";
  // The error may have come before the hooks ran (a body that was too large): fill in what is missing.
  if ((request.csrfToken === undefined || request.csrfToken === "") && request.cookies) {
    const tokens = request.server.formTokens;
    request.csrfToken = tokens.expectedFor(request.cookies[sessionCookieName(ctx)], request.cookies[tokens.cookieName]);
  }
  return sendPage(
    ctx,
    request,
    reply,
    title,
    () =>
      html`<section class="panel"><h1>${title}</h1><p>${message}</p><p><a href="/">Go to the start page</a></p></section>`,
    status,
  );
}

/** The signed-in viewer, or a redirect to the sign-in page (handlers return it). */
export function signedIn(request: FastifyRequest): SignedIn {
  if (!request.auth) throw new SignInRequired(request.url);
  return request.auth;
}

export class SignInRequired extends PubliusError {
  readonly next: string;
  constructor(next: string) {
    super(401, "Sign in first.");
    this.next = next;
  }
}

/**
 * A local path to come back to: only a path on this site, never another origin. The value is parsed
 * with the URL parser against a fixed origin (the way a browser would resolve it) and kept only when
 * it stays on that origin; tabs, newlines (which browsers strip) and backslashes (which they read as
 * slashes) are refused first, so what the parser saw is what a browser will follow.
 */
export function safeBack(value: unknown, fallback = "/home"): string {
  if (typeof value !== "string" || value.length > 2000 || !value.startsWith("/")) return fallback;
  // Control characters and backslashes are never part of a path this server makes.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return fallback;
  }
  let url: URL;
  try {
    url = new URL(value, BACK_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== BACK_ORIGIN || !url.pathname.startsWith("/") || url.pathname.startsWith("//")) return fallback;
  // Without control characters and backslashes, the value resolves in a browser exactly as it did
  // here, so the value itself (as typed, for the form) is safe to send back.
  return value;
}

/** Any fixed origin will do: only whether the value stays on it matters. */
const BACK_ORIGIN = "https://publius.invalid";

export function withNotice(path: string, code: string): string {
  const clean = path.replace(/([?&])notice=[^&]*&?/, "$1").replace(/[?&]$/, "");
  return `${clean}${clean.includes("?") ? "&" : "?"}notice=${code}`;
}

const ID = /^\d{1,20}$/;

/** max_id / since_id / min_id / limit from the query string; malformed values are ignored. */
export function pageFrom(query: unknown): Page {
  const q = (query ?? {}) as Record<string, unknown>;
  const id = (v: unknown) => (typeof v === "string" && ID.test(v) ? v : undefined);
  const limit = typeof q.limit === "string" && /^\d{1,3}$/.test(q.limit) ? Number(q.limit) : undefined;
  return { maxId: id(q.max_id), sinceId: id(q.since_id), minId: id(q.min_id), limit };
}

/** Reads a string field from a parsed form; arrays and other types count as missing. */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === "string" ? v : "";
}

/**
 * Runs a newest-first keyset query for one page, asking for one item more than it shows, so the
 * page knows whether there is anything older (or, read upward with min_id, newer) to link to.
 */
export async function truthfulPage<T>(
  page: Page,
  run: (page: Page) => Promise<T[]>,
): Promise<{ items: T[]; older: boolean; newer: boolean }> {
  const limit = Math.min(Math.max(page.limit ?? 20, 1), 39);
  const rows = await run({ ...page, limit: limit + 1 });
  if (page.minId !== undefined) {
    // Read upward from min_id: the extra one is the newest; the min_id item itself is older.
    const newer = rows.length > limit;
    return { items: newer ? rows.slice(1) : rows, older: true, newer };
  }
  return { items: rows.slice(0, limit), older: rows.length > limit, newer: page.maxId !== undefined };
}
