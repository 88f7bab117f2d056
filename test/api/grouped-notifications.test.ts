// /api/v2/notifications (Mastodon 4.3 grouped notifications), unread counts, and the notification
// policy and requests, which answer truthfully: Publius holds no notification back.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HOUR } from "../../src/domain/clock.ts";
import { type ApiUser, useApiSite, userToken } from "../helpers/api.ts";
import { assertAccountShape, assertError, assertStatusShape, linkHeader, pathOf } from "./shapes.ts";

type Json = Record<string, any>;

async function post(user: ApiUser, body: Record<string, unknown>): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Alice's post is liked by bob, carol and dave, reposted by carol; bob and dave follow her; carol mentions her. */
async function busyAlice(site: ReturnType<typeof useApiSite>) {
  const alice = await site.user("alice");
  const bob = await site.user("bob");
  const carol = await site.user("carol");
  const dave = await site.user("dave");
  // An hour apart: notifications are ordered to the hour only, randomly within one (issue 9, finding 5).
  await site.ctx.services.relationships.follow(bob.viewer, alice.account.id);
  site.ctx.clock.advance(HOUR);
  await site.ctx.services.relationships.follow(dave.viewer, alice.account.id);
  site.ctx.clock.advance(HOUR);
  const own = await post(alice, { status: "like this" });
  for (const u of [bob, carol, dave]) {
    site.ctx.clock.advance(HOUR);
    await u.api.post(`/api/v1/statuses/${own.id}/favourite`);
  }
  site.ctx.clock.advance(HOUR);
  await carol.api.post(`/api/v1/statuses/${own.id}/reblog`);
  site.ctx.clock.advance(HOUR);
  const mention = await post(carol, { status: "hey @alice" });
  return { alice, bob, carol, dave, own, mention };
}

function assertGroupShape(g: Json): void {
  assert.equal(typeof g.group_key, "string");
  assert.equal(typeof g.notifications_count, "number");
  assert.equal(typeof g.type, "string");
  for (const k of ["most_recent_notification_id", "page_min_id", "page_max_id"]) assert.equal(typeof g[k], "string", k);
  assert.match(g.latest_page_notification_at, /T\d{2}:00:00\.000Z$/, "kept to the hour, like the notification");
  assert.ok(Array.isArray(g.sample_account_ids) && g.sample_account_ids.length > 0);
  assert.ok(g.status_id === null || typeof g.status_id === "string");
}

