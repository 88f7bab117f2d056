// /api/v1/statuses through the API as a client sees it: posting (defaults, media, idempotency,
// refusals), reading, editing, deleting, threads, and acting on posts. Other people's
// followers-only posts stay invisible throughout.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ApiUser, useApiSite, userToken } from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";
import {
  assertAccountShape,
  assertError,
  assertStatusEditShape,
  assertStatusShape,
  fakeUpload,
  linkHeader,
  pathOf,
} from "./shapes.ts";

type Json = Record<string, any>;

async function post(user: ApiUser, body: Record<string, unknown>): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe("POST /api/v1/statuses", () => {
  const site = useApiSite();

  test("posts and answers with a complete Status entity", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const res = await alice.api.post("/api/v1/statuses", {
      status: "Hello @bob #Publius https://example.org/x",
      spoiler_text: "greeting",
      language: "en",
    });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json();
    assertStatusShape(s);
    assert.equal(s.account.id, alice.account.id);
    assert.equal(s.visibility, "public");
    assert.equal(s.sensitive, true, "a content warning makes the post sensitive");
    assert.equal(s.spoiler_text, "greeting");
    assert.equal(s.language, "en");
    assert.equal(s.text, null, "the source is only sent on delete");
    assert.equal(s.url, `http://publius.test/@alice/${s.id}`);
    assert.deepEqual(
      s.mentions.map((m: Json) => m.id),
      [bob.account.id],
    );
    assert.deepEqual(s.tags, [{ name: "publius", url: "http://publius.test/tags/publius" }]);
    assert.match(s.content, /<a href="https:\/\/example.org\/x"/);
  });

  test("visibility defaults to the account's default_visibility", async () => {
    const alice = await site.user("alice");
    await site.ctx.store.db
      .updateTable("accounts")
      .set({ default_visibility: "unlisted", default_sensitive: 1, default_language: "de" })
      .where("id", "=", alice.account.id)
      .execute();
    const s = await post(alice, { status: "defaults" });
    assert.equal(s.visibility, "unlisted");
    assert.equal(s.sensitive, true);
    assert.equal(s.language, "de");
    const explicit = await post(alice, { status: "explicit", visibility: "private", sensitive: false, language: "fr" });
    assert.equal(explicit.visibility, "private");
    assert.equal(explicit.sensitive, false);
    assert.equal(explicit.language, "fr");
  });

  test("form-encoded bodies work as JSON does, arrays written media_ids[]", async () => {
    const alice = await site.user("alice");
    const media = await fakeUpload(site.ctx, alice.account.id, "a cat");
    const res = await alice.api.post("/api/v1/statuses", `status=form+post&media_ids[]=${media}&sensitive=true`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json();
    assert.equal(s.content, "<p>form post</p>");
    assert.equal(s.sensitive, true);
    assert.deepEqual(
      s.media_attachments.map((m: Json) => m.id),
      [media],
    );
    assert.equal(s.media_attachments[0].description, "a cat");
  });

  test("a post may be images only; at most 4, only one's own and unattached ones", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await fakeUpload(site.ctx, alice.account.id));
    const onlyMedia = await post(alice, { media_ids: ids.slice(0, 2) });
    assert.equal(onlyMedia.content, "");
    assert.equal(onlyMedia.media_attachments.length, 2);
    assertStatusShape(onlyMedia);

    assertError(await alice.api.post("/api/v1/statuses", { status: "five", media_ids: ids }), 422, /at most 4/);
    assertError(
      await alice.api.post("/api/v1/statuses", { status: "again", media_ids: [ids[0]] }),
      422,
      /already attached/,
    );
    const bobs = await fakeUpload(site.ctx, bob.account.id);
    assertError(await alice.api.post("/api/v1/statuses", { status: "not mine", media_ids: [bobs] }), 422);
    assertError(await alice.api.post("/api/v1/statuses", { status: "none", media_ids: ["123"] }), 422);
    // A refused post attaches nothing and writes nothing.
    assert.equal(await rowCount(site.ctx, "statuses", { account_id: alice.account.id }), 1);
    assert.equal(await rowCount(site.ctx, "media_attachments", { status_id: null }), 4);
  });

  test("an empty post, direct messages, scheduling, polls and wrong types are refused with 422", async () => {
    const alice = await site.user("alice");
    assertError(await alice.api.post("/api/v1/statuses", { status: "  " }), 422, /Write something/);
    assertError(
      await alice.api.post("/api/v1/statuses", { status: "psst", visibility: "direct" }),
      422,
      /Direct messages are not available/,
    );
    assertError(await alice.api.post("/api/v1/statuses", { status: "x", visibility: "secret" }), 422);
    assertError(
      // Scheduling works (test/api/scheduled.test.ts) but only up to a year ahead.
      await alice.api.post("/api/v1/statuses", { status: "later", scheduled_at: "2030-01-01T00:00:00Z" }),
      422,
      /within a year/,
    );
    assertError(
      await alice.api.post("/api/v1/statuses", { status: "vote", poll: { options: ["a", "b"], expires_in: 600 } }),
      422,
      /Polls/,
    );
    assertError(await alice.api.post("/api/v1/statuses", { status: { nested: true } }), 422);
    assertError(await alice.api.post("/api/v1/statuses", { status: "x", sensitive: "maybe" }), 422);
    assertError(await alice.api.post("/api/v1/statuses", { status: "x".repeat(501) }), 422, /at most 500/);
    assert.equal(await rowCount(site.ctx, "statuses"), 0);
  });

  test("Idempotency-Key: the same key makes one post; another key another", async () => {
    const alice = await site.user("alice");
    const headers = { "idempotency-key": "7b0c8d2e-retry" };
    const first = await alice.api.post("/api/v1/statuses", { status: "once" }, { headers });
    const second = await alice.api.post("/api/v1/statuses", { status: "once" }, { headers });
    assert.equal(first.statusCode, 200);
    assert.equal(second.json().id, first.json().id);
    const [a, b] = await Promise.all([
      alice.api.post("/api/v1/statuses", { status: "raced" }, { headers: { "idempotency-key": "race" } }),
      alice.api.post("/api/v1/statuses", { status: "raced" }, { headers: { "idempotency-key": "race" } }),
    ]);
    assert.equal(a.json().id, b.json().id);
    const other = await alice.api.post(
      "/api/v1/statuses",
      { status: "once" },
      { headers: { "idempotency-key": "k2" } },
    );
    assert.notEqual(other.json().id, first.json().id);
    assert.equal(await rowCount(site.ctx, "statuses"), 3);
  });

  test("replies: to a visible post; a missing or hidden one answers 404", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const parent = await post(bob, { status: "parent" });
    const reply = await post(alice, { status: "@bob reply", in_reply_to_id: parent.id });
    assert.equal(reply.in_reply_to_id, parent.id);
    assert.equal(reply.in_reply_to_account_id, bob.account.id);
    const hidden = await post(bob, { status: "followers only", visibility: "private" });
    for (const id of [hidden.id, "999999999999999999", "not-an-id"]) {
      assertError(
        await alice.api.post("/api/v1/statuses", { status: "hi", in_reply_to_id: id }),
        404,
        /does not appear to exist/,
      );
    }
  });

  test("scopes: no token 401, a token without write:statuses 403, an app token 422", async () => {
    const alice = await site.user("alice");
    assertError(await site.anonymous.post("/api/v1/statuses", { status: "x" }), 401);
    assertError(await alice.api.post("/api/v1/statuses", { status: "x" }, { token: "not-a-token" }), 401);
    const readOnly = await userToken(site.ctx, alice.account.id, { scopes: "read" });
    assertError(await alice.api.post("/api/v1/statuses", { status: "x" }, { token: readOnly }), 403);
    const granular = await userToken(site.ctx, alice.account.id, { scopes: "write:statuses" });
    assert.equal((await alice.api.post("/api/v1/statuses", { status: "x" }, { token: granular })).statusCode, 200);
    const app = await site.ctx.services.oauth.registerApp({
      clientName: "bot",
      redirectUris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "write",
    });
    const appOnly = (await site.ctx.services.oauth.issue(app.app.id, null, ["write"])).token;
    assertError(await alice.api.post("/api/v1/statuses", { status: "x" }, { token: appOnly }), 422);
  });
});

