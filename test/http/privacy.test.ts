import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CATEGORIES, DATA_INVENTORY } from "../../src/domain/data-inventory.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { buildWeb, textOf, type WebHarness } from "../helpers/web.ts";

let ctx: TestContext;
let web: WebHarness;
before(async () => {
  ctx = await createTestContext();
  web = await buildWeb(ctx);
});
after(async () => {
  await web.app.close();
  await ctx.destroy();
});

test("the privacy policy is generated from the data inventory", async () => {
  const res = await web.client().get("/privacy");
  assert.equal(res.statusCode, 200);
  const text = textOf(res.body);
  for (const c of CATEGORIES.filter((c) => !c.notCollected)) assert.ok(text.includes(c.title), c.title);
  for (const t of DATA_INVENTORY) {
    for (const [column, info] of Object.entries(t.columns)) {
      if (info.category !== "none") assert.ok(text.includes(`${t.table}.${column}`), `${t.table}.${column}`);
    }
  }
  assert.match(text, /No IP address/);
});

test("what we hold about you: a page and JSON, for the signed-in account only", async () => {
  const anon = web.client();
  const redirect = await anon.get("/settings/privacy");
  assert.equal(redirect.statusCode, 303);
  assert.match(String(redirect.headers.location), /^\/signin\?next=/);

  const alt = web.client();
  await alt.signUp("ALT_USCIS");
  await alt.post("/statuses", { text: "Followers only, please", visibility: "private", idempotency: "p1" });
  const page = await alt.get("/settings/privacy");
  assert.equal(page.statusCode, 200);
  const text = textOf(page.body);
  assert.match(text, /Contact data: Not collected by design/);
  assert.match(text, /Network data: Not collected by design/);
  assert.match(text, /Non-public content: Held \(1\)/);
  const json = await alt.get("/settings/privacy.json");
  assert.equal(json.statusCode, 200);
  const body = JSON.parse(json.body) as { account: { handle: string }; categories: { id: string; state: string }[] };
  assert.equal(body.account.handle, "ALT_USCIS");
  assert.equal(body.categories.find((c) => c.id === "network")?.state, "not_collected");
  assert.equal(body.categories.find((c) => c.id === "nonpublic_content")?.state, "held");
});
