// /api/v1/notifications/*
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function notificationRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
