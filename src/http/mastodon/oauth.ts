// OAuth 2 for client apps (docs: Methods > oauth; RFC 6749, RFC 7636 PKCE, RFC 7009 revocation,
// RFC 8414 metadata):
//   GET/POST /oauth/authorize   the consent page (a web page: session cookie, CSRF token)
//   POST /oauth/token           authorization_code (with PKCE S256) and client_credentials grants
//   POST /oauth/revoke          revoke a token
//   GET /.well-known/oauth-authorization-server
// A bad client or redirect URI is shown on a page and never redirected to (RFC 6749 §4.1.2.1).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import { GRANULAR_SCOPES, TOP_SCOPES } from "../../domain/scopes.ts";
import { tokenToApi } from "../../present/mastodon/app.ts";
import { signInPage } from "../../present/web/auth.ts";
import { codePage, consentPage, deniedPage, oauthErrorPage } from "../../present/web/oauth.ts";
import { OAuthError, OOB_REDIRECT } from "../../services/oauth/oauth.ts";
import { sendPage } from "../web/request.ts";
import { type Params, paramsOf, str } from "./params.ts";

/** The parameters of an authorization request, from the query (GET) or the consent form (POST). */
interface AuthorizationRequest {
  responseType: string;
  clientId: string;
  redirectUri: string;
  scope: string | undefined;
  state: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
}

function text(source: unknown, key: string, max = 2000): string | undefined {
  const v = (source as Record<string, unknown> | undefined)?.[key];
  return typeof v === "string" && v.length <= max ? v : undefined;
}

function readAuthorization(source: unknown): AuthorizationRequest {
  return {
    responseType: text(source, "response_type") ?? "",
    clientId: text(source, "client_id") ?? "",
    redirectUri: text(source, "redirect_uri") ?? "",
    scope: text(source, "scope") || undefined,
    state: text(source, "state") ?? undefined,
    codeChallenge: text(source, "code_challenge") || undefined,
    codeChallengeMethod: text(source, "code_challenge_method") || undefined,
  };
}

/** The request as query parameters, for links and the sign-in return path. */
function authorizationQuery(a: AuthorizationRequest, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  q.set("response_type", a.responseType);
  q.set("client_id", a.clientId);
  q.set("redirect_uri", a.redirectUri);
  if (a.scope) q.set("scope", a.scope);
  if (a.state !== undefined) q.set("state", a.state);
  if (a.codeChallenge) q.set("code_challenge", a.codeChallenge);
  if (a.codeChallengeMethod) q.set("code_challenge_method", a.codeChallengeMethod);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return `/oauth/authorize?${q.toString()}`;
}

