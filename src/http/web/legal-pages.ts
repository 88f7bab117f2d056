// Public pages of issue 6: the warrant canary (/canary, /canary.json), the law-enforcement
// guidelines (/legal/guidelines) and "about this server" (/about). Whether the canary has expired
// is computed here, at request time, from the clock: no one has to act for the page to say so.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { dayOf } from "../../domain/clock.ts";
import { aboutPage, canaryPage, guidelinesPage } from "../../present/web/legal-pages.ts";
import { sendPage } from "./request.ts";

export function legalPageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { key, canary } = ctx.services.legal;

  app.get("/canary", async (request, reply) => {
    const current = await canary.current();
    reply.header("cache-control", "no-cache");
    return sendPage(ctx, request, reply, "Warrant canary", () =>
      canaryPage({ current, key: key.info(), today: dayOf(ctx.clock.now()), publicUrl: ctx.config.publicUrl }),
    );
  });

  app.get("/canary.json", async (_request, reply) => {
    const current = await canary.current();
    reply.header("cache-control", "no-cache");
    if (!current) {
      // No canary is read as an expired one: nothing signed can be relied on.
      const info = key.info();
      return {
        canary: null,
        signature: null,
        algorithm: info.algorithm,
        public_key_pem: info.publicKeyPem,
        key_fingerprint: info.fingerprint,
        expired: true,
      };
    }
    return current.published;
  });

  app.get("/legal/guidelines", async (request, reply) => {
    reply.header("cache-control", "public, max-age=300");
    return sendPage(ctx, request, reply, "Guidelines for law enforcement", () =>
      guidelinesPage({
        instanceName: ctx.config.instanceName,
        publicUrl: ctx.config.publicUrl,
        matrix: ctx.config.legal.matrix,
        legal: ctx.config.legal,
        key: key.info(),
      }),
    );
  });

  app.get("/about", async (request, reply) => {
    return sendPage(ctx, request, reply, "About this server", () =>
      aboutPage({ instanceName: ctx.config.instanceName, publicUrl: ctx.config.publicUrl, key: key.info() }),
    );
  });
}
