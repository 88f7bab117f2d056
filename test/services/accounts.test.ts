import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { DAY } from "../../src/domain/clock.ts";
import { accounts, PASSWORD, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { columnsReferencing, rowCount } from "../helpers/db.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";

let ctx: TestContext;
const fresh = freshContexts();
beforeEach(async () => {
  ctx = await fresh();
});

const register = (handle: string, password = PASSWORD, extra: { reason?: string; inviteCode?: string } = {}) =>
  ctx.services.accounts.register({ handle, password, ...extra }, { mode: "open" });

describe("handles", () => {
  test("1 to 30 letters, digits or underscores are accepted, with case kept", async () => {
    for (const handle of ["a", "X_1", "under_score_", "a".repeat(30), "ALT_USCIS", "2026"]) {
      const account = await register(handle);
      assert.equal(account.handle, handle);
      assert.equal(account.state, "active");
    }
  });

  test("anything else is refused with a 422 on the handle field", async () => {
    for (const handle of ["", "a".repeat(31), "with space", "dash-ed", "dot.ted", "émile", "@alice", "a/b", "名前"]) {
      const error = await rejectsWith(register(handle), 422, /1 to 30 letters, digits or underscores/);
      assert.ok(error.fields?.handle, `field message for ${JSON.stringify(handle)}`);
    }
    assert.equal(await rowCount(ctx, "accounts"), 0);
  });

  test("surrounding spaces are trimmed off", async () => {
    const account = await register("  alice  ");
    assert.equal(account.handle, "alice");
  });

  test("a handle is unique regardless of case", async () => {
    await register("Alice");
    for (const handle of ["alice", "ALICE", "aLiCe"]) {
      const error = await rejectsWith(register(handle), 422, /That handle is taken/);
      assert.equal(error.fields?.handle, "That handle is taken.");
    }
    assert.equal(await rowCount(ctx, "accounts"), 1);
    assert.equal((await ctx.services.accounts.byHandle("ALICE"))?.handle, "Alice");
  });

  test("reserved names are refused in any case", async () => {
    for (const handle of ["admin", "Admin", "ROOT", "moderator", "publius", "well_known", "settings", "api"]) {
      await rejectsWith(register(handle), 422, /reserved/);
    }
    assert.equal(await rowCount(ctx, "accounts"), 0);
  });
});

describe("passwords", () => {
  test("fewer than 10 characters is refused; exactly 10 is fine", async () => {
    await rejectsWith(register("alice", "short pw!"), 422, /at least 10 characters/);
    await register("alice", "ten chars!");
  });

  test("length is counted in characters as people see them", async () => {
    // Nine emoji with skin tones are 18 code points and 36 UTF-16 units, but nine characters.
    await rejectsWith(register("alice", "👍🏽".repeat(9)), 422, /at least 10/);
    await register("bob", "👍🏽".repeat(10));
  });

  test("more than 256 characters is refused", async () => {
    await rejectsWith(register("alice", "x".repeat(257)), 422, /at most 256/);
  });

  test("a password from the common list is refused, whatever its case", async () => {
    await rejectsWith(register("alice", "qwertyuiop"), 422, /most common/);
    await rejectsWith(register("alice", "QWERTYUIOP"), 422, /most common/);
    await rejectsWith(register("alice", "1234567890"), 422, /most common/);
  });

  test("a password containing the handle is refused", async () => {
    await rejectsWith(register("RogueNOAA", "i am roguenoaa 2026"), 422, /must not contain the handle/);
  });

  test("a bad handle and a bad password are both reported", async () => {
    const error = await rejectsWith(register("bad handle", "short"), 422);
    assert.ok(error.fields?.handle);
    assert.ok(error.fields?.password);
  });

  test("changing the password needs the current one and follows the same rules", async () => {
    const alice = await person(ctx, "alice");
    await rejectsWith(
      ctx.services.accounts.changePassword(alice.viewer, "not the password", "a brand new secret"),
      422,
      /current password is not right/,
    );
    await rejectsWith(ctx.services.accounts.changePassword(alice.viewer, PASSWORD, "short"), 422, /at least 10/);
    await rejectsWith(ctx.services.accounts.changePassword(alice.viewer, PASSWORD, "qwertyuiop"), 422, /common/);
    await ctx.services.sessions.signIn("alice", PASSWORD);

    await ctx.services.accounts.changePassword(alice.viewer, PASSWORD, "a brand new secret");
    await rejectsWith(ctx.services.sessions.signIn("alice", PASSWORD), 401);
    const { account } = await ctx.services.sessions.signIn("alice", "a brand new secret");
    assert.equal(account.id, alice.account.id);
  });
});

describe("registration: open", () => {
  test("the configured mode is used when none is given", async () => {
    const open = await ctx.services.accounts.register({ handle: "alice", password: PASSWORD });
    assert.equal(open.state, "active");
    const strict = await createTestContext({ env: { PUBLIUS_REGISTRATION: "approval" } });
    try {
      await rejectsWith(strict.services.accounts.register({ handle: "alice", password: PASSWORD }), 422, /why/);
      const pending = await strict.services.accounts.register({ handle: "alice", password: PASSWORD, reason: "hi" });
      assert.equal(pending.state, "pending");
    } finally {
      await strict.destroy();
    }
  });

  test("a new account starts empty, dated to the day only, and can sign in", async () => {
    ctx.clock.set("2026-03-14T17:45:12.345Z");
    const account = await register("alice");
    const { id, handle, displayName, note, locked, state, suspended, createdDay } = account;
    const { followersCount, followingCount, statusesCount, lastStatusDay } = account;
    assert.deepEqual(
      {
        handle,
        displayName,
        note,
        locked,
        state,
        suspended,
        createdDay,
        followersCount,
        followingCount,
        statusesCount,
        lastStatusDay,
      },
      {
        handle: "alice",
        displayName: "",
        note: "",
        locked: false,
        state: "active",
        suspended: false,
        createdDay: "2026-03-14",
        followersCount: 0,
        followingCount: 0,
        statusesCount: 0,
        lastStatusDay: null,
      },
    );
    assert.match(id, /^\d{18}$/);
    assert.deepEqual(
      Object.keys(account).filter((k) => /password|hash|reason/i.test(k)),
      [],
      "no secret or application text is handed out",
    );
    const { account: signedIn } = await ctx.services.sessions.signIn("alice", PASSWORD);
    assert.equal(signedIn.id, account.id);
  });

  test("the password is stored only as an argon2id hash", async () => {
    const account = await register("alice");
    const row = await ctx.store.db
      .selectFrom("accounts")
      .select("password_hash")
      .where("id", "=", account.id)
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.ok(!row.password_hash.includes(PASSWORD));
  });
});

describe("registration: approval", () => {
  const apply = (handle: string, reason?: string) =>
    ctx.services.accounts.register(
      { handle, password: PASSWORD, ...(reason === undefined ? {} : { reason }) },
      { mode: "approval" },
    );

  test("a reason is required, and at most 1,000 characters", async () => {
    const missing = await rejectsWith(apply("alice"), 422, /why you would like to join/);
    assert.ok(missing.fields?.reason);
    await rejectsWith(apply("alice", "   "), 422, /why/);
    await rejectsWith(apply("alice", "x".repeat(1001)), 422, /1,000/);
    assert.equal(await rowCount(ctx, "accounts"), 0);
  });

  test("an applicant waits, pending: cannot sign in, cannot be seen, found, followed or mentioned", async () => {
    const alice = await person(ctx, "alice");
    const applicant = await apply("whistle", "I document agency misconduct.");
    assert.equal(applicant.state, "pending");
    await rejectsWith(
      ctx.services.sessions.signIn("whistle", PASSWORD),
      403,
      /waiting for the staff since 14 March 2026/,
    );
    await rejectsWith(ctx.services.accounts.visibleByHandle("whistle"), 404);
    assert.deepEqual(await ctx.services.search.accounts(alice.viewer, "whistle"), []);
    await rejectsWith(ctx.services.relationships.follow(alice.viewer, applicant.id), 404);
    const post = await ctx.services.posting.create(alice.viewer, { text: "hello @whistle" });
    assert.deepEqual(post.mentions, []);
    assert.equal(await rowCount(ctx, "notifications"), 0);
  });

  test("a wrong password does not reveal that an application is pending", async () => {
    await apply("whistle", "reason");
    await rejectsWith(ctx.services.sessions.signIn("whistle", "not the password"), 401, /do not match/);
  });

  test("staff see applications with their reasons; plain users may not", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const alice = await person(ctx, "alice");
    const legal = await person(ctx, "counsel", { roles: ["legal"] });
    await apply("whistle", "I document agency misconduct.");
    await rejectsWith(ctx.services.accounts.pendingApplications(alice.viewer), 403);
    await rejectsWith(ctx.services.accounts.pendingApplications(legal.viewer), 403);
    const list = await ctx.services.accounts.pendingApplications(mod.viewer);
    assert.deepEqual(
      list.map((a) => [a.account.handle, a.reason]),
      [["whistle", "I document agency misconduct."]],
    );
  });

  test("approval activates the account, erases the reason and is recorded", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const applicant = await apply("whistle", "I document agency misconduct.");
    await rejectsWith(
      ctx.services.accounts.decideApplication((await person(ctx, "alice")).viewer, applicant.id, true),
      403,
    );

    ctx.clock.set("2026-03-15T09:00:00.000Z");
    await ctx.services.accounts.decideApplication(mod.viewer, applicant.id, true, "welcome");
    const account = await ctx.services.accounts.byId(applicant.id);
    assert.equal(account?.state, "active");
    const row = await ctx.store.db
      .selectFrom("accounts")
      .select("registration_reason")
      .where("id", "=", applicant.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.registration_reason, null);
    await ctx.services.sessions.signIn("whistle", PASSWORD);
    assert.deepEqual(await ctx.services.accounts.pendingApplications(mod.viewer), []);

    const [action] = await ctx.services.moderation.actions(mod.viewer);
    assert.equal(action?.action, "approve_registration");
    assert.equal(action?.actor?.id, mod.account.id);
    assert.equal(action?.targetAccount?.id, applicant.id);
    assert.equal(action?.reason, "welcome");
    assert.equal(action?.createdAt, "2026-03-15T09:00:00.000Z");

    await rejectsWith(
      ctx.services.accounts.decideApplication(mod.viewer, applicant.id, true),
      404,
      /No such application/,
    );
  });

  test("rejection deletes the application entirely and frees the handle", async () => {
    const admin = await person(ctx, "admin", { roles: ["admin"] });
    const applicant = await apply("whistle", "reason");
    await ctx.services.accounts.decideApplication(admin.viewer, applicant.id, false, "not now");
    assert.equal(await ctx.services.accounts.byId(applicant.id), undefined);
    await rejectsWith(ctx.services.sessions.signIn("whistle", PASSWORD), 401);
    const [action] = await ctx.services.moderation.actions(admin.viewer);
    assert.equal(action?.action, "reject_registration");
    assert.equal(action?.targetAccount, undefined, "nothing about the rejected applicant is kept");
    assert.equal(action?.reason, "not now");
    const again = await apply("whistle", "second try");
    assert.equal(again.state, "pending");
  });

  test("deciding on an active account is a 404", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const alice = await person(ctx, "alice");
    await rejectsWith(ctx.services.accounts.decideApplication(mod.viewer, alice.account.id, false), 404);
    assert.ok(await ctx.services.accounts.byId(alice.account.id));
  });
});

