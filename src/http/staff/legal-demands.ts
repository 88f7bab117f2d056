// Demands in the legal console: the dashboard, intake, the review screen and every decision. The
// handlers translate forms; the services hold the rules and check the actor.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import { dayOf } from "../../domain/clock.ts";
import { PubliusError } from "../../domain/errors.ts";
import { parseDemand } from "../../domain/legal/intake.ts";
import { dashboardPage } from "../../present/staff/legal-dashboard.ts";
import { type DemandPage, demandPage } from "../../present/staff/legal-demand.ts";
import { type IntakeValues, intakePage } from "../../present/staff/legal-intake.ts";
import type { LegalActor } from "../../services/legal/access.ts";
import { formatSize } from "../../services/legal/files.ts";
import { field, sendPage, withNotice } from "../web/request.ts";
import { actorOf, isUpload, listField } from "./legal-plugin.ts";

type IdParams = { Params: { id: string } };

/** The form's fields, named by their JSON paths, as the JSON a demand file would hold. */
export function demandJsonFromForm(body: unknown): Record<string, unknown> {
  const f = (name: string) => field(body, name).trim();
  const court = f("nondisclosure_order.court");
  const docket = f("nondisclosure_order.docket");
  const end = f("nondisclosure_order.end_date");
  return {
    process: f("process"),
    agency: f("agency"),
    country: f("country"),
    requester: { name: f("requester.name"), contact: f("requester.contact") },
    authority: f("authority"),
    reference: f("reference"),
    received: f("received"),
    due: f("due") || null,
    targets: f("targets")
      .split(/[\n,]+/)
      .map((t) => t.trim())
      .filter(Boolean),
    requested: { verbatim: f("requested.verbatim"), categories: listField(body, "requested.categories") },
    secrecy_requested: f("secrecy_requested") === "yes",
    nondisclosure_order: court || docket || end ? { court, docket, end_date: end || null } : null,
    good_faith_statement: f("good_faith_statement") || null,
  };
}

/** Errors under list paths ("targets[2]") shown beside the form field that holds the list. */
function formFields(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const m = /^(targets|requested\.categories)\[(\d+)\]$/.exec(path);
    const key = m ? (m[1] as string) : path;
    out[key] = out[key] ? `${out[key]} ${message}` : message;
  }
  return out;
}

function formValues(body: unknown): IntakeValues {
  const out: IntakeValues = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (typeof v === "string") out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === "string");
    else if (isUpload(v)) out.had_document = "yes";
  }
  delete out.csrf;
  return out;
}

