// /api/v1/streaming (WebSocket and server-sent events)
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";

export function streamingRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