describe("profiles", () => {
  test("display name up to 30 characters and bio up to 500, trimmed", async () => {
    const alice = await person(ctx, "alice");
    const updated = await ctx.services.accounts.updateProfile(alice.viewer, {
      displayName: `  ${"d".repeat(30)}  `,
      note: "n".repeat(500),
    });
    assert.equal(updated.displayName, "d".repeat(30));
    assert.equal(updated.note, "n".repeat(500));
    const emoji = await ctx.services.accounts.updateProfile(alice.viewer, { displayName: "👍🏽".repeat(30) });
    assert.equal(emoji.displayName, "👍🏽".repeat(30));
  });

  test("too long is refused and nothing is changed", async () => {
    const alice = await person(ctx, "alice");
    const error = await rejectsWith(
      ctx.services.accounts.updateProfile(alice.viewer, { displayName: "d".repeat(31), note: "fine" }),
      422,
      /At most 30 characters/,
    );
    assert.ok(error.fields?.displayName);
    await rejectsWith(
      ctx.services.accounts.updateProfile(alice.viewer, { displayName: "Fine", note: "n".repeat(501) }),
      422,
      /At most 500 characters/,
    );
    const account = await ctx.services.accounts.byId(alice.account.id);
    assert.equal(account?.displayName, accounts.alice.displayName);
    assert.equal(account?.note, accounts.alice.note);
  });

  test("fields left out are left alone", async () => {
    const alt = await person(ctx, "altUscis");
    const updated = await ctx.services.accounts.updateProfile(alt.viewer, { locked: true });
    assert.equal(updated.displayName, accounts.altUscis.displayName);
    assert.equal(updated.note, accounts.altUscis.note);
    assert.equal(updated.locked, true);
  });

  test("the locked switch turns on and off", async () => {
    const alice = await person(ctx, "alice", { locked: true });
    assert.equal(alice.account.locked, true);
    const unlocked = await ctx.services.accounts.updateProfile(alice.viewer, { locked: false });
    assert.equal(unlocked.locked, false);
  });

  test("a suspended profile is not visible, though it still exists for staff", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const alice = await person(ctx, "alice");
    assert.equal((await ctx.services.accounts.visibleByHandle("ALICE")).id, alice.account.id);
    await ctx.services.moderation.suspend(mod.viewer, alice.account.id, "spam");
    await rejectsWith(ctx.services.accounts.visibleByHandle("alice"), 404);
    await rejectsWith(ctx.services.accounts.visibleById(alice.account.id), 404);
    assert.equal((await ctx.services.accounts.byId(alice.account.id))?.suspended, true);
  });
});

