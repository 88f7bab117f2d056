// GET /api/v2/search: accounts, posts and hashtags, with what anonymous callers may and may not do,
// and without ever finding another person's followers-only posts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tagId } from "../../src/present/mastodon/tag.ts";
import { type ApiUser, useApiSite, userToken } from "../helpers/api.ts";
import { assertAccountShape, assertError, assertStatusShape, assertTagShape } from "./shapes.ts";

type Json = Record<string, any>;

async function post(user: ApiUser, body: Record<string, unknown>): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe("GET /api/v2/search", () => {
  const site = useApiSite();

  test("finds accounts, posts and hashtags, each a complete entity", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const open = await post(bob, { status: "alligators are #alive" });
    const res = await alice.api.get("/api/v2/search?q=al");
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ["accounts", "hashtags", "statuses"]);
    assert.deepEqual(
      body.accounts.map((a: Json) => a.username),
      ["alice"],
    );
    for (const a of body.accounts) assertAccountShape(a);
    assert.deepEqual(body.hashtags, [
      // Tag.id (Mastodon 4.3) was missing before issue 12's schema check.
      { id: tagId("alive"), name: "alive", url: "http://publius.test/tags/alive", history: [], following: false },
    ]);
    for (const t of body.hashtags) assertTagShape(t);

    const words = (await alice.api.get("/api/v2/search?q=alligators")).json();
    assert.deepEqual(
      words.statuses.map((s: Json) => s.id),
      [open.id],
    );
    for (const s of words.statuses) assertStatusShape(s);
  });

  test("type narrows to one kind; an unknown type finds nothing; q is required", async () => {
    const alice = await site.user("alice");
    await post(alice, { status: "alpha #alpha" });
    const accounts = (await alice.api.get("/api/v2/search?q=alpha&type=accounts")).json();
    assert.deepEqual(accounts.statuses, []);
    assert.deepEqual(accounts.hashtags, []);
    const tags = (await alice.api.get("/api/v2/search?q=%23alpha&type=hashtags")).json();
    assert.deepEqual(
      tags.hashtags.map((t: Json) => t.name),
      ["alpha"],
    );
    assert.deepEqual(tags.statuses, []);
    const statuses = (await alice.api.get("/api/v2/search?q=alpha&type=statuses")).json();
    assert.equal(statuses.statuses.length, 1);
    assert.deepEqual(statuses.accounts, []);
    assert.deepEqual((await alice.api.get("/api/v2/search?q=alpha&type=everything")).json(), {
      accounts: [],
      statuses: [],
      hashtags: [],
    });
    assertError(await alice.api.get("/api/v2/search"), 400);
    assertError(await alice.api.get("/api/v2/search?q=alpha&limit=many"), 422);
  });

  test("others' followers-only posts are never found; one's own and followed ones are", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const secret = await post(bob, { status: "zebra secret", visibility: "private" });
    const found = (who: ApiUser | undefined) =>
      (who ? who.api : site.anonymous)
        .get("/api/v2/search?q=zebra&type=statuses")
        .then((r) => r.json().statuses.map((s: Json) => s.id));
    assert.deepEqual(await found(undefined), []);
    assert.deepEqual(await found(carol), []);
    assert.deepEqual(await found(bob), [secret.id]);
    await site.ctx.services.relationships.follow(alice.viewer, bob.account.id);
    assert.deepEqual(await found(alice), [secret.id]);
  });

  test("following=true and account_id narrow the results", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await site.ctx.services.relationships.follow(alice.viewer, bob.account.id);
    const bobs = await post(bob, { status: "shared word" });
    await post(carol, { status: "shared word" });
    const followed = (await alice.api.get("/api/v2/search?q=b&type=accounts&following=true")).json();
    assert.deepEqual(
      followed.accounts.map((a: Json) => a.username),
      ["bob"],
    );
    assert.deepEqual((await alice.api.get("/api/v2/search?q=c&type=accounts&following=true")).json().accounts, []);
    const byBob = (await alice.api.get(`/api/v2/search?q=shared&type=statuses&account_id=${bob.account.id}`)).json();
    assert.deepEqual(
      byBob.statuses.map((s: Json) => s.id),
      [bobs.id],
    );
  });

  test("limit (default 20, max 40) and offset page the results", async () => {
    const alice = await site.user("alice");
    for (let i = 0; i < 45; i++) await post(alice, { status: `needle ${i}` });
    const count = async (query: string) =>
      (await alice.api.get(`/api/v2/search?q=needle&type=statuses${query}`)).json().statuses.length;
    assert.equal(await count(""), 20);
    assert.equal(await count("&limit=100"), 40);
    assert.equal(await count("&limit=40&offset=40"), 5);
  });

  test("anonymous: allowed without resolve and offset (401 with them); tokens need read:search", async () => {
    const alice = await site.user("alice");
    assert.equal((await site.anonymous.get("/api/v2/search?q=alice")).statusCode, 200);
    const anon = (await site.anonymous.get("/api/v2/search?q=alice&type=hashtags")).json();
    assert.deepEqual(anon.hashtags, []);
    assertError(await site.anonymous.get("/api/v2/search?q=alice&offset=5"), 401, /without authentication/);
    assertError(await site.anonymous.get("/api/v2/search?q=alice&resolve=true"), 401, /without authentication/);
    assert.equal((await alice.api.get("/api/v2/search?q=alice&resolve=true&offset=0")).statusCode, 200);
    const statusesOnly = await userToken(site.ctx, alice.account.id, { scopes: "read:statuses" });
    assertError(await alice.api.get("/api/v2/search?q=alice", { token: statusesOnly }), 403);
    const granular = await userToken(site.ctx, alice.account.id, { scopes: "read:search" });
    assert.equal((await alice.api.get("/api/v2/search?q=alice", { token: granular })).statusCode, 200);
  });

  test("user@this-host finds the local account; with resolve, links here find the post or profile", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const open = await post(bob, { status: "linked post" });
    const secret = await post(bob, { status: "linked secret", visibility: "private" });
    const acct = (await alice.api.get("/api/v2/search?q=%40bob%40publius.test&type=accounts")).json();
    assert.deepEqual(
      acct.accounts.map((a: Json) => a.username),
      ["bob"],
    );
    const elsewhere = (await alice.api.get("/api/v2/search?q=%40bob%40elsewhere.example&type=accounts")).json();
    assert.deepEqual(elsewhere.accounts, []);

    const find = async (url: string) =>
      (await alice.api.get(`/api/v2/search?q=${encodeURIComponent(url)}&resolve=true`)).json();
    const byUrl = await find(`http://publius.test/@bob/${open.id}`);
    assert.deepEqual(
      byUrl.statuses.map((s: Json) => s.id),
      [open.id],
    );
    assert.deepEqual(byUrl.accounts, []);
    const byUri = await find(`http://publius.test/users/bob/statuses/${open.id}`);
    assert.deepEqual(
      byUri.statuses.map((s: Json) => s.id),
      [open.id],
    );
    assert.deepEqual((await find(`http://publius.test/@bob/${secret.id}`)).statuses, [], "hidden stays hidden");
    assert.deepEqual((await find(`http://publius.test/@alice/${open.id}`)).statuses, [], "the author must match");
    assert.deepEqual(
      (await find("http://publius.test/@bob")).accounts.map((a: Json) => a.username),
      ["bob"],
    );
    assert.deepEqual((await find("https://elsewhere.example/@bob")).accounts, []);
  });

  test("the v1 search, removed in Mastodon 3.0, is not offered", async () => {
    const alice = await site.user("alice");
    assertError(await alice.api.get("/api/v1/search?q=alice"), 404);
  });

  test("hashtags found anonymously carry no `following`", async () => {
    const alice = await site.user("alice");
    await post(alice, { status: "#gardening" });
    const anon = (await site.anonymous.get("/api/v2/search?q=garden&type=hashtags")).json();
    assert.deepEqual(anon.hashtags, [
      { id: tagId("gardening"), name: "gardening", url: "http://publius.test/tags/gardening", history: [] },
    ]);
  });
});
