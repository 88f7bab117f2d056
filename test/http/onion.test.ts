// A request that arrives on the onion host gets every absolute URL on the onion origin.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { person } from "../fixtures/accounts.ts";
import { apiClient, userToken } from "../helpers/api.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { buildWeb, type WebHarness } from "../helpers/web.ts";

const ONION = "http://publiusexample2vx3h4n6k4wplx7jzq5lhcl7eqv5hfgvupw3xqbo5uxyd.onion";
let ctx: TestContext;
let web: WebHarness;
before(async () => {
  ctx = await createTestContext({ env: { PUBLIUS_ONION_URL: ONION } });
  web = await buildWeb(ctx);
});
after(async () => {
  await web.app.close();
  await ctx.destroy();
});

test("pages on the public host offer the onion address; pages on the onion host never name the public one", async () => {
  const alt = await person(ctx, "altUscis");
  const post = await ctx.services.posting.create(alt.viewer, {
    text: "Hello @ALT_USCIS #resist https://publius.test.evil.example/x",
  });
  const onionHost = new URL(ONION).host;

  const clear = await web.app.inject({ method: "GET", url: `/@ALT_USCIS/${post.id}` });
  assert.equal(clear.headers["onion-location"], `${ONION}/@ALT_USCIS/${post.id}`);

  const page = await web.app.inject({ method: "GET", url: `/@ALT_USCIS/${post.id}`, headers: { host: onionHost } });
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers["onion-location"], undefined);
  assert.doesNotMatch(page.body, /http:\/\/publius\.test(?=[/"'])/);
  // A user's link to some other host that merely starts with the same letters is left alone.
  assert.match(page.body, /https:\/\/publius\.test\.evil\.example\/x/);

  const token = await userToken(ctx, alt.account.id);
  const api = await web.app.inject({
    method: "GET",
    url: `/api/v1/statuses/${post.id}`,
    headers: { host: onionHost, authorization: `Bearer ${token}` },
  });
  assert.equal(api.statusCode, 200);
  const json = api.json() as { url: string; account: { avatar: string; url: string }; tags: { url: string }[] };
  assert.equal(json.url, `${ONION}/@ALT_USCIS/${post.id}`);
  assert.ok(json.account.avatar.startsWith(`${ONION}/`));
  assert.ok(json.tags[0]?.url.startsWith(`${ONION}/tags/`));
  assert.doesNotMatch(api.body, /http:\/\/publius\.test(?=[/"])/);

  const timeline = await web.app.inject({
    method: "GET",
    url: "/api/v1/timelines/public?limit=1",
    headers: { host: onionHost },
  });
  assert.match(String(timeline.headers.link), new RegExp(`^<${ONION.replace(/\./g, "\\.")}/api/v1/timelines/public`));
  void apiClient;
});

test("a redirect on the onion host stays on the onion host", async () => {
  const res = await web.app.inject({ method: "GET", url: "/home", headers: { host: new URL(ONION).host } });
  assert.equal(res.statusCode, 303);
  assert.ok(!String(res.headers.location).includes("publius.test"));
});
