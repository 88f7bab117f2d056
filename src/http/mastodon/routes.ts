// Every Mastodon API route module, mounted inside the API plugin (src/http/mastodon/plugin.ts).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { discoveryRoutes } from "./discovery.ts";
import { oauthRoutes } from "./oauth.ts";
import { omittedRoutes } from "./omitted.ts";
import { streamingRoutes } from "./streaming.ts";
import { accountRoutes } from "./v1/accounts.ts";
import { appsRoutes } from "./v1/apps.ts";
import { collectionRoutes } from "./v1/collections.ts";
import { endorsementRoutes } from "./v1/endorsements.ts";
import { instanceRoutes } from "./v1/instance.ts";
import { listRoutes } from "./v1/lists.ts";
import { mediaRoutes } from "./v1/media.ts";
import { notificationRoutes } from "./v1/notifications.ts";
import { pushRoutes } from "./v1/push.ts";
import { reportRoutes } from "./v1/reports.ts";
import { scheduledRoutes } from "./v1/scheduled.ts";
import { statusRoutes } from "./v1/statuses.ts";
import { tagRoutes } from "./v1/tags.ts";
import { timelineRoutes } from "./v1/timelines.ts";
import { groupedNotificationRoutes } from "./v2/notifications.ts";
import { searchRoutes } from "./v2/search.ts";

export function mastodonRoutes(api: FastifyInstance, ctx: AppContext): void {
  appsRoutes(api, ctx);
  oauthRoutes(api, ctx);
  instanceRoutes(api, ctx);
  discoveryRoutes(api, ctx);
  accountRoutes(api, ctx);
  statusRoutes(api, ctx);
  scheduledRoutes(api, ctx);
  timelineRoutes(api, ctx);
  notificationRoutes(api, ctx);
  pushRoutes(api, ctx);
  groupedNotificationRoutes(api, ctx);
  collectionRoutes(api, ctx);
  listRoutes(api, ctx);
  tagRoutes(api, ctx);
  endorsementRoutes(api, ctx);
  searchRoutes(api, ctx);
  reportRoutes(api, ctx);
  omittedRoutes(api);
  mediaRoutes(api, ctx);
  streamingRoutes(api, ctx);
}
