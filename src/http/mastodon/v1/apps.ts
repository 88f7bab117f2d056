// POST /api/v1/apps, GET /api/v1/apps/verify_credentials (docs: Methods > apps).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { notFound, unprocessable } from "../../../domain/errors.ts";
import { applicationToApi, credentialApplicationToApi } from "../../../present/mastodon/app.ts";
import { limitAppRegistrations } from "../../rate-limit.ts";
import { paramsOf, str, strings } from "../params.ts";
import { requireToken } from "../plugin.ts";

export function appsRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { oauth } = ctx.services;

  // Public: anyone may register a client. Nothing about who registered it is kept.
  // Registrations are limited per address (an HMAC of it, in memory only); unused apps expire.
  api.post("/api/v1/apps", { preHandler: limitAppRegistrations }, async (request) => {
    const p = paramsOf(request);
    const clientName = str(p, "client_name", { max: 200 });
    if (!clientName?.trim()) throw unprocessable("Validation failed: Application name can't be blank");
    // A string (one URI, or several separated by whitespace) or an array of strings.
    const redirectUris = Array.isArray(p.redirect_uris)
      ? (strings(p, "redirect_uris") ?? [])
      : (str(p, "redirect_uris", { max: 4000 }) ?? "");
    if ((Array.isArray(redirectUris) ? redirectUris.join("") : redirectUris).trim() === "") {
      throw unprocessable("Validation failed: Redirect URI can't be blank");
    }
    const { app, clientSecret } = await oauth.registerApp({
      clientName,
      redirectUris,
      scopes: str(p, "scopes", { max: 2000 }),
      website: str(p, "website", { max: 500 }) || undefined,
    });
    return credentialApplicationToApi(app, clientSecret, ctx.services.push.serverKey());
  });

  // Any valid token, app-only or user, with no particular scope (as in Mastodon 4.3).
  api.get("/api/v1/apps/verify_credentials", async (request) => {
    const { token } = requireToken(request);
    const app = await oauth.appById(token.appId);
    if (!app) throw notFound();
    return applicationToApi(app, ctx.services.push.serverKey());
  });
}