describe("reading posts", () => {
  const site = useApiSite();

  test("GET /api/v1/statuses/:id: public posts to anyone; followers-only posts to followers and the author", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const open = await post(alice, { status: "open" });
    const unlisted = await post(alice, { status: "quiet", visibility: "unlisted" });
    const hidden = await post(alice, { status: "friends", visibility: "private" });
    await site.ctx.services.relationships.follow(bob.viewer, alice.account.id);

    for (const id of [open.id, unlisted.id]) {
      const res = await site.anonymous.get(`/api/v1/statuses/${id}`);
      assert.equal(res.statusCode, 200);
      assertStatusShape(res.json());
      assert.equal(res.json().favourited, false);
    }
    assertError(await site.anonymous.get(`/api/v1/statuses/${hidden.id}`), 404, /Record not found/);
    assertError(await carol.api.get(`/api/v1/statuses/${hidden.id}`), 404);
    assert.equal((await bob.api.get(`/api/v1/statuses/${hidden.id}`)).statusCode, 200);
    assert.equal((await alice.api.get(`/api/v1/statuses/${hidden.id}`)).statusCode, 200);
    assertError(await site.anonymous.get("/api/v1/statuses/000000000000000001"), 404);
    for (const path of ["history", "context", "favourited_by", "reblogged_by"]) {
      assertError(await site.anonymous.get(`/api/v1/statuses/${hidden.id}/${path}`), 404);
      assertError(await carol.api.get(`/api/v1/statuses/${hidden.id}/${path}`), 404);
      assert.equal((await bob.api.get(`/api/v1/statuses/${hidden.id}/${path}`)).statusCode, 200, path);
    }
    assertError(await carol.api.get(`/api/v1/statuses/${hidden.id}/source`), 404);
    assert.equal((await bob.api.get(`/api/v1/statuses/${hidden.id}/source`)).statusCode, 200);
    // A token that lacks read:statuses is refused even for a public post.
    const writeOnly = await userToken(site.ctx, carol.account.id, { scopes: "write" });
    assertError(await carol.api.get(`/api/v1/statuses/${open.id}`, { token: writeOnly }), 403);
  });

  test("GET /api/v1/statuses?id[]= returns the visible ones in order; more than 20 is 422", async () => {
    const alice = await site.user("alice");
    const carol = await site.user("carol");
    const a = await post(alice, { status: "a" });
    const b = await post(alice, { status: "b" });
    const hidden = await post(alice, { status: "c", visibility: "private" });
    const res = await carol.api.get(`/api/v1/statuses?id[]=${b.id}&id[]=${hidden.id}&id[]=${a.id}&id[]=404`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      res.json().map((s: Json) => s.id),
      [b.id, a.id],
    );
    const many = Array.from({ length: 21 }, (_, i) => `id[]=${i + 1}`).join("&");
    assertError(await carol.api.get(`/api/v1/statuses?${many}`), 422);
  });

  test("context: ancestors oldest first, descendants in reading order, hidden replies left out", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const root = await post(alice, { status: "root" });
    const middle = await post(bob, { status: "middle", in_reply_to_id: root.id });
    const leaf = await post(alice, { status: "leaf", in_reply_to_id: middle.id });
    const secret = await post(bob, { status: "secret reply", in_reply_to_id: root.id, visibility: "private" });

    const res = await site.anonymous.get(`/api/v1/statuses/${middle.id}/context`);
    assert.equal(res.statusCode, 200);
    const ctx = res.json();
    assert.deepEqual(Object.keys(ctx).sort(), ["ancestors", "descendants"]);
    assert.deepEqual(
      ctx.ancestors.map((s: Json) => s.id),
      [root.id],
    );
    assert.deepEqual(
      ctx.descendants.map((s: Json) => s.id),
      [leaf.id],
    );
    for (const s of [...ctx.ancestors, ...ctx.descendants]) assertStatusShape(s);

    const top = (await site.anonymous.get(`/api/v1/statuses/${root.id}/context`)).json();
    assert.ok(!top.descendants.some((s: Json) => s.id === secret.id), "a followers-only reply is hidden");
    const own = (await bob.api.get(`/api/v1/statuses/${root.id}/context`)).json();
    assert.ok(
      own.descendants.some((s: Json) => s.id === secret.id),
      "its author sees it",
    );
    assertError(await site.anonymous.get(`/api/v1/statuses/${secret.id}/context`), 404);
  });
});

