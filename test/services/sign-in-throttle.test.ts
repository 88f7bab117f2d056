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

/** What a sign-in answers: the status and the public text, or "ok". */
async function answer(handle: string, password: string): Promise<string> {
  try {
    await sessions().signIn(handle, password);
    return "ok";
  } catch (e) {
    const err = e as PubliusError;
    return `${err.status} ${err.publicMessage}`;
  }
}

test("wrong passwords slow down per handle, but the right password always gets in (finding 9.8)", async () => {
  await person(ctx, "altUscis");
  for (let i = 0; i < FREE_FAILURES; i++) {
    assert.match(await answer("ALT_USCIS", "wrong password!"), /^401 /);
  }
  // Further wrong guesses are refused until a wait: the attacker cannot keep guessing at full speed.
  assert.equal(
    await answer("ALT_USCIS", "wrong again!!"),
    "429 Too many failed sign-ins with this handle. Try again in 1 minute.",
  );
  for (let i = 0; i < 50; i++) assert.match(await answer("ALT_USCIS", `guess ${i}!!`), /^429 /);
  // ... and yet the owner, with the right password, is let in at once.
  assert.equal(await answer("ALT_USCIS", PASSWORD), "ok");
  // Success resets the count.
  assert.match(await answer("ALT_USCIS", "wrong again!!"), /^401 /);
});

test("the wait doubles for wrong guesses and ends", async () => {
  await person(ctx, "alice");
  for (let i = 0; i < FREE_FAILURES; i++) await answer("alice", "nope nope nope");
  assert.match(await answer("alice", "nope nope nope"), /^429 /);
  ctx.clock.advance(31_000);
  assert.match(await answer("alice", "nope nope nope"), /^401 /);
  assert.match(await answer("alice", "nope nope nope"), /^429 /);
  ctx.clock.advance(31_000);
  assert.match(await answer("alice", "nope nope nope"), /^429 /, "the second wait is longer");
  ctx.clock.advance(31_000);
  assert.match(await answer("alice", "nope nope nope"), /^401 /);
});

test("an unknown handle gets exactly the answers a real account gets (no existence oracle)", async () => {
  await person(ctx, "dave");
  const real: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < FREE_FAILURES + 4; i++) {
    real.push(await answer("dave", "not the password"));
    unknown.push(await answer("nobody_here_at_all", "not the password"));
  }
  assert.deepEqual(unknown, real);
  assert.ok(
    real.some((a) => a.startsWith("429")),
    "both are slowed down",
  );
});

test("another account is not slowed by someone else's failures", async () => {
  await person(ctx, "carol");
  for (let i = 0; i < FREE_FAILURES + 2; i++) await answer("ALT_USCIS", "nope nope nope");
  assert.equal(await answer("carol", PASSWORD), "ok");
});

function sessions() {
  return ctx.services.sessions;
}
