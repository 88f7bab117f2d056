// /api/v2/media, /api/v1/media/:id
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function mediaRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
