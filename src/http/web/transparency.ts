// The public transparency report: /transparency (page), /transparency/<period>.csv and .json, and
// /transparency.json (the index of periods). Anyone may read them; nothing here names a person.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { notFound } from "../../domain/errors.ts";
import { html } from "../../present/web/html.ts";
import { signingKeyBlock } from "../../present/web/legal-pages.ts";
import { transparencyPage } from "../../present/web/transparency.ts";
import { TRANSPARENCY_SCHEMA, TransparencyReports, transparencyCsv } from "../../services/legal/transparency.ts";
import { sendPage } from "./request.ts";

const LENGTH_WORDS = { half: "half-year", quarter: "quarter", year: "year" } as const;

export function transparencyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const reports = new TransparencyReports({
    db: ctx.store.db,
    clock: ctx.clock,
    config: ctx.config,
    audit: ctx.services.legal.audit,
  });

  app.get("/transparency", async (request, reply) => {
    const periods = await reports.periods();
    const asked = (request.query as { period?: unknown }).period;
    let period = periods.find((p) => p.end < ctx.clock.now().toISOString().slice(0, 10)) ?? periods[0];
    if (typeof asked === "string" && asked !== "") {
      period = reports.reportable(asked);
      if (!period) throw notFound("There is no report for that period.");
    }
    if (!period) throw notFound("There is no report for that period.");
    const figures = await reports.build(period);
    // A period asked for outside the configured length still gets its page, listed with the rest.
    const listed = periods.some((p) => p.id === period.id) ? periods : [period, ...periods];
    reply.header("cache-control", "no-cache");
    const key = ctx.services.legal.key.info();
    return sendPage(
      ctx,
      request,
      reply,
      `Transparency report ${period.id}`,
      (pc) => html`${transparencyPage(pc, figures, listed, LENGTH_WORDS[reports.periodLength])}${signingKeyBlock(key)}`,
    );
  });

  app.get("/transparency.json", async (_request, reply) => {
    const periods = await reports.periods();
    reply.header("cache-control", "no-cache");
    return {
      schema: TRANSPARENCY_SCHEMA,
      instance: ctx.config.publicUrl,
      period_length: reports.periodLength,
      periods: periods.map((p) => ({
        id: p.id,
        start: p.start,
        end: p.end,
        json: `/transparency/${p.id}.json`,
        csv: `/transparency/${p.id}.csv`,
      })),
    };
  });

  app.get("/transparency/:file", async (request, reply) => {
    const file = (request.params as { file: string }).file;
    const m = /^(.+)\.(csv|json)$/.exec(file);
    const period = m ? reports.reportable(m[1] as string) : undefined;
    if (!m || !period) throw notFound("There is no report for that period.");
    const figures = await reports.build(period);
    reply.header("cache-control", "no-cache");
    if (m[2] === "json") return reply.type("application/json; charset=utf-8").send(JSON.stringify(figures, null, 2));
    reply.header("content-disposition", `attachment; filename="transparency-${period.id}.csv"`);
    return reply.type("text/csv; charset=utf-8").send(transparencyCsv(figures));
  });
}
