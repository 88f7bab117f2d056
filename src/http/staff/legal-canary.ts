// The console page that renews the warrant canary (the service checks the legal role again).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import { canaryConsolePage } from "../../present/staff/legal-canary.ts";
import { DEFAULT_CANARY_DAYS } from "../../services/legal/canary.ts";
import { field, sendPage } from "../web/request.ts";
import { actorOf } from "./legal-plugin.ts";

export function legalCanaryRoutes(app: FastifyInstance, ctx: AppContext): void {
  const canary = ctx.services.legal.canary;

  app.get("/staff/legal/canary", async (request, reply) => {
    actorOf(request);
    const current = await canary.current();
    const statements = await canary.lastStatements();
    const signed = (request.query as Record<string, unknown>).signed === "1";
    return sendPage(ctx, request, reply, "Warrant canary", (pc) =>
      canaryConsolePage(pc, { current, statements, days: String(DEFAULT_CANARY_DAYS), signed }),
    );
  });

  app.post("/staff/legal/canary", async (request, reply) => {
    const actor = actorOf(request);
    const text = field(request.body, "statements");
    const daysText = field(request.body, "days").trim();
    const statements = text.split(/\r?\n/);
    try {
      await canary.sign(actor, { statements, days: daysText === "" ? undefined : Number(daysText) });
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      const current = await canary.current();
      return sendPage(
        ctx,
        request,
        reply,
        "Warrant canary",
        (pc) => canaryConsolePage(pc, { current, statements, days: daysText, fields: e.fields }),
        422,
      );
    }
    return reply.redirect("/staff/legal/canary?signed=1", 303);
  });
}
