// "What we hold about you", as a page and as JSON.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { holdingsPage } from "../../present/web/privacy.ts";
import { privacyPolicyPage } from "../../present/web/privacy-policy.ts";
import { sendPage, signedIn } from "./request.ts";

export function privacyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/privacy", async (request, reply) =>
    sendPage(ctx, request, reply, "Privacy policy", (pc) => privacyPolicyPage(pc)),
  );

  app.get("/settings/privacy", async (request, reply) => {
    const { viewer } = signedIn(request);
    const holdings = await ctx.services.holdings.forAccount(viewer.accountId);
    return sendPage(ctx, request, reply, "What we hold about you", (pc) => holdingsPage(pc, holdings));
  });

  app.get("/settings/privacy.json", async (request, reply) => {
    const { viewer } = signedIn(request);
    const h = await ctx.services.holdings.forAccount(viewer.accountId);
    reply.header("cache-control", "private, no-store");
    reply.header("content-disposition", `attachment; filename="publius-holdings-${h.handle}.json"`);
    return {
      account: { id: h.accountId, handle: h.handle },
      generated_at: ctx.clock.now().toISOString().slice(0, 10),
      categories: h.categories.map((c) => ({
        id: c.category.id,
        title: c.category.title,
        description: c.category.description,
        state: c.state,
        records: c.records,
      })),
    };
  });
}
