import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { HOUR } from "../../src/domain/clock.ts";
import { type Person, person } from "../fixtures/accounts.ts";
import type { TestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";

let ctx: TestContext;
let alt: Person;
let alice: Person;
let bob: Person;
const fresh = freshContexts();
beforeEach(async () => {
  ctx = await fresh();
  alt = await person(ctx, "altUscis");
  alice = await person(ctx, "alice");
  bob = await person(ctx, "bob");
});

const s = () => ctx.services;
const post = (who: Person, text: string, visibility = "public") =>
  ctx.services.posting.create(who.viewer, { text, visibility });
const statusesOf = async (who: Person) => (await ctx.services.accounts.byId(who.account.id))?.statusesCount;
const notesOf = async (who: Person) =>
  (await ctx.services.notifications.list(who.viewer)).map((n) => [n.type, n.account.handle, n.status?.id ?? null]);

describe("reposting", () => {
  test("a repost points at the original, counts on it and on the reposter, and tells the author", async () => {
    const original = await post(alt, "The memo is real.");
    ctx.clock.advance(1000);
    const repost = await s().interactions.reblog(alice.viewer, original.id);
    assert.notEqual(repost.id, original.id);
    assert.equal(repost.account.id, alice.account.id);
    assert.equal(repost.reblog?.id, original.id);
    assert.equal(repost.reblog?.reblogsCount, 1);
    assert.equal(repost.reblog?.reblogged, true, "seen by the reposter, the original is marked reblogged");
    assert.equal(repost.text, "");
    assert.equal(repost.visibility, "public");
    assert.equal(await statusesOf(alice), 1);
    assert.deepEqual(await notesOf(alt), [["reblog", "alice", original.id]]);
    const seenByBob = await s().timelines.status(bob.viewer, original.id);
    assert.equal(seenByBob.reblogsCount, 1);
    assert.equal(seenByBob.reblogged, false);
  });

  test("reposting twice leaves one repost, one count and one notification", async () => {
    const original = await post(alt, "once");
    const first = await s().interactions.reblog(alice.viewer, original.id);
    const second = await s().interactions.reblog(alice.viewer, original.id);
    assert.equal(second.id, first.id);
    assert.equal((await s().timelines.status(alt.viewer, original.id)).reblogsCount, 1);
    assert.equal(await rowCount(ctx, "statuses", { reblog_of_id: original.id }), 1);
    assert.equal(await statusesOf(alice), 1);
    assert.equal((await notesOf(alt)).length, 1);
  });

  test("two reposts racing each other still leave one", async () => {
    const original = await post(alt, "race");
    await Promise.all([
      s().interactions.reblog(alice.viewer, original.id),
      s().interactions.reblog(alice.viewer, original.id),
    ]);
    assert.equal(await rowCount(ctx, "statuses", { reblog_of_id: original.id }), 1);
    assert.equal((await s().timelines.status(alt.viewer, original.id)).reblogsCount, 1);
    assert.equal(await statusesOf(alice), 1);
  });

  test("reposting a repost reposts the original", async () => {
    const original = await post(alt, "source");
    const alicesRepost = await s().interactions.reblog(alice.viewer, original.id);
    ctx.clock.advance(HOUR); // notifications are ordered to the hour only (issue 9, finding 5)
    const bobsRepost = await s().interactions.reblog(bob.viewer, alicesRepost.id);
    assert.equal(bobsRepost.reblog?.id, original.id);
    assert.equal((await s().timelines.status(alt.viewer, original.id)).reblogsCount, 2);
    assert.deepEqual(
      (await notesOf(alt)).map((n) => n[1]),
      ["bob", "alice"],
    );
  });

  test("followers-only posts cannot be reposted, not even by followers or the author", async () => {
    await s().relationships.follow(alice.viewer, alt.account.id);
    const secret = await post(alt, "followers only", "private");
    await rejectsWith(s().interactions.reblog(alice.viewer, secret.id), 422, /Followers-only posts cannot be reposted/);
    await rejectsWith(s().interactions.reblog(alt.viewer, secret.id), 422, /Followers-only/);
    assert.equal(await rowCount(ctx, "statuses", { reblog_of_id: secret.id }), 0);
    assert.equal((await s().timelines.status(alt.viewer, secret.id)).reblogsCount, 0);
  });

  test("a post one cannot see cannot be reposted (404, as if it did not exist)", async () => {
    const secret = await post(alt, "followers only", "private");
    await rejectsWith(s().interactions.reblog(bob.viewer, secret.id), 404);
    await rejectsWith(s().interactions.reblog(bob.viewer, "999999999999999999"), 404);
    const open = await post(alt, "public");
    await s().relationships.block(alt.viewer, bob.account.id);
    await rejectsWith(s().interactions.reblog(bob.viewer, open.id), 404);
  });

  test("an unlisted post's repost stays unlisted", async () => {
    const quiet = await post(alt, "quiet", "unlisted");
    const repost = await s().interactions.reblog(alice.viewer, quiet.id);
    assert.equal(repost.visibility, "unlisted");
  });

  test("reposting one's own post tells nobody", async () => {
    const own = await post(alt, "boosting myself");
    const repost = await s().interactions.reblog(alt.viewer, own.id);
    assert.equal(repost.reblog?.id, own.id);
    assert.equal(await rowCount(ctx, "notifications"), 0);
    assert.equal(await statusesOf(alt), 2);
  });

  test("undoing a repost removes it, its counts and its notification", async () => {
    const original = await post(alt, "x");
    await s().interactions.reblog(alice.viewer, original.id);
    await s().interactions.reblog(bob.viewer, original.id);
    const back = await s().interactions.unreblog(alice.viewer, original.id);
    assert.equal(back.id, original.id);
    assert.equal(back.reblogsCount, 1);
    assert.equal(back.reblogged, false);
    assert.equal(await statusesOf(alice), 0);
    assert.equal(await rowCount(ctx, "statuses", { account_id: alice.account.id }), 0);
    assert.deepEqual(await notesOf(alt), [["reblog", "bob", original.id]]);
  });

  test("undoing a repost is idempotent, and works given the repost's own id", async () => {
    const original = await post(alt, "x");
    const repost = await s().interactions.reblog(alice.viewer, original.id);
    const back = await s().interactions.unreblog(alice.viewer, repost.id);
    assert.equal(back.id, original.id);
    const again = await s().interactions.unreblog(alice.viewer, original.id);
    assert.equal(again.reblogsCount, 0);
    assert.equal(await statusesOf(alice), 0);
    const never = await s().interactions.unreblog(bob.viewer, original.id);
    assert.equal(never.reblogsCount, 0);
  });
});

describe("liking", () => {
  test("a like counts, marks the post for the liker only, and tells the author", async () => {
    const original = await post(alt, "like me");
    const liked = await s().interactions.favourite(alice.viewer, original.id);
    assert.equal(liked.id, original.id);
    assert.equal(liked.favouritesCount, 1);
    assert.equal(liked.favourited, true);
    assert.equal((await s().timelines.status(bob.viewer, original.id)).favourited, false);
    assert.equal((await s().timelines.status(null, original.id)).favourited, false);
    assert.deepEqual(await notesOf(alt), [["favourite", "alice", original.id]]);
  });

  test("liking twice leaves one like, one count and one notification", async () => {
    const original = await post(alt, "x");
    await s().interactions.favourite(alice.viewer, original.id);
    const again = await s().interactions.favourite(alice.viewer, original.id);
    assert.equal(again.favouritesCount, 1);
    assert.equal(await rowCount(ctx, "favourites"), 1);
    assert.equal((await notesOf(alt)).length, 1);
  });

  test("two likes racing each other still leave one", async () => {
    const original = await post(alt, "x");
    await Promise.all([
      s().interactions.favourite(alice.viewer, original.id),
      s().interactions.favourite(alice.viewer, original.id),
    ]);
    assert.equal(await rowCount(ctx, "favourites"), 1);
    assert.equal((await s().timelines.status(alt.viewer, original.id)).favouritesCount, 1);
  });

  test("liking a repost likes the original", async () => {
    const original = await post(alt, "x");
    const repost = await s().interactions.reblog(bob.viewer, original.id);
    const liked = await s().interactions.favourite(alice.viewer, repost.id);
    assert.equal(liked.id, original.id);
    assert.equal(liked.favouritesCount, 1);
  });

  test("liking one's own post tells nobody", async () => {
    const own = await post(alt, "x");
    await s().interactions.favourite(alt.viewer, own.id);
    assert.equal(await rowCount(ctx, "notifications"), 0);
  });

  test("a followers-only post can be liked by a follower but not by others", async () => {
    await s().relationships.follow(alice.viewer, alt.account.id);
    const secret = await post(alt, "followers only", "private");
    assert.equal((await s().interactions.favourite(alice.viewer, secret.id)).favouritesCount, 1);
    await rejectsWith(s().interactions.favourite(bob.viewer, secret.id), 404);
    assert.equal(await rowCount(ctx, "favourites"), 1);
  });

  test("unliking removes the like, its count and its notification; unliking again changes nothing", async () => {
    const original = await post(alt, "x");
    await s().interactions.favourite(alice.viewer, original.id);
    await s().interactions.favourite(bob.viewer, original.id);
    const after = await s().interactions.unfavourite(alice.viewer, original.id);
    assert.equal(after.favouritesCount, 1);
    assert.equal(after.favourited, false);
    assert.deepEqual(await notesOf(alt), [["favourite", "bob", original.id]]);
    const again = await s().interactions.unfavourite(alice.viewer, original.id);
    assert.equal(again.favouritesCount, 1);
    const never = await s().interactions.unfavourite(alt.viewer, original.id);
    assert.equal(never.favouritesCount, 1);
  });

  test("liking, unliking and liking again leaves one notification", async () => {
    const original = await post(alt, "x");
    await s().interactions.favourite(alice.viewer, original.id);
    await s().interactions.unfavourite(alice.viewer, original.id);
    await s().interactions.favourite(alice.viewer, original.id);
    assert.equal((await notesOf(alt)).length, 1);
    assert.equal((await s().timelines.status(alt.viewer, original.id)).favouritesCount, 1);
  });

  test("a like from someone the author blocked is impossible", async () => {
    const original = await post(alt, "x");
    await s().relationships.block(alt.viewer, bob.account.id);
    await rejectsWith(s().interactions.favourite(bob.viewer, original.id), 404);
    assert.equal(await rowCount(ctx, "favourites"), 0);
  });
});
