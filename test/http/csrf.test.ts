// Issue 9, finding 19: the web forms' CSRF token is bound to the session (or to a pre-session cookie
// the server signed), rotated at sign-in, named __Host- on https, and a state-changing request the
// browser marks as coming from another site (or a sibling: another port of the same host) is refused.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { buildApp } from "../../src/app.ts";
import { createLogger } from "../../src/http/logging.ts";
import { registerTestApp } from "../helpers/api.ts";
import { createTestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { pageText } from "../helpers/pages.ts";
import { formToken, useSite } from "../helpers/web.ts";

const CALLBACK = "https://client.example/callback";

describe("CSRF: a planted cookie no longer forges a form (finding 19)", () => {
  const site = useSite();

  test("a same-site page plants publius_csrf and posts the same value as a signed-in person: 403, no post", async () => {
    const alice = await site.member("alice");
    const before = await rowCount(site.ctx, "statuses");
    // What the page next door can do: set the cookie for this host, and submit a form with its value.
    const planted = randomBytes(32).toString("base64url");
    alice.client.cookies.set("publius_csrf", planted);
    const res = await alice.client.post(
      "/statuses",
      { text: "Published by the page next door", visibility: "public", idempotency: "forged-1" },
      { csrf: planted },
    );
    assert.equal(res.statusCode, 403);
    assert.match(pageText(res, 403), /did not come from this site/);
    assert.equal(await rowCount(site.ctx, "statuses"), before, "nothing was published");
  });

  test("the same attack on the OAuth approval: 403, no code, no token", async () => {
    const alice = (await site.member("alice")).client;
    const app = await registerTestApp(site.ctx, { name: "Attacker", redirectUri: CALLBACK });
    const planted = randomBytes(32).toString("base64url");
    alice.cookies.set("publius_csrf", planted);
    const res = await alice.post(
      "/oauth/authorize",
      {
        response_type: "code",
        client_id: app.clientId,
        redirect_uri: CALLBACK,
        scope: "read write",
        decision: "approve",
      },
      { csrf: planted },
    );
    assert.equal(res.statusCode, 403);
    assert.equal(await rowCount(site.ctx, "oauth_codes"), 0);
    assert.equal(await rowCount(site.ctx, "oauth_tokens"), 0);
  });

  test("the token is not the cookie's value, differs per session and rotates at sign-in", async () => {
    const alice = await site.member("alice");
    const browser = site.web.client();
    const page = await browser.get("/signin");
    const anonymous = formToken(page);
    assert.ok(anonymous);
    const cookie = browser.cookies.get("publius_csrf") ?? "";
    assert.ok(cookie && !cookie.includes(anonymous), "the pre-session cookie does not give the token away");

    const signedIn = await browser.signIn(alice.account.handle);
    assert.equal(signedIn.statusCode, 303);
    assert.equal(browser.cookies.get("publius_csrf"), undefined, "signing in ends the pre-session cookie");
    const after = browser.csrf;
    assert.ok(after && after !== anonymous, "a new token with the new session");
    assert.notEqual(after, alice.client.csrf, "each session has a token of its own");

    // The anonymous token, or another session's, is refused for this session.
    for (const csrf of [anonymous, alice.client.csrf]) {
      const res = await browser.post("/statuses", { text: "no", visibility: "public", idempotency: csrf }, { csrf });
      assert.equal(res.statusCode, 403);
    }
    assert.equal(await rowCount(site.ctx, "statuses"), 0);
    const ok = await browser.post("/statuses", { text: "yes", visibility: "public", idempotency: "k" });
    assert.equal(ok.statusCode, 303);
  });

  test("anonymous forms: a pre-session cookie the server did not sign is refused (no login forgery)", async () => {
    await site.member("alice");
    const browser = site.web.client();
    await browser.get("/signin");
    const real = browser.cookies.get("publius_csrf") ?? "";
    const [nonce] = real.split(".");
    for (const cookie of [randomBytes(32).toString("base64url"), `${nonce}.${"A".repeat(43)}`]) {
      browser.cookies.set("publius_csrf", cookie);
      const res = await browser.post("/signin", { handle: "alice", password: "x" }, { csrf: cookie });
      assert.equal(res.statusCode, 403, cookie);
      assert.equal(browser.cookies.has("publius_session"), false);
    }
  });

  test("Sec-Fetch-Site: same-site and cross-site are refused with 403 even with the right token", async () => {
    const alice = await site.member("alice");
    for (const value of ["same-site", "cross-site"]) {
      const res = await alice.client.post(
        "/statuses",
        { text: `from a ${value} page`, visibility: "public", idempotency: value },
        { headers: { "sec-fetch-site": value } },
      );
      assert.equal(res.statusCode, 403, value);
      assert.match(pageText(res, 403), /did not come from this site/);
    }
    // The OAuth approval and the sign-out too (any web route, before the body is read).
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const consent = await alice.client.post(
      "/oauth/authorize",
      { response_type: "code", client_id: app.clientId, redirect_uri: CALLBACK, scope: "read", decision: "approve" },
      { headers: { "sec-fetch-site": "same-site" } },
    );
    assert.equal(consent.statusCode, 403);
    const signOut = await alice.client.post("/signout", {}, { headers: { "sec-fetch-site": "cross-site" } });
    assert.equal(signOut.statusCode, 403);
    assert.equal(await rowCount(site.ctx, "statuses"), 0);
    assert.equal(await rowCount(site.ctx, "oauth_codes"), 0);

    // The server's own forms (same-origin, with Origin: null under no-referrer), typed URLs (none)
    // and browsers that do not send the header all pass.
    for (const [i, headers] of [
      { "sec-fetch-site": "same-origin", origin: "null" },
      { "sec-fetch-site": "none" },
      {},
    ].entries()) {
      const res = await alice.client.post(
        "/statuses",
        { text: `fine ${i}`, visibility: "public", idempotency: `ok-${i}` },
        { headers },
      );
      assert.equal(res.statusCode, 303, JSON.stringify(headers));
    }
    // The API is not concerned: it authenticates with bearer tokens, not cookies.
    const api = await site.web.app.inject({
      method: "POST",
      url: "/api/v1/apps",
      headers: { "sec-fetch-site": "cross-site", "content-type": "application/json" },
      payload: JSON.stringify({ client_name: "x", redirect_uris: CALLBACK }),
    });
    assert.equal(api.statusCode, 200);
  });
});

describe("CSRF cookie on an https site (finding 19)", () => {
  test("named __Host-publius_csrf, Secure, Path=/, no Domain; the old name is ignored", async () => {
    const ctx = await createTestContext({ env: { PUBLIUS_PUBLIC_URL: "https://publius.example" } });
    const app = await buildApp(ctx, { logger: createLogger("silent") });
    try {
      const page = await app.inject({ method: "GET", url: "/signin" });
      const header = [page.headers["set-cookie"] ?? []].flat().find((c) => c.includes("publius_csrf")) ?? "";
      assert.match(header, /^__Host-publius_csrf=/);
      assert.match(header, /; Secure/);
      assert.match(header, /; Path=\//);
      assert.doesNotMatch(header, /Domain=/i);
      const token = formToken(page);
      const value = /^__Host-publius_csrf=([^;]*)/.exec(header)?.[1] ?? "";
      // The right cookie and token pass the CSRF rule (the sign-in then fails on the password)...
      const post = (cookies: Record<string, string>) =>
        app.inject({
          method: "POST",
          url: "/signin",
          cookies,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          payload: new URLSearchParams({ csrf: token ?? "", handle: "nobody", password: "x" }).toString(),
        });
      assert.equal((await post({ "__Host-publius_csrf": value })).statusCode, 401);
      // ...and the same cookie under a name any page could set is not read at all.
      assert.equal((await post({ publius_csrf: value })).statusCode, 403);

      // The session cookie is __Host- too, and signing out clears it with the same attributes.
      await ctx.services.accounts.register({ handle: "hosted", password: "correct horse battery staple" });
      const signIn = await app.inject({
        method: "POST",
        url: "/signin",
        cookies: { "__Host-publius_csrf": value },
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({
          csrf: token ?? "",
          handle: "hosted",
          password: "correct horse battery staple",
        }).toString(),
      });
      assert.equal(signIn.statusCode, 303, signIn.body);
      const cookies = [signIn.headers["set-cookie"] ?? []].flat();
      const session = cookies.find((c) => c.startsWith("__Host-publius_session=")) ?? "";
      assert.match(session, /; Secure/);
      assert.match(session, /; Path=\//);
      assert.doesNotMatch(session, /Domain=/i);
      assert.ok(
        cookies.some((c) => /^__Host-publius_csrf=;/.test(c) && c.includes("Secure")),
        "the pre-session cookie is ended",
      );
      const sessionValue = /^__Host-publius_session=([^;]*)/.exec(session)?.[1] ?? "";
      const planted = await app.inject({ method: "GET", url: "/home", cookies: { publius_session: sessionValue } });
      assert.equal(planted.statusCode, 303, "a session under the unprefixed name is not read");
    } finally {
      await app.close();
      await ctx.destroy();
    }
  });
});
