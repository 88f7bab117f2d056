import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import type { Relationship } from "../../src/domain/account.ts";
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

const rel = () => ctx.services.relationships;
const counts = async (who: Person) => {
  const a = await ctx.services.accounts.byId(who.account.id);
  return { followers: a?.followersCount, following: a?.followingCount };
};
const notesOf = async (who: Person) =>
  (await ctx.services.notifications.list(who.viewer)).map((n) => [n.type, n.account.handle]);
const none: Omit<Relationship, "id"> = {
  following: false,
  followedBy: false,
  requested: false,
  requestedBy: false,
  blocking: false,
  blockedBy: false,
  muting: false,
  note: "",
  endorsed: false,
};

describe("following", () => {
  test("following an open account counts on both sides and tells them", async () => {
    const r = await rel().follow(alice.viewer, alt.account.id);
    assert.deepEqual(r, { ...none, id: alt.account.id, following: true });
    assert.deepEqual(await counts(alice), { followers: 0, following: 1 });
    assert.deepEqual(await counts(alt), { followers: 1, following: 0 });
    assert.deepEqual(await notesOf(alt), [["follow", "alice"]]);
    assert.deepEqual(await rel().relationship(alt.viewer, alice.account.id), {
      ...none,
      id: alice.account.id,
      followedBy: true,
    });
  });

  test("following twice changes nothing", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    await rel().follow(alice.viewer, alt.account.id);
    assert.deepEqual(await counts(alt), { followers: 1, following: 0 });
    assert.equal(await rowCount(ctx, "follows"), 1);
    assert.equal((await notesOf(alt)).length, 1);
  });

  test("two follows racing each other leave one follow and right counts", async () => {
    await Promise.all([1, 2, 3, 4].map(() => rel().follow(alice.viewer, alt.account.id)));
    assert.equal(await rowCount(ctx, "follows"), 1);
    assert.deepEqual(await counts(alt), { followers: 1, following: 0 });
    assert.deepEqual(await counts(alice), { followers: 0, following: 1 });
  });

  test("two people following each other at the same moment both succeed, with right counts", async () => {
    for (let round = 0; round < 5; round++) {
      await Promise.all([rel().follow(alice.viewer, alt.account.id), rel().follow(alt.viewer, alice.account.id)]);
      assert.deepEqual(await counts(alice), { followers: 1, following: 1 });
      assert.deepEqual(await counts(alt), { followers: 1, following: 1 });
      await Promise.all([rel().unfollow(alice.viewer, alt.account.id), rel().unfollow(alt.viewer, alice.account.id)]);
      assert.deepEqual(await counts(alice), { followers: 0, following: 0 });
    }
  });

  test("unfollowing undoes the counts and the notification; unfollowing again changes nothing", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    await rel().follow(bob.viewer, alt.account.id);
    const r = await rel().unfollow(alice.viewer, alt.account.id);
    assert.equal(r.following, false);
    assert.deepEqual(await counts(alt), { followers: 1, following: 0 });
    assert.deepEqual(await counts(alice), { followers: 0, following: 0 });
    assert.deepEqual(await notesOf(alt), [["follow", "bob"]]);
    await rel().unfollow(alice.viewer, alt.account.id);
    assert.deepEqual(await counts(alt), { followers: 1, following: 0 });
    assert.deepEqual(await counts(alice), { followers: 0, following: 0 });
  });

  test("following or unfollowing oneself is refused", async () => {
    await rejectsWith(rel().follow(alice.viewer, alice.account.id), 422, /yourself/);
    await rejectsWith(rel().unfollow(alice.viewer, alice.account.id), 422, /yourself/);
    assert.deepEqual(await counts(alice), { followers: 0, following: 0 });
    assert.equal(await rowCount(ctx, "follows"), 0);
  });

  test("an unknown or suspended account cannot be followed", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    await rejectsWith(rel().follow(alice.viewer, "100000000000000000"), 404);
    await ctx.services.moderation.suspend(mod.viewer, bob.account.id, "spam");
    await rejectsWith(rel().follow(alice.viewer, bob.account.id), 404);
    assert.equal(await rowCount(ctx, "follows"), 0);
  });

  // The order is a stable random one (random edge ids), not the order of following: issue 9, finding 5.
  test("followers and following lists, in a stable order, with paging by edge id", async () => {
    const carol = await person(ctx, "carol");
    for (const who of [alice, bob, carol]) await rel().follow(who.viewer, alt.account.id);
    const all = (await rel().followers(alt.account.id)).accounts.map((a) => a.handle);
    assert.deepEqual([...all].sort(), ["alice", "bob", "carol"]);
    const first = await rel().followers(alt.account.id, { limit: 2 });
    assert.deepEqual(
      first.accounts.map((a) => a.handle),
      all.slice(0, 2),
    );
    const next = await rel().followers(alt.account.id, { limit: 2, maxId: first.oldestId });
    assert.deepEqual(
      next.accounts.map((a) => a.handle),
      all.slice(2),
    );
    const newer = await rel().followers(alt.account.id, { minId: next.newestId, limit: 1 });
    assert.deepEqual(
      newer.accounts.map((a) => a.handle),
      [all[1]],
    );
    assert.deepEqual(
      (await rel().following(alice.account.id)).accounts.map((a) => a.handle),
      ["ALT_USCIS"],
    );
  });

  test("a suspended follower is left out of the lists", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    await rel().follow(alice.viewer, alt.account.id);
    await rel().follow(bob.viewer, alt.account.id);
    await ctx.services.moderation.suspend(mod.viewer, bob.account.id, "spam");
    assert.deepEqual(
      (await rel().followers(alt.account.id)).accounts.map((a) => a.handle),
      ["alice"],
    );
  });
});

