// Issue 9, finding 2: a hashtag, its count and its history come only from posts the viewer may see,
// and a tag no post carries any more is gone from the database. Before the fix, a followers-only
// post "Meeting the journalist tomorrow #whistlemeetingtuesday" made the tag appear, with "1 post",
// to an anonymous search, and it stayed after the post was deleted.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PASSWORD } from "../fixtures/accounts.ts";
import { type ApiUser, useApiSite } from "../helpers/api.ts";

type Json = Record<string, any>;
const SECRET = "Meeting the journalist tomorrow #whistlemeetingtuesday";
const TAG = "whistlemeetingtuesday";

async function post(user: ApiUser, body: Record<string, unknown>): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe("hashtags follow the visibility of their posts (issue 9, finding 2)", () => {
  const site = useApiSite();

  async function countTagRows(name: string): Promise<number> {
    const rows = await site.ctx.store.db.selectFrom("tags").select("id").where("name", "=", name).execute();
    return rows.length;
  }

  async function setUp() {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await site.ctx.services.relationships.follow(bob.viewer, alice.account.id);
    const secret = await post(alice, { status: SECRET, visibility: "private" });
    return { alice, bob, carol, secret };
  }

  test("a followers-only post's tag is not found by anonymous or non-following callers, on any page", async () => {
    const { alice, bob, carol } = await setUp();

    const web = await site.app.inject({ method: "GET", url: "/search?q=%23whistle" });
    assert.equal(web.statusCode, 200);
    assert.ok(!web.body.includes(TAG), "the web search page names the tag");
    assert.match(web.body, /No hashtags found/);

    for (const [who, client] of [
      ["anonymous", site.anonymous],
      ["carol (not a follower)", carol.api],
    ] as const) {
      for (const q of ["whistle", "%23whistle", TAG]) {
        const res = await client.get(`/api/v2/search?type=hashtags&q=${q}`);
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.json().hashtags, [], `${who}: ${q}`);
      }
      const all = (await client.get("/api/v2/search?q=whistle")).json();
      assert.deepEqual(all.hashtags, [], who);
    }

    // Those who may see the post find the tag, counted.
    for (const user of [alice, bob]) {
      assert.deepEqual(await site.ctx.services.search.hashtags(user.viewer, "whistle"), [{ name: TAG, uses: 1 }]);
      const res = (await user.api.get("/api/v2/search?type=hashtags&q=whistle")).json();
      assert.deepEqual(
        res.hashtags.map((t: Json) => t.name),
        [TAG],
      );
    }
  });

  test("/api/v1/tags/:name answers as Mastodon does for an unknown tag: the same for a hidden one", async () => {
    const { bob } = await setUp();
    // Mastodon 4 answers any valid hashtag name (an unsaved tag with no uses); 404 only for a name
    // that cannot be a hashtag. So a hidden tag must look exactly like one nobody ever used.
    const hidden = await site.anonymous.get(`/api/v1/tags/${TAG}`);
    const never = await site.anonymous.get("/api/v1/tags/neverusedanywhere");
    assert.equal(hidden.statusCode, 200);
    assert.equal(never.statusCode, 200);
    // The id is derived from the name (present/mastodon/tag.ts tagId), like the url.
    const strip = (t: Json) => ({ ...t, id: undefined, name: undefined, url: undefined });
    assert.deepEqual(strip(hidden.json()), strip(never.json()));
    assert.equal(hidden.json().history.length, 7);
    assert.ok(
      hidden.json().history.every((d: Json) => d.uses === "0" && d.accounts === "0"),
      JSON.stringify(hidden.json().history),
    );
    assert.equal((await site.anonymous.get("/api/v1/tags/not%20a%20tag")).statusCode, 404);

    // The follower sees today's use.
    const seen = (await bob.api.get(`/api/v1/tags/${TAG}`)).json();
    assert.deepEqual(seen.history[0], {
      day: String(Date.parse(site.ctx.clock.now().toISOString().slice(0, 10)) / 1000),
      uses: "1",
      accounts: "1",
    });
  });

  test("counts of a tag on public and followers-only posts count only what the viewer may see", async () => {
    const { alice, bob } = await setUp();
    await post(alice, { status: "open #whistlemeetingtuesday" });
    assert.deepEqual(await site.ctx.services.search.hashtags(null, TAG), [{ name: TAG, uses: 1 }]);
    assert.deepEqual(await site.ctx.services.search.hashtags(bob.viewer, TAG), [{ name: TAG, uses: 2 }]);
    const anon = (await site.anonymous.get(`/api/v1/tags/${TAG}`)).json();
    assert.equal(anon.history[0].uses, "1");
  });

  test("a tag no post carries any more is deleted: post deletion, edit, account deletion", async () => {
    const alice = await site.user("alice");
    // The forgetting service sweeps unused tags right after each deletion (coalesced, 250 ms).
    const tagRows = async (name: string) => {
      await site.ctx.services.forgetting.settled();
      return countTagRows(name);
    };
    const gone = await post(alice, { status: "public #deletedtagone" });
    assert.equal(await tagRows("deletedtagone"), 1);
    assert.equal((await alice.api.delete(`/api/v1/statuses/${gone.id}`)).statusCode, 200);
    assert.equal(await tagRows("deletedtagone"), 0, "the tag row outlived its only post");
    assert.deepEqual((await site.anonymous.get("/api/v2/search?type=hashtags&q=deletedtag")).json().hashtags, []);

    // Two posts: the tag stays until the second goes.
    const a = await post(alice, { status: "one #sharedtag" });
    const b = await post(alice, { status: "two #sharedtag" });
    await alice.api.delete(`/api/v1/statuses/${a.id}`);
    assert.equal(await tagRows("sharedtag"), 1);
    await alice.api.delete(`/api/v1/statuses/${b.id}`);
    assert.equal(await tagRows("sharedtag"), 0);

    // An edit that removes the tag.
    const edited = await post(alice, { status: "before #editedaway" });
    const res = await alice.api.put(`/api/v1/statuses/${edited.id}`, { status: "after, no tag" });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(await tagRows("editedaway"), 0);

    // A deleted account takes its tags with it.
    const bob = await site.user("bob");
    await post(bob, { status: "mine #bobsowntag" });
    await site.ctx.services.accounts.deleteAccount(bob.viewer, PASSWORD);
    assert.equal(await tagRows("bobsowntag"), 0);
  });
});
