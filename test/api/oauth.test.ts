// OAuth for client apps: app registration, the consent page (signed out -> sign in -> consent -> code
// -> token) with PKCE, out-of-band codes, client credentials, revocation, scopes, the metadata
// document, and the "Authorised apps" settings tab.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { MINUTE } from "../../src/domain/clock.ts";
import { PASSWORD } from "../fixtures/accounts.ts";
import {
  ALL_SCOPES,
  type ApiSite,
  apiClient,
  appToken,
  formBody,
  pkcePair,
  type RegisteredApp,
  registerTestApp,
  useApiSite,
} from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";
import { assertEscaped, inputValue, pageText, XSS } from "../helpers/pages.ts";
import { WebClient } from "../helpers/web.ts";

const CALLBACK = "https://client.example/callback";
const OOB = "urn:ietf:wg:oauth:2.0:oob";

function authorizeUrl(app: RegisteredApp, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    scope: "read write",
    state: "xyz-123",
    ...extra,
  });
  return `/oauth/authorize?${q.toString()}`;
}

/** The hidden fields of the consent form, as the browser would send them back. */
function consentFields(html: string): Record<string, string> {
  const form = /<form method="post" action="\/oauth\/authorize"[\s\S]*?<\/form>/.exec(html)?.[0] ?? "";
  const out: Record<string, string> = {};
  for (const name of [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
  ]) {
    const v = inputValue(form, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Signs `handle` in through the web, opens the consent page and answers it. */
async function consent(
  site: ApiSite,
  app: RegisteredApp,
  handle: string,
  decision: "approve" | "deny",
  extra: Record<string, string> = {},
): Promise<{ browser: WebClient; answer: LightMyRequestResponse }> {
  const browser = new WebClient(site.app);
  const signIn = await browser.signIn(handle);
  assert.equal(signIn.statusCode, 303);
  const page = await browser.get(authorizeUrl(app, extra));
  pageText(page);
  const answer = await browser.post("/oauth/authorize", { ...consentFields(page.body), decision });
  return { browser, answer };
}

function codeFrom(res: LightMyRequestResponse): string {
  assert.equal(res.statusCode, 303, res.body);
  const location = new URL(String(res.headers.location));
  const code = location.searchParams.get("code");
  assert.ok(code, `no code in ${location}`);
  return code;
}

async function token(site: ApiSite, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const body = formBody(fields);
  return site.app.inject({
    method: "POST",
    url: "/oauth/token",
    payload: body.payload,
    headers: { ...body.headers, ...headers },
  });
}

describe("POST /api/v1/apps", () => {
  const site = useApiSite();

  test("registers an app and returns a CredentialApplication with every documented field", async () => {
    const res = await site.anonymous.post("/api/v1/apps", {
      client_name: "Tusky",
      redirect_uris: [CALLBACK, OOB],
      scopes: "read write follow",
      website: "https://tusky.example",
    });
    assert.equal(res.statusCode, 200);
    const app = res.json();
    assert.deepEqual(Object.keys(app).sort(), [
      "client_id",
      "client_secret",
      "client_secret_expires_at",
      "id",
      "name",
      "redirect_uri",
      "redirect_uris",
      "scopes",
      "vapid_key",
      "website",
    ]);
    assert.equal(typeof app.id, "string");
    assert.equal(app.name, "Tusky");
    assert.equal(app.website, "https://tusky.example/");
    assert.deepEqual(app.scopes, ["read", "write", "follow"]);
    assert.deepEqual(app.redirect_uris, [CALLBACK, OOB]);
    assert.equal(app.redirect_uri, `${CALLBACK}\n${OOB}`);
    // The instance's VAPID public key (an uncompressed P-256 point, base64url), as Mastodon sends it.
    assert.equal(app.vapid_key, site.ctx.services.push.serverKey());
    assert.equal(Buffer.from(app.vapid_key, "base64url").length, 65);
    assert.equal(app.client_secret_expires_at, 0);
    assert.match(app.client_id, /^[A-Za-z0-9_-]{20,}$/);
    assert.match(app.client_secret, /^[A-Za-z0-9_-]{20,}$/);
    // Only hashes of the secret are kept.
    assert.equal(await rowCount(site.ctx, "oauth_apps", { client_secret_hash: app.client_secret }), 0);
  });

  test("takes form fields too, with scopes defaulting to read and a nullable website", async () => {
    const body = formBody({ client_name: "Form app", redirect_uris: OOB });
    const res = await site.app.inject({ method: "POST", url: "/api/v1/apps", ...body });
    assert.equal(res.statusCode, 200);
    const app = res.json();
    assert.deepEqual(app.scopes, ["read"]);
    assert.equal(app.website, null);
    assert.deepEqual(app.redirect_uris, [OOB]);
  });

  test("refuses a missing name, missing or relative redirect URIs and unknown scopes with 422", async () => {
    for (const body of [
      { redirect_uris: CALLBACK },
      { client_name: "x" },
      { client_name: "x", redirect_uris: "/relative" },
      { client_name: "x", redirect_uris: CALLBACK, scopes: "read admin:everything" },
      { client_name: ["a", "b"], redirect_uris: CALLBACK },
    ]) {
      const res = await site.anonymous.post("/api/v1/apps", body);
      assert.equal(res.statusCode, 422, JSON.stringify(body));
      assert.equal(typeof res.json().error, "string");
    }
    assert.equal(await rowCount(site.ctx, "oauth_apps"), 0);
  });

  test("verify_credentials answers any token with the Application, and 401 without one", async () => {
    const app = await registerTestApp(site.ctx, { name: "Verifier", scopes: "read" });
    const appOnly = await appToken(site.ctx, { app, scopes: "read" });
    const alice = await site.user("alice");
    for (const t of [appOnly, alice.token]) {
      const res = await site.anonymous.get("/api/v1/apps/verify_credentials", { token: t });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      for (const key of ["id", "name", "website", "scopes", "redirect_uri", "redirect_uris", "vapid_key"]) {
        assert.ok(key in body, key);
      }
      assert.ok(!("client_secret" in body), "the secret is never shown again");
    }
    const none = await site.anonymous.get("/api/v1/apps/verify_credentials");
    assert.equal(none.statusCode, 401);
    assert.deepEqual(none.json(), { error: "The access token is invalid" });
    const bad = await site.anonymous.get("/api/v1/apps/verify_credentials", { token: "nope" });
    assert.equal(bad.statusCode, 401);
  });
});

describe("authorization code flow", () => {
  const site = useApiSite();

  test("signed out -> sign in -> consent -> code -> token with PKCE, and the token works", async () => {
    const alice = await site.user("alice");
    const app = await registerTestApp(site.ctx, { name: "Ivory", redirectUri: CALLBACK });
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl(app, { code_challenge: challenge, code_challenge_method: "S256" });

    const browser = new WebClient(site.app);
    const first = await browser.get(url);
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, `/signin?next=${encodeURIComponent(url)}`);

    const signIn = await browser.post("/signin", { handle: "alice", password: PASSWORD, next: url });
    assert.equal(signIn.statusCode, 303);
    assert.equal(signIn.headers.location, url);

    const page = await browser.get(url);
    const text = pageText(page);
    assert.match(text, /Authorise Ivory\?/);
    assert.match(text, /@alice/);
    assert.match(text, /Read everything in your account/);
    assert.match(text, /Act as you: publish, edit and delete posts/);
    assert.match(text, /your browser goes back to client\.example/);
    assert.equal(inputValue(page.body, "csrf"), browser.csrf, "the form carries the CSRF token");
    assert.match(page.body, /<button type="submit" name="decision" value="approve">Authorise Ivory<\/button>/);
    assert.match(page.body, /<button type="submit" name="decision" value="deny"/);
    // The form's redirect to the app must not be blocked by form-action.
    assert.match(String(page.headers["content-security-policy"]), /form-action 'self' https:\/\/client\.example;/);

    const answer = await browser.post("/oauth/authorize", { ...consentFields(page.body), decision: "approve" });
    const location = new URL(String(answer.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, CALLBACK);
    assert.equal(location.searchParams.get("state"), "xyz-123");
    const code = codeFrom(answer);

    // A public client with PKCE: no secret needed.
    const res = await token(site, {
      grant_type: "authorization_code",
      code,
      client_id: app.clientId,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    assert.equal(res.statusCode, 200, res.body);
    const t = res.json();
    assert.deepEqual(Object.keys(t).sort(), ["access_token", "created_at", "scope", "token_type"]);
    assert.equal(t.token_type, "Bearer");
    assert.equal(t.scope, "read write");
    // Coarse on purpose: midnight UTC of the day the token was made.
    assert.equal(t.created_at, Date.parse("2026-03-14T00:00:00Z") / 1000);
    assert.equal(res.headers["cache-control"], "private, no-store");

    const me = await apiClient(site.app, t.access_token).get("/api/v1/accounts/verify_credentials");
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().id, alice.account.id);

    // Single use: the same code again is refused.
    const again = await token(site, {
      grant_type: "authorization_code",
      code,
      client_id: app.clientId,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error, "invalid_grant");
    assert.equal(typeof again.json().error_description, "string");
  });

  test("an authorization without a scope parameter grants read", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK, scopes: "read write" });
    const browser = new WebClient(site.app);
    await browser.signIn("alice");
    const q = new URLSearchParams({ response_type: "code", client_id: app.clientId, redirect_uri: CALLBACK });
    const page = await browser.get(`/oauth/authorize?${q.toString()}`);
    assert.deepEqual(consentFields(page.body).scope, "read");
    const answer = await browser.post("/oauth/authorize", { ...consentFields(page.body), decision: "approve" });
    const res = await token(site, {
      grant_type: "authorization_code",
      code: codeFrom(answer),
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: CALLBACK,
    });
    assert.equal(res.json().scope, "read");
    assert.equal(new URL(String(answer.headers.location)).searchParams.get("state"), null, "no state sent, none added");
  });

  test("a wrong PKCE verifier is refused and burns the code", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const { verifier, challenge } = pkcePair();
    const { answer } = await consent(site, app, "alice", "approve", {
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const code = codeFrom(answer);
    const wrong = await token(site, {
      grant_type: "authorization_code",
      code,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: CALLBACK,
      code_verifier: pkcePair().verifier,
    });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error, "invalid_grant");
    const right = await token(site, {
      grant_type: "authorization_code",
      code,
      client_id: app.clientId,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    assert.equal(right.statusCode, 400, "the code was consumed by the failed attempt");
  });

  test("a code exchanged by 12 parallel requests mints exactly one token (finding 9.13)", async () => {
    const alice = await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const code = codeFrom((await consent(site, app, "alice", "approve")).answer);
    const before = await rowCount(site.ctx, "oauth_tokens");
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        token(site, {
          grant_type: "authorization_code",
          code,
          client_id: app.clientId,
          client_secret: app.clientSecret,
          redirect_uri: CALLBACK,
        }),
      ),
    );
    const ok = answers.filter((r) => r.statusCode === 200);
    assert.equal(ok.length, 1, `answers: ${answers.map((r) => r.statusCode).join(", ")}`);
    for (const r of answers) if (r.statusCode !== 200) assert.equal(r.json().error, "invalid_grant");
    assert.equal((await rowCount(site.ctx, "oauth_tokens")) - before, 1, "one token row");
    assert.ok(alice.account.id);
  });

  test("an expired code is refused", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const code = codeFrom((await consent(site, app, "alice", "approve")).answer);
    site.ctx.clock.advance(11 * MINUTE);
    const res = await token(site, {
      grant_type: "authorization_code",
      code,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: CALLBACK,
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, "invalid_grant");
  });

  test("without PKCE the client secret is required, by body or HTTP Basic", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const fields = (code: string) => ({
      grant_type: "authorization_code",
      code,
      client_id: app.clientId,
      redirect_uri: CALLBACK,
    });
    const noSecret = await token(site, fields(codeFrom((await consent(site, app, "alice", "approve")).answer)));
    assert.equal(noSecret.statusCode, 401);
    assert.equal(noSecret.json().error, "invalid_client");

    const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}`;
    const code = codeFrom((await consent(site, app, "alice", "approve")).answer);
    const { client_id: _omit, ...withoutId } = fields(code);
    const viaBasic = await token(site, withoutId, { authorization: basic });
    assert.equal(viaBasic.statusCode, 200, viaBasic.body);

    // JSON bodies work as well as forms.
    const json = await site.anonymous.post("/oauth/token", {
      ...fields(codeFrom((await consent(site, app, "alice", "approve")).answer)),
      client_secret: app.clientSecret,
    });
    assert.equal(json.statusCode, 200, json.body);

    const badBasic = `Basic ${Buffer.from(`${app.clientId}:wrong`).toString("base64")}`;
    const wrong = await token(site, withoutId, { authorization: badBasic });
    assert.equal(wrong.statusCode, 401);
    assert.match(String(wrong.headers["www-authenticate"]), /^Basic/);
  });

  test("a code only works with the redirect URI and client it was issued for", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const other = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const code = codeFrom((await consent(site, app, "alice", "approve")).answer);
    const res = await token(site, {
      grant_type: "authorization_code",
      code,
      client_id: other.clientId,
      client_secret: other.clientSecret,
      redirect_uri: CALLBACK,
    });
    assert.equal(res.json().error, "invalid_grant");
    const code2 = codeFrom((await consent(site, app, "alice", "approve")).answer);
    const res2 = await token(site, {
      grant_type: "authorization_code",
      code: code2,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: "https://client.example/other",
    });
    assert.equal(res2.json().error, "invalid_grant");
  });

  test("denying redirects with error=access_denied and the state, and issues nothing", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const { answer } = await consent(site, app, "alice", "deny");
    assert.equal(answer.statusCode, 303);
    const location = new URL(String(answer.headers.location));
    assert.equal(location.searchParams.get("error"), "access_denied");
    assert.equal(location.searchParams.get("state"), "xyz-123");
    assert.equal(location.searchParams.get("code"), null);
    assert.equal(await rowCount(site.ctx, "oauth_codes"), 0);
  });

  test("out-of-band: the code is shown on a page, and exchanges with the secret", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { name: "Terminal client", redirectUri: OOB });
    const { answer } = await consent(site, app, "alice", "approve");
    const text = pageText(answer);
    assert.match(text, /Copy this code into Terminal client/);
    const code = inputValue(answer.body, "code");
    assert.ok(code);
    const res = await site.anonymous.post("/oauth/token", {
      grant_type: "authorization_code",
      code,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: OOB,
    });
    assert.equal(res.statusCode, 200, res.body);

    const denied = await consent(site, app, "alice", "deny");
    assert.match(pageText(denied.answer), /Terminal client did not get access/);
  });

  test("an unknown client or an unregistered redirect URI is shown on a page, never redirected", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const browser = new WebClient(site.app);
    await browser.signIn("alice");
    for (const url of [
      authorizeUrl({ ...app, clientId: "no-such-client" }),
      authorizeUrl({ ...app, redirectUri: "https://evil.example/steal" }),
      authorizeUrl(app, { redirect_uri: "" }),
    ]) {
      const res = await browser.get(url);
      assert.equal(res.statusCode, 400);
      assert.equal(res.headers.location, undefined, "no redirect");
      assert.match(pageText(res, 400), /This authorisation request cannot be used/);
    }
    // The same when the form is posted.
    const posted = await browser.post("/oauth/authorize", {
      response_type: "code",
      client_id: app.clientId,
      redirect_uri: "https://evil.example/steal",
      decision: "approve",
    });
    assert.equal(posted.statusCode, 400);
    assert.equal(posted.headers.location, undefined);
    assert.equal(await rowCount(site.ctx, "oauth_codes"), 0);
  });

  test("a scope beyond the app's, or another response type, is redirected back as an error", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK, scopes: "read" });
    const browser = new WebClient(site.app);
    await browser.signIn("alice");
    const scope = await browser.get(authorizeUrl(app, { scope: "read write" }));
    assert.equal(scope.statusCode, 302);
    const s = new URL(String(scope.headers.location));
    assert.equal(s.searchParams.get("error"), "invalid_scope");
    assert.equal(s.searchParams.get("state"), "xyz-123");

    const type = await browser.get(authorizeUrl(app, { scope: "read", response_type: "token" }));
    assert.equal(new URL(String(type.headers.location)).searchParams.get("error"), "unsupported_response_type");

    const plain = await browser.get(
      authorizeUrl(app, { scope: "read", code_challenge: "x".repeat(43), code_challenge_method: "plain" }),
    );
    assert.equal(new URL(String(plain.headers.location)).searchParams.get("error"), "invalid_request");
  });

  test("the consent form is CSRF-protected and answers a forged post with a page", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const browser = new WebClient(site.app);
    await browser.signIn("alice");
    const page = await browser.get(authorizeUrl(app));
    const res = await browser.post(
      "/oauth/authorize",
      { ...consentFields(page.body), decision: "approve" },
      { csrf: "" },
    );
    assert.equal(res.statusCode, 403);
    assert.match(pageText(res, 403), /did not come from this site/);
    assert.equal(await rowCount(site.ctx, "oauth_codes"), 0);
  });

  test("force_login asks to sign in again and then continues without it", async () => {
    await site.user("alice");
    await site.user("bob");
    const app = await registerTestApp(site.ctx, { redirectUri: CALLBACK });
    const browser = new WebClient(site.app);
    await browser.signIn("alice");
    const res = await browser.get(authorizeUrl(app, { force_login: "true" }));
    const text = pageText(res);
    assert.match(text, /Sign in/);
    const next = inputValue(res.body, "next") ?? "";
    assert.ok(next.startsWith("/oauth/authorize?") && !next.includes("force_login"), next);
    const signIn = await browser.post("/signin", { handle: "bob", password: PASSWORD, next });
    assert.equal(signIn.headers.location, next);
    const page = await browser.get(next);
    assert.match(pageText(page), /@bob/);
  });

  test("the app's name is escaped on the consent page", async () => {
    await site.user("alice");
    const app = await registerTestApp(site.ctx, { name: XSS, redirectUri: CALLBACK });
    const browser = new WebClient(site.app);
    await browser.signIn("alice");
    const page = await browser.get(authorizeUrl(app));
    assertEscaped(page.body, XSS, "the consent page");
  });
});

describe("client credentials, revocation and scopes", () => {
  const site = useApiSite();

  test("client_credentials gives an app token within the app's scopes", async () => {
    const app = await registerTestApp(site.ctx, { scopes: "read write:accounts" });
    const res = await token(site, {
      grant_type: "client_credentials",
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: "read",
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().scope, "read");
    const t = res.json().access_token;
    const verify = await site.anonymous.get("/api/v1/apps/verify_credentials", { token: t });
    assert.equal(verify.statusCode, 200);
    // An app token on a user endpoint.
    const me = await site.anonymous.get("/api/v1/accounts/verify_credentials", { token: t });
    assert.equal(me.statusCode, 422);
    assert.deepEqual(me.json(), { error: "This method requires an authenticated user" });

    const beyond = await token(site, {
      grant_type: "client_credentials",
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: "write",
    });
    assert.equal(beyond.statusCode, 400);
    assert.equal(beyond.json().error, "invalid_scope");

    const wrong = await token(site, {
      grant_type: "client_credentials",
      client_id: app.clientId,
      client_secret: "wrong",
    });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(Object.keys(wrong.json()).sort(), ["error", "error_description"]);
    assert.equal(wrong.json().error, "invalid_client");

    const noSecret = await token(site, { grant_type: "client_credentials", client_id: app.clientId });
    assert.equal(noSecret.statusCode, 401);
  });

  test("without a scope parameter a token gets read, as documented", async () => {
    const app = await registerTestApp(site.ctx, { scopes: "read write" });
    const res = await token(site, {
      grant_type: "client_credentials",
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    assert.equal(res.json().scope, "read");
    const writeOnly = await registerTestApp(site.ctx, { scopes: "write" });
    const refused = await token(site, {
      grant_type: "client_credentials",
      client_id: writeOnly.clientId,
      client_secret: writeOnly.clientSecret,
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error, "invalid_scope");
  });

  test("a missing or unsupported grant type is a 400 in RFC 6749 shape", async () => {
    const app = await registerTestApp(site.ctx);
    const missing = await token(site, { client_id: app.clientId, client_secret: app.clientSecret });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error, "invalid_request");
    for (const grant of ["password", "refresh_token", "implicit"]) {
      const res = await token(site, {
        grant_type: grant,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        username: "alice",
        password: PASSWORD,
      });
      assert.equal(res.statusCode, 400, grant);
      assert.equal(res.json().error, "unsupported_grant_type");
    }
  });

  test("revoking a token ends it; revoking is idempotent; others cannot revoke", async () => {
    const app = await registerTestApp(site.ctx);
    const alice = await site.user("alice");
    const issued = await site.ctx.services.oauth.issue(app.id, alice.account.id, ["read"]);
    const api = apiClient(site.app, issued.token);
    assert.equal((await api.get("/api/v1/accounts/verify_credentials")).statusCode, 200);

    const other = await registerTestApp(site.ctx);
    const foreign = await site.anonymous.post("/oauth/revoke", {
      client_id: other.clientId,
      client_secret: other.clientSecret,
      token: issued.token,
    });
    assert.equal(foreign.statusCode, 200);
    assert.equal(
      (await api.get("/api/v1/accounts/verify_credentials")).statusCode,
      200,
      "another app cannot revoke it",
    );

    const noSecret = await site.anonymous.post("/oauth/revoke", { client_id: app.clientId, token: issued.token });
    assert.equal(noSecret.statusCode, 403);
    assert.equal(noSecret.json().error, "unauthorized_client");

    const body = formBody({ client_id: app.clientId, client_secret: app.clientSecret, token: issued.token });
    const res = await site.app.inject({ method: "POST", url: "/oauth/revoke", ...body });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {});
    const after = await api.get("/api/v1/accounts/verify_credentials");
    assert.equal(after.statusCode, 401);
    const again = await site.app.inject({ method: "POST", url: "/oauth/revoke", ...body });
    assert.equal(again.statusCode, 200);
  });

  test("a token without the scope gets 403; no token gets 401", async () => {
    const alice = await site.user("alice", { scopes: "read" });
    const bob = await site.user("bob");
    const follow = await alice.api.post(`/api/v1/accounts/${bob.account.id}/follow`);
    assert.equal(follow.statusCode, 403);
    assert.deepEqual(follow.json(), { error: "This action is outside the authorized scopes" });
    const profileOnly = await site.user("carol", { scopes: "profile" });
    assert.equal((await profileOnly.api.get("/api/v1/accounts/verify_credentials")).statusCode, 200);
    assert.equal((await profileOnly.api.get("/api/v1/preferences")).statusCode, 403);
    const none = await site.anonymous.get("/api/v1/accounts/verify_credentials");
    assert.equal(none.statusCode, 401);
    assert.deepEqual(none.json(), { error: "The access token is invalid" });
  });

  test("the legacy follow scope grants follows, blocks and mutes", async () => {
    const alice = await site.user("alice", { scopes: "follow" });
    const bob = await site.user("bob");
    for (const action of ["follow", "block", "mute", "unmute", "unblock"]) {
      const res = await alice.api.post(`/api/v1/accounts/${bob.account.id}/${action}`);
      assert.equal(res.statusCode, 200, action);
    }
  });
});

describe("GET /.well-known/oauth-authorization-server", () => {
  const site = useApiSite();

  test("describes the endpoints as Mastodon 4.3 does", async () => {
    const res = await site.anonymous.get("/.well-known/oauth-authorization-server");
    assert.equal(res.statusCode, 200);
    const m = res.json();
    assert.equal(m.issuer, "http://publius.test/");
    assert.equal(m.authorization_endpoint, "http://publius.test/oauth/authorize");
    assert.equal(m.token_endpoint, "http://publius.test/oauth/token");
    assert.equal(m.revocation_endpoint, "http://publius.test/oauth/revoke");
    assert.equal(m.app_registration_endpoint, "http://publius.test/api/v1/apps");
    assert.deepEqual(m.response_types_supported, ["code"]);
    assert.deepEqual(m.code_challenge_methods_supported, ["S256"]);
    assert.deepEqual(m.grant_types_supported, ["authorization_code", "client_credentials"]);
    assert.deepEqual(m.token_endpoint_auth_methods_supported, ["client_secret_basic", "client_secret_post"]);
    for (const s of ALL_SCOPES.split(" ")) assert.ok(m.scopes_supported.includes(s), s);
    assert.ok(m.scopes_supported.includes("write:statuses"));
  });
});

describe("Settings: authorised apps", () => {
  const site = useApiSite();

  test("lists the apps with their scopes and first day, and revoking signs the app out", async () => {
    await site.ctx.services.accounts.register({ handle: "alice", password: PASSWORD }, { mode: "open" });
    const app = await registerTestApp(site.ctx, { name: "Phanpy", redirectUri: CALLBACK });
    const { browser, answer } = await consent(site, app, "alice", "approve");
    const res = await token(site, {
      grant_type: "authorization_code",
      code: codeFrom(answer),
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: CALLBACK,
    });
    const api = apiClient(site.app, res.json().access_token);
    assert.equal((await api.get("/api/v1/accounts/verify_credentials")).statusCode, 200);

    const page = await browser.get("/settings/apps");
    const text = pageText(page);
    assert.match(text, /Phanpy/);
    assert.match(text, /Read everything in your account/);
    assert.match(text, /Mar 14, 2026/);
    assert.match(page.body, /aria-current="page">Authorised apps</);

    const revoked = await browser.post(`/settings/apps/${app.id}/revoke`);
    assert.equal(revoked.statusCode, 303);
    assert.equal(revoked.headers.location, "/settings/apps?notice=apprevoked");
    assert.equal((await api.get("/api/v1/accounts/verify_credentials")).statusCode, 401);
    const after = await browser.get(String(revoked.headers.location));
    const afterText = pageText(after);
    assert.match(afterText, /The app no longer has access to your account\./);
    assert.doesNotMatch(afterText, /Phanpy/);

    assert.match(afterText, /No app has access to your account\./);
    // Revoking again finds nothing; a forged form is refused.
    assert.equal((await browser.post(`/settings/apps/${app.id}/revoke`)).statusCode, 404);
    const forged = await browser.post(`/settings/apps/${app.id}/revoke`, {}, { csrf: "" });
    assert.equal(forged.statusCode, 403);
  });

  test("signed out, the tab asks to sign in", async () => {
    const res = await new WebClient(site.app).get("/settings/apps");
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/signin?next=${encodeURIComponent("/settings/apps")}`);
  });
});
