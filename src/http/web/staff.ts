// The moderation console. The services check the role; these routes only translate forms.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { applicationsPage, decisionsPage, reportsPage } from "../../present/web/staff.ts";
import { field, sendPage, signedIn, withNotice } from "./request.ts";

type IdParams = { Params: { id: string } };

export function staffRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { moderation, accounts } = ctx.services;
  const reportId = (body: unknown) => {
    const id = field(body, "report_id");
    return /^\d+$/.test(id) ? id : undefined;
  };

  app.get("/staff", async (request, reply) => {
    const { viewer } = signedIn(request);
    const reports = await moderation.queue(viewer);
    return sendPage(ctx, request, reply, "Moderation", (pc) => reportsPage(pc, reports));
  });

  app.post<IdParams>("/staff/statuses/:id/remove", async (request, reply) => {
    const { viewer } = signedIn(request);
    await moderation.removeStatus(viewer, request.params.id, field(request.body, "reason"), reportId(request.body));
    return reply.redirect(withNotice("/staff", "done"), 303);
  });

  app.post<IdParams>("/staff/accounts/:id/suspend", async (request, reply) => {
    const { viewer } = signedIn(request);
    await moderation.suspend(viewer, request.params.id, field(request.body, "reason"), reportId(request.body));
    return reply.redirect(withNotice("/staff", "done"), 303);
  });

  app.post<IdParams>("/staff/accounts/:id/unsuspend", async (request, reply) => {
    const { viewer } = signedIn(request);
    await moderation.unsuspend(viewer, request.params.id, field(request.body, "reason"));
    return reply.redirect(withNotice("/staff/log", "done"), 303);
  });

  app.post<IdParams>("/staff/reports/:id/resolve", async (request, reply) => {
    const { viewer } = signedIn(request);
    await moderation.resolveReport(viewer, request.params.id, field(request.body, "reason"));
    return reply.redirect(withNotice("/staff", "done"), 303);
  });

  app.get("/staff/applications", async (request, reply) => {
    const { viewer } = signedIn(request);
    const apps = await accounts.pendingApplications(viewer);
    return sendPage(ctx, request, reply, "Applications", (pc) => applicationsPage(pc, apps));
  });

  for (const decision of ["approve", "reject"] as const) {
    app.post<IdParams>(`/staff/applications/:id/${decision}`, async (request, reply) => {
      const { viewer } = signedIn(request);
      await accounts.decideApplication(viewer, request.params.id, decision === "approve");
      return reply.redirect(withNotice("/staff/applications", "done"), 303);
    });
  }

  app.get("/staff/log", async (request, reply) => {
    const { viewer } = signedIn(request);
    const actions = await moderation.actions(viewer);
    return sendPage(ctx, request, reply, "Decisions", (pc) => decisionsPage(pc, actions));
  });
}
