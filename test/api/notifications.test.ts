// /api/v1/notifications/*: one's own notifications only, filters, paging, dismissing, unread count.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HOUR } from "../../src/domain/clock.ts";
import { type ApiUser, useApiSite, userToken } from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";
import { assertError, assertNotificationShape, linkHeader, pathOf } from "./shapes.ts";

type Json = Record<string, any>;

async function post(user: ApiUser, body: Record<string, unknown>): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/**
 * Alice gets one of each kind: a follow, a mention, a favourite and a reblog (newest last), an hour
 * apart: notifications are ordered to the hour only, randomly within one (issue 9, finding 5).
 */
async function busyAlice(site: ReturnType<typeof useApiSite>) {
  const alice = await site.user("alice");
  const bob = await site.user("bob");
  const carol = await site.user("carol");
  await site.ctx.services.relationships.follow(bob.viewer, alice.account.id);
  site.ctx.clock.advance(HOUR);
  const mention = await post(carol, { status: "hey @alice" });
  const own = await post(alice, { status: "like this" });
  site.ctx.clock.advance(HOUR);
  await bob.api.post(`/api/v1/statuses/${own.id}/favourite`);
  site.ctx.clock.advance(HOUR);
  await carol.api.post(`/api/v1/statuses/${own.id}/reblog`);
  return { alice, bob, carol, mention, own };
}

const types = (res: { json(): unknown }) => (res.json() as Json[]).map((n) => n.type as string);

describe("GET /api/v1/notifications", () => {
  const site = useApiSite();

  test("lists one's notifications, newest first, each a complete Notification entity", async () => {
    const { alice, bob, carol, mention, own } = await busyAlice(site);
    const res = await alice.api.get("/api/v1/notifications");
    assert.equal(res.statusCode, 200);
    const list = res.json();
    assert.deepEqual(types(res), ["reblog", "favourite", "mention", "follow"]);
    for (const n of list) assertNotificationShape(n);
    const [reblog, favourite, mentioned, follow] = list;
    assert.equal(reblog.account.id, carol.account.id);
    assert.equal(reblog.status.id, own.id);
    assert.equal(favourite.account.id, bob.account.id);
    assert.equal(mentioned.status.id, mention.id);
    assert.equal(follow.account.id, bob.account.id);
    assert.equal(follow.group_key, `ungrouped-${follow.id}`);
    assert.match(follow.created_at, /T\d{2}:00:00\.000Z$/, "kept to the hour");
    assert.deepEqual((await bob.api.get("/api/v1/notifications")).json(), [], "nobody sees another's");
  });

  test("types[], exclude_types[] and account_id filter", async () => {
    const { alice, bob, carol } = await busyAlice(site);
    assert.deepEqual(types(await alice.api.get("/api/v1/notifications?types[]=mention&types[]=follow")), [
      "mention",
      "follow",
    ]);
    assert.deepEqual(
      types(await alice.api.get("/api/v1/notifications?exclude_types[]=mention&exclude_types[]=reblog")),
      ["favourite", "follow"],
    );
    assert.deepEqual(types(await alice.api.get(`/api/v1/notifications?account_id=${bob.account.id}`)), [
      "favourite",
      "follow",
    ]);
    assert.deepEqual(
      types(await alice.api.get(`/api/v1/notifications?account_id=${carol.account.id}&types[]=reblog`)),
      ["reblog"],
    );
    assert.deepEqual((await alice.api.get("/api/v1/notifications?types[]=poll")).json(), []);
  });

  test("paging: 40 by default, 80 at most, Link next and prev", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const own = await post(alice, { status: "popular" });
    // 45 notifications: like and unlike do not pile up, so mention alice 45 times.
    for (let i = 0; i < 45; i++) await post(bob, { status: `@alice ${i}` });
    assert.equal((await alice.api.get("/api/v1/notifications")).json().length, 40);
    assert.equal((await alice.api.get("/api/v1/notifications?limit=200")).json().length, 45);
    const first = await alice.api.get("/api/v1/notifications?limit=20");
    const page1 = first.json() as any[];
    const links = linkHeader(first);
    assert.equal(links.next?.searchParams.get("max_id"), page1[19].id);
    assert.equal(links.prev?.searchParams.get("min_id"), page1[0].id);
    const page2 = (await alice.api.get(pathOf(links.next))).json() as any[];
    assert.equal(page2.length, 20);
    assert.ok(Number(page2[0].id) < Number(page1[19].id));
    const back = await alice.api.get(pathOf(linkHeader(await alice.api.get(pathOf(links.next))).prev));
    assert.deepEqual(
      (back.json() as Json[]).map((n) => n.id),
      page1.map((n) => n.id),
    );
    void own;
  });

  test("a post that became hidden takes its notification out of the list", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await post(bob, { status: "@alice psst", visibility: "private" });
    assert.deepEqual(types(await alice.api.get("/api/v1/notifications")), ["mention"], "mentioned: she may see it");
    await site.ctx.services.relationships.block(alice.viewer, bob.account.id);
    assert.deepEqual((await alice.api.get("/api/v1/notifications")).json(), []);
  });

  test("needs a user token with read:notifications", async () => {
    const alice = await site.user("alice");
    assertError(await site.anonymous.get("/api/v1/notifications"), 401);
    const statusesOnly = await userToken(site.ctx, alice.account.id, { scopes: "read:statuses write" });
    assertError(await alice.api.get("/api/v1/notifications", { token: statusesOnly }), 403);
    assertError(await alice.api.get("/api/v1/notifications/unread_count", { token: statusesOnly }), 403);
    const granular = await userToken(site.ctx, alice.account.id, { scopes: "read:notifications" });
    assert.equal((await alice.api.get("/api/v1/notifications", { token: granular })).statusCode, 200);
    assertError(await alice.api.post("/api/v1/notifications/clear", undefined, { token: granular }), 403);
  });
});

