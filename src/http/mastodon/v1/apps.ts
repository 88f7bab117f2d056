// POST /api/v1/apps, GET /api/v1/apps/verify_credentials
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function appsRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
