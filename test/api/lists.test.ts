// Lists (docs: Methods > lists): one's own only, members one follows, the list timeline with its
// replies policy, exclusive lists kept out of home, and the list in "what we hold about you".
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PASSWORD } from "../fixtures/accounts.ts";
import { type ApiUser, useApiSite, userToken } from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";
import { assertAccountShape, assertError, assertStatusShape, linkHeader, pathOf } from "./shapes.ts";

type Json = Record<string, any>;

async function post(user: ApiUser, body: Json): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function follow(who: ApiUser, whom: ApiUser): Promise<void> {
  const res = await who.api.post(`/api/v1/accounts/${whom.account.id}/follow`);
  assert.equal(res.statusCode, 200, res.body);
}

async function makeList(user: ApiUser, body: Json = { title: "Friends" }): Promise<Json> {
  const res = await user.api.post("/api/v1/lists", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

function assertListShape(l: Json): void {
  assert.match(l.id, /^\d+$/);
  assert.equal(typeof l.title, "string");
  assert.ok(["followed", "list", "none"].includes(l.replies_policy), l.replies_policy);
  assert.equal(typeof l.exclusive, "boolean");
}

const ids = (res: { json(): unknown }) => (res.json() as Json[]).map((s) => s.id as string);

describe("lists", () => {
  const site = useApiSite();

  test("create, read, rename, list and delete; the List entity's shape", async () => {
    const alice = await site.user("alice");
    const created = await makeList(alice, { title: "  Friends  " });
    assertListShape(created);
    assert.deepEqual(
      { title: created.title, replies_policy: created.replies_policy, exclusive: created.exclusive },
      { title: "Friends", replies_policy: "list", exclusive: false },
    );
    const second = await makeList(alice, { title: "Art", replies_policy: "none", exclusive: true });
    assert.equal(second.replies_policy, "none");
    assert.equal(second.exclusive, true);

    const all = await alice.api.get("/api/v1/lists");
    assert.equal(all.statusCode, 200);
    assert.deepEqual(
      all.json().map((l: Json) => l.title),
      ["Art", "Friends"],
    );
    for (const l of all.json()) assertListShape(l);

    const one = await alice.api.get(`/api/v1/lists/${created.id}`);
    assert.deepEqual(one.json(), created);

    const renamed = await alice.api.put(`/api/v1/lists/${created.id}`, { title: "Close friends", exclusive: true });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.deepEqual(renamed.json(), { ...created, title: "Close friends", exclusive: true });
    // A form body works too (Tusky and older clients send forms).
    const form = await alice.api.put(`/api/v1/lists/${created.id}`, "replies_policy=followed", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(form.json().replies_policy, "followed");
    assert.equal(form.json().title, "Close friends", "what is not sent stays");

    const del = await alice.api.delete(`/api/v1/lists/${created.id}`);
    assert.equal(del.statusCode, 200);
    assert.deepEqual(del.json(), {});
    assertError(await alice.api.get(`/api/v1/lists/${created.id}`), 404);
    assert.deepEqual(ids(await alice.api.get("/api/v1/lists")), [second.id]);
  });

  test("bad input is a 422 with a message", async () => {
    const alice = await site.user("alice");
    assertError(await alice.api.post("/api/v1/lists", {}), 422, /Title can't be blank/);
    assertError(await alice.api.post("/api/v1/lists", { title: "   " }), 422, /Title can't be blank/);
    assertError(await alice.api.post("/api/v1/lists", { title: "x".repeat(201) }), 422, /too long/);
    assertError(
      await alice.api.post("/api/v1/lists", { title: "A", replies_policy: "everyone" }),
      422,
      /Replies policy/,
    );
    assertError(await alice.api.post("/api/v1/lists", { title: "A", exclusive: "perhaps" }), 422, /exclusive/);
    const l = await makeList(alice);
    assertError(await alice.api.put(`/api/v1/lists/${l.id}`, { title: "" }), 422, /Title/);
    assertError(await alice.api.post(`/api/v1/lists/${l.id}/accounts`, {}), 422, /account_ids/);
    assertError(await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: ["x'; drop"] }), 422);
  });

  test("scopes: read:lists to read, write:lists to change; an app token or none is refused", async () => {
    const alice = await site.user("alice");
    const l = await makeList(alice);
    const as = async (scopes: string) =>
      ({ api: alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes })) }) as const;
    const reader = await as("read:lists");
    assert.equal((await reader.api.get("/api/v1/lists")).statusCode, 200);
    assert.equal((await reader.api.get(`/api/v1/lists/${l.id}/accounts`)).statusCode, 200);
    assert.equal((await reader.api.get(`/api/v1/timelines/list/${l.id}`)).statusCode, 200);
    assertError(await reader.api.post("/api/v1/lists", { title: "No" }), 403);
    assertError(await reader.api.put(`/api/v1/lists/${l.id}`, { title: "No" }), 403);
    assertError(await reader.api.delete(`/api/v1/lists/${l.id}`), 403);
    assertError(await reader.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: ["1"] }), 403);
    const writer = await as("write:lists");
    assertError(await writer.api.get("/api/v1/lists"), 403);
    assert.equal((await writer.api.post("/api/v1/lists", { title: "Yes" })).statusCode, 200);
    const other = await as("read:statuses write:statuses");
    assertError(await other.api.get("/api/v1/lists"), 403);
    assertError(await other.api.get(`/api/v1/timelines/list/${l.id}`), 403);
    assertError(await site.anonymous.get("/api/v1/lists"), 401);
  });

  test("another's list is a 404 everywhere, like a missing one", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await follow(alice, carol);
    await follow(bob, carol);
    const l = await makeList(alice);
    await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: [carol.account.id] });
    for (const id of [l.id, "999999999999999999", "abc"]) {
      assertError(await bob.api.get(`/api/v1/lists/${id}`), 404);
      assertError(await bob.api.put(`/api/v1/lists/${id}`, { title: "Mine now" }), 404);
      assertError(await bob.api.delete(`/api/v1/lists/${id}`), 404);
      assertError(await bob.api.get(`/api/v1/lists/${id}/accounts`), 404);
      assertError(await bob.api.post(`/api/v1/lists/${id}/accounts`, { account_ids: [carol.account.id] }), 404);
      assertError(await bob.api.delete(`/api/v1/lists/${id}/accounts?account_ids[]=${carol.account.id}`), 404);
      assertError(await bob.api.get(`/api/v1/timelines/list/${id}`), 404);
    }
    assert.deepEqual((await bob.api.get("/api/v1/lists")).json(), []);
    assert.deepEqual((await bob.api.get(`/api/v1/accounts/${carol.account.id}/lists`)).json(), []);
    assert.equal((await alice.api.get(`/api/v1/lists/${l.id}`)).json().title, "Friends", "unchanged");
    assert.equal((await alice.api.get(`/api/v1/lists/${l.id}/accounts`)).json().length, 1);
  });

  test("members: only accounts one follows (422 otherwise), paged by Link, removed, and listed per account", async () => {
    const alice = await site.user("alice");
    const others: ApiUser[] = [];
    for (const name of ["bob", "carol", "dave", "erin"] as const) {
      const u = await site.user(name);
      await follow(alice, u);
      others.push(u);
    }
    const stranger = await site.user("frank");
    const l = await makeList(alice);
    const l2 = await makeList(alice, { title: "Second" });

    assertError(
      await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: [stranger.account.id] }),
      422,
      /only add accounts you follow/,
    );
    assertError(
      await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: ["123456789012345678"] }),
      422,
      /only add accounts you follow/,
    );
    // All or none: a good id beside a bad one adds nothing.
    assertError(
      await alice.api.post(`/api/v1/lists/${l.id}/accounts`, {
        account_ids: [others[0]?.account.id, stranger.account.id],
      }),
      422,
    );
    assert.deepEqual((await alice.api.get(`/api/v1/lists/${l.id}/accounts`)).json(), []);

    for (const u of others) {
      const res = await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: [u.account.id] });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), {});
    }
    assertError(
      await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: [others[0]?.account.id] }),
      422,
      /already been taken/,
    );
    // A form body with account_ids[] (as masto.js and Elk send it).
    const form = await alice.api.post(`/api/v1/lists/${l2.id}/accounts`, `account_ids[]=${others[1]?.account.id}`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(form.statusCode, 200, form.body);

    // Random keys (issue 9, finding 5): a stable order that is not the order of adding.
    const expected = ids(await alice.api.get(`/api/v1/lists/${l.id}/accounts?limit=80`));
    assert.deepEqual([...expected].sort(), others.map((u) => u.account.id).sort());
    const first = await alice.api.get(`/api/v1/lists/${l.id}/accounts?limit=2`);
    assert.equal(first.statusCode, 200);
    assert.deepEqual(ids(first), expected.slice(0, 2));
    for (const a of first.json()) assertAccountShape(a);
    const second = await alice.api.get(pathOf(linkHeader(first).next));
    assert.deepEqual(ids(second), expected.slice(2, 4));
    const back = await alice.api.get(pathOf(linkHeader(second).prev));
    assert.deepEqual(ids(back), expected.slice(0, 2));
    const every = await alice.api.get(`/api/v1/lists/${l.id}/accounts?limit=0`);
    assert.deepEqual(ids(every), expected, "limit=0 gives them all");
    assert.equal(every.headers.link, undefined);

    const carolId = others[1]?.account.id as string;
    const withCarol = await alice.api.get(`/api/v1/accounts/${carolId}/lists`);
    assert.equal(withCarol.statusCode, 200);
    assert.deepEqual(
      withCarol.json().map((x: Json) => x.id),
      [l.id, l2.id].sort((a, b) => (a === l.id ? -1 : b === l.id ? 1 : 0)),
    );
    for (const x of withCarol.json()) assertListShape(x);
    assertError(await alice.api.get("/api/v1/accounts/123456789012345678/lists"), 404);

    const removed = await alice.api.delete(`/api/v1/lists/${l.id}/accounts?account_ids[]=${carolId}`);
    assert.equal(removed.statusCode, 200);
    assert.deepEqual(removed.json(), {});
    assert.ok(!ids(await alice.api.get(`/api/v1/lists/${l.id}/accounts?limit=0`)).includes(carolId));

    // Unfollowing takes the account off one's lists (as Mastodon).
    await alice.api.post(`/api/v1/accounts/${carolId}/unfollow`);
    assert.deepEqual((await alice.api.get(`/api/v1/accounts/${carolId}/lists`)).json(), []);
  });

  test("the list timeline: members' posts and reposts as the owner may see them, paged by Link", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const dave = await site.user("dave");
    await follow(alice, bob);
    await follow(alice, carol);
    const l = await makeList(alice);
    await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: [bob.account.id] });

    const posts: Json[] = [];
    for (let i = 0; i < 3; i++) posts.push(await post(bob, { status: `bob ${i}` }));
    await post(carol, { status: "carol is not on the list" });
    const secret = await post(dave, { status: "dave, followers only", visibility: "private" });
    await follow(bob, dave);
    const repost = await bob.api.post(`/api/v1/statuses/${secret.id}/reblog`);
    assert.equal(repost.statusCode, 422, "a followers-only post cannot be reposted");
    const daveOpen = await post(dave, { status: "dave, public" });
    const boost = (await bob.api.post(`/api/v1/statuses/${daveOpen.id}/reblog`)).json();
    const bobPrivate = await post(bob, { status: "bob, followers only", visibility: "private" });

    const first = await alice.api.get(`/api/v1/timelines/list/${l.id}?limit=2`);
    assert.equal(first.statusCode, 200);
    for (const s of first.json()) assertStatusShape(s);
    assert.deepEqual(ids(first), [bobPrivate.id, boost.id]);
    const rest = await alice.api.get(pathOf(linkHeader(first).next));
    assert.deepEqual(ids(rest), [posts[2]?.id, posts[1]?.id]);
    const newer = await alice.api.get(pathOf(linkHeader(rest).prev));
    assert.deepEqual(ids(newer), [bobPrivate.id, boost.id]);

    // Blocks and mutes apply as on home.
    await alice.api.post(`/api/v1/accounts/${bob.account.id}/mute`);
    assert.deepEqual((await alice.api.get(`/api/v1/timelines/list/${l.id}`)).json(), []);
  });

  test("replies policy: followed, list and none", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const dave = await site.user("dave");
    await follow(alice, bob);
    await follow(alice, carol);
    const root = {
      carol: await post(carol, { status: "carol's root" }),
      dave: await post(dave, { status: "dave's root" }),
      alice: await post(alice, { status: "alice's root" }),
      bob: await post(bob, { status: "bob's root" }),
    };
    const toCarol = await post(bob, { status: "@carol yes", in_reply_to_id: root.carol.id });
    const toDave = await post(bob, { status: "@dave yes", in_reply_to_id: root.dave.id });
    const toAlice = await post(bob, { status: "@alice yes", in_reply_to_id: root.alice.id });
    const toSelf = await post(bob, { status: "and more", in_reply_to_id: root.bob.id });

    const seen = async (policy: string, members: ApiUser[]) => {
      const l = await makeList(alice, { title: policy, replies_policy: policy });
      await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: members.map((m) => m.account.id) });
      return new Set(ids(await alice.api.get(`/api/v1/timelines/list/${l.id}`)));
    };
    const followed = await seen("followed", [bob]);
    assert.ok(
      followed.has(toCarol.id) && !followed.has(toDave.id) && followed.has(toAlice.id) && followed.has(toSelf.id),
    );
    const list = await seen("list", [bob]);
    assert.ok(!list.has(toCarol.id) && !list.has(toDave.id) && list.has(toAlice.id) && list.has(toSelf.id));
    const listWithCarol = await seen("list", [bob, carol]);
    assert.ok(listWithCarol.has(toCarol.id));
    const none = await seen("none", [bob]);
    assert.ok(!none.has(toCarol.id) && !none.has(toDave.id) && none.has(toSelf.id) && none.has(root.bob.id));
  });

  test("an exclusive list's members are kept out of home, and come back when it is not exclusive", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await follow(alice, bob);
    await follow(alice, carol);
    const l = await makeList(alice, { title: "Bob only", exclusive: true });
    await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: [bob.account.id] });
    const b = await post(bob, { status: "from bob" });
    const c = await post(carol, { status: "from carol" });
    const own = await post(alice, { status: "mine" });
    assert.deepEqual(ids(await alice.api.get("/api/v1/timelines/home")), [own.id, c.id]);
    assert.deepEqual(ids(await alice.api.get(`/api/v1/timelines/list/${l.id}`)), [b.id]);
    await alice.api.put(`/api/v1/lists/${l.id}`, { exclusive: false });
    assert.deepEqual(ids(await alice.api.get("/api/v1/timelines/home")), [own.id, c.id, b.id]);
  });

  test("lists are in what we hold about the owner (not the member's), and go with the account", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await follow(alice, bob);
    const l = await makeList(alice, { title: "Secret list name" });
    await alice.api.post(`/api/v1/lists/${l.id}/accounts`, { account_ids: [bob.account.id] });
    const graph = (h: Awaited<ReturnType<typeof site.ctx.services.holdings.forAccount>>) =>
      h.categories.find((c) => c.category.id === "social_graph")?.records ?? [];
    const mine = graph(await site.ctx.services.holdings.forAccount(alice.account.id));
    assert.ok(mine.some((r) => r.table === "lists" && r.fields.title === "Secret list name"));
    assert.ok(mine.some((r) => r.table === "list_accounts" && r.fields.account_id === bob.account.id));
    const bobs = graph(await site.ctx.services.holdings.forAccount(bob.account.id));
    assert.ok(!bobs.some((r) => r.table === "lists" || r.table === "list_accounts"), "bob is not told");

    await site.ctx.services.accounts.deleteAccount(alice.viewer, PASSWORD);
    assert.equal(await rowCount(site.ctx, "lists"), 0);
    assert.equal(await rowCount(site.ctx, "list_accounts"), 0);
  });
});
