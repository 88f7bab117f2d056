// Hashtags (docs: Methods > tags, followed_tags, featured_tags): following one brings its public
// posts into home (and the user stream); featuring shows it on one's profile.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PASSWORD } from "../fixtures/accounts.ts";
import { type ApiUser, useApiSite, userToken } from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";
import { assertError, assertTagShape, linkHeader, pathOf } from "./shapes.ts";

type Json = Record<string, any>;

async function post(user: ApiUser, body: Json): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const ids = (res: { json(): unknown }) => (res.json() as Json[]).map((s) => s.id as string);

function assertFeaturedTagShape(f: Json): void {
  assert.match(f.id, /^\d+$/);
  assert.equal(typeof f.name, "string");
  assert.equal(typeof f.url, "string");
  assert.ok(Number.isInteger(f.statuses_count), "statuses_count is an integer");
  assert.ok(f.last_status_at === null || /^\d{4}-\d{2}-\d{2}$/.test(f.last_status_at), f.last_status_at);
}

describe("followed hashtags", () => {
  const site = useApiSite();

  test("follow and unfollow answer the Tag with `following`; GET /api/v1/tags/:name says it too", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await post(bob, { status: "About #Whistleblowing" });
    const followed = await alice.api.post("/api/v1/tags/Whistleblowing/follow");
    assert.equal(followed.statusCode, 200, followed.body);
    const t = followed.json();
    assertTagShape(t);
    assert.equal(t.name, "whistleblowing");
    assert.equal(t.following, true);
    assert.match(t.id, /^\d+$/);
    assert.equal((await alice.api.post("/api/v1/tags/whistleblowing/follow")).json().following, true, "again: same");
    assert.equal((await alice.api.get("/api/v1/tags/WHISTLEBLOWING")).json().following, true);
    assert.equal((await bob.api.get("/api/v1/tags/whistleblowing")).json().following, false);
    const anonymous = (await site.anonymous.get("/api/v1/tags/whistleblowing")).json();
    assert.equal("following" in anonymous, false, "no `following` without a user");
    const un = await alice.api.post("/api/v1/tags/whistleblowing/unfollow");
    assert.equal(un.statusCode, 200);
    assert.equal(un.json().following, false);
    assert.equal((await alice.api.get("/api/v1/tags/whistleblowing")).json().following, false);
  });

  test("a hashtag nobody used can be followed; to anyone else it looks like any unused name, also in search", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const res = await alice.api.post("/api/v1/tags/sanctuarycities/follow");
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await alice.api.get("/api/v1/tags/sanctuarycities")).json().following, true);
    // As Mastodon 4, any valid name answers; so that someone follows it is not told (issue 9, finding 2).
    const strip = (t: Json) => ({ ...t, id: undefined, name: undefined, url: undefined });
    for (const viewer of [bob.api, site.anonymous]) {
      const followed = await viewer.get("/api/v1/tags/sanctuarycities");
      const never = await viewer.get("/api/v1/tags/nobodyeverusedthis");
      assert.equal(followed.statusCode, 200);
      assert.deepEqual(strip(followed.json()), strip(never.json()));
    }
    const found = await bob.api.get("/api/v2/search?q=%23sanctuary&type=hashtags");
    assert.deepEqual(found.json().hashtags, [], "that someone follows it is not told");
    const unfollowed = await alice.api.post("/api/v1/tags/nobodyever/unfollow");
    assert.equal(unfollowed.statusCode, 200);
    assert.equal(unfollowed.json().following, false);
    assertError(await alice.api.post("/api/v1/tags/not%20a%20tag/unfollow"), 404);
  });

  test("bad names are a 422 with a message; scopes read:follows and write:follows", async () => {
    const alice = await site.user("alice");
    for (const bad of ["123", "with-dash", "x".repeat(101), "%20"]) {
      assertError(await alice.api.post(`/api/v1/tags/${encodeURIComponent(bad)}/follow`), 422, /hashtag/);
    }
    const readOnly = alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes: "read:follows" }));
    assertError(await readOnly.post("/api/v1/tags/fine/follow"), 403);
    assert.equal((await readOnly.get("/api/v1/followed_tags")).statusCode, 200);
    const writeOnly = alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes: "write:follows" }));
    assert.equal((await writeOnly.post("/api/v1/tags/fine/follow")).statusCode, 200);
    assertError(await writeOnly.get("/api/v1/followed_tags"), 403);
    // The legacy `follow` scope covers both, as in Mastodon.
    const legacy = alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes: "follow" }));
    assert.equal((await legacy.post("/api/v1/tags/other/follow")).statusCode, 200);
    assertError(await site.anonymous.post("/api/v1/tags/fine/follow"), 401);
    assertError(await site.anonymous.get("/api/v1/followed_tags"), 401);
  });

  test("GET /api/v1/followed_tags: a stable order (not of following), paged by Link, one's own only", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const names = ["one", "two", "three", "four", "five"];
    for (const n of names) await alice.api.post(`/api/v1/tags/${n}/follow`);
    // Random keys (issue 9, finding 5): the order is stable but is not the order of following.
    const expected: string[] = (await alice.api.get("/api/v1/followed_tags?limit=200")).json().map((t: Json) => t.name);
    assert.deepEqual([...expected].sort(), [...names].sort());
    const first = await alice.api.get("/api/v1/followed_tags?limit=2");
    assert.equal(first.statusCode, 200);
    assert.deepEqual(
      first.json().map((t: Json) => t.name),
      expected.slice(0, 2),
    );
    for (const t of first.json()) {
      assertTagShape(t);
      assert.equal(t.following, true);
    }
    const second = await alice.api.get(pathOf(linkHeader(first).next));
    assert.deepEqual(
      second.json().map((t: Json) => t.name),
      expected.slice(2, 4),
    );
    const back = await alice.api.get(pathOf(linkHeader(second).prev));
    assert.deepEqual(
      back.json().map((t: Json) => t.name),
      expected.slice(0, 2),
    );
    assert.equal((await alice.api.get("/api/v1/followed_tags")).json().length, 5);
    assert.deepEqual((await bob.api.get("/api/v1/followed_tags")).json(), []);
  });

  test("home takes public posts with a followed hashtag from anyone; not unlisted, followers-only or reposts", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await alice.api.post("/api/v1/tags/leaks/follow");
    const open = await post(bob, { status: "Public #Leaks" });
    const reply = await post(carol, { status: "@bob more #leaks", in_reply_to_id: open.id });
    await post(bob, { status: "Unlisted #leaks", visibility: "unlisted" });
    await post(bob, { status: "Followers #leaks", visibility: "private" });
    await post(bob, { status: "No tag" });
    await carol.api.post(`/api/v1/statuses/${open.id}/reblog`);
    assert.deepEqual(ids(await alice.api.get("/api/v1/timelines/home")), [reply.id, open.id]);
    // Blocks and mutes still apply.
    await alice.api.post(`/api/v1/accounts/${carol.account.id}/block`);
    assert.deepEqual(ids(await alice.api.get("/api/v1/timelines/home")), [open.id]);
    await alice.api.post("/api/v1/tags/leaks/unfollow");
    assert.deepEqual((await alice.api.get("/api/v1/timelines/home")).json(), []);
  });

  test("followed hashtags are in what we hold about the follower and go with the account", async () => {
    const alice = await site.user("alice");
    await alice.api.post("/api/v1/tags/quiet/follow");
    const h = await site.ctx.services.holdings.forAccount(alice.account.id);
    const graph = h.categories.find((c) => c.category.id === "social_graph")?.records ?? [];
    assert.ok(graph.some((r) => r.table === "tag_follows"));
    await site.ctx.services.accounts.deleteAccount(alice.viewer, PASSWORD);
    assert.equal(await rowCount(site.ctx, "tag_follows"), 0);
  });
});

