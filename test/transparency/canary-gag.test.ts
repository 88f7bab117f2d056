// The canary's "no order forbids us" sentence is Publius's own: present while no non-disclosure
// order is in force, dropped — never negated — while one is, and back once it has ended.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { NO_GAG_STATEMENT } from "../../src/services/legal/canary.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { addDemand, legalStaff } from "../legal/helpers.ts";

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ clockStart: "2026-03-01T09:00:00.000Z" });
});
after(() => ctx.destroy());

test("the no-gag sentence follows the non-disclosure orders in force", async () => {
  const counsel = await legalStaff(ctx, "counsel");
  const first = await ctx.services.legal.canary.sign(counsel.actor, {});
  assert.ok(first.canary.statements.includes(NO_GAG_STATEMENT), "no order yet: the sentence is there");

  await addDemand(ctx, counsel.actor, "subpoenaWithOrder"); // an order ending 30 June 2026
  const gagged = await ctx.services.legal.canary.sign(counsel.actor, {});
  assert.ok(!gagged.canary.statements.includes(NO_GAG_STATEMENT), "while the order is in force it is dropped");
  assert.ok(
    gagged.canary.statements.every((s) => !/order forbids/i.test(s)),
    "and nothing says an order forbids anything",
  );

  ctx.clock.set("2026-07-01T09:00:00.000Z");
  const fresh = await legalStaff(ctx, "admin");
  const after = await ctx.services.legal.canary.sign(fresh.actor, {});
  assert.ok(after.canary.statements.includes(NO_GAG_STATEMENT), "after the order's end day it is back");
});
