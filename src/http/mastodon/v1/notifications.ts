// /api/v1/notifications/* (docs: Methods > notifications). One's own notifications only: another
// person's notification answers 404, exactly like one that does not exist. Grouped notifications
// (/api/v2/notifications) are in ../v2/notifications.ts.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { notFound } from "../../../domain/errors.ts";
import { notificationToApi } from "../../../present/mastodon/notification.ts";
import type { NotificationFilter } from "../../../services/notifications/notifications.ts";
import { int, type Params, pageParams, paramsOf, str, strings } from "../params.ts";
import { requireUser, setLinkHeader } from "../plugin.ts";

type ById = { Params: { id: string } };

const NOTIFICATION_ID = /^\d{1,18}$/;

function filterOf(p: Params): NotificationFilter {
  return {
    types: strings(p, "types"),
    excludeTypes: strings(p, "exclude_types"),
    accountId: str(p, "account_id") || undefined,
  };
}

/** Notification ids are numbers; anything else names no notification. */
function notificationId(id: string): string {
  if (!NOTIFICATION_ID.test(id)) throw notFound();
  return id;
}

export function notificationRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { notifications } = ctx.services;
  const origin = ctx.config.publicUrl;

  api.get("/api/v1/notifications", async (request, reply) => {
    const viewer = requireUser(request, "read:notifications");
    const p = paramsOf(request);
    const page = pageParams(p, { limit: 40, max: 80 });
    const list = await notifications.list(viewer, page, filterOf(p));
    setLinkHeader(ctx, request, reply, { newest: list[0]?.id, oldest: list[list.length - 1]?.id });
    return list.map((n) => notificationToApi(origin, n));
  });

  // Unread = not yet read on the web and not behind the notifications marker; capped as in Mastodon.
  api.get("/api/v1/notifications/unread_count", async (request) => {
    const viewer = requireUser(request, "read:notifications");
    const p = paramsOf(request);
    const cap = int(p, "limit", { min: 1, max: 1000 }) ?? 100;
    return { count: await notifications.unreadCount(viewer, filterOf(p), cap) };
  });

  api.post("/api/v1/notifications/clear", async (request) => {
    const viewer = requireUser(request, "write:notifications");
    await notifications.clear(viewer);
    return {};
  });

  api.get<ById>("/api/v1/notifications/:id", async (request) => {
    const viewer = requireUser(request, "read:notifications");
    return notificationToApi(origin, await notifications.get(viewer, notificationId(request.params.id)));
  });

  api.post<ById>("/api/v1/notifications/:id/dismiss", async (request) => {
    const viewer = requireUser(request, "write:notifications");
    await notifications.dismiss(viewer, notificationId(request.params.id));
    return {};
  });
}