export function legalDemandRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { demands, preservation, productions, audit } = ctx.services.legal;
  const maxSize = formatSize(ctx.config.legal.maxDocumentBytes);

  const showDemand = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: LegalActor,
    id: string,
    error?: string,
    status = 200,
  ) => {
    const review = await demands.review(actor, id);
    const page: DemandPage = {
      review,
      preservations: await preservation.list(actor, id),
      productions: await productions.list(actor, id),
      today: dayOf(ctx.clock.now()),
      error,
    };
    reply.header("cache-control", "private, no-store");
    return sendPage(
      ctx,
      request,
      reply,
      `Demand ${review.demand.reference || review.demand.id}`,
      (pc) => demandPage(pc, page),
      status,
    );
  };

  /** Runs an action; success returns to the demand, a refusal shows the demand with the reason. */
  const act = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    run: (actor: LegalActor) => Promise<unknown>,
  ) => {
    const actor = actorOf(request);
    try {
      await run(actor);
    } catch (e) {
      if (e instanceof PubliusError && (e.status === 409 || e.status === 422)) {
        return showDemand(request, reply, actor, request.params.id, e.publicMessage, e.status);
      }
      throw e;
    }
    return reply.redirect(withNotice(`/staff/legal/demands/${request.params.id}`, "done"), 303);
  };

  app.get("/staff/legal", async (request, reply) => {
    const actor = actorOf(request);
    const rows = await demands.dashboard(actor);
    const head = await audit.head();
    return sendPage(ctx, request, reply, "Legal demands", (pc) => dashboardPage(pc, { rows, all: false, audit: head }));
  });

  app.get("/staff/legal/demands", async (request, reply) => {
    const actor = actorOf(request);
    const rows = await demands.dashboard(actor, { all: true });
    const head = await audit.head();
    return sendPage(ctx, request, reply, "All legal demands", (pc) =>
      dashboardPage(pc, { rows, all: true, audit: head }),
    );
  });

  app.get("/staff/legal/demands/new", async (request, reply) => {
    actorOf(request);
    return sendPage(ctx, request, reply, "Record a demand", (pc) =>
      intakePage(pc, { values: { country: "US", received: dayOf(ctx.clock.now()) }, maxSize }),
    );
  });

  app.post("/staff/legal/demands", async (request, reply) => {
    const actor = actorOf(request);
    const body = request.body;
    const parsed = parseDemand(demandJsonFromForm(body));
    const upload = (body as Record<string, unknown> | undefined)?.document;
    const show = (fields: Record<string, string>, status: number) =>
      sendPage(
        ctx,
        request,
        reply,
        "Record a demand",
        (pc) => intakePage(pc, { values: formValues(body), fields, maxSize }),
        status,
      );
    if (!parsed.ok) return show(formFields(parsed.errors), 422);
    try {
      const demand = await demands.add(actor, parsed.value, isUpload(upload) ? upload.data : null);
      return reply.redirect(withNotice(`/staff/legal/demands/${demand.id}`, "saved"), 303);
    } catch (e) {
      if (e instanceof PubliusError && e.fields && (e.status === 422 || e.status === 413))
        return show(e.fields, e.status);
      throw e;
    }
  });

  app.get<IdParams>("/staff/legal/demands/:id", async (request, reply) =>
    showDemand(request, reply, actorOf(request), request.params.id),
  );

  app.get<IdParams>("/staff/legal/demands/:id/document", async (request, reply) => {
    const doc = await demands.document(actorOf(request), request.params.id);
    const ext = doc.type === "application/pdf" ? "pdf" : (doc.type.split("/")[1] ?? "bin");
    return reply
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="demand-${request.params.id}.${ext}"`)
      .type(doc.type)
      .send(doc.data);
  });

  app.post<IdParams>("/staff/legal/demands/:id/transition", async (request, reply) =>
    act(request, reply, (actor) =>
      demands.transition(actor, request.params.id, {
        to: field(request.body, "to"),
        reason: field(request.body, "reason"),
        targets: listField(request.body, "targets"),
        categories: listField(request.body, "categories"),
      }),
    ),
  );

  for (const kind of ["concern", "intent", "note", "good-faith"] as const) {
    app.post<IdParams>(`/staff/legal/demands/:id/${kind}`, async (request, reply) =>
      act(request, reply, (actor) => {
        const text = field(request.body, "text");
        if (kind === "concern") return demands.concern(actor, request.params.id, text);
        if (kind === "intent") return demands.intent(actor, request.params.id, text);
        if (kind === "good-faith") return demands.goodFaith(actor, request.params.id, text);
        return demands.note(actor, request.params.id, text);
      }),
    );
  }

  app.post<IdParams>("/staff/legal/demands/:id/prongs", async (request, reply) =>
    act(request, reply, (actor) =>
      demands.prong(
        actor,
        request.params.id,
        field(request.body, "prong"),
        field(request.body, "met") === "yes",
        field(request.body, "reason"),
      ),
    ),
  );

  app.post<IdParams>("/staff/legal/demands/:id/court-order", async (request, reply) =>
    act(request, reply, (actor) => {
      const upload = (request.body as Record<string, unknown> | undefined)?.document;
      return demands.courtOrder(
        actor,
        request.params.id,
        {
          court: field(request.body, "court"),
          docket: field(request.body, "docket"),
          judge: field(request.body, "judge"),
          signedDay: field(request.body, "signed_day"),
          compels: field(request.body, "compels"),
        },
        isUpload(upload) ? upload.data : null,
      );
    }),
  );

  app.post<IdParams>("/staff/legal/demands/:id/court-order/confirm", async (request, reply) =>
    act(request, reply, (actor) =>
      demands.confirmCourtOrder(
        actor,
        request.params.id,
        field(request.body, "document_sha256"),
        field(request.body, "reason"),
      ),
    ),
  );

  app.post<IdParams>("/staff/legal/demands/:id/gate/confirm", async (request, reply) =>
    act(request, reply, (actor) => demands.confirmGate(actor, request.params.id, field(request.body, "reason"))),
  );

  app.post<IdParams>("/staff/legal/demands/:id/notice-excused", async (request, reply) =>
    act(request, reply, (actor) =>
      demands.excuseNotice(
        actor,
        request.params.id,
        { court: field(request.body, "court"), docket: field(request.body, "docket") },
        field(request.body, "reason"),
      ),
    ),
  );

  app.post<IdParams>("/staff/legal/demands/:id/orders", async (request, reply) =>
    act(request, reply, (actor) =>
      demands.addOrder(actor, request.params.id, {
        court: field(request.body, "court"),
        docket: field(request.body, "docket"),
        endDay: field(request.body, "end_date").trim() || null,
      }),
    ),
  );

  app.post<{ Params: { id: string; order: string } }>(
    "/staff/legal/demands/:id/orders/:order",
    async (request, reply) =>
      act(request, reply, (actor) => {
        const end = field(request.body, "end_date").trim();
        return demands.changeOrder(
          actor,
          request.params.id,
          request.params.order,
          { ...(end ? { endDay: end } : {}), lifted: field(request.body, "lifted") === "yes" },
          field(request.body, "reason"),
        );
      }),
  );

  app.post<IdParams>("/staff/legal/demands/:id/preserve", async (request, reply) =>
    act(request, reply, (actor) => preservation.preserve(actor, request.params.id, field(request.body, "reason"))),
  );

  app.post<{ Params: { id: string; preservation: string } }>(
    "/staff/legal/demands/:id/preservations/:preservation/extend",
    async (request, reply) =>
      act(request, reply, (actor) =>
        preservation.extend(actor, request.params.id, request.params.preservation, field(request.body, "reason")),
      ),
  );

  app.get<{ Params: { id: string; preservation: string } }>(
    "/staff/legal/demands/:id/preservations/:preservation",
    async (request, reply) => {
      const data = await preservation.snapshot(actorOf(request), request.params.id, request.params.preservation);
      return reply
        .header("cache-control", "private, no-store")
        .header("content-disposition", `attachment; filename="preservation-${request.params.preservation}.json"`)
        .type("application/json; charset=utf-8")
        .send(data);
    },
  );
}
