// One's own collections (docs: Methods > bookmarks, favourites, blocks, mutes, follow_requests,
// markers, lists). All need a user token; each lists only the caller's own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../../context.ts";
import type { Viewer } from "../../../domain/account.ts";
import { unprocessable } from "../../../domain/errors.ts";
import type { Page } from "../../../domain/status.ts";
import { accountToApi } from "../../../present/mastodon/account.ts";
import { markersToApi } from "../../../present/mastodon/marker.ts";
import { relationshipToApi, statusToApi } from "../../../present/mastodon/status.ts";
import type { AccountPage } from "../../../services/graph/relationships.ts";
import { MARKER_TIMELINES, type MarkerTimeline } from "../../../services/markers/markers.ts";
import type { StatusPage } from "../../../services/statuses/collections.ts";
import { type Params, pageParams, paramsOf, str, strings } from "../params.ts";
import { requireUser, setLinkHeader } from "../plugin.ts";

type ById = { Params: { id: string } };

const ACCOUNT_PAGE = { limit: 40, max: 80 };
const STATUS_PAGE = { limit: 20, max: 40 };

/** `home[last_read_id]` as a form field, or `{"home": {"last_read_id": …}}` as JSON. */
function lastReadId(p: Params, timeline: MarkerTimeline): string | undefined {
  const nested = p[timeline];
  if (nested && typeof nested === "object" && !Array.isArray(nested) && !("kind" in nested)) {
    return str(nested as Params, "last_read_id");
  }
  if (nested !== undefined && nested !== null) throw unprocessable(`${timeline} must be an object`);
  return str(p, `${timeline}[last_read_id]`);
}

export function collectionRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { relationships, collections, markers } = ctx.services;
  const origin = ctx.config.publicUrl;

  const accounts =
    (scope: string, load: (viewer: Viewer, page: Page) => Promise<AccountPage>, extra: Record<string, unknown> = {}) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const viewer = requireUser(request, scope);
      const result = await load(viewer, pageParams(paramsOf(request), ACCOUNT_PAGE));
      setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
      return result.accounts.map((a) => ({ ...accountToApi(origin, a), ...extra }));
    };

  const statuses =
    (scope: string, load: (viewer: Viewer, page: Page) => Promise<StatusPage>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const viewer = requireUser(request, scope);
      const result = await load(viewer, pageParams(paramsOf(request), STATUS_PAGE));
      setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
      return result.statuses.map((s) => statusToApi(origin, s));
    };

  api.get(
    "/api/v1/follow_requests",
    accounts("read:follows", (v, page) => relationships.followRequests(v, page)),
  );
  api.post<ById>("/api/v1/follow_requests/:id/authorize", async (request) => {
    const viewer = requireUser(request, "write:follows");
    return relationshipToApi(await relationships.authorize(viewer, request.params.id));
  });
  api.post<ById>("/api/v1/follow_requests/:id/reject", async (request) => {
    const viewer = requireUser(request, "write:follows");
    return relationshipToApi(await relationships.reject(viewer, request.params.id));
  });

  api.get(
    "/api/v1/blocks",
    accounts("read:blocks", (v, page) => relationships.blocks(v, page)),
  );
  // Mutes never expire on Publius.
  api.get(
    "/api/v1/mutes",
    accounts("read:mutes", (v, page) => relationships.mutes(v, page), { mute_expires_at: null }),
  );

  api.get(
    "/api/v1/bookmarks",
    statuses("read:bookmarks", (v, page) => collections.bookmarks(v, page)),
  );
  api.get(
    "/api/v1/favourites",
    statuses("read:favourites", (v, page) => collections.favourites(v, page)),
  );

  api.get("/api/v1/markers", async (request) => {
    const viewer = requireUser(request, "read:statuses");
    const timelines = strings(paramsOf(request), "timeline") ?? [];
    return markersToApi(await markers.get(viewer, timelines));
  });

  api.post("/api/v1/markers", async (request) => {
    const viewer = requireUser(request, "write:statuses");
    const p = paramsOf(request);
    const positions: Partial<Record<MarkerTimeline, string>> = {};
    for (const timeline of MARKER_TIMELINES) {
      const id = lastReadId(p, timeline);
      if (id !== undefined) positions[timeline] = id;
    }
    return markersToApi(await markers.save(viewer, positions));
  });

  // Apps ask for these at start-up; Publius has none of them, so the answer is an empty list.
  // There are no direct messages on Publius, so there are no conversations.
  api.get("/api/v1/conversations", async (request) => {
    requireUser(request, "read:statuses");
    return [];
  });
  api.get("/api/v2/suggestions", async (request) => {
    requireUser(request, "read");
    return [];
  });
  api.get("/api/v1/suggestions", async (request) => {
    requireUser(request, "read");
    return [];
  });
}
