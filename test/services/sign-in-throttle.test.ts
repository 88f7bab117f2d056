import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { PubliusError } from "../../src/domain/errors.ts";
import { FREE_FAILURES } from "../../src/services/accounts/sign-in-throttle.ts";
import { PASSWORD, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.destroy());

test("failed sign-ins slow down the account, whatever address they come from, and success resets", async () => {
  await person(ctx, "altUscis");
  const { sessions } = ctx.services;
  for (let i = 0; i < FREE_FAILURES; i++) {
    await assert.rejects(sessions.signIn("ALT_USCIS", "wrong password!"), (e: PubliusError) => e.status === 401);
  }
  // Now even the right password waits: the attacker cannot keep guessing at full speed.
  await assert.rejects(sessions.signIn("ALT_USCIS", PASSWORD), (e: PubliusError) => {
    assert.equal(e.status, 429);
    assert.match(e.publicMessage, /Too many failed sign-ins for this account\. Try again in 1 minute\./);
    return true;
  });
  ctx.clock.advance(31_000);
  await assert.rejects(sessions.signIn("ALT_USCIS", "still wrong!!"), (e: PubliusError) => e.status === 401);
  // The wait doubles.
  await assert.rejects(sessions.signIn("ALT_USCIS", PASSWORD), (e: PubliusError) => e.status === 429);
  ctx.clock.advance(61_000);
  const ok = await sessions.signIn("ALT_USCIS", PASSWORD);
  assert.equal(ok.account.handle, "ALT_USCIS");
  await assert.rejects(sessions.signIn("ALT_USCIS", "wrong again!!"), (e: PubliusError) => e.status === 401);
  const again = await sessions.signIn("ALT_USCIS", PASSWORD);
  assert.equal(again.account.handle, "ALT_USCIS");
});

test("another account is not slowed by someone else's failures", async () => {
  await person(ctx, "alice");
  for (let i = 0; i < FREE_FAILURES + 2; i++) {
    await sessions()
      .signIn("ALT_USCIS", "nope nope nope")
      .catch(() => undefined);
  }
  const ok = await sessions().signIn("alice", PASSWORD);
  assert.equal(ok.account.handle, "alice");
});

function sessions() {
  return ctx.services.sessions;
}
