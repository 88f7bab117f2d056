// The second factor for the legal console: enrolment and the code prompt.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import { secondFactorPage } from "../../present/staff/legal-access.ts";
import { SecondFactorSessionEnded } from "../../services/legal/access.ts";
import { clearSessionCookie, field, safeBack, sendPage, signedIn } from "../web/request.ts";

export function legalAccessRoutes(app: FastifyInstance, ctx: AppContext): void {
  const access = ctx.services.legal.access;
  const nextOf = (value: unknown) => {
    const next = safeBack(value, "/staff/legal");
    return next.startsWith("/staff/legal") ? next : "/staff/legal";
  };

  app.get("/staff/legal/second-factor", async (request, reply) => {
    const auth = signedIn(request);
    const status = await access.status(auth.viewer);
    const next = nextOf((request.query as Record<string, unknown>).next);
    if (status === "enrolled" && access.sessionVerified(auth)) return reply.redirect(next, 303);
    const enrolment = await access.pendingEnrolment(auth.viewer, auth.account.handle);
    return sendPage(ctx, request, reply, "Second factor", (pc) => secondFactorPage(pc, { status, enrolment, next }));
  });

  app.post("/staff/legal/second-factor/enrol", async (request, reply) => {
    const auth = signedIn(request);
    await access.beginEnrolment(auth.viewer, auth.account.handle);
    return reply.redirect(
      `/staff/legal/second-factor?next=${encodeURIComponent(nextOf(field(request.body, "next")))}`,
      303,
    );
  });

  app.post("/staff/legal/second-factor", async (request, reply) => {
    const auth = signedIn(request);
    const next = nextOf(field(request.body, "next"));
    try {
      await access.verifySession(auth, field(request.body, "code"));
    } catch (e) {
      // Too many wrong codes in this session: the service ended it.
      if (e instanceof SecondFactorSessionEnded) {
        clearSessionCookie(ctx, reply);
        return reply.redirect("/signin", 303);
      }
      // A wrong code (422), the wait after several (429) or a locked factor (423): said beside the field.
      if (!(e instanceof PubliusError) || ![422, 423, 429].includes(e.status)) throw e;
      for (const [k, v] of Object.entries(e.headers ?? {})) reply.header(k, v);
      const status = await access.status(auth.viewer);
      const enrolment = await access.pendingEnrolment(auth.viewer, auth.account.handle);
      return sendPage(
        ctx,
        request,
        reply,
        "Second factor",
        (pc) => secondFactorPage(pc, { status, enrolment, next, fields: e.fields }),
        e.status,
      );
    }
    return reply.redirect(next, 303);
  });
}
