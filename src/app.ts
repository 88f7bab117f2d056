// buildApp(ctx): mounts the routes and the one error handler. It never listens: tests use inject().

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import type { AppContext } from "./context.ts";
import { installCors } from "./http/cors.ts";
import { installErrorHandler } from "./http/errors.ts";
import { parseFormBody } from "./http/form-body.ts";
import { healthRoutes } from "./http/health.ts";
import { createLogger, type Logger } from "./http/logging.ts";
import { MAX_UPLOAD_BYTES, registerMastodonApi } from "./http/mastodon/plugin.ts";
import { mastodonRoutes } from "./http/mastodon/routes.ts";
import { mediaFileRoutes } from "./http/media-files.ts";
import { FIELD_BYTES, UploadBudget } from "./http/multipart.ts";
import { installNulRule } from "./http/nul.ts";
import { installOnionRewriting } from "./http/origin.ts";
import { RateLimiter, sharedAddressRule } from "./http/rate-limit.ts";
import { sourceRoutes } from "./http/source.ts";
import { legalConsole } from "./http/staff/legal-plugin.ts";
import { activityRoutes } from "./http/web/activity.ts";
import { authRoutes } from "./http/web/auth.ts";
import { webUploadRoutes } from "./http/web/compose.ts";
import { exportRoutes } from "./http/web/export.ts";
import { legalNoticeRoutes } from "./http/web/legal-notices.ts";
import { legalPageRoutes } from "./http/web/legal-pages.ts";
import { legalPublicRoutes } from "./http/web/legal-public.ts";
import { privacyRoutes } from "./http/web/privacy.ts";
import { profileRoutes } from "./http/web/profiles.ts";
import { FormExpiredError, installWebRequestHooks, SignInRequired, sendErrorPage } from "./http/web/request.ts";
import { scheduledRoutes } from "./http/web/scheduled.ts";
import { settingsRoutes } from "./http/web/settings.ts";
import { staffRoutes } from "./http/web/staff.ts";
import { statusRoutes } from "./http/web/statuses.ts";
import { timelineRoutes } from "./http/web/timelines.ts";
import { transparencyRoutes } from "./http/web/transparency.ts";

/** Largest accepted body for forms and JSON (media uploads get their own limit). */
export const BODY_LIMIT = 64 * 1024;

/** Upload bytes buffered at once across the server (raised to fit the largest legal document). */
export const UPLOAD_BUDGET_BYTES = 64 * 1024 * 1024;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

