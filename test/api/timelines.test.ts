// /api/v1/timelines/*: who sees what, paging with max_id / since_id / min_id / limit, and the Link
// header a client follows.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ApiUser, useApiSite, userToken } from "../helpers/api.ts";
import { assertError, assertStatusShape, fakeUpload, linkHeader, pathOf } from "./shapes.ts";

type Json = Record<string, any>;

async function post(user: ApiUser, body: Record<string, unknown>): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const ids = (res: { json(): unknown }) => (res.json() as Json[]).map((s) => s.id as string);

describe("home timeline", () => {
  const site = useApiSite();

  test("one's own posts and those of people one follows, their followers-only posts included", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await site.ctx.services.relationships.follow(alice.viewer, bob.account.id);
    const own = await post(alice, { status: "mine" });
    const bobs = await post(bob, { status: "bob's" });
    const bobsPrivate = await post(bob, { status: "bob's friends", visibility: "private" });
    const carols = await post(carol, { status: "carol's" });
    await post(carol, { status: "carol's friends", visibility: "private" });

    const res = await alice.api.get("/api/v1/timelines/home");
    assert.equal(res.statusCode, 200);
    assert.deepEqual(ids(res), [bobsPrivate.id, bobs.id, own.id]);
    for (const s of res.json()) assertStatusShape(s);
    assert.ok(!ids(res).includes(carols.id));

    const carolsHome = await carol.api.get("/api/v1/timelines/home");
    assert.ok(!ids(carolsHome).includes(bobsPrivate.id), "others' followers-only posts never show");
  });

  test("needs a user token with read:statuses", async () => {
    const alice = await site.user("alice");
    assertError(await site.anonymous.get("/api/v1/timelines/home"), 401);
    const writeOnly = await userToken(site.ctx, alice.account.id, { scopes: "write" });
    assertError(await alice.api.get("/api/v1/timelines/home", { token: writeOnly }), 403);
    const granular = await userToken(site.ctx, alice.account.id, { scopes: "read:statuses" });
    assert.equal((await alice.api.get("/api/v1/timelines/home", { token: granular })).statusCode, 200);
  });

  test("paging: limit, max_id, since_id, min_id and Link headers that walk the timeline", async () => {
    const alice = await site.user("alice");
    const made: string[] = [];
    for (let i = 0; i < 25; i++) {
      site.ctx.clock.advance(1000);
      made.push((await post(alice, { status: `post ${i}` })).id);
    }
    const newestFirst = [...made].reverse();

    const all = await alice.api.get("/api/v1/timelines/home");
    assert.equal(all.json().length, 20, "20 by default");
    assert.equal((await alice.api.get("/api/v1/timelines/home?limit=100")).json().length, 25, "at most 40");
    assert.equal((await alice.api.get("/api/v1/timelines/home?limit=0")).json().length, 1, "at least 1");
    assertError(await alice.api.get("/api/v1/timelines/home?limit=ten"), 422);

    const first = await alice.api.get("/api/v1/timelines/home?limit=10");
    assert.deepEqual(ids(first), newestFirst.slice(0, 10));
    const links = linkHeader(first);
    assert.equal(links.next?.origin, "http://publius.test");
    assert.equal(links.next?.pathname, "/api/v1/timelines/home");
    assert.equal(links.next?.searchParams.get("max_id"), newestFirst[9]);
    assert.equal(links.next?.searchParams.get("limit"), "10");
    assert.equal(links.prev?.searchParams.get("min_id"), newestFirst[0]);

    const second = await alice.api.get(pathOf(links.next));
    assert.deepEqual(ids(second), newestFirst.slice(10, 20));
    const third = await alice.api.get(pathOf(linkHeader(second).next));
    assert.deepEqual(ids(third), newestFirst.slice(20));
    const end = await alice.api.get(pathOf(linkHeader(third).next));
    assert.deepEqual(end.json(), []);
    assert.equal(end.headers.link, undefined, "no Link on an empty page");

    const back = await alice.api.get(pathOf(linkHeader(third).prev));
    assert.deepEqual(ids(back), newestFirst.slice(10, 20), "prev (min_id) is the page just newer");

    const since = await alice.api.get(`/api/v1/timelines/home?since_id=${newestFirst[3]}&limit=2`);
    assert.deepEqual(ids(since), newestFirst.slice(0, 2), "since_id: the newest above it");
    const minId = await alice.api.get(`/api/v1/timelines/home?min_id=${newestFirst[3]}&limit=2`);
    assert.deepEqual(ids(minId), newestFirst.slice(1, 3), "min_id: immediately newer");
    const both = await alice.api.get(`/api/v1/timelines/home?min_id=${newestFirst[10]}&max_id=${newestFirst[5]}`);
    assert.deepEqual(ids(both), newestFirst.slice(6, 10), "min_id and max_id together");
  });
});

