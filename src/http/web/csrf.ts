// The one rule against cross-site request forgery on the web pages (forms, the staff console and the
// OAuth consent page; the API authenticates with bearer tokens and is not concerned).
//
// 1. A state-changing request (anything but GET/HEAD/OPTIONS) whose browser says it comes from
//    another site (`Sec-Fetch-Site: cross-site`) or from a sibling of this one (`same-site`: another
//    port or subdomain of the host) is refused before its body is read. `same-origin`, `none` (typed
//    or bookmarked) and an absent header (older browsers, scripts) go on to the token check. An
//    `Origin` that is another site's is refused too; `Origin: null` is not, because under
//    `Referrer-Policy: no-referrer` the server's own forms send exactly that.
// 2. Every form carries a token that only this server can compute, bound to who the visitor is: for
//    a request carrying a session cookie, an HMAC of that session's token; for an anonymous visitor
//    (sign-in, sign-up), an HMAC of a pre-session cookie that the server made and signed. A page next
//    door can plant cookies for this host (cookies are not separated by port, nor from sibling
//    subdomains), but it cannot compute a token for the victim's session, so a planted cookie and a
//    matching form value prove nothing any more. Signing in makes a new session, hence a new token,
//    and ends the pre-session cookie. When the public origin is https the cookie is named with the
//    `__Host-` prefix (Secure, Path=/, no Domain), so no subdomain nor plain-http page can set it.
//
// The key is derived from the data folder's key file (secrets.key), so every process of one site
// computes the same tokens and a restart does not expire open forms.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { PubliusError } from "../../domain/errors.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** The form-token rule (made once in installCsrfRule). */
    formTokens: FormTokens;
  }
}

/** The pre-session cookie's name: `__Host-` prefixed when the site is served over https. */
export function csrfCookieName(config: Config): string {
  return config.publicUrl.startsWith("https:") ? "__Host-publius_csrf" : "publius_csrf";
}

/** A form whose CSRF token is missing, wrong or expired. */
export class FormExpiredError extends PubliusError {}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Paths of the JSON API and the OAuth endpoints that clients call with credentials of their own. */
export function isApiPath(url: string): boolean {
  return url.startsWith("/api/") || url.startsWith("/oauth/token") || url.startsWith("/oauth/revoke");
}

export const FORGED_MESSAGE =
  "This form has expired or did not come from this site. Go back, reload the page and try again.";

const NONCE = /^[A-Za-z0-9_-]{43}$/;

export class FormTokens {
  readonly #key: () => Buffer;
  readonly #cookieName: string;

  /** `key` is called on first use (the key file is read then). */
  constructor(key: () => Buffer, cookieName: string) {
    this.#key = key;
    this.#cookieName = cookieName;
  }

  get cookieName(): string {
    return this.#cookieName;
  }

  #mac(purpose: string, value: string): string {
    return createHmac("sha256", this.#key()).update(purpose).update("\0").update(value).digest("base64url");
  }

  /** A fresh pre-session cookie value: a random nonce and the server's signature of it. */
  newPreSession(): string {
    const nonce = randomBytes(32).toString("base64url");
    return `${nonce}.${this.#mac("pre-session", nonce)}`;
  }

  /** The nonce of a pre-session cookie this server made, or undefined (absent, malformed, forged). */
  preSessionNonce(cookie: string | undefined): string | undefined {
    if (!cookie) return undefined;
    const [nonce, sig, extra] = cookie.split(".");
    if (extra !== undefined || !nonce || !sig || !NONCE.test(nonce)) return undefined;
    return equal(sig, this.#mac("pre-session", nonce)) ? nonce : undefined;
  }

  /** The form token for a session cookie's token, or for a pre-session nonce. */
  token(binding: { session: string } | { preSession: string }): string {
    return "session" in binding
      ? this.#mac("form-token:session", binding.session)
      : this.#mac("form-token:pre-session", binding.preSession);
  }

  /**
   * The token this request's forms must carry, from its cookies; "" when it has neither a session
   * nor a valid pre-session cookie (then no sent value can match).
   */
  expectedFor(sessionCookie: string | undefined, preSessionCookie: string | undefined): string {
    if (sessionCookie && sessionCookie.length <= 200) return this.token({ session: sessionCookie });
    const nonce = this.preSessionNonce(preSessionCookie);
    return nonce ? this.token({ preSession: nonce }) : "";
  }
}

function equal(a: string, b: string): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Refuses a state-changing web request that the browser says came from another site: by
 * Sec-Fetch-Site, or by an Origin that is neither this site's (public or onion address) nor "null"
 * (what our own no-referrer pages make the browser send). A browser that sends neither header goes
 * on to the token check.
 */
export function refuseCrossSite(request: FastifyRequest, ownOrigins: ReadonlySet<string>): void {
  if (SAFE_METHODS.has(request.method) || isApiPath(request.url)) return;
  const site = request.headers["sec-fetch-site"];
  if (site === "cross-site" || site === "same-site") throw new PubliusError(403, FORGED_MESSAGE);
  const origin = request.headers.origin;
  if (typeof origin === "string" && origin !== "null" && !ownOrigins.has(origin)) {
    throw new PubliusError(403, FORGED_MESSAGE);
  }
}

/** Installs the Sec-Fetch-Site check (before any body is read) and decorates the app with the tokens. */
export function installCsrfRule(app: FastifyInstance, config: Config, key: () => Buffer): FormTokens {
  const tokens = new FormTokens(key, csrfCookieName(config));
  app.decorate("formTokens", tokens);
  const ownOrigins = new Set(
    [config.publicUrl, ...(config.onionUrl ? [config.onionUrl] : [])].map((u) => new URL(u).origin),
  );
  app.addHook("onRequest", async (request) => refuseCrossSite(request, ownOrigins));
  return tokens;
}

/**
 * The token for this request's forms and the one the request itself must carry ("" when none can
 * match), issuing a pre-session cookie to an anonymous visitor who has none (or one the server did
 * not sign): a cookie made now cannot have come with this request, so its token serves the page only.
 */
export function formTokenFor(
  tokens: FormTokens,
  request: FastifyRequest,
  reply: FastifyReply,
  sessionCookie: string | undefined,
  cookieOptions: Record<string, unknown>,
): { page: string; expected: string } {
  const expected = tokens.expectedFor(sessionCookie, request.cookies[tokens.cookieName]);
  if (expected !== "") return { page: expected, expected };
  const preSession = tokens.newPreSession();
  reply.setCookie(tokens.cookieName, preSession, cookieOptions);
  return { page: tokens.expectedFor(undefined, preSession), expected: "" };
}

/** For a state-changing web request: the sent `csrf` field must equal the expected token. */
export function checkFormToken(request: FastifyRequest, expected: string): void {
  if (SAFE_METHODS.has(request.method) || isApiPath(request.url)) return;
  const body = request.body as Record<string, unknown> | undefined;
  const sent = typeof body?.csrf === "string" ? body.csrf : "";
  if (!equal(sent, expected)) throw new FormExpiredError(403, FORGED_MESSAGE);
}
