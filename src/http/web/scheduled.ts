// The publishing delay setting and the list of posts waiting to be published.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import { scheduledPage } from "../../present/web/scheduled.ts";
import { field, sendPage, signedIn, withNotice } from "./request.ts";

export function scheduledRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { scheduling } = ctx.services;

  app.get("/scheduled", async (request, reply) => {
    const { viewer } = signedIn(request);
    const [scheduled, delay] = await Promise.all([scheduling.list(viewer), scheduling.delayOf(viewer)]);
    return sendPage(ctx, request, reply, "Publishing delay", (pc) => scheduledPage(pc, { scheduled, delay }));
  });

  app.get("/settings/posting", async (_request, reply) => reply.redirect("/scheduled", 303));

  app.post("/settings/posting", async (request, reply) => {
    const { viewer } = signedIn(request);
    try {
      await scheduling.setDelay(viewer, field(request.body, "post_delay"));
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      const [scheduled, delay] = await Promise.all([scheduling.list(viewer), scheduling.delayOf(viewer)]);
      return sendPage(
        ctx,
        request,
        reply,
        "Publishing delay",
        (pc) => scheduledPage(pc, { scheduled, delay, error: e.publicMessage, fields: e.fields }),
        422,
      );
    }
    return reply.redirect(withNotice("/scheduled", "saved"), 303);
  });

  app.post<{ Params: { id: string } }>("/scheduled/:id/cancel", async (request, reply) => {
    const { viewer } = signedIn(request);
    await scheduling.cancel(viewer, request.params.id);
    return reply.redirect(withNotice("/scheduled", "done"), 303);
  });
}
