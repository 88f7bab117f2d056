// Production packages: prepare, look at the exact package, approve it (two different legal staff),
// and, once released, download its files.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import { productionPage } from "../../present/staff/legal-production.ts";
import { field, sendPage, withNotice } from "../web/request.ts";
import { actorOf } from "./legal-plugin.ts";

type Params = { Params: { id: string; production: string } };

const TYPES: Record<string, string> = {
  "production.json": "application/json; charset=utf-8",
  "manifest.json": "application/json; charset=utf-8",
  "report.html": "text/html; charset=utf-8",
  "manifest.sig": "text/plain; charset=utf-8",
};

export function legalProductionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { productions } = ctx.services.legal;

  const show = async (request: FastifyRequest<Params>, reply: FastifyReply, error?: string, status = 200) => {
    const actor = actorOf(request);
    const view = await productions.view(actor, request.params.id, request.params.production);
    reply.header("cache-control", "private, no-store");
    return sendPage(
      ctx,
      request,
      reply,
      "Production package",
      (pc) => productionPage(pc, { view, me: actor.accountId, error }),
      status,
    );
  };

  app.post<{ Params: { id: string } }>("/staff/legal/demands/:id/productions", async (request, reply) => {
    const p = await productions.prepare(actorOf(request), request.params.id);
    return reply.redirect(`/staff/legal/demands/${request.params.id}/productions/${p.id}`, 303);
  });

  app.get<Params>("/staff/legal/demands/:id/productions/:production", async (request, reply) => show(request, reply));

  app.post<Params>("/staff/legal/demands/:id/productions/:production/approve", async (request, reply) => {
    try {
      await productions.approve(
        actorOf(request),
        request.params.id,
        request.params.production,
        field(request.body, "manifest_sha256"),
      );
    } catch (e) {
      if (e instanceof PubliusError && e.status === 409) return show(request, reply, e.publicMessage, 409);
      throw e;
    }
    return reply.redirect(
      withNotice(`/staff/legal/demands/${request.params.id}/productions/${request.params.production}`, "done"),
      303,
    );
  });

  app.get<{ Params: { id: string; production: string; name: string } }>(
    "/staff/legal/demands/:id/productions/:production/files/:name",
    async (request, reply) => {
      const data = await productions.file(
        actorOf(request),
        request.params.id,
        request.params.production,
        request.params.name,
      );
      return reply
        .header("cache-control", "private, no-store")
        .header("content-disposition", `attachment; filename="${request.params.name}"`)
        .type(TYPES[request.params.name] ?? "application/octet-stream")
        .send(data);
    },
  );
}