describe("account deletion", () => {
  test("a wrong password refuses deletion and changes nothing", async () => {
    const alice = await person(ctx, "alice");
    await ctx.services.posting.create(alice.viewer, { text: "still here" });
    await rejectsWith(ctx.services.accounts.deleteAccount(alice.viewer, "not my password"), 422, /not right/);
    assert.ok(await ctx.services.accounts.byId(alice.account.id));
    assert.equal(await rowCount(ctx, "statuses"), 1);
  });

  test("deletes posts, likes, follows and sessions for real, and keeps everyone else's counters right", async () => {
    const alt = await person(ctx, "altUscis");
    const alice = await person(ctx, "alice");
    const bob = await person(ctx, "bob");
    const carol = await person(ctx, "carol", { locked: true });
    const s = ctx.services;
    const { token } = await s.sessions.signIn(accounts.altUscis.handle, PASSWORD);

    // Alt's own posts, and what others did with them.
    const altPost = await s.posting.create(alt.viewer, { text: "Leaked memo, thread below. @carol" });
    ctx.clock.advance(1000);
    const altSecond = await s.posting.create(alt.viewer, { text: "second" });
    await s.interactions.favourite(bob.viewer, altPost.id);
    await s.interactions.reblog(bob.viewer, altPost.id);
    await s.interactions.reblog(alice.viewer, altSecond.id);
    const bobReply = await s.posting.create(bob.viewer, { text: "thanks", inReplyToId: altPost.id });

    // What Alt did to others' posts.
    const alicePost = await s.posting.create(alice.viewer, { text: "Alice speaks" });
    await s.interactions.favourite(alt.viewer, alicePost.id);
    await s.interactions.reblog(alt.viewer, alicePost.id);
    await s.posting.create(alt.viewer, { text: "reply one", inReplyToId: alicePost.id });
    await s.posting.create(alt.viewer, { text: "reply two", inReplyToId: alicePost.id });
    await s.interactions.favourite(bob.viewer, alicePost.id);

    // The graph.
    await s.relationships.follow(alt.viewer, alice.account.id);
    await s.relationships.follow(bob.viewer, alt.account.id);
    await s.relationships.follow(bob.viewer, alice.account.id);
    await s.relationships.follow(alt.viewer, carol.account.id); // a request: Carol is locked
    await s.relationships.mute(alt.viewer, bob.account.id);
    await s.moderation.report(alt.viewer, { statusId: alicePost.id, reason: "testing" });
    await s.moderation.report(alice.viewer, { accountId: alt.account.id, reason: "about alt" });

    const before = {
      alice: await s.accounts.byId(alice.account.id),
      bob: await s.accounts.byId(bob.account.id),
      alicePost: await s.timelines.status(alice.viewer, alicePost.id),
    };
    assert.equal(before.alice?.followersCount, 2);
    assert.equal(before.bob?.followingCount, 2);
    assert.equal(before.bob?.statusesCount, 2); // a repost and a reply
    assert.equal(before.alice?.statusesCount, 2); // a post and a repost
    assert.equal(before.alicePost.favouritesCount, 2);
    assert.equal(before.alicePost.reblogsCount, 1);
    assert.equal(before.alicePost.repliesCount, 2);

    await s.accounts.deleteAccount(alt.viewer, PASSWORD);

    // Alt is gone, and so is everything hanging from Alt.
    assert.equal(await s.accounts.byId(alt.account.id), undefined);
    assert.equal(await s.accounts.byHandle(accounts.altUscis.handle), undefined);
    assert.equal(await s.sessions.resolve(token), undefined);
    const id = alt.account.id;
    for (const [table, column] of [
      ["statuses", "account_id"],
      ["favourites", "account_id"],
      ["follows", "account_id"],
      ["follows", "target_account_id"],
      ["follow_requests", "account_id"],
      ["mutes", "account_id"],
      ["sessions", "account_id"],
      ["notifications", "from_account_id"],
      ["notifications", "account_id"],
      ["mentions", "account_id"],
      ["reports", "account_id"],
      ["reports", "target_account_id"],
    ] as const) {
      assert.equal(await rowCount(ctx, table, { [column]: id }), 0, `${table}.${column}`);
    }
    // Whatever tables exist now or later: no row anywhere still points at the account.
    const references = await columnsReferencing(ctx, "accounts");
    assert.ok(references.length >= 10, `found ${references.length} references to accounts`);
    for (const { table, column } of references) {
      assert.equal(await rowCount(ctx, table as "accounts", { [column]: id }), 0, `${table}.${column}`);
    }
    // Reposts of Alt's posts went with them; Bob's reply stays, answering a post that is gone.
    assert.equal(await rowCount(ctx, "statuses", { reblog_of_id: altPost.id }), 0);
    assert.equal(await rowCount(ctx, "statuses", { reblog_of_id: altSecond.id }), 0);
    assert.equal((await s.timelines.status(bob.viewer, bobReply.id)).inReplyToId, altPost.id);
    await rejectsWith(s.timelines.status(bob.viewer, altPost.id), 404);
    // Carol no longer has a mention or a follow request from Alt.
    assert.deepEqual(await s.notifications.list(carol.viewer), []);
    assert.deepEqual((await s.relationships.followRequests(carol.viewer)).accounts, []);

    // Everyone else's counters are right.
    const alice2 = await s.accounts.byId(alice.account.id);
    const bob2 = await s.accounts.byId(bob.account.id);
    assert.equal(alice2?.followersCount, 1, "Alice lost Alt as a follower");
    assert.equal(bob2?.followingCount, 1, "Bob no longer follows Alt");
    assert.equal(bob2?.statusesCount, 1, "Bob's repost of Alt's post went with it; his reply stays");
    assert.equal(alice2?.statusesCount, 1, "Alice's repost of Alt's post went with it");
    const alicePost2 = await s.timelines.status(alice.viewer, alicePost.id);
    assert.equal(alicePost2.favouritesCount, 1, "Alt's like is gone, Bob's stays");
    assert.equal(alicePost2.reblogsCount, 0, "Alt's repost is gone");
    assert.equal(alicePost2.repliesCount, 0, "Alt's two replies are gone");
    assert.deepEqual(
      (await s.timelines.profile(alice.viewer, alice.account.id)).map((p) => p.id),
      [alicePost.id],
    );
    // The counters agree with a fresh count of the rows.
    assert.equal(alice2?.followersCount, await rowCount(ctx, "follows", { target_account_id: alice.account.id }));
    assert.equal(bob2?.statusesCount, await rowCount(ctx, "statuses", { account_id: bob.account.id }));

    // The handle can be taken again, by someone new.
    const fresh = await register(accounts.altUscis.handle);
    assert.notEqual(fresh.id, alt.account.id);
    assert.equal(fresh.followersCount, 0);
  });

  test("a deletion racing itself (a double submit) corrects others' counters once", async () => {
    const alt = await person(ctx, "altUscis");
    const alice = await person(ctx, "alice");
    const alicePost = await ctx.services.posting.create(alice.viewer, { text: "Alice speaks" });
    await ctx.services.interactions.reblog(alt.viewer, alicePost.id);
    await ctx.services.interactions.favourite(alt.viewer, alicePost.id);
    await ctx.services.posting.create(alt.viewer, { text: "reply", inReplyToId: alicePost.id });
    await ctx.services.relationships.follow(alt.viewer, alice.account.id);
    await ctx.services.relationships.follow(alice.viewer, alt.account.id);
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => ctx.services.accounts.deleteAccount(alt.viewer, PASSWORD)),
    );
    for (const r of results) {
      if (r.status === "rejected") assert.equal((r.reason as { status?: number }).status, 404, String(r.reason));
    }
    const after = await ctx.services.timelines.status(alice.viewer, alicePost.id);
    assert.deepEqual([after.reblogsCount, after.favouritesCount, after.repliesCount], [0, 0, 0]);
    const account = await ctx.services.accounts.byId(alice.account.id);
    assert.deepEqual([account?.followersCount, account?.followingCount], [0, 0]);
  });

  test("deleting an account with no activity at all works", async () => {
    const alice = await person(ctx, "alice");
    await ctx.services.accounts.deleteAccount(alice.viewer, PASSWORD);
    assert.equal(await rowCount(ctx, "accounts"), 0);
  });

  test("a deleted account's old sessions cannot be used days later either", async () => {
    const alice = await person(ctx, "alice");
    const { token } = await ctx.services.sessions.signIn("alice", PASSWORD);
    await ctx.services.accounts.deleteAccount(alice.viewer, PASSWORD);
    ctx.clock.advance(DAY);
    assert.equal(await ctx.services.sessions.resolve(token), undefined);
    assert.equal(await rowCount(ctx, "sessions"), 0);
  });
});