describe("GET /api/v2/notifications", () => {
  const site = useApiSite();

  test("groups likes and reposts per post and follows per day, with every referenced entity once", async () => {
    const { alice, bob, carol, dave, own, mention } = await busyAlice(site);
    const res = await alice.api.get("/api/v2/notifications");
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const groups: Json[] = body.notification_groups;
    for (const g of groups) assertGroupShape(g);
    assert.deepEqual(
      groups.map((g) => g.group_key),
      [
        `ungrouped-${groups[0]?.most_recent_notification_id}`,
        `reblog-${own.id}`,
        `favourite-${own.id}`,
        groups[3]?.group_key,
      ],
    );
    assert.deepEqual(
      groups.map((g) => g.type),
      ["mention", "reblog", "favourite", "follow"],
    );
    const [m, reblog, fav, follow] = groups as [Json, Json, Json, Json];
    assert.equal(m.status_id, mention.id);
    assert.equal(m.notifications_count, 1);
    assert.equal(reblog.notifications_count, 1);
    assert.equal(fav.notifications_count, 3);
    assert.deepEqual(fav.sample_account_ids, [dave.account.id, carol.account.id, bob.account.id], "newest first");
    assert.equal(fav.status_id, own.id);
    assert.notEqual(fav.page_min_id, fav.page_max_id);
    assert.equal(fav.most_recent_notification_id, fav.page_max_id);
    assert.match(follow.group_key, /^follow-\d+$/);
    assert.equal(follow.notifications_count, 2);
    assert.equal(follow.status_id, null);
    assert.deepEqual(
      body.accounts.map((a: Json) => a.id).sort(),
      [bob.account.id, carol.account.id, dave.account.id].sort(),
    );
    for (const a of body.accounts) assertAccountShape(a);
    assert.deepEqual(body.statuses.map((s: Json) => s.id).sort(), [mention.id, own.id].sort());
    for (const s of body.statuses) assertStatusShape(s);

    // grouped_types narrows the grouping: favourites left ungrouped come one by one.
    const only = (await alice.api.get("/api/v2/notifications?grouped_types[]=follow")).json();
    assert.equal(only.notification_groups.filter((g: Json) => g.type === "favourite").length, 3);
    assert.ok(
      only.notification_groups.every((g: Json) => g.type !== "favourite" || g.group_key.startsWith("ungrouped-")),
    );
    // Someone else sees none of it.
    assert.deepEqual((await bob.api.get("/api/v2/notifications")).json().notification_groups, []);
  });

  test("pages through Link; a group split over pages keeps its whole count", async () => {
    const { alice } = await busyAlice(site);
    const first = await alice.api.get("/api/v2/notifications?limit=3");
    const g1: Json[] = first.json().notification_groups;
    assert.deepEqual(
      g1.map((g) => g.type),
      ["mention", "reblog", "favourite"],
    );
    assert.equal(g1[2]?.notifications_count, 3, "the whole group, though the page holds one of it");
    assert.equal(g1[2]?.page_min_id, g1[2]?.page_max_id);
    const second = await alice.api.get(pathOf(linkHeader(first).next));
    const g2: Json[] = second.json().notification_groups;
    assert.deepEqual(
      g2.map((g) => g.type),
      ["favourite", "follow"],
    );
    assert.equal(g2[0]?.group_key, g1[2]?.group_key);
    const third = await alice.api.get(pathOf(linkHeader(second).next));
    const g3: Json[] = third.json().notification_groups;
    assert.deepEqual(
      g3.map((g) => [g.type, g.notifications_count, g.group_key]),
      [["follow", 2, g2[1]?.group_key]],
    );
    const end = await alice.api.get(pathOf(linkHeader(third).next));
    assert.deepEqual(end.json().notification_groups, []);
  });

  test("a group by key, its accounts, and dismissing it; other people's groups are 404", async () => {
    const { alice, bob, carol, dave, own } = await busyAlice(site);
    const one = await alice.api.get(`/api/v2/notifications/favourite-${own.id}`);
    assert.equal(one.statusCode, 200, one.body);
    assert.equal(one.json().notification_groups.length, 1);
    assert.equal(one.json().notification_groups[0].notifications_count, 3);
    const accounts = await alice.api.get(`/api/v2/notifications/favourite-${own.id}/accounts`);
    assert.deepEqual(
      accounts.json().map((a: Json) => a.id),
      [dave.account.id, carol.account.id, bob.account.id],
    );
    for (const a of accounts.json()) assertAccountShape(a);
    assertError(await bob.api.get(`/api/v2/notifications/favourite-${own.id}`), 404);
    assertError(await bob.api.post(`/api/v2/notifications/favourite-${own.id}/dismiss`), 404);
    assertError(await alice.api.get("/api/v2/notifications/nonsense"), 404);
    assertError(await alice.api.get("/api/v2/notifications/ungrouped-999999"), 404);

    const single = (await alice.api.get("/api/v2/notifications")).json().notification_groups[0];
    assert.equal((await alice.api.get(`/api/v2/notifications/${single.group_key}`)).statusCode, 200);

    assert.equal((await alice.api.post(`/api/v2/notifications/favourite-${own.id}/dismiss`)).statusCode, 200);
    const after = (await alice.api.get("/api/v2/notifications")).json().notification_groups;
    assert.deepEqual(
      after.map((g: Json) => g.type),
      ["mention", "reblog", "follow"],
    );
    assertError(await alice.api.get(`/api/v2/notifications/favourite-${own.id}`), 404);
    assert.equal((await alice.api.post(`/api/v2/notifications/${single.group_key}/dismiss`)).statusCode, 200);
    assert.equal((await alice.api.get("/api/v2/notifications")).json().notification_groups.length, 2);
  });

  test("unread counts: v2 counts groups, v1 notifications; both follow the marker and the cap", async () => {
    const { alice } = await busyAlice(site);
    assert.deepEqual((await alice.api.get("/api/v2/notifications/unread_count")).json(), { count: 4 });
    assert.deepEqual((await alice.api.get("/api/v1/notifications/unread_count")).json(), { count: 7 });
    assert.deepEqual((await alice.api.get("/api/v2/notifications/unread_count?limit=2")).json(), { count: 2 });
    const list = (await alice.api.get("/api/v1/notifications")).json();
    const favIndex = list.findIndex((n: Json) => n.type === "favourite");
    await alice.api.post("/api/v1/markers", { notifications: { last_read_id: list[favIndex].id } });
    // Left unread: the mention and the reblog (two groups, two notifications).
    assert.deepEqual((await alice.api.get("/api/v2/notifications/unread_count")).json(), { count: 2 });
    assert.deepEqual((await alice.api.get("/api/v1/notifications/unread_count")).json(), { count: 2 });
  });

  test("scopes: read:notifications to read, write:notifications to dismiss", async () => {
    const { alice, own } = await busyAlice(site);
    const statusesOnly = await userToken(site.ctx, alice.account.id, { scopes: "read:statuses write" });
    for (const path of [
      "/api/v2/notifications",
      "/api/v2/notifications/unread_count",
      "/api/v2/notifications/policy",
    ]) {
      assertError(await alice.api.get(path, { token: statusesOnly }), 403);
    }
    const readOnly = await userToken(site.ctx, alice.account.id, { scopes: "read:notifications" });
    assert.equal((await alice.api.get("/api/v2/notifications", { token: readOnly })).statusCode, 200);
    assertError(
      await alice.api.post(`/api/v2/notifications/favourite-${own.id}/dismiss`, undefined, { token: readOnly }),
      403,
    );
    assertError(await alice.api.withToken(undefined).get("/api/v2/notifications"), 401);
  });
});

