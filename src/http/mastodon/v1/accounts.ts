// /api/v1/accounts/*
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function accountRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
