// /api/v2/search
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function searchRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
