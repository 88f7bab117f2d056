// The audit log page of the console.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { auditPage } from "../../present/staff/legal-audit.ts";
import { sendPage } from "../web/request.ts";
import { actorOf } from "./legal-plugin.ts";

export function legalAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/staff/legal/audit", async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const demandId = typeof q.demand === "string" && /^\d{18}$/.test(q.demand) ? q.demand : undefined;
    const overview = await ctx.services.legal.audit.overview(actorOf(request), demandId);
    return sendPage(ctx, request, reply, "Audit log", (pc) => auditPage(pc, { ...overview, demandId }));
  });
}
