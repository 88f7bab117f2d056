// Grouped notifications (Mastodon 4.3, docs: Methods > grouped notifications) and the notification
// policy and requests (docs: Methods > notifications, 4.3). Groups are built on the notifications
// service's own paging (opaque ids, never arithmetic on them). Publius keeps no queue of filtered
// notifications: every notification reaches its person, so the requests lists are empty and the
// policy accepts everything (setting any other value answers 422 saying so).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import type { Viewer } from "../../../domain/account.ts";
import { notFound, unprocessable } from "../../../domain/errors.ts";
import {
  GROUPABLE_TYPES,
  type GroupSelector,
  groupKeyOf,
  type Notification,
  parseGroupKey,
} from "../../../domain/notification.ts";
import { accountToApi } from "../../../present/mastodon/account.ts";
import {
  groupedResultsToApi,
  groupNotifications,
  type NotificationGroup,
} from "../../../present/mastodon/notification-group.ts";
import type { NotificationFilter, NotificationService } from "../../../services/notifications/notifications.ts";
import { int, type Params, pageParams, paramsOf, str, strings } from "../params.ts";
import { requireUser, setLinkHeader } from "../plugin.ts";

type ByKey = { Params: { group_key: string } };

/** The whole group a key names, as a filter on one's notifications. */
function selectorFilter(s: Exclude<GroupSelector, { kind: "single" }>): NotificationFilter {
  return s.kind === "status"
    ? { types: [s.type], statusId: s.statusId }
    : { types: [s.type], createdFrom: s.from, createdBefore: s.before };
}

function filterOf(p: Params): NotificationFilter {
  return {
    types: strings(p, "types"),
    excludeTypes: strings(p, "exclude_types"),
    accountId: str(p, "account_id") || undefined,
  };
}

function groupedTypesOf(p: Params): readonly string[] {
  const asked = strings(p, "grouped_types");
  return asked?.length ? asked.filter((t) => GROUPABLE_TYPES.includes(t as never)) : GROUPABLE_TYPES;
}

/** Every notification of a group, newest first, read page by page (bounded). */
async function wholeGroup(
  service: NotificationService,
  viewer: Viewer,
  key: string,
  max = 1000,
): Promise<Notification[]> {
  const s = parseGroupKey(key);
  if (!s) throw notFound();
  if (s.kind === "single") return [await service.get(viewer, s.id)];
  const filter = selectorFilter(s);
  const out: Notification[] = [];
  let maxId: string | undefined;
  while (out.length < max) {
    const page = await service.list(viewer, { limit: 80, maxId }, filter);
    out.push(...page);
    if (page.length < 80) break;
    maxId = page[page.length - 1]?.id;
  }
  if (!out.length) throw notFound();
  return out;
}

const ALL_ACCEPTED_V2 = {
  for_not_following: "accept",
  for_not_followers: "accept",
  for_new_accounts: "accept",
  for_private_mentions: "accept",
  for_limited_accounts: "accept",
  summary: { pending_requests_count: 0, pending_notifications_count: 0 },
} as const;

const ALL_ACCEPTED_V1 = {
  filter_not_following: false,
  filter_not_followers: false,
  filter_new_accounts: false,
  filter_private_mentions: false,
  summary: { pending_requests_count: 0, pending_notifications_count: 0 },
} as const;

const NO_FILTERING =
  "Publius does not filter notifications: every notification reaches you. Blocks and mutes keep someone out.";