describe("notification policy and requests", () => {
  const site = useApiSite();

  test("the policy accepts everything; asking to filter is refused with a 422 that says why", async () => {
    const alice = await site.user("alice");
    const policy = (await alice.api.get("/api/v2/notifications/policy")).json();
    assert.deepEqual(policy, {
      for_not_following: "accept",
      for_not_followers: "accept",
      for_new_accounts: "accept",
      for_private_mentions: "accept",
      for_limited_accounts: "accept",
      summary: { pending_requests_count: 0, pending_notifications_count: 0 },
    });
    const same = await alice.api.patch("/api/v2/notifications/policy", { for_new_accounts: "accept" });
    assert.equal(same.statusCode, 200);
    assert.deepEqual(same.json(), policy);
    assertError(
      await alice.api.patch("/api/v2/notifications/policy", { for_new_accounts: "filter" }),
      422,
      /does not filter/,
    );
    assertError(
      await alice.api.put("/api/v1/notifications/policy", { filter_new_accounts: true }),
      422,
      /does not filter/,
    );
    const v1 = (await alice.api.get("/api/v1/notifications/policy")).json();
    assert.equal(v1.filter_not_following, false);
    assert.deepEqual(v1.summary, { pending_requests_count: 0, pending_notifications_count: 0 });
  });

  test("there are never any requests", async () => {
    const alice = await site.user("alice");
    assert.deepEqual((await alice.api.get("/api/v1/notifications/requests")).json(), []);
    assert.deepEqual((await alice.api.get("/api/v1/notifications/requests/merged")).json(), { merged: true });
    assertError(await alice.api.get("/api/v1/notifications/requests/1"), 404);
    assertError(await alice.api.post("/api/v1/notifications/requests/1/accept"), 404);
    assert.equal((await alice.api.post("/api/v1/notifications/requests/dismiss", { id: ["1"] })).statusCode, 200);
  });
});
