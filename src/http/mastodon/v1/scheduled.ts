// /api/v1/scheduled_statuses (docs: Methods > scheduled_statuses): the same queue as the web's
// "publish at" and the publishing delay.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { unprocessable } from "../../../domain/errors.ts";
import type { MediaAttachment } from "../../../domain/status.ts";
import { scheduledStatusToApi } from "../../../present/mastodon/scheduled.ts";
import { toMediaAttachment } from "../../../services/statuses/hydrate.ts";
import { int, paramsOf, str } from "../params.ts";
import { requireUser } from "../plugin.ts";

type ById = { Params: { id: string } };

/** The caller's own media rows for a queued post, in the order the post lists them. */
export async function scheduledMedia(
  ctx: AppContext,
  accountId: string,
  ids: readonly string[],
): Promise<MediaAttachment[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.store.db
    .selectFrom("media_attachments")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "in", [...ids])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, toMediaAttachment(r)]));
  return ids.map((id) => byId.get(id)).filter((m): m is MediaAttachment => m !== undefined);
}

export function scheduledRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { scheduling } = ctx.services;
  const origin = ctx.config.publicUrl;

  api.get("/api/v1/scheduled_statuses", async (request) => {
    const viewer = requireUser(request, "read:statuses");
    const limit = int(paramsOf(request), "limit", { min: 1, max: 40 }) ?? 20;
    const list = (await scheduling.list(viewer)).slice(0, limit);
    return Promise.all(
      list.map(async (s) =>
        scheduledStatusToApi(origin, s, await scheduledMedia(ctx, viewer.accountId, s.params.mediaIds)),
      ),
    );
  });

  api.get<ById>("/api/v1/scheduled_statuses/:id", async (request) => {
    const viewer = requireUser(request, "read:statuses");
    const s = await scheduling.get(viewer, request.params.id);
    return scheduledStatusToApi(origin, s, await scheduledMedia(ctx, viewer.accountId, s.params.mediaIds));
  });

  api.put<ById>("/api/v1/scheduled_statuses/:id", async (request) => {
    const viewer = requireUser(request, "write:statuses");
    const at = str(paramsOf(request), "scheduled_at");
    const date = at ? new Date(at) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw unprocessable("scheduled_at must be an ISO 8601 date-time");
    const s = await scheduling.reschedule(viewer, request.params.id, date);
    return scheduledStatusToApi(origin, s, await scheduledMedia(ctx, viewer.accountId, s.params.mediaIds));
  });

  api.delete<ById>("/api/v1/scheduled_statuses/:id", async (request) => {
    const viewer = requireUser(request, "write:statuses");
    await scheduling.cancel(viewer, request.params.id);
    return {};
  });
}
