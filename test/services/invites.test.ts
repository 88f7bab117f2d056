import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { DAY } from "../../src/domain/clock.ts";
import { PASSWORD, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";

let ctx: TestContext;
const fresh = freshContexts({ env: { PUBLIUS_REGISTRATION: "invite" } });
beforeEach(async () => {
  ctx = await fresh();
});

const join = (handle: string, inviteCode?: string, mode?: "open" | "approval" | "invite") =>
  ctx.services.accounts.register(
    { handle, password: PASSWORD, ...(inviteCode === undefined ? {} : { inviteCode }) },
    mode ? { mode } : {},
  );

const usesOf = async (code: string) =>
  (await ctx.store.db.selectFrom("invites").select("uses").where("code", "=", code).executeTakeFirstOrThrow()).uses;

describe("making invite codes", () => {
  test("the operator makes a single-use code without expiry by default", async () => {
    ctx.clock.set("2026-03-14T08:00:00.000Z");
    const invite = await ctx.services.invites.create(null);
    assert.match(invite.code, /^[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(
      { ...invite, code: "" },
      { code: "", maxUses: 1, uses: 0, expiresDay: null, createdDay: "2026-03-14" },
    );
    const again = await ctx.services.invites.create(null);
    assert.notEqual(again.code, invite.code);
  });

  test("an expiry is counted in days from today", async () => {
    ctx.clock.set("2026-03-14T08:00:00.000Z");
    const invite = await ctx.services.invites.create(null, { maxUses: 5, expiresInDays: 7 });
    assert.equal(invite.expiresDay, "2026-03-21");
    assert.equal(invite.maxUses, 5);
  });

  test("uses must be 1 to 10,000 or unlimited; expiry 1 to 365 days", async () => {
    for (const maxUses of [0, -1, 1.5, 10_001]) {
      await rejectsWith(ctx.services.invites.create(null, { maxUses }), 422, /Uses must be/);
    }
    for (const expiresInDays of [0, 366, 2.5]) {
      await rejectsWith(ctx.services.invites.create(null, { expiresInDays }), 422, /Expiry/);
    }
    assert.equal(await rowCount(ctx, "invites"), 0);
    assert.equal((await ctx.services.invites.create(null, { maxUses: null })).maxUses, null);
    assert.equal((await ctx.services.invites.create(null, { maxUses: 10_000, expiresInDays: 365 })).maxUses, 10_000);
  });

  test("staff may make codes; ordinary users only when the operator allows it", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const alice = await person(ctx, "alice", {});
    await rejectsWith(ctx.services.invites.create(alice.viewer), 403, /Only staff/);
    const invite = await ctx.services.invites.create(mod.viewer);
    assert.equal(invite.uses, 0);

    const generous = await createTestContext({ env: { PUBLIUS_USERS_MAY_INVITE: "true" } });
    try {
      const bob = await person(generous, "bob");
      const code = await generous.services.invites.create(bob.viewer);
      assert.deepEqual(
        (await generous.services.invites.listMine(bob.viewer)).map((i) => i.code),
        [code.code],
      );
    } finally {
      await generous.destroy();
    }
  });

  test("one lists and revokes only one's own codes", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const admin = await person(ctx, "admin", { roles: ["admin"] });
    const mine = await ctx.services.invites.create(mod.viewer);
    const theirs = await ctx.services.invites.create(admin.viewer);
    assert.deepEqual(
      (await ctx.services.invites.listMine(mod.viewer)).map((i) => i.code),
      [mine.code],
    );
    await ctx.services.invites.revoke(mod.viewer, theirs.code);
    assert.equal(await rowCount(ctx, "invites", { code: theirs.code }), 1, "another's code survives");
    await ctx.services.invites.revoke(mod.viewer, mine.code);
    assert.deepEqual(await ctx.services.invites.listMine(mod.viewer), []);
    await rejectsWith(join("alice", mine.code), 422, /not valid/);
  });
});

describe("joining with a code", () => {
  test("in invite mode a code is required", async () => {
    const error = await rejectsWith(join("alice"), 422, /invite code is needed/);
    assert.ok(error.fields?.invite);
    await rejectsWith(join("alice", "   "), 422, /invite code is needed/);
    await rejectsWith(join("alice", "made-up-code"), 422, /That invite code is not valid/);
    assert.equal(await rowCount(ctx, "accounts"), 0);
  });

  test("a single-use code admits one person", async () => {
    const { code } = await ctx.services.invites.create(null);
    const alice = await join("alice", code);
    assert.equal(alice.state, "active");
    assert.equal(await usesOf(code), 1);
    await rejectsWith(join("bob", code), 422, /not valid/);
    assert.equal(await ctx.services.accounts.byHandle("bob"), undefined);
    assert.equal(await usesOf(code), 1);
  });

  test("a counted code admits exactly that many", async () => {
    const { code } = await ctx.services.invites.create(null, { maxUses: 3 });
    for (const handle of ["alice", "bob", "carol"]) await join(handle, code);
    await rejectsWith(join("dave", code), 422, /not valid/);
    assert.equal(await usesOf(code), 3);
    assert.equal(await rowCount(ctx, "accounts"), 3);
  });

  test("an unlimited code keeps admitting", async () => {
    const { code } = await ctx.services.invites.create(null, { maxUses: null });
    for (const handle of ["alice", "bob", "carol", "dave", "erin"]) await join(handle, code);
    assert.equal(await usesOf(code), 5);
  });

  test("a code works through its last day and not after", async () => {
    ctx.clock.set("2026-03-14T08:00:00.000Z");
    const { code } = await ctx.services.invites.create(null, { maxUses: null, expiresInDays: 1 });
    ctx.clock.set("2026-03-15T23:59:00.000Z");
    await join("alice", code);
    ctx.clock.set("2026-03-16T00:01:00.000Z");
    await rejectsWith(join("bob", code), 422, /not valid/);
    ctx.clock.advance(30 * DAY);
    await rejectsWith(join("bob", code), 422, /not valid/);
  });

  test("an invite admits directly in approval mode, with no reason asked", async () => {
    const { code } = await ctx.services.invites.create(null);
    const alice = await join("alice", code, "approval");
    assert.equal(alice.state, "active");
    await ctx.services.sessions.signIn("alice", PASSWORD);
    // Without a code, approval mode still wants a reason; a bad code is refused outright.
    await rejectsWith(join("bob", undefined, "approval"), 422, /why/);
    await rejectsWith(join("bob", "made-up-code", "approval"), 422, /not valid/);
  });

  test("a registration that fails does not use up the code", async () => {
    await person(ctx, "alice");
    const { code } = await ctx.services.invites.create(null);
    await rejectsWith(join("ALICE", code), 422, /taken/);
    await rejectsWith(ctx.services.accounts.register({ handle: "bob", password: "short", inviteCode: code }), 422);
    assert.equal(await usesOf(code), 0);
    await join("bob", code);
    assert.equal(await usesOf(code), 1);
  });

  test("two people racing for a single-use code: exactly one gets in", async () => {
    const { code } = await ctx.services.invites.create(null);
    const results = await Promise.allSettled([join("alice", code), join("bob", code), join("carol", code)]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.equal(await rowCount(ctx, "accounts"), 1);
    assert.equal(await usesOf(code), 1);
  });

  test("who used a code is never recorded", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const { code } = await ctx.services.invites.create(mod.viewer, { maxUses: 2 });
    const alice = await join("alice", code);
    const rows = await ctx.store.db.selectFrom("invites").selectAll().execute();
    assert.equal(rows.length, 1);
    const row = rows[0] as (typeof rows)[number];
    assert.deepEqual(Object.keys(row).sort(), ["code", "created_by", "created_day", "expires_day", "max_uses", "uses"]);
    assert.equal(row.created_by, mod.account.id);
    assert.ok(!Object.values(row).some((v) => String(v).includes(alice.id)));
  });
});
