// Both databases find the same words: inside links and address-like strings too.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.destroy());

test("a word inside a link or an address-like string is found, on SQLite and PostgreSQL alike", async () => {
  const alt = await person(ctx, "altUscis");
  const link = await ctx.services.posting.create(alt.viewer, {
    text: "Read https://example.com/inspector/report first",
  });
  const addr = await ctx.services.posting.create(alt.viewer, { text: "Write to bob@whistleblower.example" });
  const ids = async (q: string) => (await ctx.services.search.statuses(null, q)).map((s) => s.id);
  assert.deepEqual(await ids("report"), [link.id]);
  assert.deepEqual(await ids("inspector report"), [link.id]);
  assert.deepEqual(await ids("whistleblower"), [addr.id]);
  assert.deepEqual(await ids("example.com/inspector"), [link.id]);
  assert.deepEqual(await ids("nothing"), []);
});
