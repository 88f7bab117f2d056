import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { beforeEach, describe, test } from "node:test";
import { DAY } from "../../src/domain/clock.ts";
import { PubliusError } from "../../src/domain/errors.ts";
import { SESSION_DAYS } from "../../src/services/accounts/sessions.ts";
import { PASSWORD, person } from "../fixtures/accounts.ts";
import type { TestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";

let ctx: TestContext;
const fresh = freshContexts();
beforeEach(async () => {
  ctx = await fresh();
});

describe("signing in and out", () => {
  test("a right handle and password give a token that resolves to the account", async () => {
    const alt = await person(ctx, "altUscis");
    const { token, account } = await ctx.services.sessions.signIn("ALT_USCIS", PASSWORD);
    assert.equal(account.id, alt.account.id);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/, "32 random bytes, base64url");
    const signedIn = await ctx.services.sessions.resolve(token);
    assert.equal(signedIn?.account.id, alt.account.id);
    assert.deepEqual(signedIn?.viewer, { accountId: alt.account.id, roles: [] });
  });

  test("the handle is matched without regard to case or surrounding spaces", async () => {
    const alt = await person(ctx, "altUscis");
    const { account } = await ctx.services.sessions.signIn("  alt_uscis ", PASSWORD);
    assert.equal(account.id, alt.account.id);
  });

  test("each sign-in makes its own session with its own token", async () => {
    await person(ctx, "alice");
    const a = await ctx.services.sessions.signIn("alice", PASSWORD);
    const b = await ctx.services.sessions.signIn("alice", PASSWORD);
    assert.notEqual(a.token, b.token);
    assert.notEqual(
      (await ctx.services.sessions.resolve(a.token))?.sessionId,
      (await ctx.services.sessions.resolve(b.token))?.sessionId,
    );
    assert.equal(await rowCount(ctx, "sessions"), 2);
  });

  test("a wrong password and an unknown handle get the same 401 answer", async () => {
    await person(ctx, "alice");
    const wrong = await rejectsWith(ctx.services.sessions.signIn("alice", "not the password"), 401);
    const unknown = await rejectsWith(ctx.services.sessions.signIn("nobody_here", PASSWORD), 401);
    assert.equal(wrong.publicMessage, unknown.publicMessage);
    assert.equal(wrong.publicMessage, "That handle and password do not match.");
    assert.equal(await rowCount(ctx, "sessions"), 0);
  });

  test("signing out ends that session only", async () => {
    await person(ctx, "alice");
    const phone = await ctx.services.sessions.signIn("alice", PASSWORD);
    const laptop = await ctx.services.sessions.signIn("alice", PASSWORD);
    await ctx.services.sessions.signOut(phone.token);
    assert.equal(await ctx.services.sessions.resolve(phone.token), undefined);
    assert.ok(await ctx.services.sessions.resolve(laptop.token));
    await ctx.services.sessions.signOut(undefined);
    await ctx.services.sessions.signOut("not a token");
    assert.equal(await rowCount(ctx, "sessions"), 1);
  });

  test("missing, unknown and absurdly long tokens resolve to nobody", async () => {
    const alice = await person(ctx, "alice");
    const { token } = await ctx.services.sessions.signIn("alice", PASSWORD);
    assert.equal(await ctx.services.sessions.resolve(undefined), undefined);
    assert.equal(await ctx.services.sessions.resolve(""), undefined);
    assert.equal(await ctx.services.sessions.resolve(`${token}x`), undefined);
    assert.equal(await ctx.services.sessions.resolve("x".repeat(10_000)), undefined);
    // The stored hash is not itself a token.
    const row = await ctx.store.db
      .selectFrom("sessions")
      .select("token_hash")
      .where("account_id", "=", alice.account.id)
      .executeTakeFirstOrThrow();
    assert.equal(await ctx.services.sessions.resolve(row.token_hash), undefined);
  });

  test("staff roles come with the resolved session", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator", "legal"] });
    const { token } = await ctx.services.sessions.signIn("mod_mia", PASSWORD);
    const signedIn = await ctx.services.sessions.resolve(token);
    assert.deepEqual(signedIn?.viewer, { accountId: mod.account.id, roles: ["legal", "moderator"] });
  });
});

describe("what is stored", () => {
  test("only the token's SHA-256, the account and two days: nothing that could identify the client", async () => {
    ctx.clock.set("2026-03-14T23:59:59.000Z");
    const alice = await person(ctx, "alice");
    const { token } = await ctx.services.sessions.signIn("alice", PASSWORD);
    const rows = await ctx.store.db.selectFrom("sessions").selectAll().execute();
    assert.equal(rows.length, 1);
    const row = rows[0] as (typeof rows)[number];
    assert.deepEqual(Object.keys(row).sort(), ["account_id", "created_day", "expires_day", "id", "token_hash"]);
    assert.equal(row.token_hash, createHash("sha256").update(token).digest("hex"));
    assert.equal(row.account_id, alice.account.id);
    assert.equal(row.created_day, "2026-03-14");
    assert.equal(row.expires_day, "2026-04-13");
    for (const value of Object.values(row)) assert.ok(!String(value).includes(token), "the raw token is stored");
  });
});

