// /api/v1/instance, /api/v2/instance, custom_emojis, preferences, announcements, filters, trends
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function instanceRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