describe("public and hashtag timelines", () => {
  const site = useApiSite();

  test("public: anyone may read public posts; unlisted, followers-only and reposts stay out", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const open = await post(alice, { status: "open" });
    await post(alice, { status: "quiet", visibility: "unlisted" });
    await post(alice, { status: "friends", visibility: "private" });
    await bob.api.post(`/api/v1/statuses/${open.id}/reblog`);
    const bobReply = await post(bob, { status: "@alice a reply", in_reply_to_id: open.id });

    for (const query of ["", "?local=true", "?local=false"]) {
      const res = await site.anonymous.get(`/api/v1/timelines/public${query}`);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(ids(res), [open.id], `public${query}`);
    }
    assert.ok(!ids(await bob.api.get("/api/v1/timelines/public")).includes(bobReply.id));
    assert.deepEqual((await site.anonymous.get("/api/v1/timelines/public?remote=true")).json(), []);
    assertError(await site.anonymous.get("/api/v1/timelines/public?local=perhaps"), 422);
    const writeOnly = await userToken(site.ctx, alice.account.id, { scopes: "write" });
    assertError(await alice.api.get("/api/v1/timelines/public", { token: writeOnly }), 403);
  });

  test("only_media keeps posts with images", async () => {
    const alice = await site.user("alice");
    await post(alice, { status: "words" });
    const pic = await post(alice, { status: "picture", media_ids: [await fakeUpload(site.ctx, alice.account.id)] });
    assert.deepEqual(ids(await site.anonymous.get("/api/v1/timelines/public?only_media=true")), [pic.id]);
    assert.equal((await site.anonymous.get("/api/v1/timelines/public?only_media=false")).json().length, 2);
  });

  test("public paging links keep the other parameters", async () => {
    const alice = await site.user("alice");
    for (let i = 0; i < 3; i++) await post(alice, { status: `p${i}` });
    const res = await site.anonymous.get("/api/v1/timelines/public?local=true&limit=2");
    const next = linkHeader(res).next;
    assert.equal(next?.searchParams.get("local"), "true");
    assert.equal(next?.searchParams.get("limit"), "2");
    assert.equal((await site.anonymous.get(pathOf(next))).json().length, 1);
  });

  test("hashtag: case does not matter; any[], all[] and none[] narrow it; unknown tags are empty", async () => {
    const alice = await site.user("alice");
    const cats = await post(alice, { status: "#Cats" });
    const catsDogs = await post(alice, { status: "#cats #dogs" });
    const catsBirds = await post(alice, { status: "#cats #birds" });
    const dogs = await post(alice, { status: "#dogs only" });
    await post(alice, { status: "#cats but followers only", visibility: "private" });
    await post(alice, { status: "#cats but unlisted", visibility: "unlisted" });

    const res = await site.anonymous.get("/api/v1/timelines/tag/CATS");
    assert.equal(res.statusCode, 200);
    assert.deepEqual(ids(res), [catsBirds.id, catsDogs.id, cats.id]);
    for (const s of res.json()) assertStatusShape(s);
    assert.deepEqual(ids(await site.anonymous.get("/api/v1/timelines/tag/cats?all[]=dogs")), [catsDogs.id]);
    assert.deepEqual(ids(await site.anonymous.get("/api/v1/timelines/tag/cats?none[]=dogs&none[]=birds")), [cats.id]);
    assert.deepEqual(ids(await site.anonymous.get("/api/v1/timelines/tag/birds?any[]=dogs")), [
      dogs.id,
      catsBirds.id,
      catsDogs.id,
    ]);
    assert.deepEqual((await site.anonymous.get("/api/v1/timelines/tag/nosuchtag")).json(), []);
    assert.deepEqual((await site.anonymous.get("/api/v1/timelines/tag/cats?remote=true")).json(), []);
    const limited = await site.anonymous.get("/api/v1/timelines/tag/cats?limit=1");
    assert.equal(linkHeader(limited).next?.pathname, "/api/v1/timelines/tag/cats");
  });
});

describe("lists", () => {
  const site = useApiSite();

  test("lists are not available: none to show, every list 404; read:lists is needed", async () => {
    const alice = await site.user("alice");
    assert.deepEqual((await alice.api.get("/api/v1/lists")).json(), []);
    assertError(await alice.api.get("/api/v1/timelines/list/1"), 404);
    assertError(await alice.api.get("/api/v1/lists/1"), 404);
    assertError(await site.anonymous.get("/api/v1/lists"), 401);
    const statusesOnly = await userToken(site.ctx, alice.account.id, { scopes: "read:statuses" });
    assertError(await alice.api.get("/api/v1/timelines/list/1", { token: statusesOnly }), 403);
  });
});