describe("listing and revoking sessions", () => {
  test("lists one's own sessions, marking the current one, with their days", async () => {
    const alice = await person(ctx, "alice");
    const bob = await person(ctx, "bob");
    const first = await ctx.services.sessions.signIn("alice", PASSWORD);
    ctx.clock.advance(2 * DAY);
    const second = await ctx.services.sessions.signIn("alice", PASSWORD);
    await ctx.services.sessions.signIn("bob", PASSWORD);
    const current = await ctx.services.sessions.resolve(second.token);
    const list = await ctx.services.sessions.list(alice.viewer, current?.sessionId);
    assert.equal(list.length, 2);
    assert.deepEqual(
      list.map((s) => [s.createdDay, s.expiresDay, s.current]),
      [
        ["2026-03-16", "2026-04-15", true],
        ["2026-03-14", "2026-04-13", false],
      ],
    );
    const firstId = (await ctx.services.sessions.resolve(first.token))?.sessionId;
    assert.equal(list[1]?.id, firstId);
    assert.equal((await ctx.services.sessions.list(bob.viewer)).length, 1);
  });

  test("revoking one's own session ends it", async () => {
    const alice = await person(ctx, "alice");
    const { token } = await ctx.services.sessions.signIn("alice", PASSWORD);
    const sessionId = (await ctx.services.sessions.resolve(token))?.sessionId as string;
    await ctx.services.sessions.revoke(alice.viewer, sessionId);
    assert.equal(await ctx.services.sessions.resolve(token), undefined);
    await rejectsWith(ctx.services.sessions.revoke(alice.viewer, sessionId), 404, /No such session/);
  });

  test("nobody can revoke another person's session", async () => {
    await person(ctx, "alice");
    const bob = await person(ctx, "bob");
    const { token } = await ctx.services.sessions.signIn("alice", PASSWORD);
    const sessionId = (await ctx.services.sessions.resolve(token))?.sessionId as string;
    await rejectsWith(ctx.services.sessions.revoke(bob.viewer, sessionId), 404);
    assert.ok(await ctx.services.sessions.resolve(token), "Alice's session survives");
  });
});

describe("expiry", () => {
  test(`a session lasts ${SESSION_DAYS} days and no longer`, async () => {
    assert.equal(SESSION_DAYS, 30);
    await person(ctx, "alice");
    const { token } = await ctx.services.sessions.signIn("alice", PASSWORD);
    ctx.clock.advance(29 * DAY);
    assert.ok(await ctx.services.sessions.resolve(token), "still valid after 29 days");
    ctx.clock.advance(2 * DAY);
    assert.equal(await ctx.services.sessions.resolve(token), undefined, "expired after 31 days");
  });

  test("expired sessions are purged; live ones are kept", async () => {
    await person(ctx, "alice");
    const old = await ctx.services.sessions.signIn("alice", PASSWORD);
    ctx.clock.advance(20 * DAY);
    const recent = await ctx.services.sessions.signIn("alice", PASSWORD);
    ctx.clock.advance(11 * DAY);
    assert.equal(await ctx.services.sessions.purgeExpired(), 1);
    assert.equal(await ctx.services.sessions.resolve(old.token), undefined);
    assert.ok(await ctx.services.sessions.resolve(recent.token));
    assert.equal(await rowCount(ctx, "sessions"), 1);
  });
});

describe("suspended accounts", () => {
  test("cannot sign in, and their sessions stop resolving at once", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const alice = await person(ctx, "alice");
    const { token } = await ctx.services.sessions.signIn("alice", PASSWORD);
    await ctx.services.moderation.suspend(mod.viewer, alice.account.id, "ban evasion");
    assert.equal(await ctx.services.sessions.resolve(token), undefined);
    assert.equal(await rowCount(ctx, "sessions", { account_id: alice.account.id }), 0);
    const error = await rejectsWith(ctx.services.sessions.signIn("alice", PASSWORD), 403, /suspended/);
    assert.ok(error instanceof PubliusError);
  });

  test("a session made for a suspended account does not resolve either", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const alice = await person(ctx, "alice");
    await ctx.services.moderation.suspend(mod.viewer, alice.account.id, "ban evasion");
    const token = await ctx.services.sessions.create(alice.account.id);
    assert.equal(await ctx.services.sessions.resolve(token), undefined);
  });

  test("a wrong password does not reveal that an account is suspended", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const alice = await person(ctx, "alice");
    await ctx.services.moderation.suspend(mod.viewer, alice.account.id, "ban evasion");
    await rejectsWith(ctx.services.sessions.signIn("alice", "not the password"), 401, /do not match/);
  });

  test("after unsuspension the account can sign in again", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const alice = await person(ctx, "alice");
    await ctx.services.moderation.suspend(mod.viewer, alice.account.id, "mistake");
    await ctx.services.moderation.unsuspend(mod.viewer, alice.account.id, "it was a mistake");
    const { token } = await ctx.services.sessions.signIn("alice", PASSWORD);
    assert.equal((await ctx.services.sessions.resolve(token))?.account.id, alice.account.id);
  });
});
