// /api/v1/timelines/*
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function timelineRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
