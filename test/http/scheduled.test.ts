import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { HOUR } from "../../src/domain/clock.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { buildWeb, textOf, type WebHarness } from "../helpers/web.ts";

let ctx: TestContext;
let web: WebHarness;
before(async () => {
  ctx = await createTestContext({ clockStart: "2017-03-14T09:00:00.000Z" });
  web = await buildWeb(ctx);
});
after(async () => {
  await web.app.close();
  await ctx.destroy();
});

test("set a publishing delay; a post then waits, is listed, and can be cancelled", async () => {
  const alt = web.client();
  await alt.signUp("ALT_USCIS");
  const page = await alt.get("/scheduled");
  assert.equal(page.statusCode, 200);
  assert.match(textOf(page.body), /No posts are waiting/);
  assert.equal((await alt.post("/settings/posting", { post_delay: "forever" })).statusCode, 422);
  const saved = await alt.post("/settings/posting", { post_delay: "1h" });
  assert.equal(saved.statusCode, 303);
  const posted = await alt.post("/statuses", {
    text: "Written during office hours",
    visibility: "public",
    idempotency: "d1",
  });
  assert.equal(posted.statusCode, 303);
  assert.match(String(posted.headers.location), /^\/scheduled\?notice=queued/);
  const again = await alt.post("/statuses", {
    text: "Written during office hours",
    visibility: "public",
    idempotency: "d1",
  });
  assert.equal(again.statusCode, 303);
  const list = await alt.get("/scheduled");
  const text = textOf(list.body);
  assert.match(text, /Written during office hours/);
  assert.equal(text.match(/Cancel this post/g)?.length, 1, "a double submission queues one post");
  assert.equal((await ctx.services.timelines.local(null)).length, 0);
  const id = /\/scheduled\/(\d+)\/cancel/.exec(list.body)?.[1];
  assert.ok(id);
  assert.equal((await alt.post(`/scheduled/${id}/cancel`)).statusCode, 303);
  assert.match(textOf((await alt.get("/scheduled")).body), /No posts are waiting/);
});

test("publish at: a UTC time on the compose form; too soon or malformed is a 422 with nothing queued", async () => {
  const bob = web.client();
  await bob.signUp("bob");
  const bad = await bob.post("/statuses", {
    text: "when?",
    visibility: "public",
    publish_at: "tomorrow",
    idempotency: "t1",
  });
  assert.equal(bad.statusCode, 422);
  assert.match(textOf(bad.body), /date and a time/);
  const soon = new Date(ctx.clock.now().getTime() + 60_000).toISOString().slice(0, 16);
  assert.equal(
    (await bob.post("/statuses", { text: "soon", visibility: "public", publish_at: soon, idempotency: "t2" }))
      .statusCode,
    422,
  );
  const at = new Date(ctx.clock.now().getTime() + 2 * HOUR).toISOString().slice(0, 16);
  const ok = await bob.post("/statuses", {
    text: "at eleven",
    visibility: "public",
    publish_at: at,
    idempotency: "t3",
  });
  assert.equal(ok.statusCode, 303);
  const bobAccount = await ctx.services.accounts.byHandle("bob");
  assert.ok(bobAccount);
  const queued = await ctx.services.scheduling.list({ accountId: bobAccount.id, roles: [] });
  assert.equal(queued.length, 1);
  assert.equal(queued[0]?.scheduledAt, `${at}:00.000Z`);
});

test("queuing a web reply to a followers-only post one cannot see: the missing-post answer (finding 14)", async () => {
  const author = web.client();
  await author.signUp("secret_author");
  const authorAccount = await ctx.services.accounts.byHandle("secret_author");
  assert.ok(authorAccount);
  const secret = await ctx.services.posting.create(
    { accountId: authorAccount.id, roles: [] },
    { text: "followers only", visibility: "private" },
  );
  const mallory = web.client();
  await mallory.signUp("mallory_web");
  const at = new Date(ctx.clock.now().getTime() + 2 * HOUR).toISOString().slice(0, 16);
  const queue = (inReplyTo: string, key: string) =>
    mallory.post("/statuses", {
      text: "a reply",
      visibility: "public",
      in_reply_to_id: inReplyTo,
      publish_at: at,
      idempotency: key,
    });
  const hidden = await queue(secret.id, "w1");
  const missing = await queue("123456789012345678", "w2");
  assert.equal(missing.statusCode, 422);
  assert.equal(hidden.statusCode, 422, "not queued (it was 303 before)");
  assert.equal(textOf(hidden.body), textOf(missing.body), "the same page as for a missing post");
  assert.match(textOf((await mallory.get("/scheduled")).body), /No posts are waiting/);
});
