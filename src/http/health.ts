// GET /health, as Mastodon's: 200 "OK" while the database answers, 503 otherwise. Outside the API
// plugin: a load balancer's probe must not use up a rate limit, and it carries no CORS header.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";

export function healthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/health", async (_request, reply) => {
    const ok = await ctx.services.instance.healthy();
    return reply
      .status(ok ? 200 : 503)
      .header("cache-control", "no-store")
      .type("text/plain; charset=utf-8")
      .send(ok ? "OK" : "Service Unavailable");
  });
}
