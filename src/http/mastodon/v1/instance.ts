// /api/v1/instance, /api/v2/instance, custom_emojis, preferences, announcements, filters, trends
// (docs: Methods > instance, custom_emojis, preferences, announcements, filters, trends).
// Features Publius does not have answer with their empty form, so clients keep working.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { escapeHtml } from "../../../domain/text.ts";
import { instanceDescription, instanceToApi, v1InstanceToApi } from "../../../present/mastodon/instance.ts";
import { requireUser } from "../plugin.ts";

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
    // The description is part of the code, not edited by an admin: no real update time exists.
    updated_at: "1970-01-01T00:00:00.000Z",
    content: `<p>${escapeHtml(instanceDescription(ctx.config))}</p>`,
  }));

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