describe("featured hashtags", () => {
  const site = useApiSite();

  test("feature, list (own and on the profile), suggestions, unfeature; the FeaturedTag shape", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await post(alice, { status: "#Art and #music" });
    await post(alice, { status: "more #art" });
    await post(alice, { status: "secret #art", visibility: "private" });
    await post(alice, { status: "#poetry" });

    const suggested = await alice.api.get("/api/v1/featured_tags/suggestions");
    assert.equal(suggested.statusCode, 200);
    assert.deepEqual(
      suggested.json().map((t: Json) => t.name),
      ["art", "music", "poetry"],
    );
    for (const t of suggested.json()) assertTagShape(t);

    const made = await alice.api.post("/api/v1/featured_tags", { name: "#Art" });
    assert.equal(made.statusCode, 200, made.body);
    assertFeaturedTagShape(made.json());
    assert.equal(made.json().name, "art");
    assert.equal(made.json().statuses_count, 2, "the followers-only post is not counted");
    assert.match(made.json().last_status_at, /^\d{4}-\d{2}-\d{2}$/);
    const none = (await alice.api.post("/api/v1/featured_tags", { name: "unused" })).json();
    assert.equal(none.statuses_count, 0);
    assert.equal(none.last_status_at, null);

    const own = await alice.api.get("/api/v1/featured_tags");
    assert.deepEqual(
      own.json().map((f: Json) => f.name),
      ["art", "unused"],
    );
    const profile = await site.anonymous.get(`/api/v1/accounts/${alice.account.id}/featured_tags`);
    assert.equal(profile.statusCode, 200);
    assert.deepEqual(profile.json(), own.json());
    assert.deepEqual(
      (await alice.api.get("/api/v1/featured_tags/suggestions")).json().map((t: Json) => t.name),
      ["music", "poetry"],
    );

    assertError(await bob.api.delete(`/api/v1/featured_tags/${none.id}`), 404, /not found/i);
    assertError(await alice.api.delete("/api/v1/featured_tags/999999999999999999"), 404);
    const del = await alice.api.delete(`/api/v1/featured_tags/${none.id}`);
    assert.equal(del.statusCode, 200);
    assert.deepEqual(del.json(), {});
    assert.deepEqual(
      (await alice.api.get("/api/v1/featured_tags")).json().map((f: Json) => f.name),
      ["art"],
    );
    assertError(await site.anonymous.get("/api/v1/accounts/123456789012345678/featured_tags"), 404);
  });

  test("bad input: invalid, duplicate and too many are 422 with a message; scopes read/write:accounts", async () => {
    const alice = await site.user("alice");
    assertError(await alice.api.post("/api/v1/featured_tags", {}), 422, /hashtag/);
    assertError(await alice.api.post("/api/v1/featured_tags", { name: "no spaces" }), 422, /hashtag/);
    await alice.api.post("/api/v1/featured_tags", { name: "one" });
    assertError(await alice.api.post("/api/v1/featured_tags", { name: "ONE" }), 422, /already been taken/);
    for (let i = 2; i <= 10; i++) {
      assert.equal((await alice.api.post("/api/v1/featured_tags", { name: `tag${i}x` })).statusCode, 200);
    }
    assertError(await alice.api.post("/api/v1/featured_tags", { name: "eleven" }), 422, /at most 10/);

    const reader = alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes: "read:accounts" }));
    assert.equal((await reader.get("/api/v1/featured_tags")).statusCode, 200);
    assert.equal((await reader.get("/api/v1/featured_tags/suggestions")).statusCode, 200);
    assertError(await reader.post("/api/v1/featured_tags", { name: "x" }), 403);
    const first = (await alice.api.get("/api/v1/featured_tags")).json()[0];
    assertError(await reader.delete(`/api/v1/featured_tags/${first.id}`), 403);
    assertError(await site.anonymous.get("/api/v1/featured_tags"), 401);
  });

  test("4.4's POST /api/v1/tags/:name/feature and /unfeature answer the Tag with featuring", async () => {
    const alice = await site.user("alice");
    const f = await alice.api.post("/api/v1/tags/Gardens/feature");
    assert.equal(f.statusCode, 200, f.body);
    assertTagShape(f.json());
    assert.equal(f.json().featuring, true);
    assert.equal((await alice.api.post("/api/v1/tags/gardens/feature")).json().featuring, true, "again: same");
    assert.deepEqual(
      (await alice.api.get("/api/v1/featured_tags")).json().map((t: Json) => t.name),
      ["gardens"],
    );
    assert.equal((await alice.api.get("/api/v1/tags/gardens")).json().featuring, true);
    const u = await alice.api.post("/api/v1/tags/gardens/unfeature");
    assert.equal(u.json().featuring, false);
    assert.deepEqual((await alice.api.get("/api/v1/featured_tags")).json(), []);
    assertError(await alice.api.post("/api/v1/tags/bad-name/feature"), 422, /hashtag/);
    const reader = alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes: "read:accounts" }));
    assertError(await reader.post("/api/v1/tags/gardens/feature"), 403);
  });

  test("featured hashtags are in what we hold about the account and go with it", async () => {
    const alice = await site.user("alice");
    await alice.api.post("/api/v1/featured_tags", { name: "mine" });
    const h = await site.ctx.services.holdings.forAccount(alice.account.id);
    const profile = h.categories.find((c) => c.category.id === "public_profile")?.records ?? [];
    assert.ok(profile.some((r) => r.table === "featured_tags"));
    await site.ctx.services.accounts.deleteAccount(alice.viewer, PASSWORD);
    assert.equal(await rowCount(site.ctx, "featured_tags"), 0);
  });
});
