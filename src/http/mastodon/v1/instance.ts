// /api/v1/instance, /api/v2/instance, custom_emojis, preferences, announcements, filters, trends
// (docs: Methods > instance, custom_emojis, preferences, announcements, filters, trends).
// Features Publius does not have answer with their empty form, so clients keep working.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { PubliusError } from "../../../domain/errors.ts";
import { escapeHtml } from "../../../domain/text.ts";
import { accountToApi } from "../../../present/mastodon/account.ts";
import { instanceDescription, instanceToApi, v1InstanceToApi } from "../../../present/mastodon/instance.ts";
import { privacyPolicyPage } from "../../../present/web/privacy-policy.ts";
import { int, paramsOf } from "../params.ts";
import { optionalUser, requireUser } from "../plugin.ts";

/** The policy and description are part of the code, not edited by an admin: no real update time exists. */
const NO_UPDATE_TIME = "1970-01-01T00:00:00.000Z";

export function instanceRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { instance, preferences } = ctx.services;
  const empty = async () => [];

  api.get("/api/v2/instance", async () =>
    instanceToApi(ctx.config, await instance.stats(), ctx.services.push.serverKey()),
  );
  api.get("/api/v1/instance", async () => v1InstanceToApi(ctx.config, await instance.stats()));

  // No federation: no peers and no domain blocks. No activity history: logins are not recorded.
  api.get("/api/v1/instance/peers", empty);
  api.get("/api/v1/instance/activity", empty);
  api.get("/api/v1/instance/domain_blocks", empty);
  api.get("/api/v1/instance/rules", empty);
  api.get("/api/v1/instance/translation_languages", async () => ({}));
  api.get("/api/v1/instance/extended_description", async () => ({
    updated_at: NO_UPDATE_TIME,
    content: `<p>${escapeHtml(instanceDescription(ctx.config))}</p>`,
  }));
  // The same text as /privacy, generated from the data inventory (docs: Entities > PrivacyPolicy).
  api.get("/api/v1/instance/privacy_policy", async () => ({
    updated_at: NO_UPDATE_TIME,
    content: privacyPolicyPage({ instanceName: ctx.config.instanceName }).value,
  }));
  // Mastodon 4.4 answers 404 when the server has published no terms; Publius has none, and says so.
  const noTerms = async () => {
    throw new PubliusError(404, "This server has not published terms of service");
  };
  api.get("/api/v1/instance/terms_of_service", noTerms);
  api.get("/api/v1/instance/terms_of_service/:date", noTerms);

  // The profile directory (docs: Methods > directory): only accounts that chose to be listed
  // (`discoverable`), all local; alphabetical by handle whatever `order` asks, because "active"
  // (by last post) and "new" (by sign-up) would publish when people were active.
  api.get("/api/v1/directory", async (request) => {
    optionalUser(request, "read:accounts");
    const p = paramsOf(request);
    const offset = int(p, "offset", { min: 0, max: 100_000 }) ?? 0;
    const limit = Math.min(int(p, "limit", { min: 1 }) ?? 40, 80);
    const list = await ctx.services.accounts.directory(offset, limit);
    return list.map((a) => accountToApi(ctx.config.publicUrl, a));
  });

  api.get("/api/v1/custom_emojis", empty);

  // Trends would rank people's activity; Publius does not compute them.
  api.get("/api/v1/trends", empty);
  api.get("/api/v1/trends/tags", empty);
  api.get("/api/v1/trends/statuses", empty);
  api.get("/api/v1/trends/links", empty);

  api.get("/api/v1/preferences", async (request) => {
    const viewer = requireUser(request, "read:accounts");
    const p = await preferences.get(viewer);
    return {
      "posting:default:visibility": p.visibility,
      "posting:default:sensitive": p.sensitive,
      "posting:default:language": p.language,
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
    };
  });

  api.get("/api/v1/announcements", async (request) => {
    requireUser(request, "read");
    return [];
  });

  // No filters yet: the lists are empty, as for someone who never made one.
  api.get("/api/v1/filters", async (request) => {
    requireUser(request, "read:filters");
    return [];
  });
  api.get("/api/v2/filters", async (request) => {
    requireUser(request, "read:filters");
    return [];
  });
}
