import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.destroy());

test("a follower sees a post with a mention and a hashtag in the home timeline", async () => {
  const alt = await person(ctx, "altUscis");
  const alice = await person(ctx, "alice");
  await ctx.services.relationships.follow(alice.viewer, alt.account.id);
  const post = await ctx.services.posting.create(alt.viewer, { text: "Hello @alice #Resist https://example.com" });
  const home = await ctx.services.timelines.home(alice.viewer);
  assert.deepEqual(
    home.map((s) => s.id),
    [post.id],
  );
  assert.deepEqual(post.tags, ["resist"]);
  assert.equal(post.mentions[0]?.handle, "alice");
  const notes = await ctx.services.notifications.list(alice.viewer);
  assert.deepEqual(
    notes.map((n) => n.type),
    ["mention"],
  );
  const found = await ctx.services.search.statuses(alice.viewer, "hello");
  assert.equal(found.length, 1);
  const ctxs = await ctx.services.timelines.context(alice.viewer, post.id);
  assert.equal(ctxs.descendants.length, 0);
});
