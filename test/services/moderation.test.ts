import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { PASSWORD, type Person, person } from "../fixtures/accounts.ts";
import type { TestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";

let ctx: TestContext;
let alt: Person;
let alice: Person;
let bob: Person;
let mod: Person;
let admin: Person;
let counsel: Person;
const fresh = freshContexts();
beforeEach(async () => {
  ctx = await fresh();
  alt = await person(ctx, "altUscis");
  alice = await person(ctx, "alice");
  bob = await person(ctx, "bob");
  mod = await person(ctx, "mod", { roles: ["moderator"] });
  admin = await person(ctx, "admin", { roles: ["admin"] });
  counsel = await person(ctx, "counsel", { roles: ["legal"] });
});

const m = () => ctx.services.moderation;

describe("reporting", () => {
  test("anyone signed in can report a post; staff see it in the queue with the post, whatever its visibility", async () => {
    ctx.clock.set("2026-03-14T21:00:00.000Z");
    await ctx.services.relationships.follow(bob.viewer, alt.account.id);
    const post = await ctx.services.posting.create(alt.viewer, { text: "doxxing someone", visibility: "private" });
    const id = await m().report(bob.viewer, { statusId: post.id, reason: "  personal data  " });
    assert.match(id, /^\d+$/);
    const [report] = await m().queue(mod.viewer);
    assert.equal(report?.id, id);
    assert.equal(report?.reporter?.id, bob.account.id);
    assert.equal(report?.target?.id, alt.account.id, "the post's author is the target");
    assert.equal(report?.status?.id, post.id);
    assert.equal(report?.status?.text, "doxxing someone");
    assert.equal(report?.reason, "personal data");
    assert.equal(report?.state, "open");
    assert.equal(report?.createdDay, "2026-03-14", "kept to the day");
  });

  test("an account can be reported without a post", async () => {
    await m().report(alice.viewer, { accountId: alt.account.id, reason: "impersonation" });
    const [report] = await m().queue(admin.viewer);
    assert.equal(report?.target?.id, alt.account.id);
    assert.equal(report?.status, undefined);
  });

  test("a reason is required, at most 1,000 characters", async () => {
    const post = await ctx.services.posting.create(alt.viewer, { text: "x" });
    await rejectsWith(m().report(alice.viewer, { statusId: post.id, reason: "" }), 422, /Say what is wrong/);
    await rejectsWith(m().report(alice.viewer, { statusId: post.id, reason: " \n " }), 422, /Say what is wrong/);
    await rejectsWith(m().report(alice.viewer, { statusId: post.id, reason: "x".repeat(1001) }), 422, /1000/);
    assert.equal(await rowCount(ctx, "reports"), 0);
  });

  test("a report needs a target that exists and is not oneself", async () => {
    await rejectsWith(m().report(alice.viewer, { reason: "vague" }), 422, /a post or an account/);
    await rejectsWith(m().report(alice.viewer, { accountId: alice.account.id, reason: "me" }), 422, /yourself/);
    const own = await ctx.services.posting.create(alice.viewer, { text: "mine" });
    await rejectsWith(m().report(alice.viewer, { statusId: own.id, reason: "me" }), 422, /yourself/);
    await rejectsWith(m().report(alice.viewer, { statusId: "999999999999999999", reason: "x" }), 404);
    await rejectsWith(m().report(alice.viewer, { accountId: "100000000000000000", reason: "x" }), 404);
    assert.equal(await rowCount(ctx, "reports"), 0);
  });

  test("a post one may not see cannot be reported, and answers as if it did not exist", async () => {
    const hidden = await ctx.services.posting.create(alt.viewer, { text: "followers only", visibility: "private" });
    const missing = await rejectsWith(m().report(alice.viewer, { statusId: "999999999999999999", reason: "x" }), 404);
    const invisible = await rejectsWith(m().report(alice.viewer, { statusId: hidden.id, reason: "x" }), 404);
    assert.equal(invisible.publicMessage, missing.publicMessage);
    assert.equal(await rowCount(ctx, "reports"), 0);
    // The account itself can still be reported.
    await m().report(alice.viewer, { accountId: alt.account.id, reason: "x" });
  });
});

describe("who may moderate", () => {
  test("the queue, the log and every decision need a moderator or an admin", async () => {
    const post = await ctx.services.posting.create(alt.viewer, { text: "x" });
    const reportId = await m().report(alice.viewer, { statusId: post.id, reason: "spam" });
    for (const who of [alice, counsel]) {
      await rejectsWith(m().queue(who.viewer), 403, /role does not allow/);
      await rejectsWith(m().actions(who.viewer), 403);
      await rejectsWith(m().removeStatus(who.viewer, post.id, "spam"), 403);
      await rejectsWith(m().suspend(who.viewer, alt.account.id, "spam"), 403);
      await rejectsWith(m().unsuspend(who.viewer, alt.account.id, "spam"), 403);
      await rejectsWith(m().resolveReport(who.viewer, reportId, "fine"), 403);
    }
    assert.equal((await ctx.services.timelines.status(null, post.id)).id, post.id);
    assert.equal((await ctx.services.accounts.byId(alt.account.id))?.suspended, false);
    assert.equal(await rowCount(ctx, "moderation_actions"), 0);
    assert.equal((await m().queue(mod.viewer)).length, 1);
    assert.equal((await m().queue(admin.viewer)).length, 1);
  });
});

describe("removing a post", () => {
  test("removes it, keeps counters right, resolves the report and records actor, reason and time", async () => {
    await ctx.services.relationships.follow(alice.viewer, alt.account.id);
    const post = await ctx.services.posting.create(alt.viewer, { text: "threat #tag" });
    await ctx.services.interactions.reblog(bob.viewer, post.id);
    const reportId = await m().report(alice.viewer, { statusId: post.id, reason: "a threat" });
    ctx.clock.set("2026-03-15T08:30:00.000Z");
    await m().removeStatus(mod.viewer, post.id, "  violent threat  ", reportId);

    await rejectsWith(ctx.services.timelines.status(alt.viewer, post.id), 404);
    assert.equal((await ctx.services.accounts.byId(alt.account.id))?.statusesCount, 0);
    assert.equal((await ctx.services.accounts.byId(bob.account.id))?.statusesCount, 0, "the repost went too");
    assert.deepEqual(await ctx.services.timelines.home(alice.viewer), []);
    assert.deepEqual(await ctx.services.timelines.hashtag(null, "tag"), []);

    const [action] = await m().actions(mod.viewer);
    assert.equal(action?.action, "remove_status");
    assert.equal(action?.actor?.id, mod.account.id);
    assert.equal(action?.reason, "violent threat");
    assert.equal(action?.createdAt, "2026-03-15T08:30:00.000Z");
    assert.equal(action?.targetAccount?.id, alt.account.id);
    assert.equal(action?.targetStatusId, post.id, "the record outlives the post");
    assert.equal(action?.reportId, reportId);

    assert.deepEqual(await m().queue(mod.viewer), []);
    const [resolved] = await m().queue(mod.viewer, "resolved");
    assert.equal(resolved?.id, reportId);
    assert.equal(resolved?.state, "resolved");
    assert.equal(resolved?.status, undefined, "the removed post is no longer attached");
  });

  test("a reason is required, and nothing is removed without one", async () => {
    const post = await ctx.services.posting.create(alt.viewer, { text: "x" });
    await rejectsWith(m().removeStatus(mod.viewer, post.id, ""), 422, /reason/);
    await rejectsWith(m().removeStatus(mod.viewer, post.id, "   "), 422, /reason/);
    await rejectsWith(m().removeStatus(mod.viewer, post.id, "x".repeat(1001)), 422);
    assert.equal((await ctx.services.timelines.status(null, post.id)).id, post.id);
    assert.equal(await rowCount(ctx, "moderation_actions"), 0);
  });

  test("a missing post is a 404 and records nothing", async () => {
    await rejectsWith(m().removeStatus(mod.viewer, "999999999999999999", "spam"), 404);
    assert.equal(await rowCount(ctx, "moderation_actions"), 0);
  });
});

describe("suspending an account", () => {
  test("is recorded, ends its sessions and makes its posts vanish from every view", async () => {
    const { token } = await ctx.services.sessions.signIn("ALT_USCIS", PASSWORD);
    await ctx.services.relationships.follow(alice.viewer, alt.account.id);
    const root = await ctx.services.posting.create(bob.viewer, { text: "bob's thread" });
    const post = await ctx.services.posting.create(alt.viewer, {
      text: "scam link @alice #scam",
      inReplyToId: root.id,
    });
    const bobsPost = await ctx.services.posting.create(bob.viewer, { text: "bob's own" });
    const altsRepost = await ctx.services.interactions.reblog(alt.viewer, bobsPost.id);
    await ctx.services.interactions.favourite(alt.viewer, bobsPost.id);
    const reportId = await m().report(bob.viewer, { accountId: alt.account.id, reason: "scams" });

    ctx.clock.set("2026-03-16T10:00:00.000Z");
    await m().suspend(admin.viewer, alt.account.id, "fraud", reportId);

    assert.equal(await ctx.services.sessions.resolve(token), undefined);
    await rejectsWith(ctx.services.sessions.signIn("ALT_USCIS", PASSWORD), 403, /suspended/);
    for (const who of [null, alice, bob, alt]) {
      const viewer = who?.viewer ?? null;
      await rejectsWith(ctx.services.timelines.status(viewer, post.id), 404);
      await rejectsWith(ctx.services.timelines.status(viewer, altsRepost.id), 404);
      assert.deepEqual(await ctx.services.timelines.profile(viewer, alt.account.id), []);
      assert.deepEqual(await ctx.services.timelines.hashtag(viewer, "scam"), []);
      assert.deepEqual(await ctx.services.search.statuses(viewer, "scam"), []);
      assert.deepEqual(await ctx.services.search.accounts(viewer, "alt_uscis"), []);
      assert.deepEqual((await ctx.services.timelines.context(viewer, root.id)).descendants, []);
      assert.deepEqual(
        (await ctx.services.timelines.local(viewer)).map((s) => s.id),
        [bobsPost.id, root.id],
      );
    }
    assert.deepEqual(await ctx.services.timelines.home(alice.viewer), []);
    assert.deepEqual(await ctx.services.notifications.list(alice.viewer), []);
    assert.deepEqual(
      (await ctx.services.notifications.list(bob.viewer)).map((n) => n.type),
      [],
      "Alt's repost and like notifications are hidden too",
    );

    const [action] = await m().actions(mod.viewer);
    assert.equal(action?.action, "suspend");
    assert.equal(action?.actor?.id, admin.account.id);
    assert.equal(action?.targetAccount?.id, alt.account.id);
    assert.equal(action?.reason, "fraud");
    assert.equal(action?.createdAt, "2026-03-16T10:00:00.000Z");
    assert.equal(action?.reportId, reportId);
    assert.deepEqual(await m().queue(mod.viewer), []);
  });

  test("unsuspending brings the posts back, and is recorded too", async () => {
    const post = await ctx.services.posting.create(alt.viewer, { text: "legit" });
    await m().suspend(mod.viewer, alt.account.id, "mistaken identity");
    ctx.clock.advance(60_000);
    await m().unsuspend(admin.viewer, alt.account.id, "it was a mistake");
    assert.equal((await ctx.services.timelines.status(null, post.id)).id, post.id);
    const actions = await m().actions(mod.viewer);
    assert.deepEqual(
      actions.map((a) => [a.action, a.actor?.handle, a.reason]),
      [
        ["unsuspend", "admin_ada", "it was a mistake"],
        ["suspend", "mod_mia", "mistaken identity"],
      ],
    );
  });

  test("a reason is required; one cannot suspend oneself; a missing account is a 404", async () => {
    await rejectsWith(m().suspend(mod.viewer, alt.account.id, ""), 422, /reason/);
    await rejectsWith(m().unsuspend(mod.viewer, alt.account.id, " "), 422, /reason/);
    await rejectsWith(m().suspend(mod.viewer, mod.account.id, "testing"), 422, /yourself/);
    await rejectsWith(m().suspend(mod.viewer, "100000000000000000", "spam"), 404);
    assert.equal((await ctx.services.accounts.byId(alt.account.id))?.suspended, false);
    assert.equal(await rowCount(ctx, "moderation_actions"), 0);
  });
});

describe("closing a report without action", () => {
  test("needs a reason, is recorded and moves the report to the resolved queue", async () => {
    const first = await m().report(alice.viewer, { accountId: alt.account.id, reason: "rude" });
    const second = await m().report(bob.viewer, { accountId: alt.account.id, reason: "also rude" });
    assert.deepEqual(
      (await m().queue(mod.viewer)).map((r) => r.id),
      [first, second],
      "oldest first",
    );
    await rejectsWith(m().resolveReport(mod.viewer, first, ""), 422, /reason/);
    await m().resolveReport(mod.viewer, first, "not a violation");
    assert.deepEqual(
      (await m().queue(mod.viewer)).map((r) => r.id),
      [second],
    );
    assert.deepEqual(
      (await m().queue(mod.viewer, "resolved")).map((r) => r.id),
      [first],
    );
    const [action] = await m().actions(mod.viewer);
    assert.deepEqual([action?.action, action?.reportId, action?.reason], ["resolve_report", first, "not a violation"]);
    await rejectsWith(m().resolveReport(mod.viewer, "987654", "x"), 404);
  });
});
