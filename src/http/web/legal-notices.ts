// The account holder's legal notices (see services/legal/notices.ts).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import { noticePage, noticesPage } from "../../present/web/legal-notice.ts";
import { field, sendPage, signedIn, withNotice } from "./request.ts";

type IdParams = { Params: { id: string } };

export function legalNoticeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const notices = ctx.services.legal.notices;

  app.get("/legal/notices", async (request, reply) => {
    const { viewer } = signedIn(request);
    const list = await notices.list(viewer);
    reply.header("cache-control", "private, no-store");
    return sendPage(ctx, request, reply, "Legal notices", (pc) => noticesPage(pc, list));
  });

  app.get<IdParams>("/legal/notices/:id", async (request, reply) => {
    const { viewer } = signedIn(request);
    const notice = await notices.view(viewer, request.params.id);
    reply.header("cache-control", "private, no-store");
    return sendPage(ctx, request, reply, "Legal notice", (pc) => noticePage(pc, notice));
  });

  app.post<IdParams>("/legal/notices/:id/respond", async (request, reply) => {
    const { viewer } = signedIn(request);
    try {
      await notices.respond(viewer, request.params.id, field(request.body, "body"));
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      const notice = await notices.view(viewer, request.params.id);
      return sendPage(ctx, request, reply, "Legal notice", (pc) => noticePage(pc, notice, e.fields), 422);
    }
    return reply.redirect(withNotice(`/legal/notices/${request.params.id}`, "saved"), 303);
  });
}