describe("locked accounts", () => {
  beforeEach(async () => {
    await ctx.services.accounts.updateProfile(alt.viewer, { locked: true });
  });

  test("following a locked account makes a request, not a follow", async () => {
    const r = await rel().follow(alice.viewer, alt.account.id);
    assert.deepEqual(r, { ...none, id: alt.account.id, requested: true });
    assert.deepEqual(await counts(alt), { followers: 0, following: 0 });
    assert.deepEqual(await notesOf(alt), [["follow_request", "alice"]]);
    assert.deepEqual(
      (await rel().followRequests(alt.viewer)).accounts.map((a) => a.handle),
      ["alice"],
    );
    assert.equal((await rel().relationship(alt.viewer, alice.account.id)).requestedBy, true);
    await rel().follow(alice.viewer, alt.account.id);
    assert.equal(await rowCount(ctx, "follow_requests"), 1, "asking twice is one request");
  });

  test("authorizing a request makes the follow, and the request notification becomes a follow notification", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    const r = await rel().authorize(alt.viewer, alice.account.id);
    assert.deepEqual(r, { ...none, id: alice.account.id, followedBy: true });
    assert.deepEqual(await counts(alt), { followers: 1, following: 0 });
    assert.deepEqual(await counts(alice), { followers: 0, following: 1 });
    assert.deepEqual(await notesOf(alt), [["follow", "alice"]]);
    assert.deepEqual((await rel().followRequests(alt.viewer)).accounts, []);
    await rejectsWith(rel().authorize(alt.viewer, alice.account.id), 404, /No such follow request/);
  });

  test("rejecting a request removes it and its notification", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    const r = await rel().reject(alt.viewer, alice.account.id);
    assert.deepEqual(r, { ...none, id: alice.account.id });
    assert.deepEqual(await counts(alt), { followers: 0, following: 0 });
    assert.deepEqual(await notesOf(alt), []);
    await rejectsWith(rel().reject(alt.viewer, alice.account.id), 404);
  });

  test("one cannot authorize a request made to someone else", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    await rejectsWith(rel().authorize(bob.viewer, alice.account.id), 404);
    assert.equal(await rowCount(ctx, "follows"), 0);
  });

  test("unfollowing withdraws a pending request", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    const r = await rel().unfollow(alice.viewer, alt.account.id);
    assert.equal(r.requested, false);
    assert.equal(await rowCount(ctx, "follow_requests"), 0);
    assert.deepEqual(await notesOf(alt), []);
  });

  test("following after the account unlocks answers the old request instead of leaving it pending", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    await ctx.services.accounts.updateProfile(alt.viewer, { locked: false });
    const r = await rel().follow(alice.viewer, alt.account.id);
    assert.deepEqual(r, { ...none, id: alt.account.id, following: true });
    assert.deepEqual((await rel().followRequests(alt.viewer)).accounts, []);
    assert.deepEqual(await notesOf(alt), [["follow", "alice"]]);
    assert.deepEqual(await counts(alt), { followers: 1, following: 0 });
  });

  test("an existing follower stays when the account locks later", async () => {
    await ctx.services.accounts.updateProfile(alt.viewer, { locked: false });
    await rel().follow(bob.viewer, alt.account.id);
    await ctx.services.accounts.updateProfile(alt.viewer, { locked: true });
    const r = await rel().follow(bob.viewer, alt.account.id);
    assert.equal(r.following, true);
    assert.equal(r.requested, false);
  });
});

