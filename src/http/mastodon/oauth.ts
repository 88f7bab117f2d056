// /oauth/authorize (consent page), /oauth/token, /oauth/revoke, /.well-known/oauth-authorization-server
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";

export function oauthRoutes(api: FastifyInstance, ctx: AppContext): void {
  void api;
  void ctx;
}
