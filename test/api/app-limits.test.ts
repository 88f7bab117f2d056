// Issue 9, finding 9 (b, c): app-only tokens no longer each get a 300-request bucket, token minting
// and app registration are limited, and unused apps expire.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DAY } from "../../src/domain/clock.ts";
import { API_LIMIT } from "../../src/http/mastodon/plugin.ts";
import { APP_REGISTRATION_LIMIT } from "../../src/http/rate-limit.ts";
import { APP_IDLE_DAYS, MAX_APP_TOKENS } from "../../src/services/oauth/oauth.ts";
import { formBody, registerTestApp, useApiSite, userToken } from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";

function remaining(res: { headers: Record<string, unknown> }): number {
  return Number(res.headers["x-ratelimit-remaining"]);
}

describe("API buckets and app limits (finding 9b)", () => {
  const site = useApiSite();
  const instance = (token: string, remoteAddress = "192.0.2.1") =>
    site.app.inject({
      method: "GET",
      url: "/api/v1/instance",
      remoteAddress,
      headers: { authorization: `Bearer ${token}` },
    });
  const mint = (app: { clientId: string; clientSecret: string }) =>
    site.app.inject({
      method: "POST",
      url: "/oauth/token",
      ...formBody({
        grant_type: "client_credentials",
        client_id: app.clientId,
        client_secret: app.clientSecret,
        scope: "read",
      }),
    });

  test("every client_credentials token of one app counts against the app's one bucket", async () => {
    const app = await registerTestApp(site.ctx);
    const first = (await mint(app)).json().access_token as string;
    const second = (await mint(app)).json().access_token as string;
    assert.notEqual(first, second);
    assert.equal(remaining(await instance(first)), API_LIMIT.max - 1);
    assert.equal(remaining(await instance(second, "192.0.2.2")), API_LIMIT.max - 2, "the same bucket, any address");
    // Another app's token has a bucket of its own.
    const other = (await mint(await registerTestApp(site.ctx))).json().access_token as string;
    assert.equal(remaining(await instance(other)), API_LIMIT.max - 1);
  });

  test("a user's tokens, through any app, share the account's bucket", async () => {
    const alice = await site.user("alice");
    const viaOther = await userToken(site.ctx, alice.account.id, { app: await registerTestApp(site.ctx) });
    const a = remaining(await instance(alice.token));
    const b = remaining(await instance(viaOther));
    assert.equal(b, a - 1);
  });

  test(`an app holds at most ${MAX_APP_TOKENS} app tokens: more is 429 until one is revoked`, async () => {
    const app = await registerTestApp(site.ctx);
    const tokens: string[] = [];
    for (let i = 0; i < MAX_APP_TOKENS; i++) {
      const res = await mint(app);
      assert.equal(res.statusCode, 200, res.body);
      tokens.push(res.json().access_token);
    }
    const refused = await mint(app);
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json().error_description, /reuse one, or revoke one/);
    assert.equal(await rowCount(site.ctx, "oauth_tokens"), MAX_APP_TOKENS);
    const revoked = await site.app.inject({
      method: "POST",
      url: "/oauth/revoke",
      ...formBody({ client_id: app.clientId, client_secret: app.clientSecret, token: tokens[0] as string }),
    });
    assert.equal(revoked.statusCode, 200);
    assert.equal((await mint(app)).statusCode, 200);
  });

  test("app registrations are limited per address", async () => {
    const register = (remoteAddress: string) =>
      site.app.inject({
        method: "POST",
        url: "/api/v1/apps",
        remoteAddress,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ client_name: "Spam", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" }),
      });
    for (let i = 0; i < APP_REGISTRATION_LIMIT.max; i++) assert.equal((await register("192.0.2.50")).statusCode, 200);
    const over = await register("192.0.2.50");
    assert.equal(over.statusCode, 429);
    assert.ok(Number(over.headers["retry-after"]) > 0);
    assert.equal((await register("192.0.2.51")).statusCode, 200, "another address is not concerned");
  });
});

describe("unused apps expire (finding 9c)", () => {
  const site = useApiSite();

  test(`an app with no token and no code, unused for ${APP_IDLE_DAYS} days, is deleted; others stay`, async () => {
    const alice = await site.user("alice");
    await registerTestApp(site.ctx, { name: "Idle" });
    const withToken = await registerTestApp(site.ctx, { name: "Has a token" });
    await userToken(site.ctx, alice.account.id, { app: withToken });
    const recentlyUsed = await registerTestApp(site.ctx, { name: "Used lately" });
    assert.equal(await site.ctx.services.oauth.expireUnusedApps(), 0, "nothing is idle yet");

    site.ctx.clock.advance((APP_IDLE_DAYS - 3) * DAY);
    // Used 3 days before the cut: a token, then revoked (no token left, but recently used).
    const t = await site.ctx.services.oauth.issue(recentlyUsed.id, null, ["read"]);
    await site.ctx.store.db.deleteFrom("oauth_tokens").where("id", "=", t.record.id).execute();

    site.ctx.clock.advance(3 * DAY + 1000);
    assert.equal(await site.ctx.services.oauth.expireUnusedApps(), 1);
    const left = await site.ctx.store.db.selectFrom("oauth_apps").select("name").orderBy("name").execute();
    assert.deepEqual(
      left.map((r) => r.name),
      ["Has a token", "Test client", "Used lately"],
      "the idle app is gone (Test client holds the fixture users' tokens)",
    );

    site.ctx.clock.advance(APP_IDLE_DAYS * DAY);
    assert.equal(await site.ctx.services.oauth.expireUnusedApps(), 1, "then the one used lately, in its turn");
    // The app's expiry is kept as a day only.
    const days = await site.ctx.store.db.selectFrom("oauth_apps").select("expires_day").execute();
    for (const d of days) assert.match(d.expires_day, /^\d{4}-\d{2}-\d{2}$/);
  });
});