describe("blocking", () => {
  test("a block removes follows both ways and keeps the counts right", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    await rel().follow(alt.viewer, alice.account.id);
    await rel().follow(bob.viewer, alt.account.id);
    const r = await rel().block(alt.viewer, alice.account.id);
    assert.deepEqual(r, { ...none, id: alice.account.id, blocking: true });
    assert.deepEqual(await counts(alt), { followers: 1, following: 0 });
    assert.deepEqual(await counts(alice), { followers: 0, following: 0 });
    assert.deepEqual(await rel().relationship(alice.viewer, alt.account.id), {
      ...none,
      id: alt.account.id,
      blockedBy: true,
    });
  });

  test("a block removes pending requests both ways", async () => {
    await ctx.services.accounts.updateProfile(alt.viewer, { locked: true });
    await ctx.services.accounts.updateProfile(alice.viewer, { locked: true });
    await rel().follow(alice.viewer, alt.account.id);
    await rel().follow(alt.viewer, alice.account.id);
    await rel().block(alice.viewer, alt.account.id);
    assert.equal(await rowCount(ctx, "follow_requests"), 0);
  });

  test("neither side can follow across a block, until it is lifted", async () => {
    await rel().block(alt.viewer, alice.account.id);
    await rejectsWith(rel().follow(alice.viewer, alt.account.id), 403, /cannot follow/);
    await rejectsWith(rel().follow(alt.viewer, alice.account.id), 403, /cannot follow/);
    assert.equal(await rowCount(ctx, "follows"), 0);
    const r = await rel().unblock(alt.viewer, alice.account.id);
    assert.equal(r.blocking, false);
    assert.equal((await rel().follow(alice.viewer, alt.account.id)).following, true);
  });

  test("lifting a block does not bring back the follows it removed", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    await rel().block(alt.viewer, alice.account.id);
    await rel().unblock(alt.viewer, alice.account.id);
    assert.equal((await rel().relationship(alice.viewer, alt.account.id)).following, false);
  });

  test("blocks and mutes racing each other leave one of each", async () => {
    await Promise.all([1, 2, 3, 4].map(() => rel().block(alt.viewer, alice.account.id)));
    await Promise.all([1, 2, 3, 4].map(() => rel().mute(alt.viewer, bob.account.id)));
    assert.equal(await rowCount(ctx, "blocks"), 1);
    assert.equal(await rowCount(ctx, "mutes"), 1);
  });

  test("blocking twice is one block; blocking oneself is refused", async () => {
    await rel().block(alt.viewer, alice.account.id);
    await rel().block(alt.viewer, alice.account.id);
    assert.equal(await rowCount(ctx, "blocks"), 1);
    await rejectsWith(rel().block(alt.viewer, alt.account.id), 422, /yourself/);
    assert.deepEqual(
      (await rel().blocks(alt.viewer)).accounts.map((a) => a.handle),
      ["alice"],
    );
  });

  test("a block hides each side's posts from the other", async () => {
    const altPost = await ctx.services.posting.create(alt.viewer, { text: "from alt" });
    const alicePost = await ctx.services.posting.create(alice.viewer, { text: "from alice" });
    await rel().block(alt.viewer, alice.account.id);
    await rejectsWith(ctx.services.timelines.status(alice.viewer, altPost.id), 404);
    await rejectsWith(ctx.services.timelines.status(alt.viewer, alicePost.id), 404);
    assert.equal((await ctx.services.timelines.status(bob.viewer, altPost.id)).id, altPost.id);
  });
});

