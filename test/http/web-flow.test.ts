import assert from "node:assert/strict";
import { after, before, test } from "node:test";
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

test("two people sign up, follow, post, reply, like and see it all in their timelines and notifications", async () => {
  const alt = web.client();
  const alice = web.client();
  let res = await alt.signUp("ALT_USCIS");
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, "/home");
  res = await alice.signUp("alice");
  assert.equal(res.statusCode, 303);

  const altAccount = await ctx.services.accounts.byHandle("ALT_USCIS");
  assert.ok(altAccount);
  res = await alice.post(`/accounts/${altAccount.id}/follow`, { back: "/@ALT_USCIS" });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, "/@ALT_USCIS");

  res = await alt.post("/statuses", {
    text: "Hello @alice, see #Resist <b>now</b>",
    visibility: "public",
    idempotency: "k1",
  });
  assert.equal(res.statusCode, 303);
  const permalink = String(res.headers.location).split("?")[0] as string;
  assert.match(permalink, /^\/@ALT_USCIS\/\d{18}$/);

  res = await alice.get("/home");
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Hello/);
  assert.match(res.body, /&lt;b&gt;now&lt;\/b&gt;/);
  assert.doesNotMatch(res.body, /<b>now<\/b>/);

  res = await alice.get("/notifications");
  assert.match(textOf(res.body), /ALT_USCIS mentioned you/);

  const id = permalink.split("/").pop() as string;
  res = await alice.post(`/statuses/${id}/favourite`, { back: "/home" });
  assert.equal(res.statusCode, 303);
  res = await alice.post("/statuses", {
    text: "@ALT_USCIS thank you",
    in_reply_to_id: id,
    visibility: "public",
    idempotency: "k2",
  });
  assert.equal(res.statusCode, 303);

  res = await alt.get(permalink);
  assert.equal(res.statusCode, 200);
  assert.match(textOf(res.body), /thank you/);
  assert.match(textOf(res.body), /1 like/);
  res = await alt.get("/notifications");
  const text = textOf(res.body);
  assert.match(text, /alice followed you/);
  assert.match(text, /alice liked your post/);
  assert.match(text, /alice mentioned you/);
});

test("a form without the CSRF token is refused and writes nothing", async () => {
  const bob = web.client();
  await bob.signUp("bob");
  const before = await ctx.store.db
    .selectFrom("statuses")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  const res = await bob.post("/statuses", { text: "forged", visibility: "public" }, { csrf: "x".repeat(43) });
  assert.equal(res.statusCode, 403);
  const after = await ctx.store.db
    .selectFrom("statuses")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));
});

test("the request log holds method, route pattern, status and duration only", async () => {
  const log = web.log.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(log.length > 5);
  for (const entry of log) {
    assert.deepEqual(Object.keys(entry).sort(), ["level", "method", "ms", "route", "status"]);
  }
  assert.ok(log.some((e) => e.route === "/@:handle/:id"));
});
