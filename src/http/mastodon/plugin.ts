// The Mastodon client API: body parsing (JSON, form, multipart), bearer-token authentication with
// scopes, rate-limit headers, Link headers for paging, and the routes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import type { Viewer } from "../../domain/account.ts";
import { PubliusError } from "../../domain/errors.ts";
import { hasScope } from "../../domain/scopes.ts";
import type { Authenticated } from "../../services/oauth/oauth.ts";
import { installMultipart, type UploadBudget } from "../multipart.ts";
import { type Limit, type RateLimiter, setRateLimitHeaders } from "../rate-limit.ts";
import type { UploadedFile } from "./params.ts";

/** Largest upload (media, avatars): images only, so this is generous. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

declare module "fastify" {
  interface FastifyRequest {
    api: Authenticated | undefined;
  }
}

export const API_LIMIT: Limit = { max: 300, windowMs: 5 * 60_000 };

/** The user behind the token, with the scope this call needs; Mastodon's status codes otherwise. */
export function requireUser(request: FastifyRequest, scope: string): Viewer {
  const api = request.api;
  if (!api) throw new PubliusError(401, "The access token is invalid");
  if (!hasScope(api.token.scopes, scope)) throw new PubliusError(403, "This action is outside the authorized scopes");
  if (!api.viewer) throw new PubliusError(422, "This method requires an authenticated user");
  return api.viewer;
}

/** A token (user or app) with the scope, or none at all when the endpoint is public. */
export function optionalUser(request: FastifyRequest, scope: string): Viewer | null {
  const api = request.api;
  if (!api) return null;
  if (!hasScope(api.token.scopes, scope)) throw new PubliusError(403, "This action is outside the authorized scopes");
  return api.viewer ?? null;
}

/** Any valid token, app-only included (e.g. verify app credentials, register an account). */
export function requireToken(request: FastifyRequest): Authenticated {
  if (!request.api) throw new PubliusError(401, "The access token is invalid");
  return request.api;
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h === "string" && /^bearer /i.test(h)) return h.slice(7).trim();
  return undefined;
}

/** Sets Link: <…max_id=…>; rel="next", <…min_id=…>; rel="prev" as Mastodon does. */
export function setLinkHeader(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  ids: { newest: string | undefined; oldest: string | undefined },
): void {
  if (!ids.newest || !ids.oldest) return;
  const path = request.url.split("?")[0] ?? "";
  const query = new URLSearchParams(request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "");
  for (const k of ["max_id", "min_id", "since_id"]) query.delete(k);
  const link = (key: string, value: string) => {
    const q = new URLSearchParams(query);
    q.set(key, value);
    return `${ctx.config.publicUrl}${path}?${q.toString()}`;
  };
  reply.header("link", `<${link("max_id", ids.oldest)}>; rel="next", <${link("min_id", ids.newest)}>; rel="prev"`);
}

/**
 * Whose API bucket a request counts against: a user token the account's (however many apps or
 * tokens it holds, as Mastodon counts), an app-only token the app's (so minting more client
 * credentials buys no more requests), no token the address's (an HMAC of it, see rate-limit.ts).
 */
export function apiBucket(request: FastifyRequest, limiter: RateLimiter): string {
  const token = request.api?.token;
  if (token?.accountId) return `u:${token.accountId}`;
  if (token) return `app:${token.appId}`;
  return `a:${limiter.addressKey(request.ip)}`;
}

export async function registerMastodonApi(
  app: FastifyInstance,
  ctx: AppContext,
  limiter: RateLimiter,
  uploads: UploadBudget,
  routes: (api: FastifyInstance) => void,
): Promise<void> {
  const apiLimit: Limit = { max: ctx.config.apiRequestsPer5Minutes, windowMs: API_LIMIT.windowMs };
  await app.register(async (api) => {
    api.decorateRequest("api", undefined);

    api.addHook("onRequest", async (request, reply) => {
      reply.header("cache-control", "private, no-store");
      const token = bearer(request);
      request.api = await ctx.services.oauth.authenticate(token);
      if (token && !request.api) throw new PubliusError(401, "The access token is invalid");
      const bucket = apiBucket(request, limiter);
      const r = limiter.hit(bucket, apiLimit);
      setRateLimitHeaders(reply, r);
      if (!r.allowed) {
        reply.header("retry-after", String(r.retryAfter));
        throw new PubliusError(429, "Too many requests");
      }
    });

    // Multipart bodies become plain objects, files as UploadedFile; nothing touches the disk here.
    // Only routes with an upload rule take files, and only from a token that may use the route:
    // anyone else is refused before the body is read. Other routes take small field-only bodies.
    installMultipart(
      api,
      uploads,
      async (request) => {
        const rule = request.routeOptions.config.upload;
        if (!rule) return { files: 0, fileBytes: 0 };
        if (rule.scope) requireUser(request, rule.scope);
        return {
          files: rule.files,
          fileBytes: MAX_UPLOAD_BYTES,
          tooLarge: () => new PubliusError(413, "File is too large"),
        };
      },
      (f): UploadedFile => ({ kind: "file", filename: f.filename, mimetype: f.mimetype, data: f.data }),
    );

    routes(api);
  });
}
