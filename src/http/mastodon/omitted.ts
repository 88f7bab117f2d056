// What Publius leaves out on purpose answers a clear 422 in Mastodon's error shape, never a bare
// 404 "Record not found" that would read like a bug or a missing post. Listed, with the reason, in
// docs/mastodon-api.md ("Left out on purpose"). Reads that have a natural empty answer (GET
// /api/v1/conversations, /api/v1/filters …) keep it elsewhere; these are the calls that would act.
import type { FastifyInstance } from "fastify";
import { PubliusError } from "../../domain/errors.ts";
import { requireUser } from "./plugin.ts";

type Method = "GET" | "POST" | "PUT" | "DELETE";

const POLLS = "Polls are not available on this server";
const DIRECT =
  "Direct messages are not available: Publius keeps no private messages it could be compelled to hand over";
const TRANSLATE = "Translation is not available on this server: posts are never sent to a translation service";
const MUTE_CONVERSATION = "Muting a conversation is not available on this server";
const FILTERS = "Filters are not available on this server yet";
const QUOTES = "Quote posts are not available on this server";
const ANNOUNCEMENTS = "This server makes no announcements";
const DOMAIN_BLOCKS = "Blocking a domain is not available: this server does not federate yet";
const ADMIN = "The admin API is not available: staff use this server's web console";
const REACTIONS = "Reactions are not available on this server";

export const OMITTED: readonly (readonly [Method, string, string])[] = [
  ["GET", "/api/v1/polls/:id", POLLS],
  ["POST", "/api/v1/polls/:id/votes", POLLS],
  ["DELETE", "/api/v1/conversations/:id", DIRECT],
  ["POST", "/api/v1/conversations/:id/read", DIRECT],
  ["POST", "/api/v1/conversations/:id/unread", DIRECT],
  ["POST", "/api/v1/statuses/:id/translate", TRANSLATE],
  ["POST", "/api/v1/statuses/:id/mute", MUTE_CONVERSATION],
  ["POST", "/api/v1/statuses/:id/unmute", MUTE_CONVERSATION],
  ["GET", "/api/v1/statuses/:id/quotes", QUOTES],
  ["POST", "/api/v1/statuses/:id/quotes/:quoting_status_id/revoke", QUOTES],
  ["PUT", "/api/v1/statuses/:id/interaction_policy", QUOTES],
  ["POST", "/api/v1/filters", FILTERS],
  ["GET", "/api/v1/filters/:id", FILTERS],
  ["PUT", "/api/v1/filters/:id", FILTERS],
  ["DELETE", "/api/v1/filters/:id", FILTERS],
  ["POST", "/api/v2/filters", FILTERS],
  ["GET", "/api/v2/filters/:id", FILTERS],
  ["PUT", "/api/v2/filters/:id", FILTERS],
  ["DELETE", "/api/v2/filters/:id", FILTERS],
  ["GET", "/api/v2/filters/:id/keywords", FILTERS],
  ["POST", "/api/v2/filters/:id/keywords", FILTERS],
  ["GET", "/api/v2/filters/:id/statuses", FILTERS],
  ["POST", "/api/v2/filters/:id/statuses", FILTERS],
  ["POST", "/api/v1/announcements/:id/dismiss", ANNOUNCEMENTS],
  ["PUT", "/api/v1/announcements/:id/reactions/:name", REACTIONS],
  ["DELETE", "/api/v1/announcements/:id/reactions/:name", REACTIONS],
  ["POST", "/api/v1/domain_blocks", DOMAIN_BLOCKS],
  ["DELETE", "/api/v1/domain_blocks", DOMAIN_BLOCKS],
  // The admin API's shapes: /admin/accounts, /admin/accounts/:id, /admin/accounts/:id/approve …
  ...(["GET", "POST", "PUT", "DELETE"] as const).flatMap((m) =>
    ["/api/v1/admin/:resource", "/api/v1/admin/:resource/:id", "/api/v1/admin/:resource/:id/:action"].map(
      (url) => [m, url, ADMIN] as const,
    ),
  ),
  ["GET", "/api/v2/admin/:resource", ADMIN],
];

export function omittedRoutes(api: FastifyInstance): void {
  for (const [method, url, message] of OMITTED) {
    api.route({
      method,
      url,
      handler: async () => {
        throw new PubliusError(422, message);
      },
    });
  }
  // The user's own domain blocks: none, since there are no other domains to block yet.
  api.get("/api/v1/domain_blocks", async (request) => {
    requireUser(request, "read:blocks");
    return [];
  });
}
