// Notifications and search.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { notificationsPage } from "../../present/web/notifications.ts";
import { searchPage } from "../../present/web/search.ts";
import { pageFrom, sendPage, signedIn } from "./request.ts";

export function activityRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/notifications", async (request, reply) => {
    const { viewer } = signedIn(request);
    const notifications = await ctx.services.notifications.list(viewer, pageFrom(request.query));
    const unread = await ctx.services.notifications.unreadCount(viewer);
    return sendPage(ctx, request, reply, "Notifications", (pc) => notificationsPage(pc, { notifications, unread }));
  });

  app.post("/notifications/read", async (request, reply) => {
    const { viewer } = signedIn(request);
    await ctx.services.notifications.markAllRead(viewer);
    return reply.redirect("/notifications", 303);
  });

  app.get("/search", async (request, reply) => {
    const raw = (request.query as Record<string, unknown>).q;
    const q = typeof raw === "string" ? raw.trim().slice(0, 200) : "";
    const results = q ? await ctx.services.search.search(request.auth?.viewer ?? null, q) : undefined;
    return sendPage(ctx, request, reply, q ? `Search: ${q}` : "Search", (pc) => searchPage(pc, { q, results }));
  });
}
