// Hashtags (docs: Methods > tags, followed_tags, featured_tags): a tag's page entity, following a
// hashtag (its public posts come into home), and hashtags featured on one's profile.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { notFound, PubliusError } from "../../../domain/errors.ts";
import { featuredTagToApi, tagEntityToApi } from "../../../present/mastodon/tag.ts";
import { pageParams, paramsOf, str } from "../params.ts";
import { optionalUser, requireUser, setLinkHeader } from "../plugin.ts";

type ByName = { Params: { name: string } };
type ById = { Params: { id: string } };

export function tagRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { tags, accounts } = ctx.services;
  const origin = ctx.config.publicUrl;

  api.get<ByName>("/api/v1/tags/:name", async (request) => {
    const viewer = optionalUser(request, "read:follows");
    const tag = await tags.get(viewer, request.params.name);
    // The last week's uses, counted over the posts this viewer may see.
    const seen = await ctx.services.search.hashtag(viewer, tag.name);
    return tagEntityToApi(origin, tag, seen?.history);
  });

  api.post<ByName>("/api/v1/tags/:name/follow", async (request) => {
    const viewer = requireUser(request, "write:follows");
    return tagEntityToApi(origin, await tags.follow(viewer, request.params.name));
  });

  api.post<ByName>("/api/v1/tags/:name/unfollow", async (request) => {
    const viewer = requireUser(request, "write:follows");
    return tagEntityToApi(origin, await tags.unfollow(viewer, request.params.name));
  });

  // Mastodon 4.4: feature or unfeature by name (the same featured tags as /api/v1/featured_tags).
  api.post<ByName>("/api/v1/tags/:name/feature", async (request) => {
    const viewer = requireUser(request, "write:accounts");
    return tagEntityToApi(origin, await tags.featureByName(viewer, request.params.name));
  });

  api.post<ByName>("/api/v1/tags/:name/unfeature", async (request) => {
    const viewer = requireUser(request, "write:accounts");
    return tagEntityToApi(origin, await tags.unfeatureByName(viewer, request.params.name));
  });

  // 100 by default and 200 at most, as Mastodon; paged on the follow's own order (Link header).
  api.get("/api/v1/followed_tags", async (request, reply) => {
    const viewer = requireUser(request, "read:follows");
    const result = await tags.followed(viewer, pageParams(paramsOf(request), { limit: 100, max: 200 }));
    setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
    return result.tags.map((t) => tagEntityToApi(origin, t));
  });

  api.get("/api/v1/featured_tags", async (request) => {
    const viewer = requireUser(request, "read:accounts");
    return (await tags.featured(viewer.accountId)).map((f) => featuredTagToApi(origin, f));
  });

  api.post("/api/v1/featured_tags", async (request) => {
    const viewer = requireUser(request, "write:accounts");
    const name = str(paramsOf(request), "name", { max: 200 }) ?? "";
    return featuredTagToApi(origin, await tags.feature(viewer, name));
  });

  api.get("/api/v1/featured_tags/suggestions", async (request) => {
    const viewer = requireUser(request, "read:accounts");
    return (await tags.suggestions(viewer)).map((t) => tagEntityToApi(origin, t));
  });

  api.delete<ById>("/api/v1/featured_tags/:id", async (request) => {
    const viewer = requireUser(request, "write:accounts");
    await tags.unfeature(viewer, request.params.id);
    return {};
  });

  // Public, as a profile is.
  api.get<ById>("/api/v1/accounts/:id/featured_tags", async (request) => {
    optionalUser(request, "read:accounts");
    if (!/^\d{1,20}$/.test(request.params.id)) throw notFound();
    const account = await accounts.visibleById(request.params.id).catch((e) => {
      throw e instanceof PubliusError && e.status === 404 ? notFound() : e;
    });
    return (await tags.featured(account.id)).map((f) => featuredTagToApi(origin, f));
  });
}
