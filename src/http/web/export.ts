// "Download your data": a page explaining the archive, and the form that sends it.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { exportPage } from "../../present/web/export.ts";
import { sendPage, signedIn } from "./request.ts";

export function exportRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/settings/export", async (request, reply) => {
    const { account } = signedIn(request);
    return sendPage(ctx, request, reply, "Download your data", (pc) => exportPage(pc, account.handle));
  });

  // A POST with the CSRF token (checked by the request hooks), so another site cannot start a download.
  app.post("/settings/export", async (request, reply) => {
    const { viewer } = signedIn(request);
    const archive = await ctx.services.export.archive(viewer);
    return reply
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="${archive.fileName}"`)
      .type("application/gzip")
      .send(archive.stream);
  });
}