describe("muting", () => {
  test("a mute hides the muted account's posts and notifications from the muter only", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    await rel().follow(bob.viewer, alt.account.id);
    await rel().follow(alt.viewer, alice.account.id);
    const r = await rel().mute(alice.viewer, alt.account.id);
    assert.deepEqual(r, { ...none, id: alt.account.id, following: true, followedBy: true, muting: true });
    const s = await ctx.services.posting.create(alt.viewer, { text: "hello @alice #news" });
    // Alice no longer sees Alt in her timelines, tag pages or notifications...
    assert.deepEqual(await ctx.services.timelines.home(alice.viewer), []);
    assert.deepEqual(await ctx.services.timelines.local(alice.viewer), []);
    assert.deepEqual(await ctx.services.timelines.hashtag(alice.viewer, "news"), []);
    assert.deepEqual(await ctx.services.search.statuses(alice.viewer, "hello"), []);
    assert.deepEqual(await notesOf(alice), []);
    // ...but the follow stands, and she can still open the post or the profile on purpose.
    assert.equal((await ctx.services.timelines.status(alice.viewer, s.id)).id, s.id);
    assert.equal((await ctx.services.timelines.profile(alice.viewer, alt.account.id)).length, 1);
    // Bob is unaffected, and Alt does not learn of the mute.
    assert.deepEqual(
      (await ctx.services.timelines.home(bob.viewer)).map((x) => x.id),
      [s.id],
    );
    assert.equal((await rel().relationship(alt.viewer, alice.account.id)).muting, false);
    const alicePost = await ctx.services.posting.create(alice.viewer, { text: "alice speaks" });
    assert.deepEqual(
      (await ctx.services.timelines.home(alt.viewer)).map((x) => x.id),
      [alicePost.id, s.id],
    );
  });

  test("unmuting brings things back; muting twice is one mute; muting oneself is refused", async () => {
    await rel().follow(alice.viewer, alt.account.id);
    await rel().mute(alice.viewer, alt.account.id);
    await rel().mute(alice.viewer, alt.account.id);
    assert.equal(await rowCount(ctx, "mutes"), 1);
    assert.deepEqual(
      (await rel().mutes(alice.viewer)).accounts.map((a) => a.handle),
      ["ALT_USCIS"],
    );
    const s = await ctx.services.posting.create(alt.viewer, { text: "hi" });
    assert.deepEqual(await ctx.services.timelines.home(alice.viewer), []);
    const r = await rel().unmute(alice.viewer, alt.account.id);
    assert.equal(r.muting, false);
    assert.deepEqual(
      (await ctx.services.timelines.home(alice.viewer)).map((x) => x.id),
      [s.id],
    );
    await rejectsWith(rel().mute(alice.viewer, alice.account.id), 422);
  });

  test("a muted account's reposts are hidden too", async () => {
    await rel().follow(alice.viewer, bob.account.id);
    await rel().mute(alice.viewer, alt.account.id);
    const s = await ctx.services.posting.create(alt.viewer, { text: "from the muted" });
    await ctx.services.interactions.reblog(bob.viewer, s.id);
    assert.deepEqual(await ctx.services.timelines.home(alice.viewer), []);
  });
});

describe("relationships()", () => {
  test("reports every flag for many accounts at once, once per account", async () => {
    const carol = await person(ctx, "carol", { locked: true });
    const dave = await person(ctx, "dave");
    await rel().follow(alice.viewer, alt.account.id); // following
    await rel().follow(bob.viewer, alice.account.id); // followed by
    await rel().follow(alice.viewer, carol.account.id); // requested
    await ctx.services.accounts.updateProfile(alice.viewer, { locked: true });
    await rel().follow(dave.viewer, alice.account.id); // requested by
    await rel().mute(alice.viewer, bob.account.id);
    const erin = await person(ctx, "erin");
    const frank = await person(ctx, "frank");
    await rel().block(alice.viewer, erin.account.id);
    await rel().block(frank.viewer, alice.account.id);

    const ids = [alt, bob, carol, dave, erin, frank].map((p) => p.account.id);
    const all = await rel().relationships(alice.viewer, [...ids, alt.account.id]);
    assert.deepEqual(all, [
      { ...none, id: alt.account.id, following: true },
      { ...none, id: bob.account.id, followedBy: true, muting: true },
      { ...none, id: carol.account.id, requested: true },
      { ...none, id: dave.account.id, requestedBy: true },
      { ...none, id: erin.account.id, blocking: true },
      { ...none, id: frank.account.id, blockedBy: true },
    ]);
    assert.deepEqual(await rel().relationships(alice.viewer, []), []);
    assert.deepEqual(await rel().relationships(alice.viewer, ["100000000000000000"]), [
      { ...none, id: "100000000000000000" },
    ]);
  });
});
