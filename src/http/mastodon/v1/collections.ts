// bookmarks, favourites, blocks, mutes, follow_requests, markers, lists
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";

export function collectionRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
