// /api/v1/statuses/*
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function statusRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
