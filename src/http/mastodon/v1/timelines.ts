// /api/v1/timelines/* (docs: Methods > timelines). Newest first, 20 by default and 40 at most, with
// Link headers for the next (older) and previous (newer) page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../../context.ts";
import type { Status } from "../../../domain/status.ts";
import { statusToApi } from "../../../present/mastodon/status.ts";
import { bool, pageParams, paramsOf, strings } from "../params.ts";
import { optionalUser, requireUser, setLinkHeader } from "../plugin.ts";

export const STATUS_PAGE = { limit: 20, max: 40 };

export function timelineRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { timelines } = ctx.services;
  const origin = ctx.config.publicUrl;

  const send = (request: FastifyRequest, reply: FastifyReply, statuses: Status[]) => {
    setLinkHeader(ctx, request, reply, { newest: statuses[0]?.id, oldest: statuses[statuses.length - 1]?.id });
    return statuses.map((s) => statusToApi(origin, s));
  };

  api.get("/api/v1/timelines/home", async (request, reply) => {
    const viewer = requireUser(request, "read:statuses");
    const page = pageParams(paramsOf(request), STATUS_PAGE);
    return send(request, reply, await timelines.home(viewer, page));
  });

  // Public preview stays on: anyone may read public posts. Without federation every post is local,
  // so `remote=true` is an empty timeline and `local` changes nothing.
  api.get("/api/v1/timelines/public", async (request, reply) => {
    const viewer = optionalUser(request, "read:statuses");
    const p = paramsOf(request);
    const page = pageParams(p, STATUS_PAGE);
    bool(p, "local");
    if (bool(p, "remote")) return [];
    return send(request, reply, await timelines.local(viewer, page, { onlyMedia: bool(p, "only_media") }));
  });

  // An unknown hashtag is an empty timeline (as Mastodon answers), not a 404.
  api.get<{ Params: { hashtag: string } }>("/api/v1/timelines/tag/:hashtag", async (request, reply) => {
    const viewer = optionalUser(request, "read:statuses");
    const p = paramsOf(request);
    const page = pageParams(p, STATUS_PAGE);
    bool(p, "local");
    if (bool(p, "remote")) return [];
    const statuses = await timelines.hashtag(viewer, request.params.hashtag, page, {
      onlyMedia: bool(p, "only_media"),
      any: strings(p, "any"),
      all: strings(p, "all"),
      none: strings(p, "none"),
    });
    return send(request, reply, statuses);
  });

  // One's own lists only: another's list, like a missing one, is a 404.
  api.get<{ Params: { id: string } }>("/api/v1/timelines/list/:id", async (request, reply) => {
    const viewer = requireUser(request, "read:lists");
    const page = pageParams(paramsOf(request), STATUS_PAGE);
    return send(request, reply, await timelines.list(viewer, request.params.id, page));
  });
}