/** The app's redirect URI with our parameters added (its own query is kept). */
function redirectTarget(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** What CSP form-action must allow so the consent form's redirect to the app is not blocked. */
function formActionSource(uri: string): string | undefined {
  if (uri === OOB_REDIRECT) return undefined;
  try {
    const url = new URL(uri);
    if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
    // An app's own scheme (com.example.app:/callback): a scheme source.
    return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? url.protocol : undefined;
  } catch {
    return undefined;
  }
}

function truthy(value: string | undefined): boolean {
  return value === "true" || value === "1" || value === "on";
}

/** The client's id and secret: HTTP Basic (client_secret_basic) first, else body (client_secret_post). */
function clientAuth(
  request: FastifyRequest,
  p: Params,
): { clientId: string; clientSecret: string | undefined; basic: boolean } {
  const header = request.headers.authorization;
  if (typeof header === "string" && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    try {
      if (colon > 0) {
        return {
          clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
          clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
          basic: true,
        };
      }
    } catch {
      // Malformed percent-encoding: treated as no credentials.
    }
    throw new OAuthError(401, "invalid_client", "The Authorization header is malformed.");
  }
  return {
    clientId: str(p, "client_id", { max: 200 }) ?? "",
    clientSecret: str(p, "client_secret", { max: 200 }),
    basic: false,
  };
}

const INVALID_CLIENT =
  "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.";

export function oauthRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { oauth } = ctx.services;
  const origin = ctx.config.publicUrl;

  /** Sends an OAuth error in RFC 6749 §5.2 shape; other errors go to the one error handler. */
  function sendOAuthError(reply: FastifyReply, e: unknown, basic = false) {
    if (e instanceof OAuthError) {
      if (e.status === 401 && basic) reply.header("www-authenticate", 'Basic realm="oauth"');
      return reply.status(e.status).send({ error: e.code, error_description: e.publicMessage });
    }
    // A parameter of the wrong type (params.ts): an invalid request in OAuth's words.
    if (e instanceof Error && "status" in e && (e as { status: number }).status === 422) {
      return reply.status(400).send({ error: "invalid_request", error_description: e.message });
    }
    throw e;
  }

  /** The page for requests that cannot be answered with a redirect. */
  function errorPage(request: FastifyRequest, reply: FastifyReply, message: string) {
    return sendPage(ctx, request, reply, "Authorisation", () => oauthErrorPage(message), 400);
  }

  /** An error the app should hear about: a redirect to it, or a page for out-of-band apps. */
  function answerWithError(
    request: FastifyRequest,
    reply: FastifyReply,
    a: AuthorizationRequest,
    code: string,
    description: string,
    status = 302,
  ) {
    if (a.redirectUri === OOB_REDIRECT) return errorPage(request, reply, description);
    return reply.redirect(
      redirectTarget(a.redirectUri, { error: code, error_description: description, state: a.state }),
      status,
    );
  }

  /**
   * Checks client, redirect URI, scope and PKCE. Returns the app and scopes, or undefined when it has
   * already answered (error page or error redirect).
   */
  async function check(request: FastifyRequest, reply: FastifyReply, a: AuthorizationRequest, status: number) {
    if (!a.clientId) {
      await errorPage(request, reply, "The request names no app (client_id is missing).");
      return undefined;
    }
    if (!a.redirectUri) {
      await errorPage(request, reply, "The request has no redirect_uri.");
      return undefined;
    }
    try {
      const checked = await oauth.checkAuthorization(a);
      if (a.responseType !== "code") {
        await answerWithError(
          request,
          reply,
          a,
          "unsupported_response_type",
          "The authorization server does not support this response type.",
          status,
        );
        return undefined;
      }
      return checked;
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      if (e.code === "invalid_client") {
        await errorPage(request, reply, "No app with this client_id is registered here.");
      } else if (e.code === "invalid_redirect_uri") {
        await errorPage(request, reply, "The redirect_uri is not one this app registered.");
      } else {
        await answerWithError(request, reply, a, e.code, e.publicMessage, status);
      }
      return undefined;
    }
  }

  api.get("/oauth/authorize", async (request, reply) => {
    const a = readAuthorization(request.query);
    const checked = await check(request, reply, a, 302);
    if (!checked) return reply;
    const returnTo = authorizationQuery(a);
    if (!request.auth) return reply.redirect(`/signin?next=${encodeURIComponent(returnTo)}`, 303);
    if (truthy(text(request.query, "force_login"))) {
      // Sign in again (perhaps as someone else); afterwards the request continues without force_login.
      return sendPage(ctx, request, reply, "Sign in", (pc) => signInPage(pc, { handle: "", next: returnTo }));
    }
    const source = formActionSource(a.redirectUri);
    if (source) {
      // CSP form-action also governs the redirect that answers the form: allow the app's address.
      const csp = String(reply.getHeader("content-security-policy") ?? "");
      reply.header("content-security-policy", csp.replace("form-action 'self'", `form-action 'self' ${source}`));
    }
    const { app, scopes } = checked;
    const hidden: Record<string, string> = {
      response_type: "code",
      client_id: a.clientId,
      redirect_uri: a.redirectUri,
      scope: scopes.join(" "),
    };
    if (a.state !== undefined) hidden.state = a.state;
    if (a.codeChallenge) hidden.code_challenge = a.codeChallenge;
    if (a.codeChallengeMethod) hidden.code_challenge_method = a.codeChallengeMethod;
    let redirectHost: string | undefined;
    if (a.redirectUri !== OOB_REDIRECT) {
      const url = new URL(a.redirectUri);
      redirectHost = url.host || url.protocol;
    }
    return sendPage(ctx, request, reply, `Authorise ${app.name}`, (pc) =>
      consentPage(pc, {
        appName: app.name,
        websiteHost: app.website ? new URL(app.website).host : undefined,
        handle: request.auth?.account.handle ?? "",
        scopes,
        redirectHost,
        hidden,
        switchAccountUrl: authorizationQuery(a, { force_login: "true" }),
      }),
    );
  });

  // The consent form. CSRF is checked for it by the web request hooks (src/http/web/request.ts).
  api.post("/oauth/authorize", async (request, reply) => {
    const a = readAuthorization(request.body);
    const checked = await check(request, reply, a, 303);
    if (!checked) return reply;
    if (!request.auth) {
      return reply.redirect(`/signin?next=${encodeURIComponent(authorizationQuery(a))}`, 303);
    }
    const decision = text(request.body, "decision");
    if (decision !== "approve") {
      if (a.redirectUri === OOB_REDIRECT) {
        return sendPage(ctx, request, reply, "Not authorised", () => deniedPage(checked.app.name));
      }
      return answerWithError(
        request,
        reply,
        a,
        "access_denied",
        "The resource owner or authorization server denied the request.",
        303,
      );
    }
    const code = await oauth.authorize(request.auth.viewer, a);
    if (a.redirectUri === OOB_REDIRECT) {
      return sendPage(ctx, request, reply, "Authorisation code", () => codePage(checked.app.name, code));
    }
    return reply.redirect(redirectTarget(a.redirectUri, { code, state: a.state }), 303);
  });

  api.post("/oauth/token", async (request, reply) => {
    reply.header("pragma", "no-cache");
    let basic = false;
    try {
      const p = paramsOf(request);
      const client = clientAuth(request, p);
      basic = client.basic;
      const grantType = str(p, "grant_type", { max: 100 });
      let issued: Awaited<ReturnType<typeof oauth.issue>>;
      if (grantType === "authorization_code") {
        const code = str(p, "code", { max: 200 });
        if (!code) throw new OAuthError(400, "invalid_request", "The code parameter is missing.");
        issued = await oauth.exchangeCode({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          code,
          redirectUri: str(p, "redirect_uri", { max: 2000 }) ?? "",
          codeVerifier: str(p, "code_verifier", { max: 200 }),
        });
      } else if (grantType === "client_credentials") {
        if (client.clientSecret === undefined) throw new OAuthError(401, "invalid_client", INVALID_CLIENT);
        issued = await oauth.clientCredentials({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          scope: str(p, "scope", { max: 2000 }),
        });
      } else if (!grantType) {
        throw new OAuthError(400, "invalid_request", "The grant_type parameter is missing.");
      } else {
        throw new OAuthError(
          400,
          "unsupported_grant_type",
          "The authorization grant type is not supported by the authorization server.",
        );
      }
      return tokenToApi(issued.token, issued.record);
    } catch (e) {
      return sendOAuthError(reply, e, basic);
    }
  });

  // Mastodon answers 403 unauthorized_client when the client cannot be authenticated or sends no
  // token; an unknown token (or another app's) is revoked "successfully", as RFC 7009 asks.
  api.post("/oauth/revoke", async (request, reply) => {
    const denied = { error: "unauthorized_client", error_description: "You are not authorized to revoke this token" };
    try {
      const p = paramsOf(request);
      const client = clientAuth(request, p);
      const token = str(p, "token", { max: 200 });
      if (!token || client.clientSecret === undefined) return reply.status(403).send(denied);
      await oauth.revoke({ clientId: client.clientId, clientSecret: client.clientSecret, token });
      return {};
    } catch (e) {
      if (e instanceof OAuthError && e.code === "invalid_client") return reply.status(403).send(denied);
      return sendOAuthError(reply, e);
    }
  });

  // RFC 8414 metadata, with the fields Mastodon 4.3 serves.
  api.get("/.well-known/oauth-authorization-server", async (_request, reply) => {
    reply.header("cache-control", "public, max-age=3600");
    return {
      issuer: `${origin}/`,
      service_documentation: "https://docs.joinmastodon.org/",
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      scopes_supported: [...TOP_SCOPES, ...GRANULAR_SCOPES],
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      code_challenge_methods_supported: ["S256"],
      app_registration_endpoint: `${origin}/api/v1/apps`,
    };
  });
}