export interface BuildOptions {
  logger?: Logger;
  /** Shared by every limit in the app; tests pass their own to inspect it. */
  limiter?: RateLimiter;
  /** The budget of upload bytes held in memory at once; tests pass a small one. */
  uploads?: UploadBudget;
  /** Told of every route as it is registered (the fuzz test enumerates them this way). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger(ctx.config.logLevel);
  const app = Fastify({
    // Fastify's own logger would record addresses and URLs: Publius logs through its own hook.
    logger: false,
    bodyLimit: BODY_LIMIT,
    // X-Forwarded-For only from configured proxies; the address never leaves memory either way.
    trustProxy: ctx.config.trustedProxies.length ? ctx.config.trustedProxies : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Request ids must not be derived from anything the client sends.
    genReqId: () => "",
    // A client that never finishes its request gets 408 and loses the connection: a few slow
    // clients cannot hold the server's sockets, nor hold a shutdown open (docs/operating.md).
    requestTimeout: ctx.config.requestTimeoutMs,
    // Idle keep-alive connections close after 5 s (Fastify's default, 72 s, outlasts every
    // orchestrator's shutdown grace period).
    keepAliveTimeout: 5000,
    // A shutdown answers what is accepted instead of 503 (src/http/shutdown.ts).
    return503OnClosing: false,
    http: {
      headersTimeout: Math.min(10_000, ctx.config.requestTimeoutMs),
      // How often Node checks the two timeouts above (its default, 30 s, would let them run late).
      connectionsCheckingInterval: 1000,
    },
  });

  const { onRoute } = options;
  if (onRoute) app.addHook("onRoute", (route) => onRoute({ method: route.method, url: route.url }));

  await installCors(app);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT, parser: parseFormBody });

  const onionHost = ctx.config.onionUrl ? new URL(ctx.config.onionUrl).host : undefined;
  app.addHook("onRequest", async (request, reply) => {
    // Tor Browser offers the onion address to people who arrive on the public one.
    if (onionHost && request.headers.host?.toLowerCase() !== onionHost) {
      reply.header("onion-location", `${ctx.config.onionUrl}${request.url}`);
    }
    reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    reply.header("x-content-type-options", "nosniff");
    reply.header("x-frame-options", "DENY");
    reply.header("referrer-policy", "no-referrer");
    reply.header("cross-origin-opener-policy", "same-origin");
    reply.header("cross-origin-resource-policy", "same-origin");
    reply.header("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  });
  installNulRule(app);

  installOnionRewriting(app, ctx.config);

  app.addHook("onResponse", async (request, reply) => {
    logger.request({
      method: request.method,
      // The route pattern (/@:handle/:id), never the URL with its values and query string.
      route: request.routeOptions.url ?? "(no route)",
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
  });

  installErrorHandler(app, logger, async (request, reply, error, status, message) => {
    if (error instanceof SignInRequired && request.method === "GET") {
      return reply.redirect(`/signin?next=${encodeURIComponent(error.next)}`, 303);
    }
    const refill = request.routeOptions?.config?.refill;
    if (error instanceof FormExpiredError && refill && request.auth) return refill(request, reply, message);
    // The API's wording (Mastodon's) is not a sentence for a person.
    const said =
      message === "Record not found"
        ? "There is nothing here: it may have been deleted, or it is not visible to you."
        : message;
    return sendErrorPage(ctx, request, reply, status, said);
  });

  const css = readFileSync(new URL("../public/publius.css", import.meta.url));
  const cssTag = `"${createHash("sha256").update(css).digest("base64url").slice(0, 16)}"`;
  app.get("/static/publius.css", async (request, reply) => {
    reply.header("cache-control", "public, max-age=3600").header("etag", cssTag);
    if (request.headers["if-none-match"] === cssTag) return reply.status(304).send();
    return reply.type("text/css; charset=utf-8").send(css);
  });
  for (const name of ["avatar.png", "header.png"]) {
    const png = readFileSync(new URL(`../public/${name}`, import.meta.url));
    // The default avatar and header appear in other origins' clients (Elk, Phanpy): loadable from anywhere.
    app.get(`/static/${name}`, async (_request, reply) =>
      reply
        .header("cache-control", "public, max-age=86400")
        .header("cross-origin-resource-policy", "cross-origin")
        .type("image/png")
        .send(png),
    );
  }
  mediaFileRoutes(app, ctx);
  healthRoutes(app, ctx);
  sourceRoutes(app);

  // One limiter for the whole app: the API's limits and the per-address ones routes add.
  const limiter = options.limiter ?? new RateLimiter(ctx.clock);
  app.decorate("rateLimiter", limiter);
  app.decorate("sharedAddress", sharedAddressRule(ctx.config));
  // Upload bodies held in memory at once, server-wide: room for a few of the largest at a time.
  const uploads =
    options.uploads ??
    new UploadBudget(
      Math.max(UPLOAD_BUDGET_BYTES, 2 * (ctx.config.legal.maxDocumentBytes + FIELD_BYTES), 4 * MAX_UPLOAD_BYTES),
    );

  // Root level, so the 404 page knows who is signed in too.
  installWebRequestHooks(app, ctx);
  await app.register(async (web) => {
    authRoutes(web, ctx);
    timelineRoutes(web, ctx);
    statusRoutes(web, ctx);
    await webUploadRoutes(web, ctx, uploads);
    profileRoutes(web, ctx);
    activityRoutes(web, ctx);
    settingsRoutes(web, ctx);
    staffRoutes(web, ctx);
    privacyRoutes(web, ctx);
    exportRoutes(web, ctx);
    scheduledRoutes(web, ctx);
    legalNoticeRoutes(web, ctx);
    legalPublicRoutes(web, ctx);
    legalPageRoutes(web, ctx);
    transparencyRoutes(web, ctx);
    await legalConsole(web, ctx, uploads);
  });

  await registerMastodonApi(app, ctx, limiter, uploads, (api) => mastodonRoutes(api, ctx));

  return app;
}
