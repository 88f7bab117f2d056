// Open registration behind a proof of work (issue 4, item 3): the page carries a signed challenge
// that the browser's script solves; without a solution an invite code admits and a reason makes an
// application for the staff; with neither the page explains both. The signing key stays in memory.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, test } from "node:test";
import { CHALLENGE_LIFETIME, solveChallenge } from "../../src/services/accounts/signup-challenge.ts";
import { SECRETS_KEY_FILE } from "../../src/services/legal/secret-box.ts";
import { PASSWORD } from "../fixtures/accounts.ts";
import { apiClient, appToken, useApiSite } from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";
import { assertRedirect, inputValue, pageText } from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { useSite, type WebClient } from "../helpers/web.ts";

const BITS = 8;

/** The challenge on a freshly served sign-up page. */
async function challengeFor(client: WebClient): Promise<string> {
  const page = await client.get("/signup");
  const challenge = inputValue(page.body, "pow_challenge");
  assert.ok(challenge, "the sign-up page carries a challenge");
  return challenge;
}

describe("open registration with proof of work", () => {
  const site = useSite({ env: { PUBLIUS_SIGNUP_POW_BITS: String(BITS) } });

  test("the page carries a signed challenge, the script, and the alternatives for a browser without JavaScript", async () => {
    const res = await site.web.client().get("/signup");
    const text = pageText(res);
    const challenge = inputValue(res.body, "pow_challenge") ?? "";
    assert.match(challenge, /^[\w-]{22}\.\d+\.8\.[\w-]{43}$/);
    assert.match(res.body, /<form method="post" action="\/signup" data-pow-bits="8">/);
    assert.match(res.body, /<script src="\/static\/pow\.js" defer><\/script>/);
    assert.match(res.body, /<noscript>[\s\S]*invite code[\s\S]*approval[\s\S]*<\/noscript>/);
    assert.ok(res.body.includes('name="invite"') && res.body.includes('name="reason"'));
    assert.match(text, /Without JavaScript/);
    // Each page gets a challenge of its own.
    assert.notEqual(await challengeFor(site.web.client()), challenge);

    const script = await site.web.client().get("/static/pow.js");
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers["content-type"]), /^text\/javascript/);
    assert.match(script.body, /crypto\.subtle\.digest\("SHA-256"/);
  });

  test("a solved challenge admits at once, and only once", async () => {
    const client = site.web.client();
    const challenge = await challengeFor(client);
    const counter = solveChallenge(challenge, BITS);
    const proof = { pow_challenge: challenge, pow_counter: counter };
    assertRedirect(await client.signUp("ALT_USCIS", PASSWORD, proof), "/home");
    assert.equal((await site.ctx.services.accounts.byHandle("ALT_USCIS"))?.state, "active");

    // The same proof again: refused, nothing written, and the form has a fresh challenge.
    const before = await snapshot(site.ctx);
    const again = await site.web.client().signUp("ALT_NPS", PASSWORD, proof);
    assert.match(pageText(again, 422), /expired or was already used/);
    assert.notEqual(inputValue(again.body, "pow_challenge"), challenge);
    assert.equal(inputValue(again.body, "handle"), "ALT_NPS");
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("an expired, forged or wrong proof is refused", async () => {
    const client = site.web.client();
    const before = await snapshot(site.ctx);

    const expired = await challengeFor(client);
    const expiredCounter = solveChallenge(expired, BITS);
    site.ctx.clock.advance(CHALLENGE_LIFETIME + 1000);
    let res = await client.signUp("ALT_NPS", PASSWORD, { pow_challenge: expired, pow_counter: expiredCounter });
    assert.match(pageText(res, 422), /expired or was already used/);

    // Forged: an easier difficulty or a later expiry breaks the signature; so does a made-up one.
    const real = await challengeFor(client);
    const [nonce, expires, , signature] = real.split(".");
    for (const forged of [
      `${nonce}.${expires}.0.${signature}`,
      `${nonce}.${Number(expires) + 3_600_000}.${BITS}.${signature}`,
      `${nonce}.${expires}.${BITS}.${"A".repeat(43)}`,
      "not-a-challenge",
    ]) {
      res = await client.signUp("ALT_NPS", PASSWORD, {
        pow_challenge: forged,
        pow_counter: solveChallenge(forged, BITS),
      });
      assert.equal(res.statusCode, 422, forged);
    }
    // A counter that does not solve it.
    let wrong = 0;
    while (solveChallenge(real, BITS) === String(wrong)) wrong += 1;
    res = await client.signUp("ALT_NPS", PASSWORD, { pow_challenge: real, pow_counter: String(wrong) });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("without a proof, a valid invite code admits", async () => {
    const invite = await site.ctx.services.invites.create(null, { maxUses: 1 });
    const client = site.web.client();
    await challengeFor(client);
    assertRedirect(await client.signUp("erin", PASSWORD, { invite: invite.code }), "/home");
    assert.equal((await site.ctx.services.accounts.byHandle("erin"))?.state, "active");
    // A code that is not valid is named as such.
    const res = await site.web.client().signUp("frank", PASSWORD, { invite: "not-a-code" });
    assert.match(pageText(res, 422), /That invite code is not valid\./);
  });

  test("without a proof, a reason makes an application that waits for the staff", async () => {
    const res = await site.web.client().signUp("RogueNOAA", PASSWORD, { reason: "I study the climate" });
    assertRedirect(res, "/signin?notice=pending");
    const account = await site.ctx.services.accounts.byHandle("RogueNOAA");
    assert.equal(account?.state, "pending");
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: account?.id as string }), 0);
  });

  test("with neither a proof, an invite nor a reason: 422 naming the options, nothing written", async () => {
    const before = await snapshot(site.ctx);
    const res = await site.web.client().signUp("RogueNOAA");
    const text = pageText(res, 422);
    assert.match(text, /Without JavaScript, this server needs an invite code, or a few words to the staff/);
    assert.equal(inputValue(res.body, "handle"), "RogueNOAA");
    assert.ok(inputValue(res.body, "pow_challenge"), "a fresh challenge for the next attempt");
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("the signing key and the challenges are never written: nothing in the data folder or the database", async () => {
    const client = site.web.client();
    const challenge = await challengeFor(client);
    assertRedirect(
      await client.signUp("ALT_USCIS", PASSWORD, {
        pow_challenge: challenge,
        pow_counter: solveChallenge(challenge, BITS),
      }),
      "/home",
    );
    const other = site.web.client();
    await other.signUp("RogueNOAA", PASSWORD, { reason: "hello", pow_challenge: await challengeFor(other) });
    // Only the data folder's key file (secrets.key, which the form tokens derive their key from:
    // csrf.ts); nothing about the proof of work.
    assert.deepEqual(
      readdirSync(site.ctx.dataDir, { recursive: true }).filter((f) => f !== SECRETS_KEY_FILE),
      [],
    );
    const stored = JSON.stringify(await snapshot(site.ctx));
    for (const part of challenge.split(".")) {
      if (part.length > 4) assert.ok(!stored.includes(part), "no part of a challenge is stored");
    }
  });
});

describe("the API, which cannot solve the puzzle, takes the same fallback", () => {
  const site = useApiSite({ env: { PUBLIUS_SIGNUP_POW_BITS: String(BITS) } });
  const body = (username: string, extra: Record<string, string> = {}) => ({
    username,
    email: "x@example.org",
    password: PASSWORD,
    agreement: true,
    locale: "en",
    ...extra,
  });

  test("a reason applies, an invite code admits, neither is refused", async () => {
    const api = apiClient(site.app, await appToken(site.ctx));
    let res = await api.post("/api/v1/accounts", body("ALT_USCIS"));
    assert.equal(res.statusCode, 422, res.body);
    assert.match(res.json().error, /reason/);
    res = await api.post("/api/v1/accounts", body("RogueNOAA", { reason: "I study the climate" }));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await site.ctx.services.accounts.byHandle("RogueNOAA"))?.state, "pending");
    const invite = await site.ctx.services.invites.create(null, { maxUses: 1 });
    res = await api.post("/api/v1/accounts", body("erin", { invite_code: invite.code }));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await site.ctx.services.accounts.byHandle("erin"))?.state, "active");
  });
});

describe("proof of work switched off or not applicable", () => {
  describe("PUBLIUS_SIGNUP_POW_BITS=0", () => {
    const site = useSite({ env: { PUBLIUS_SIGNUP_POW_BITS: "0" } });
    test("open registration needs no proof and the page has no script", async () => {
      const page = await site.web.client().get("/signup");
      assert.ok(!page.body.includes("pow_challenge") && !page.body.includes("<script"));
      assertRedirect(await site.web.client().signUp("ALT_USCIS"), "/home");
    });
  });

  describe("invite mode", () => {
    const site = useSite({ env: { PUBLIUS_REGISTRATION: "invite", PUBLIUS_SIGNUP_POW_BITS: String(BITS) } });
    test("keeps asking for an invite code, with no puzzle", async () => {
      const page = await site.web.client().get("/signup");
      assert.ok(!page.body.includes("pow_challenge"));
      assert.match(pageText(await site.web.client().signUp("ALT_USCIS"), 422), /An invite code is needed/);
    });
  });
});
