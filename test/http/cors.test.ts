// CORS as Mastodon grants it: every origin may call the API, OAuth's token endpoints and the
// discovery documents with a bearer token (never with credentials); the cookie-authenticated pages
// and forms carry no CORS header and answer no preflight; public images load cross-origin.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isCorsPath } from "../../src/http/cors.ts";
import { useApiSite } from "../helpers/api.ts";
import { type Member, useSite } from "../helpers/web.ts";

const ORIGIN = "https://elk.example";

describe("CORS", () => {
  const site = useApiSite();

  test("the open paths are the API, OAuth's token and revoke endpoints and the discovery documents", () => {
    for (const p of [
      "/api/v1/instance",
      "/api/v2/media",
      "/oauth/token",
      "/oauth/revoke",
      "/.well-known/nodeinfo",
      "/nodeinfo/2.0",
      "/api/v1/timelines/home?max_id=1",
    ]) {
      assert.ok(isCorsPath(p), p);
    }
    for (const p of [
      "/",
      "/home",
      "/oauth/authorize",
      "/signin",
      "/settings",
      "/@alice",
      "/apis",
      "/oauth/tokenx",
      "/staff",
    ]) {
      assert.ok(!isCorsPath(p), p);
    }
  });

  test("an API call from another origin is readable, without credentials, with paging and limits exposed", async () => {
    const alice = await site.user("alice");
    const res = await alice.api.get("/api/v1/timelines/home", { headers: { origin: ORIGIN } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["access-control-allow-origin"], "*");
    assert.equal(res.headers["access-control-allow-credentials"], undefined);
    const exposed = String(res.headers["access-control-expose-headers"]).toLowerCase().split(/,\s*/);
    for (const h of ["link", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-request-id"]) {
      assert.ok(exposed.includes(h), `${h} is exposed`);
    }
  });

  test("errors carry the header too, so a client can read why (401, 404)", async () => {
    const bad = await site.anonymous.get("/api/v1/accounts/verify_credentials", { headers: { origin: ORIGIN } });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.headers["access-control-allow-origin"], "*");
    const missing = await site.anonymous.get("/api/v1/nothing-here", { headers: { origin: ORIGIN } });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers["access-control-allow-origin"], "*");
  });

  test("a preflight is answered 204 with the methods and the headers the client asks for", async () => {
    for (const url of [
      "/api/v1/statuses",
      "/oauth/token",
      "/oauth/revoke",
      "/api/v2/media",
      "/.well-known/webfinger",
    ]) {
      const res = await site.app.inject({
        method: "OPTIONS",
        url,
        headers: {
          origin: ORIGIN,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type, idempotency-key",
        },
      });
      assert.equal(res.statusCode, 204, url);
      assert.equal(res.headers["access-control-allow-origin"], "*", url);
      assert.match(String(res.headers["access-control-allow-methods"]), /POST/);
      assert.match(String(res.headers["access-control-allow-methods"]), /PATCH/);
      assert.match(String(res.headers["access-control-allow-methods"]), /DELETE/);
      assert.equal(res.headers["access-control-allow-headers"], "authorization, content-type, idempotency-key");
      assert.equal(res.headers["access-control-allow-credentials"], undefined);
    }
  });

  test("the web pages and forms carry no CORS header and answer no preflight", async () => {
    for (const url of ["/", "/home", "/signin", "/oauth/authorize", "/settings", "/compose"]) {
      const res = await site.app.inject({ method: "GET", url, headers: { origin: ORIGIN } });
      assert.equal(res.headers["access-control-allow-origin"], undefined, url);
      const pre = await site.app.inject({
        method: "OPTIONS",
        url,
        headers: { origin: ORIGIN, "access-control-request-method": "POST" },
      });
      assert.equal(pre.statusCode, 404, url);
      assert.equal(pre.headers["access-control-allow-origin"], undefined, url);
      assert.equal(pre.headers["access-control-allow-methods"], undefined, url);
    }
    const form = await site.app.inject({ method: "POST", url: "/signin", headers: { origin: ORIGIN }, payload: {} });
    assert.equal(form.headers["access-control-allow-origin"], undefined);
  });

  test("the default avatar and header load cross-origin; the style sheet stays same-origin", async () => {
    for (const url of ["/static/avatar.png", "/static/header.png"]) {
      const res = await site.app.inject({ method: "GET", url });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers["cross-origin-resource-policy"], "cross-origin", url);
    }
    const css = await site.app.inject({ method: "GET", url: "/static/publius.css" });
    assert.equal(css.headers["cross-origin-resource-policy"], "same-origin");
    const page = await site.app.inject({ method: "GET", url: "/" });
    assert.equal(page.headers["cross-origin-resource-policy"], "same-origin");
  });
});

describe("web forms refuse other origins, even with a matching CSRF cookie (issue 9, finding 19)", () => {
  const site = useSite();

  const compose = (alice: Member, headers: Record<string, string>) =>
    alice.client.send(
      "POST",
      "/statuses",
      new URLSearchParams({ csrf: alice.client.csrf, text: "hello", visibility: "public" }).toString(),
      { "content-type": "application/x-www-form-urlencoded", ...headers },
    );

  test("Sec-Fetch-Site other than same-origin, or a foreign Origin → 403; nothing is posted", async () => {
    const alice = await site.member("alice");
    for (const headers of [
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "cross-site" },
      { origin: "http://publius.test:8081" },
      { origin: "https://elsewhere.example", "sec-fetch-site": "cross-site" },
    ]) {
      const res = await compose(alice, headers);
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.match(res.body, /did not come from this site/);
    }
    assert.equal((await site.ctx.store.db.selectFrom("statuses").select("id").execute()).length, 0);
  });

  test("this site's own pages pass: same-origin, its Origin, or Origin null (our no-referrer policy)", async () => {
    const alice = await site.member("alice");
    const origin = site.ctx.config.publicUrl;
    for (const headers of [{ "sec-fetch-site": "same-origin", origin }, { origin: "null" }, {}]) {
      const res = await compose(alice, headers);
      assert.equal(res.statusCode, 303, `${JSON.stringify(headers)}: ${res.body.slice(0, 200)}`);
    }
  });
});