describe("editing and deleting", () => {
  const site = useApiSite();

  test("PUT edits; history lists every version; source gives the text back", async () => {
    const alice = await site.user("alice");
    const original = await post(alice, { status: "first #draft", spoiler_text: "cw" });
    site.ctx.clock.advance(60_000);
    const res = await alice.api.put(`/api/v1/statuses/${original.id}`, { status: "second", language: "en" });
    assert.equal(res.statusCode, 200, res.body);
    const edited = res.json();
    assertStatusShape(edited);
    assert.equal(edited.id, original.id);
    assert.equal(edited.content, "<p>second</p>");
    assert.equal(edited.spoiler_text, "", "a field left out is cleared, as in Mastodon");
    assert.equal(edited.sensitive, false);
    assert.deepEqual(edited.tags, []);
    assert.equal(edited.edited_at, "2026-03-14T12:01:00.000Z");

    const history = await site.anonymous.get(`/api/v1/statuses/${original.id}/history`);
    assert.equal(history.statusCode, 200);
    const versions = history.json();
    assert.equal(versions.length, 2);
    for (const v of versions) assertStatusEditShape(v);
    assert.equal(versions[0].content, original.content);
    assert.equal(versions[0].spoiler_text, "cw");
    assert.equal(versions[1].content, "<p>second</p>");

    const source = await alice.api.get(`/api/v1/statuses/${original.id}/source`);
    assert.deepEqual(source.json(), { id: original.id, text: "second", spoiler_text: "" });
    assertError(await site.anonymous.get(`/api/v1/statuses/${original.id}/source`), 401);
  });

  test("editing images: kept when media_ids is left out, replaced when given", async () => {
    const alice = await site.user("alice");
    const [m1, m2] = [await fakeUpload(site.ctx, alice.account.id), await fakeUpload(site.ctx, alice.account.id)];
    const s = await post(alice, { status: "pics", media_ids: [m1] });
    const kept = (await alice.api.put(`/api/v1/statuses/${s.id}`, { status: "pics!" })).json();
    assert.deepEqual(
      kept.media_attachments.map((m: Json) => m.id),
      [m1],
    );
    const swapped = (await alice.api.put(`/api/v1/statuses/${s.id}`, { status: "", media_ids: [m2] })).json();
    assert.deepEqual(
      swapped.media_attachments.map((m: Json) => m.id),
      [m2],
    );
    assert.equal(await rowCount(site.ctx, "media_attachments", { status_id: null }), 1, "m1 is unattached again");
    assertError(await alice.api.put(`/api/v1/statuses/${s.id}`, { status: "", media_ids: [] }), 422);
  });

  test("someone else's post cannot be edited or deleted: 404, and nothing changes", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const s = await post(alice, { status: "mine" });
    assertError(await bob.api.put(`/api/v1/statuses/${s.id}`, { status: "yours now" }), 404);
    assertError(await bob.api.delete(`/api/v1/statuses/${s.id}`), 404);
    assert.equal((await site.anonymous.get(`/api/v1/statuses/${s.id}`)).json().content, "<p>mine</p>");
    assertError(await site.anonymous.delete(`/api/v1/statuses/${s.id}`), 401);
  });

  test("DELETE answers with the source text for delete-and-redraft; images stay for the redraft", async () => {
    const alice = await site.user("alice");
    const media = await fakeUpload(site.ctx, alice.account.id);
    const s = await post(alice, { status: "redraft me", media_ids: [media] });
    const res = await alice.api.delete(`/api/v1/statuses/${s.id}`);
    assert.equal(res.statusCode, 200);
    const gone = res.json();
    assertStatusShape(gone);
    assert.equal(gone.text, "redraft me");
    assert.equal(gone.media_attachments[0].id, media);
    assertError(await alice.api.get(`/api/v1/statuses/${s.id}`), 404);
    const redraft = await post(alice, { status: gone.text, media_ids: [media] });
    assert.equal(redraft.media_attachments[0].id, media);

    const res2 = await alice.api.delete(`/api/v1/statuses/${redraft.id}?delete_media=true`);
    assert.equal(res2.statusCode, 200);
    assert.equal(await rowCount(site.ctx, "media_attachments"), 0, "delete_media removes the image");
    assert.equal(await rowCount(site.ctx, "statuses"), 0);
  });
});