export function groupedNotificationRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { notifications } = ctx.services;
  const origin = ctx.config.publicUrl;

  /** Adds each group's whole size to this page's share of it. */
  async function withCounts(viewer: Viewer, groups: Omit<NotificationGroup, "count">[]): Promise<NotificationGroup[]> {
    return Promise.all(
      groups.map(async (g) => {
        const s = parseGroupKey(g.key);
        const count = s && s.kind !== "single" ? await notifications.count(viewer, selectorFilter(s)) : 1;
        return { ...g, count: Math.max(count, g.notifications.length) };
      }),
    );
  }

  api.get("/api/v2/notifications", async (request, reply) => {
    const viewer = requireUser(request, "read:notifications");
    const p = paramsOf(request);
    const page = pageParams(p, { limit: 40, max: 80 });
    const list = await notifications.list(viewer, page, filterOf(p));
    setLinkHeader(ctx, request, reply, { newest: list[0]?.id, oldest: list[list.length - 1]?.id });
    const groups = await withCounts(viewer, groupNotifications(list, groupedTypesOf(p)));
    return groupedResultsToApi(origin, groups);
  });

  // Unread groups, counted no further than `limit` (Mastodon: default 100, at most 1000).
  api.get("/api/v2/notifications/unread_count", async (request) => {
    const viewer = requireUser(request, "read:notifications");
    const p = paramsOf(request);
    const cap = int(p, "limit", { min: 1, max: 1000 }) ?? 100;
    const grouped = groupedTypesOf(p);
    const filter = { ...filterOf(p), unread: true };
    const keys = new Set<string>();
    let maxId: string | undefined;
    for (;;) {
      const page = await notifications.list(viewer, { limit: 80, maxId }, filter);
      for (const n of page) {
        keys.add(
          groupKeyOf({ id: n.id, type: n.type, statusId: n.status?.id ?? null, createdAt: n.createdAt }, grouped),
        );
        if (keys.size >= cap) return { count: cap };
      }
      if (page.length < 80) break;
      maxId = page[page.length - 1]?.id;
    }
    return { count: keys.size };
  });

  api.get("/api/v2/notifications/policy", async (request) => {
    requireUser(request, "read:notifications");
    return ALL_ACCEPTED_V2;
  });

  // Accepted when it asks for what is already so (everything accepted); anything else is refused.
  api.patch("/api/v2/notifications/policy", async (request) => {
    requireUser(request, "write:notifications");
    const p = paramsOf(request);
    for (const k of [
      "for_not_following",
      "for_not_followers",
      "for_new_accounts",
      "for_private_mentions",
      "for_limited_accounts",
    ]) {
      const v = str(p, k);
      if (v !== undefined && v !== "accept") throw unprocessable(NO_FILTERING, { [k]: "only accept is offered" });
    }
    return ALL_ACCEPTED_V2;
  });

  api.get("/api/v1/notifications/policy", async (request) => {
    requireUser(request, "read:notifications");
    return ALL_ACCEPTED_V1;
  });

  api.put("/api/v1/notifications/policy", async (request) => {
    requireUser(request, "write:notifications");
    const p = paramsOf(request);
    for (const k of [
      "filter_not_following",
      "filter_not_followers",
      "filter_new_accounts",
      "filter_private_mentions",
    ]) {
      const v = p[k];
      if (v === true || v === "true" || v === "1") throw unprocessable(NO_FILTERING, { [k]: "only false is offered" });
    }
    return ALL_ACCEPTED_V1;
  });

  // No filtered-notification queue: nothing is ever held back, so there are no requests.
  api.get("/api/v1/notifications/requests", async (request) => {
    requireUser(request, "read:notifications");
    return [];
  });
  api.get("/api/v1/notifications/requests/merged", async (request) => {
    requireUser(request, "read:notifications");
    return { merged: true };
  });
  for (const action of ["accept", "dismiss"]) {
    api.post(`/api/v1/notifications/requests/${action}`, async (request) => {
      requireUser(request, "write:notifications");
      return {};
    });
  }
  api.get("/api/v1/notifications/requests/:id", async (request) => {
    requireUser(request, "read:notifications");
    throw notFound();
  });
  api.post("/api/v1/notifications/requests/:id/:action", async (request) => {
    requireUser(request, "write:notifications");
    throw notFound();
  });

  api.get<ByKey>("/api/v2/notifications/:group_key", async (request) => {
    const viewer = requireUser(request, "read:notifications");
    const list = await wholeGroup(notifications, viewer, request.params.group_key);
    const [group] = groupNotifications(list);
    if (!group) throw notFound();
    return groupedResultsToApi(origin, [{ ...group, key: request.params.group_key, count: list.length }]);
  });

  api.get<ByKey>("/api/v2/notifications/:group_key/accounts", async (request) => {
    const viewer = requireUser(request, "read:notifications");
    const list = await wholeGroup(notifications, viewer, request.params.group_key);
    const seen = new Map<string, Notification["account"]>();
    for (const n of list) if (!seen.has(n.account.id)) seen.set(n.account.id, n.account);
    return [...seen.values()].map((a) => accountToApi(origin, a));
  });

  api.post<ByKey>("/api/v2/notifications/:group_key/dismiss", async (request) => {
    const viewer = requireUser(request, "write:notifications");
    const s = parseGroupKey(request.params.group_key);
    if (!s) throw notFound();
    if (s.kind === "single") await notifications.dismiss(viewer, s.id);
    else if ((await notifications.dismissMatching(viewer, selectorFilter(s))) === 0) throw notFound();
    return {};
  });
}