describe("one notification", () => {
  const site = useApiSite();

  test("GET /:id and dismiss work on one's own; another's answers 404 and stays", async () => {
    const { alice, bob } = await busyAlice(site);
    const [latest] = (await alice.api.get("/api/v1/notifications")).json() as any[];
    const one = await alice.api.get(`/api/v1/notifications/${latest.id}`);
    assert.equal(one.statusCode, 200);
    assertNotificationShape(one.json());
    assert.deepEqual(one.json(), latest);

    assertError(await bob.api.get(`/api/v1/notifications/${latest.id}`), 404);
    assertError(await bob.api.post(`/api/v1/notifications/${latest.id}/dismiss`), 404);
    assert.equal(await rowCount(site.ctx, "notifications", { account_id: alice.account.id }), 4);

    const dismissed = await alice.api.post(`/api/v1/notifications/${latest.id}/dismiss`);
    assert.equal(dismissed.statusCode, 200);
    assert.deepEqual(dismissed.json(), {});
    assertError(await alice.api.get(`/api/v1/notifications/${latest.id}`), 404);
    for (const id of ["abc", "-1", "1.5", "9".repeat(30)]) {
      assert.equal((await alice.api.get(`/api/v1/notifications/${id}`)).statusCode, 404, id);
      assert.equal((await alice.api.post(`/api/v1/notifications/${id}/dismiss`)).statusCode, 404, id);
    }
  });

  test("clear removes all of one's own and nobody else's", async () => {
    const { alice, carol } = await busyAlice(site);
    await post(alice, { status: "hi @carol" });
    const res = await alice.api.post("/api/v1/notifications/clear");
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {});
    assert.deepEqual((await alice.api.get("/api/v1/notifications")).json(), []);
    assert.deepEqual(types(await carol.api.get("/api/v1/notifications")), ["mention"]);
  });

  test("unread_count counts up to its limit, with filters, and the notifications marker reads them", async () => {
    const { alice, bob } = await busyAlice(site);
    const count = async (query = "") => (await alice.api.get(`/api/v1/notifications/unread_count${query}`)).json();
    assert.deepEqual(await count(), { count: 4 });
    assert.deepEqual(await count("?limit=2"), { count: 2 });
    assert.deepEqual(await count("?types[]=mention"), { count: 1 });
    assert.deepEqual(await count("?exclude_types[]=mention"), { count: 3 });
    assert.deepEqual(await count(`?account_id=${bob.account.id}`), { count: 2 });
    const list = (await alice.api.get("/api/v1/notifications")).json() as any[];
    await alice.api.post("/api/v1/markers", { notifications: { last_read_id: list[1].id } });
    assert.deepEqual(await count(), { count: 1 }, "those up to the marker are read");
    assert.deepEqual((await bob.api.get("/api/v1/notifications/unread_count")).json(), { count: 0 });
  });

  // Grouped notifications (v2) are now offered: see grouped-notifications.test.ts.
  test("grouped notifications (v2) answer, empty for someone with none", async () => {
    const alice = await site.user("alice");
    const res = await alice.api.get("/api/v2/notifications");
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { accounts: [], statuses: [], notification_groups: [] });
  });
});