describe("acting on posts", () => {
  const site = useApiSite();

  test("reblog returns the wrapper; unreblog the original; followers-only posts cannot be reblogged", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const s = await post(alice, { status: "boost me" });
    const res = await bob.api.post(`/api/v1/statuses/${s.id}/reblog`);
    assert.equal(res.statusCode, 200);
    const wrapper = res.json();
    assertStatusShape(wrapper);
    assert.notEqual(wrapper.id, s.id);
    assert.equal(wrapper.reblog.id, s.id);
    assert.equal(wrapper.reblogged, true);
    assert.equal(wrapper.reblog.reblogged, true);
    assert.equal(wrapper.reblog.reblogs_count, 1);
    assert.equal(wrapper.url, null);
    const again = (await bob.api.post(`/api/v1/statuses/${s.id}/reblog`)).json();
    assert.equal(again.id, wrapper.id, "reblogging twice keeps one reblog");
    const undone = (await bob.api.post(`/api/v1/statuses/${s.id}/unreblog`)).json();
    assert.equal(undone.id, s.id);
    assert.equal(undone.reblogged, false);
    assert.equal(undone.reblogs_count, 0);

    const unlisted = (await bob.api.post(`/api/v1/statuses/${s.id}/reblog`, { visibility: "unlisted" })).json();
    assert.equal(unlisted.visibility, "unlisted");
    assertError(await bob.api.post(`/api/v1/statuses/${s.id}/reblog`, { visibility: "direct" }), 422);

    const hidden = await post(alice, { status: "friends", visibility: "private" });
    assertError(await bob.api.post(`/api/v1/statuses/${hidden.id}/reblog`), 404);
    assertError(await alice.api.post(`/api/v1/statuses/${hidden.id}/reblog`), 422);
  });

  test("favourite and bookmark are idempotent and show on the status; scopes are the granular ones", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const s = await post(alice, { status: "like me" });
    for (let i = 0; i < 2; i++) {
      const fav = (await bob.api.post(`/api/v1/statuses/${s.id}/favourite`)).json();
      assert.equal(fav.favourited, true);
      assert.equal(fav.favourites_count, 1);
    }
    const mark = (await bob.api.post(`/api/v1/statuses/${s.id}/bookmark`)).json();
    assert.equal(mark.bookmarked, true);
    const seen = (await bob.api.get(`/api/v1/statuses/${s.id}`)).json();
    assert.equal(seen.favourited, true);
    assert.equal(seen.bookmarked, true);
    const byAlice = (await alice.api.get(`/api/v1/statuses/${s.id}`)).json();
    assert.equal(byAlice.bookmarked, false, "bookmarks are private");
    assert.equal((await bob.api.post(`/api/v1/statuses/${s.id}/unfavourite`)).json().favourited, false);
    assert.equal((await bob.api.post(`/api/v1/statuses/${s.id}/unbookmark`)).json().bookmarked, false);

    const statusesOnly = await userToken(site.ctx, bob.account.id, { scopes: "write:statuses" });
    assertError(await bob.api.post(`/api/v1/statuses/${s.id}/favourite`, undefined, { token: statusesOnly }), 403);
    assertError(await bob.api.post(`/api/v1/statuses/${s.id}/bookmark`, undefined, { token: statusesOnly }), 403);
    assertError(await bob.api.post(`/api/v1/statuses/${s.id}/pin`, undefined, { token: statusesOnly }), 403);
    const favOnly = await userToken(site.ctx, bob.account.id, { scopes: "write:favourites" });
    assert.equal(
      (await bob.api.post(`/api/v1/statuses/${s.id}/favourite`, undefined, { token: favOnly })).statusCode,
      200,
    );
    assertError(await site.anonymous.post(`/api/v1/statuses/${s.id}/favourite`), 401);
  });

  test("hidden posts cannot be favourited or bookmarked: 404", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const hidden = await post(alice, { status: "friends", visibility: "private" });
    for (const action of ["favourite", "bookmark", "unfavourite", "unbookmark", "pin"]) {
      assertError(await bob.api.post(`/api/v1/statuses/${hidden.id}/${action}`), 404);
    }
    assert.equal(await rowCount(site.ctx, "favourites"), 0);
  });

  test("pins: one's own public or unlisted posts, at most 5", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const posts: any[] = [];
    for (let i = 0; i < 6; i++)
      posts.push(await post(alice, { status: `post ${i}`, visibility: i % 2 ? "unlisted" : "public" }));
    for (const s of posts.slice(0, 5)) {
      const pinned = (await alice.api.post(`/api/v1/statuses/${s.id}/pin`)).json();
      assert.equal(pinned.pinned, true);
    }
    assert.equal(
      (await alice.api.post(`/api/v1/statuses/${posts[0].id}/pin`)).statusCode,
      200,
      "pinning again is fine",
    );
    assertError(await alice.api.post(`/api/v1/statuses/${posts[5].id}/pin`), 422, /maximum number/);
    assertError(await bob.api.post(`/api/v1/statuses/${posts[5].id}/pin`), 422, /Someone else's post/);
    const privatePost = await post(alice, { status: "friends", visibility: "private" });
    assertError(await alice.api.post(`/api/v1/statuses/${privatePost.id}/pin`), 422, /Followers-only/);
    const wrapper = (await alice.api.post(`/api/v1/statuses/${(await post(bob, { status: "b" })).id}/reblog`)).json();
    assertError(await alice.api.post(`/api/v1/statuses/${wrapper.id}/pin`), 422, /boost/);
    const unpinned = (await alice.api.post(`/api/v1/statuses/${posts[0].id}/unpin`)).json();
    assert.equal(unpinned.pinned, false);
    assert.equal((await alice.api.post(`/api/v1/statuses/${posts[5].id}/pin`)).statusCode, 200);
    assert.equal(await rowCount(site.ctx, "status_pins"), 5);
    const pinned = await site.ctx.services.collections.pinned(null, alice.account.id);
    assert.equal(pinned[0]?.id, posts[5].id, "the newest post first (pins have random keys)");
  });

  test("reblogged_by and favourited_by list accounts with Link paging; hidden posts 404", async () => {
    const alice = await site.user("alice");
    const s = await post(alice, { status: "popular" });
    const fans: ApiUser[] = [];
    for (const name of ["bob", "carol", "dave"] as const) {
      const u = await site.user(name);
      fans.push(u);
      await u.api.post(`/api/v1/statuses/${s.id}/reblog`);
      await u.api.post(`/api/v1/statuses/${s.id}/favourite`);
    }
    for (const path of ["reblogged_by", "favourited_by"]) {
      // Reposts newest first (their ids are their public times); likes in a stable random order,
      // since the order of likes placed them in time (issue 9, finding 5).
      const all = (await site.anonymous.get(`/api/v1/statuses/${s.id}/${path}`)).json().map((a: Json) => a.username);
      if (path === "reblogged_by") assert.deepEqual(all, ["dave", "carol", "bob"]);
      else assert.deepEqual([...all].sort(), ["bob", "carol", "dave"]);
      const first = await site.anonymous.get(`/api/v1/statuses/${s.id}/${path}?limit=2`);
      assert.equal(first.statusCode, 200);
      const page1 = first.json();
      for (const a of page1) assertAccountShape(a);
      assert.deepEqual(
        page1.map((a: Json) => a.username),
        all.slice(0, 2),
        `${path}: first page`,
      );
      const links = linkHeader(first);
      assert.equal(links.next?.searchParams.get("limit"), "2");
      const page2 = (await site.anonymous.get(pathOf(links.next))).json();
      assert.deepEqual(
        page2.map((a: Json) => a.username),
        all.slice(2),
      );
      const back = (
        await site.anonymous.get(pathOf(linkHeader(await site.anonymous.get(pathOf(links.next))).prev))
      ).json();
      assert.deepEqual(
        back.map((a: Json) => a.username),
        all.slice(0, 2),
        `${path}: prev goes back`,
      );
    }
    const hidden = await post(alice, { status: "friends", visibility: "private" });
    assertError(await site.anonymous.get(`/api/v1/statuses/${hidden.id}/favourited_by`), 404);
    assertError(await fans[0]!.api.get(`/api/v1/statuses/${hidden.id}/reblogged_by`), 404);
  });

  test("ids of any shape are safe: 404, never 500", async () => {
    const alice = await site.user("alice");
    for (const id of ["abc", "-1", "1e9", "%27%3B--", "9".repeat(40)]) {
      for (const path of ["", "/context", "/history", "/favourited_by", "/reblogged_by"]) {
        const res = await alice.api.get(`/api/v1/statuses/${id}${path}`);
        assert.equal(res.statusCode, 404, `${id}${path}: ${res.body}`);
      }
      assert.equal((await alice.api.post(`/api/v1/statuses/${id}/favourite`)).statusCode, 404);
      assert.equal((await alice.api.delete(`/api/v1/statuses/${id}`)).statusCode, 404);
    }
  });
});
